package html

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

// TestClamAVFindsNoPayload runs clam.exe.html (clam.exe in a data: link)
// through the sanitizer; clamscan with an MD5 rule for clam.exe must find
// it in the input and not in the output.
func TestClamAVFindsNoPayload(t *testing.T) {
	in, err := os.ReadFile("/usr/share/clamav-testfiles/clam.exe.html")
	if err != nil {
		t.Skipf("clamav-testfiles: %v", err)
	}
	sigtool := testtool.Require(t, "sigtool", "clamav")
	clamscan := testtool.Require(t, "clamscan", "clamav")
	dir := t.TempDir()
	db, err := exec.Command(sigtool, "--md5", "/usr/share/clamav-testfiles/clam.exe").Output()
	if err != nil {
		t.Fatalf("sigtool: %v", err)
	}
	hdb := filepath.Join(dir, "clamexe.hdb")
	src, dst := filepath.Join(dir, "in.html"), filepath.Join(dir, "out.html")
	out, rep := mustRun(t, sanitize.TypeHTML, in, nil)
	for p, b := range map[string][]byte{hdb: db, src: in, dst: out} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	found := func(file string) bool {
		err := exec.Command(clamscan, "--no-summary", "-d", hdb, file).Run()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			return true
		}
		if err != nil {
			t.Fatalf("clamscan: %v", err)
		}
		return false
	}
	if !found(src) {
		t.Fatal("clamscan does not find clam.exe in the input; the check proves nothing")
	}
	if found(dst) {
		t.Error("clamscan still finds clam.exe in the output")
	}
	if rep.Totals()[sanitize.RemovedEmbeddedFile] != 1 {
		t.Errorf("report %+v lacks the embedded file", rep.Removed)
	}
	checkHTML(t, out)
}
