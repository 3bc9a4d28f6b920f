package testtool

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ClamExe is the harmless test payload that Debian's clamav-testfiles hides
// in its 44 container formats.
const ClamExe = "/usr/share/clamav-testfiles/clam.exe"

// ClamDB returns a ClamAV database directory for checking sanitizer outputs
// without any signature download (research/cdr.md §4b): clamexe.hdb, the MD5
// of clam.exe made by sigtool, finds the payload wherever ClamAV's unpackers
// reach it; dummy.ndb never matches but switches on the heuristics
// (--alert-macros); rules are extra files (YARA) copied in.
func ClamDB(tb testing.TB, rules ...string) string {
	tb.Helper()
	sigtool := Require(tb, "sigtool", "clamav")
	Path(tb, ClamExe, "clamav-testfiles")
	hdb, err := exec.Command(sigtool, "--md5", ClamExe).Output()
	if err != nil {
		tb.Fatalf("sigtool: %v", err)
	}
	dir := tb.TempDir()
	files := map[string][]byte{
		"clamexe.hdb": hdb,
		"dummy.ndb":   []byte("Dummy.Never-1:0:*:de4dbeefcafebabe00112233445566778899aabbccddeeff\n"),
	}
	for _, r := range rules {
		b, err := os.ReadFile(r)
		if err != nil {
			tb.Fatal(err)
		}
		files[filepath.Base(r)] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// Clamscan scans paths (recursively) with the database db, macro and
// heuristic alerts on, and returns the FOUND lines. A failure of clamscan
// itself (exit 2) fails the test: a checker that did not run proves nothing.
func Clamscan(tb testing.TB, db string, paths ...string) []string {
	tb.Helper()
	clamscan := Require(tb, "clamscan", "clamav")
	args := append([]string{"--no-summary", "-r", "--allmatch=yes", "--alert-macros=yes", "--heuristic-alerts=yes", "--scan-ole2=yes", "-d", db}, paths...)
	cmd := exec.Command(clamscan, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() != 1 {
		tb.Fatalf("clamscan failed: %v\n%s%s", err, stderr.String(), stdout.String())
	} else if err != nil && !ok {
		tb.Fatalf("clamscan: %v", err)
	}
	var found []string
	for _, line := range strings.Split(stdout.String(), "\n") {
		if strings.HasSuffix(line, " FOUND") {
			found = append(found, line)
		}
	}
	return found
}
