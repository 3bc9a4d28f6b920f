package scan_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/scan"
	"github.com/kakehashi/kakehashi/scan/scantest"
)

// TestICAP runs the conformance suite against a real c-icap whose
// virus_scan service asks a real clamd.
func TestICAP(t *testing.T) {
	t.Parallel()
	clamd := scantest.StartClamd(t)
	srv := scantest.StartCICAP(t, clamd.Socket)
	t.Run("conformance", func(t *testing.T) {
		t.Parallel()
		scantest.Conformance(t, srv.Scanner())
	})
	t.Run("options", func(t *testing.T) {
		t.Parallel()
		o, err := srv.Scanner().Options(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(o.Methods, "RESPMOD") || !o.Allow204 || o.ISTag == "" || o.Preview < 0 {
			t.Errorf("options = %+v, want RESPMOD, Allow 204, an ISTag and a Preview size", o)
		}
	})
	t.Run("unknown-service", func(t *testing.T) {
		t.Parallel()
		c := srv.Scanner()
		c.Service = "nosuchservice"
		res := c.Scan(context.Background(), strings.NewReader("hello"), 5)
		scantest.Check(t, res, c.Name(), scan.Failed, "")
		if err := c.Ping(context.Background()); err == nil {
			t.Error("Ping of a missing service succeeded")
		}
	})
	// Above virus_scan.MaxObjectSize c-icap does not scan: it echoes the
	// file back with 200, which is Failed because only 204 is a clean
	// verdict. It could as well have said 204, so MaxSize refuses such
	// files before sending.
	t.Run("over-MaxObjectSize", func(t *testing.T) {
		t.Parallel()
		c := srv.Scanner()
		data := make([]byte, scantest.CICAPMaxObjectSize+1)
		scantest.Check(t, c.Scan(context.Background(), bytes.NewReader(data), int64(len(data))), c.Name(), scan.Failed, "")
	})
	t.Run("at-MaxObjectSize", func(t *testing.T) {
		t.Parallel()
		c := srv.Scanner()
		data := make([]byte, scantest.CICAPMaxObjectSize)
		scantest.Check(t, c.Scan(context.Background(), bytes.NewReader(data), int64(len(data))), c.Name(), scan.Clean, "")
	})
	t.Run("MaxSize", func(t *testing.T) {
		t.Parallel()
		c := srv.Scanner()
		c.MaxSize = scantest.CICAPMaxObjectSize
		data := make([]byte, scantest.CICAPMaxObjectSize+1)
		res := c.Scan(context.Background(), bytes.NewReader(data), -1)
		scantest.Check(t, res, c.Name(), scan.Failed, "")
		if !strings.Contains(res.Detail, "size limit") {
			t.Errorf("Detail %q does not mention the size limit", res.Detail)
		}
	})
}

// TestICAPEngineDown stops the clamd behind c-icap: c-icap then answers an
// error (virus_scan.PassOnError off), which must be Failed, never Clean.
func TestICAPEngineDown(t *testing.T) {
	t.Parallel()
	clamd := scantest.StartClamd(t)
	srv := scantest.StartCICAP(t, clamd.Socket)
	c := srv.Scanner()
	scantest.Check(t, c.Scan(context.Background(), strings.NewReader("hello"), 5), c.Name(), scan.Clean, "")
	clamd.Stop()
	scantest.Check(t, c.Scan(context.Background(), strings.NewReader("hello"), 5), c.Name(), scan.Failed, "")
}

// TestICAPDown checks that an unreachable ICAP server is Failed.
func TestICAPDown(t *testing.T) {
	t.Parallel()
	c := &scan.ICAP{Address: scantest.ClosedAddr(t), Service: "avscan"}
	scantest.Check(t, c.Scan(context.Background(), strings.NewReader("hello"), 5), "icap", scan.Failed, "")
	if _, err := c.Options(context.Background()); err == nil {
		t.Error("Options succeeded")
	}
}

// TestICAPConfig checks that addresses and services that could inject into
// the request line are refused before anything is sent.
func TestICAPConfig(t *testing.T) {
	t.Parallel()
	for _, c := range []*scan.ICAP{
		{Address: "127.0.0.1", Service: "avscan"},
		{Address: "127.0.0.1:1344", Service: ""},
		{Address: "127.0.0.1:1344", Service: "avscan ICAP/1.0\r\nX-Evil: 1"},
		{Address: "127.0.0.1:1344\r\n", Service: "avscan"},
	} {
		res := c.Scan(context.Background(), strings.NewReader("hello"), 5)
		if res.Verdict != scan.Failed || !strings.Contains(res.Detail, "invalid") {
			t.Errorf("%q %q: got %v, want failed (invalid …)", c.Address, c.Service, res)
		}
	}
}
