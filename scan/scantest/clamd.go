package scantest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/scan"
)

// StreamMaxLength is the clamd limit StartClamd configures, small so that
// the size-limit test sends little.
const StreamMaxLength = 1 << 20

// Clamd is a running clamd listening on a Unix socket and on loopback TCP.
type Clamd struct {
	Socket string // LocalSocket path
	Addr   string // TCPAddr:TCPSocket, 127.0.0.1:port
	p      *process
}

// StartClamd starts clamd (Debian package clamav-daemon) with a fresh
// database holding only Payload's signature and waits until it answers
// PING. It is stopped at cleanup.
func StartClamd(tb testing.TB) *Clamd {
	tb.Helper()
	bin := testtool.Path(tb, "/usr/sbin/clamd", "clamav-daemon")
	dir := tempDir(tb)
	db := DB(tb, dir)
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		tb.Fatal(err)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		c := &Clamd{
			Socket: filepath.Join(dir, "clamd.sock"),
			Addr:   fmt.Sprintf("127.0.0.1:%d", FreePort(tb)),
		}
		_, port, _ := strings.Cut(c.Addr, ":")
		conf := filepath.Join(dir, "clamd.conf")
		// Foreground: the test owns the process. No LogFile: output goes to
		// the log start() captures. StreamMaxLength small for the limit
		// test; MaxThreads small because tests send one file at a time.
		text := strings.Join([]string{
			"Foreground yes",
			"DatabaseDirectory " + db,
			"TemporaryDirectory " + tmp,
			"LocalSocket " + c.Socket,
			"TCPSocket " + port,
			"TCPAddr 127.0.0.1",
			fmt.Sprintf("StreamMaxLength %dK", StreamMaxLength>>10),
			"MaxThreads 4",
			"LogVerbose no",
			"Bytecode no",
			"",
		}, "\n")
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
		c.p = start(tb, filepath.Join(dir, "clamd.log"), bin, "--config-file="+conf)
		client := &scan.Clamd{Network: "unix", Address: c.Socket}
		err := c.p.waitReady(func(ctx context.Context) error {
			if err := client.Ping(ctx); err != nil {
				return err
			}
			// Both listeners must be up: TCP binds last.
			return (&scan.Clamd{Network: "tcp", Address: c.Addr}).Ping(ctx)
		})
		if err == nil {
			return c
		}
		lastErr = fmt.Errorf("%v\n%s", err, c.p.logTail())
		c.p.stop()
		if !errors.Is(err, errExited) {
			break // hung, not a lost port race: retrying will not help
		}
	}
	tb.Fatalf("clamd did not start: %v", lastErr)
	return nil
}

// Stop kills clamd now, for "scanner went down" tests.
func (c *Clamd) Stop() { c.p.stop() }

// Scanner returns a client for this clamd over network "unix" or "tcp".
func (c *Clamd) Scanner(network string) *scan.Clamd {
	addr := c.Socket
	if network == "tcp" {
		addr = c.Addr
	}
	return &scan.Clamd{Label: "clamd-" + network, Network: network, Address: addr, Timeout: time.Minute}
}
