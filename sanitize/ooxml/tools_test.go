package ooxml

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

// officeCases are converted by LibreOffice with the filter forced, one call
// per application: without --infilter LibreOffice imports a broken package
// as plain text and still succeeds (research note §4b.5).
var officeCases = []struct {
	filter string
	files  map[string]func(testing.TB) []byte
	text   string
}{
	{"MS Word 2007 XML", map[string]func(testing.TB) []byte{
		"benign.docx": benignDocx, "template.docx": remoteTemplateDocx, "dde.docx": ddeDocx,
		"vba.docm": vbaDocm, "activex.docx": activeXDocx, "ole.docx": oleDocx,
	}, "日本語の本文"},
	{"Calc MS Excel 2007 XML", map[string]func(testing.TB) []byte{
		"xlm.xlsm": xlmXlsm, "external.xlsx": externalXlsx, "benign.xlsx": benignXlsx,
	}, "日本語"}, // Calc clips the cell at the column width
	{"Impress MS PowerPoint 2007 XML", map[string]func(testing.TB) []byte{
		"macro.pptm": macroPptm, "benign.pptx": benignPptx,
	}, "日本語の本文"},
}

// TestLibreOfficeOpensOutputs converts every sanitized fixture to PDF with
// the application's import filter forced and checks that the text is there.
func TestLibreOfficeOpensOutputs(t *testing.T) {
	soffice := testtool.Require(t, "soffice", "libreoffice")
	pdftotext := testtool.Require(t, "pdftotext", "poppler-utils")
	profile := t.TempDir()
	for _, c := range officeCases {
		t.Run(c.filter, func(t *testing.T) {
			dir, pdfs := t.TempDir(), t.TempDir()
			args := []string{"--headless", "--norestore", "-env:UserInstallation=file://" + profile,
				"--infilter=" + c.filter, "--convert-to", "pdf", "--outdir", pdfs}
			for _, name := range sortedKeys(c.files) {
				out, rep := mustRun(t, c.files[name](t), sanitize.Policy{})
				path := filepath.Join(dir, sanitize.OutputName(name, rep.OutputType))
				if err := os.WriteFile(path, out, 0o600); err != nil {
					t.Fatal(err)
				}
				args = append(args, path)
			}
			cmd := exec.Command(soffice, args...)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("soffice: %v\n%s", err, msg)
			}
			for _, name := range sortedKeys(c.files) {
				base := strings.TrimSuffix(name, filepath.Ext(name)) + ".pdf"
				pdf := filepath.Join(pdfs, base)
				txt, err := exec.Command(pdftotext, "-enc", "UTF-8", pdf, "-").Output()
				if err != nil {
					t.Errorf("%s: LibreOffice made no readable PDF: %v", name, err)
					continue
				}
				if !strings.Contains(strings.ReplaceAll(string(txt), " ", ""), c.text) {
					t.Errorf("%s: PDF lacks %q:\n%s", name, c.text, txt)
				}
			}
		})
	}
}

// yaraRules are the OOXML rules of the research note §4b.2; ClamAV runs
// them on the unzipped parts.
const yaraRules = `
rule OOXML_vbaProject { strings: $a = "vbaProject.bin" nocase condition: $a }
rule OOXML_External_Target { strings: $a = "TargetMode=\"External\"" condition: $a }
rule OOXML_AttachedTemplate { strings: $a = "attachedTemplate" condition: $a }
rule Office_DDE { strings: $a = "DDEAUTO" nocase $b = /instrText[^>]*>[^<]*\bDDE\b/ $c = "ddeService" condition: any of them }
`

// TestClamAVFindsNothingInOutputs runs ClamAV with the YARA rules over the
// inputs (each must be found: the checker works) and over the outputs
// (nothing may be found).
func TestClamAVFindsNothingInOutputs(t *testing.T) {
	clamscan := testtool.Require(t, "clamscan", "clamav")
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.yar")
	if err := os.WriteFile(rules, []byte(yaraRules), 0o600); err != nil {
		t.Fatal(err)
	}
	inDir, outDir := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	for _, d := range []string{inDir, outDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	inputs := map[string]func(testing.TB) []byte{
		"template.docx": remoteTemplateDocx, "dde.docx": ddeDocx, "vba.docm": vbaDocm,
		"ole.docx": oleDocx, "external.xlsx": externalXlsx, "macro.pptm": macroPptm,
	}
	for name, build := range inputs {
		in := build(t)
		out, _ := mustRun(t, in, sanitize.Policy{})
		if err := os.WriteFile(filepath.Join(inDir, name), in, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(outDir, name), out, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	scan := func(d string) string {
		out, _ := exec.Command(clamscan, "--no-summary", "--allmatch=yes", "-d", rules, "-r", d).CombinedOutput()
		return string(out)
	}
	found := scan(inDir)
	for name := range inputs {
		if !strings.Contains(found, name+": ") || !strings.Contains(found, "FOUND") {
			t.Errorf("checker did not flag input %s:\n%s", name, found)
		}
	}
	if got := scan(outDir); strings.Contains(got, "FOUND") {
		t.Errorf("ClamAV/YARA found active content in outputs:\n%s", got)
	}
}
