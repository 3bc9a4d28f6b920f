package text

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

// TestLibreOfficeImportsNoFormula imports a CSV into LibreOffice Calc and
// reads the cells back: the raw file must produce formula cells (or the
// check proves nothing) and the sanitized file none, with the Japanese
// text intact (UTF-8 with BOM).
func TestLibreOfficeImportsNoFormula(t *testing.T) {
	soffice := testtool.Require(t, "soffice", "libreoffice-calc")
	raw := "氏名,計算,連絡\r\n山田,=1+1,=HYPERLINK(\"http://example.invalid\";\"x\")\r\n佐藤,-500,@SUM(1;2)\r\n"
	clean, _, err := run(t, sanitize.TypeCSV, []byte(raw), sanitize.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, body := range map[string]string{"raw.csv": raw, "clean.csv": clean} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// CSV:44,34,76 = comma, double quote, UTF-8.
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--infilter=CSV:44,34,76", "--convert-to", "xlsx", "--outdir", dir, filepath.Join(dir, "raw.csv"), filepath.Join(dir, "clean.csv"))
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v: %s", err, out)
	}
	if sheet := sheetXML(t, filepath.Join(dir, "raw.xlsx")); !strings.Contains(sheet, "<f") {
		t.Fatalf("LibreOffice made no formula of the raw CSV; the check proves nothing:\n%s", sheet)
	}
	sheet := sheetXML(t, filepath.Join(dir, "clean.xlsx"))
	if strings.Contains(sheet, "<f") {
		t.Errorf("formula cells after sanitizing:\n%s", sheet)
	}
	shared := sharedStrings(t, filepath.Join(dir, "clean.xlsx"))
	for _, want := range []string{"山田", "=1+1", "@SUM(1;2)"} {
		if !strings.Contains(shared, want) {
			t.Errorf("cell text %q missing:\n%s", want, shared)
		}
	}
}

func zipPart(t *testing.T, path, part string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == part {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	return ""
}

func sheetXML(t *testing.T, path string) string { return zipPart(t, path, "xl/worksheets/sheet1.xml") }
func sharedStrings(t *testing.T, path string) string {
	return zipPart(t, path, "xl/sharedStrings.xml")
}
