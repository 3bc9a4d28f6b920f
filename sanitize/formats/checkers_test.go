package formats

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
)

// pdfCheck runs qpdf --check; exit 0 means no errors and no warnings.
func pdfCheck(t *testing.T, path string) error {
	t.Helper()
	qpdf := testtool.Require(t, "qpdf", "qpdf")
	out, err := exec.Command(qpdf, "--check", path).CombinedOutput()
	if err != nil {
		return &checkError{tool: "qpdf --check", out: string(out), err: err}
	}
	return nil
}

// officeOpens converts files to PDF with LibreOffice using an explicit import
// filter: without one, LibreOffice imports a broken .docx as plain text and
// reports success (research/cdr.md §4b, item 5).
func officeOpens(t *testing.T, filter string, files []string) map[string]bool {
	t.Helper()
	soffice := testtool.Require(t, "soffice", "libreoffice-core")
	work := t.TempDir()
	args := []string{"-env:UserInstallation=file://" + filepath.Join(work, "profile"), "--headless", "--norestore", "--nolockcheck",
		"--infilter=" + filter, "--convert-to", "pdf", "--outdir", work}
	cmd := exec.Command(soffice, append(args, files...)...)
	cmd.Env = append(os.Environ(), "HOME="+work)
	out, _ := cmd.CombinedOutput()
	opened := map[string]bool{}
	for _, f := range files {
		pdf := filepath.Join(work, strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))+".pdf")
		if st, err := os.Stat(pdf); err == nil && st.Size() > 0 {
			opened[f] = true
		}
	}
	if len(opened) < len(files) {
		t.Logf("soffice output: %s", out)
	}
	return opened
}

type checkError struct {
	tool, out string
	err       error
}

func (e *checkError) Error() string { return e.tool + ": " + e.err.Error() + ": " + e.out }
