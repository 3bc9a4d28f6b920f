package rtf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

// clamFinds reports whether clamscan with db finds anything in file.
func clamFinds(t *testing.T, db, file string) bool {
	t.Helper()
	return len(testtool.Clamscan(t, db, file)) > 0
}

func TestClamAVFindsNoPayload(t *testing.T) {
	db := testtool.ClamDB(t)
	dir := t.TempDir()
	corpus, err := os.ReadFile("/usr/share/clamav-testfiles/clam.exe.rtf")
	if err != nil {
		t.Skipf("clamav-testfiles: %v", err)
	}
	inputs := map[string][]byte{
		"clam.exe.rtf": corpus,
		"built.rtf":    japaneseDoc(t, clamObject(t)),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(dir, "in-"+name)
			if err := os.WriteFile(src, in, 0o644); err != nil {
				t.Fatal(err)
			}
			// The oracle must see the payload in the input, or it proves nothing.
			if !clamFinds(t, db, src) {
				t.Fatalf("clamscan does not find clam.exe in the input %s", name)
			}
			out, rep := mustRun(t, in, nil)
			balanced(t, out)
			if removed(rep, sanitize.RemovedRTFObject) == 0 {
				t.Errorf("no object removal reported: %+v", rep.Removed)
			}
			dst := filepath.Join(dir, "out-"+name)
			if err := os.WriteFile(dst, out, 0o644); err != nil {
				t.Fatal(err)
			}
			if clamFinds(t, db, dst) {
				t.Errorf("clamscan still finds clam.exe in the output")
			}
		})
	}
}

// TestLibreOfficeOpensOutput converts the sanitized documents to text with
// LibreOffice in one call: the Japanese body must come through.
func TestLibreOfficeOpensOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("LibreOffice takes seconds")
	}
	soffice := testtool.Require(t, "soffice", "libreoffice")
	dir := t.TempDir()
	docs := map[string][]byte{
		"plain":  japaneseDoc(t),
		"active": japaneseDoc(t, `{\*\template http://x/t.dot}`, `{\field{\*\fldinst DDEAUTO a b}{\fldrslt dde}}`, pngPict(), clamObject(t)),
	}
	var files []string
	for name, in := range docs {
		out, _ := mustRun(t, in, nil)
		p := filepath.Join(dir, name+".rtf")
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	args := append([]string{"--headless", "--norestore", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--convert-to", "txt:Text (encoded):UTF8", "--outdir", filepath.Join(dir, "txt")}, files...)
	if out, err := exec.Command(soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for name := range docs {
		txt, err := os.ReadFile(filepath.Join(dir, "txt", name+".txt"))
		if err != nil {
			t.Fatalf("LibreOffice made no text for %s: %v", name, err)
		}
		for _, want := range bodyText {
			if !bytes.Contains(txt, []byte(want)) {
				t.Errorf("%s: LibreOffice text lacks %q:\n%s", name, want, txt)
			}
		}
		if strings.Contains(string(txt), "DDEAUTO") {
			t.Errorf("%s: DDE instruction visible in LibreOffice text", name)
		}
	}
}
