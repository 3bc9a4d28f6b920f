// Package testtool finds the outside programs that tests use as peers and
// checkers (clamscan, qpdf, LibreOffice, Ghostscript, …). A test that needs
// one calls Require: on a developer machine a missing program skips the test
// with the package to install; where KAKEHASHI_REQUIRE_TOOLS is set (the test
// command and CI set it) a missing program fails the test, so a green run
// never hides a check that did not happen.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of program name, installed by Debian package pkg.
func Require(tb testing.TB, name, pkg string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("KAKEHASHI_REQUIRE_TOOLS") != "" {
		tb.Fatalf("%s not found (install Debian package %s, or run the README's test command)", name, pkg)
	}
	tb.Skipf("%s not found; install Debian package %s to run this test", name, pkg)
	return ""
}

// Path returns the absolute path of a fixed program such as /usr/bin/convert,
// for programs whose name is shadowed on PATH; it fails or skips like Require.
func Path(tb testing.TB, path, pkg string) string {
	tb.Helper()
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if os.Getenv("KAKEHASHI_REQUIRE_TOOLS") != "" {
		tb.Fatalf("%s not found (install Debian package %s)", path, pkg)
	}
	tb.Skipf("%s not found; install Debian package %s to run this test", path, pkg)
	return ""
}
