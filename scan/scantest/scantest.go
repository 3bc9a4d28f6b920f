// Package scantest starts real scanners on loopback for tests of package
// scan and its users: Debian's clamd with a one-line signature database made
// here (no signature download), and c-icap's virus_scan service over that
// clamd. It also provides the harmless payload the database matches and a
// conformance suite that every scan.Scanner must pass.
//
// Each server gets its own temporary directory and is killed in
// t.Cleanup, so tests using it can run in parallel. Programs are found with
// internal/testtool: missing ones skip the test on a developer machine and
// fail it where KAKEHASHI_REQUIRE_TOOLS is set.
package scantest

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// SignatureBase is the name in the database; clamd appends ".UNOFFICIAL"
// to signatures that do not come from ClamAV's own databases.
const SignatureBase = "Kakehashi.Test"

// Signature is what clamd (and c-icap through it) reports for Payload.
const Signature = SignatureBase + ".UNOFFICIAL"

// Payload returns the harmless bytes the test database flags. They are
// matched by MD5 and length, like a "sigtool --md5" signature, so any other
// content, including Payload with one byte changed, is clean.
func Payload() []byte {
	return []byte("KAKEHASHI-SCAN-TEST-PAYLOAD: a harmless marker that the test signature database flags.\n")
}

// DB writes a ClamAV database directory holding only the signature for
// Payload (an .hdb line "md5:size:name", clamav's hash signature format)
// and returns its path.
func DB(tb testing.TB, dir string) string {
	tb.Helper()
	p := Payload()
	sum := md5.Sum(p)
	line := fmt.Sprintf("%s:%d:%s\n", hex.EncodeToString(sum[:]), len(p), SignatureBase)
	db := filepath.Join(dir, "db")
	if err := os.MkdirAll(db, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(db, "kakehashi.hdb"), []byte(line), 0o644); err != nil {
		tb.Fatal(err)
	}
	return db
}

// Zip returns a zip archive holding data as one deflated member, to check
// that a scanner unpacks containers.
func Zip(tb testing.TB, name string, data []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// tempDir returns a new short directory, removed at cleanup. Unix socket
// paths are limited to 108 bytes, which t.TempDir's names (built from the
// test name) can exceed.
func tempDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "khscan")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			tb.Error(err)
		}
	})
	return dir
}
