package scan_test

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/scan"
	"github.com/kakehashi/kakehashi/scan/scantest"
)

// TestClamd runs the conformance suite against a real clamd over both of
// its listeners, plus clamd's own size limit.
func TestClamd(t *testing.T) {
	t.Parallel()
	srv := scantest.StartClamd(t)
	for _, network := range []string{"unix", "tcp"} {
		t.Run(network, func(t *testing.T) {
			t.Parallel()
			scantest.Conformance(t, srv.Scanner(network))
		})
	}
	t.Run("ping", func(t *testing.T) {
		t.Parallel()
		if err := srv.Scanner("tcp").Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("small-chunks", func(t *testing.T) {
		t.Parallel()
		c := srv.Scanner("unix")
		c.ChunkSize = 7 // the payload spans many chunks; clamd joins them
		p := scantest.Payload()
		scantest.Check(t, c.Scan(context.Background(), bytes.NewReader(p), int64(len(p))), c.Name(), scan.Infected, scantest.Signature)
	})
	// clamd's StreamMaxLength: clamd answers "INSTREAM size limit exceeded"
	// and hangs up. That is not a verdict on the file, so Failed.
	t.Run("over-StreamMaxLength", func(t *testing.T) {
		t.Parallel()
		c := srv.Scanner("unix")
		data := make([]byte, scantest.StreamMaxLength+1)
		res := c.Scan(context.Background(), bytes.NewReader(data), int64(len(data)))
		scantest.Check(t, res, c.Name(), scan.Failed, "")
		if !strings.Contains(res.Detail, "size limit") {
			t.Errorf("Detail %q does not mention the size limit", res.Detail)
		}
	})
	t.Run("at-StreamMaxLength", func(t *testing.T) {
		t.Parallel()
		c := srv.Scanner("tcp")
		data := make([]byte, scantest.StreamMaxLength)
		scantest.Check(t, c.Scan(context.Background(), bytes.NewReader(data), int64(len(data))), c.Name(), scan.Clean, "")
	})
	// MaxSize refuses before connecting, so a too-large file is not even
	// uploaded.
	t.Run("MaxSize", func(t *testing.T) {
		t.Parallel()
		c := srv.Scanner("unix")
		c.MaxSize = 10
		c.Dial = func(context.Context, string, string) (net.Conn, error) {
			t.Error("dialled despite MaxSize")
			return nil, net.ErrClosed
		}
		scantest.Check(t, c.Scan(context.Background(), bytes.NewReader(make([]byte, 11)), 11), c.Name(), scan.Failed, "")
	})
	t.Run("MaxSize-unknown-size", func(t *testing.T) {
		t.Parallel()
		c := srv.Scanner("unix")
		c.MaxSize = 10
		scantest.Check(t, c.Scan(context.Background(), bytes.NewReader(make([]byte, 11)), -1), c.Name(), scan.Failed, "")
	})
}

// TestClamdDown checks that an unreachable clamd is Failed, never Clean.
func TestClamdDown(t *testing.T) {
	t.Parallel()
	for _, c := range []*scan.Clamd{
		{Network: "tcp", Address: scantest.ClosedAddr(t)},
		{Network: "unix", Address: filepath.Join(t.TempDir(), "missing.sock")},
	} {
		t.Run(c.Network, func(t *testing.T) {
			t.Parallel()
			res := c.Scan(context.Background(), strings.NewReader("hello"), 5)
			scantest.Check(t, res, "clamd", scan.Failed, "")
			if err := c.Ping(context.Background()); err == nil {
				t.Error("Ping succeeded")
			}
		})
	}
}

// TestClamdStopped stops a real clamd that was working, then scans.
func TestClamdStopped(t *testing.T) {
	t.Parallel()
	srv := scantest.StartClamd(t)
	c := srv.Scanner("tcp")
	scantest.Check(t, c.Scan(context.Background(), strings.NewReader("hello"), 5), c.Name(), scan.Clean, "")
	srv.Stop()
	scantest.Check(t, c.Scan(context.Background(), strings.NewReader("hello"), 5), c.Name(), scan.Failed, "")
	u := srv.Scanner("unix")
	scantest.Check(t, u.Scan(context.Background(), strings.NewReader("hello"), 5), u.Name(), scan.Failed, "")
}
