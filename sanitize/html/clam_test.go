package html

import (
	"os"
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
		testtool.Path(t, "/usr/share/clamav-testfiles/clam.exe.html", "clamav-testfiles")
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "in.html"), filepath.Join(dir, "out.html")
	out, rep := mustRun(t, sanitize.TypeHTML, in, nil)
	for p, b := range map[string][]byte{src: in, dst: out} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := testtool.ClamDB(t)
	found := func(file string) bool { return len(testtool.Clamscan(t, db, file)) > 0 }
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
