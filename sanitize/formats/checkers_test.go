package formats

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
)

// clamHDB writes an MD5 signature database for the harmless clam.exe that
// the clamav-testfiles corpus hides in its containers: clamscan with only
// this database finds the payload wherever ClamAV's unpackers can reach it,
// with no signature download (research/cdr.md §4b).
func clamHDB(t *testing.T) string {
	t.Helper()
	sigtool := testtool.Require(t, "sigtool", "clamav")
	out, err := exec.Command(sigtool, "--md5", "/usr/share/clamav-testfiles/clam.exe").Output()
	if err != nil {
		t.Fatalf("sigtool: %v", err)
	}
	p := filepath.Join(t.TempDir(), "clamexe.hdb")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dummyNDB enables ClamAV's built-in heuristics (macros, encryption) without
// any real signatures.
func dummyNDB(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dummy.ndb")
	if err := os.WriteFile(p, []byte("Dummy.Never-1:0:*:de4dbeefcafebabe00112233445566778899aabbccddeeff\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// clamscanFindings runs clamscan over dir and returns its FOUND lines.
// Exit code 1 means findings; 2 is an error of clamscan itself.
func clamscanFindings(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	clamscan := testtool.Require(t, "clamscan", "clamav")
	cmd := exec.Command(clamscan, append(append([]string{"--no-summary", "-r", "--allmatch=yes"}, args...), dir)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 2 {
		t.Fatalf("clamscan failed: %s\n%s", stderr.String(), stdout.String())
	} else if err != nil && !ok {
		t.Fatalf("clamscan: %v", err)
	}
	var found []string
	for _, line := range strings.Split(stdout.String(), "\n") {
		if strings.HasSuffix(line, " FOUND") {
			found = append(found, line)
		}
	}
	return found
}

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
