package ole

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
	"github.com/kakehashi/kakehashi/sanitize/ooxml"
)

func newEngine(t testing.TB, tools sanitize.Tools) *engine.Engine {
	return &engine.Engine{
		Formats: map[sanitize.Family]sanitize.Sanitizer{
			sanitize.FamilyOLE:   &Sanitizer{},
			sanitize.FamilyOOXML: &ooxml.Sanitizer{},
		},
		Tools:   tools,
		TempDir: t.TempDir(),
	}
}

func sanitizeBytes(t testing.TB, e *engine.Engine, name string, b []byte, password string) (*sanitize.Report, []byte) {
	t.Helper()
	var out bytes.Buffer
	rep, err := e.Sanitize(context.Background(), inputOf(b, name), &out, engine.Options{Password: password})
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	return rep, out.Bytes()
}

// zipText returns the text (tags removed) of the members of an OOXML zip
// whose names start with prefix, and the member names.
func zipText(t testing.TB, b []byte, prefix string) (string, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("output is not a zip: %v", err)
	}
	var text strings.Builder
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !strings.HasPrefix(f.Name, prefix) || !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(stripTags(string(body)))
	}
	return text.String(), names
}

// clamCheck runs ClamAV as the independent checker of research note
// cdr.md §4b: an MD5 signature of the harmless clam.exe payload (is the
// embedded payload gone?) and a dummy database that turns on the macro
// heuristics. It returns clamscan's findings, "" when clean.
func clamCheck(t testing.TB, path string) string {
	t.Helper()
	return strings.Join(testtool.Clamscan(t, testtool.ClamDB(t), path), "\n")
}

func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConvertEndToEnd runs legacy files through the engine with the real
// OOXML sanitizer and LibreOffice: the benign text survives, what the
// original held is reported, and ClamAV finds neither the clam.exe payload
// nor macros in the output.
func TestConvertEndToEnd(t *testing.T) {
	tools := engine.FindTools()
	if tools.Soffice == "" {
		testtool.Require(t, "soffice", "libreoffice")
	}
	doc, xls, ppt := readFixture(t, "benign.doc"), readFixture(t, "benign.xls"), readFixture(t, "benign.ppt")
	tests := []struct {
		name    string
		file    string
		in      func(t *testing.T) []byte
		out     sanitize.Type
		part    string // OOXML part prefix holding the text
		text    string
		removed map[sanitize.RemovalKind]int // at least these, from the original
		// inputFlagged is what ClamAV must find in the input, proving the
		// checker can see what the output must not have.
		inputFlagged string
		gone         []string // member name prefixes that must not be in the output
	}{
		{name: "benign doc", file: "letter.doc", in: func(*testing.T) []byte { return doc }, out: sanitize.TypeDOCX, part: "word/document", text: wordText},
		{name: "benign ppt", file: "slides.ppt", in: func(*testing.T) []byte { return ppt }, out: sanitize.TypePPTX, part: "ppt/slides/", text: slideText},
		{name: "xls with an XLM macro sheet", file: "budget.xls", in: func(t *testing.T) []byte { return withMacroSheet(t, xls) }, out: sanitize.TypeXLSX, part: "xl/", text: calcText,
			removed: map[sanitize.RemovalKind]int{sanitize.RemovedXLMMacroSheet: 1}, inputFlagged: "XLM", gone: []string{"xl/macrosheets/"}},
		{name: "doc with VBA storages", file: "macro.doc", in: func(t *testing.T) []byte { return withVBAStorages(t, doc) }, out: sanitize.TypeDOCX, part: "word/document", text: wordText,
			removed: map[sanitize.RemovalKind]int{sanitize.RemovedVBAProject: 1}, gone: []string{"word/vbaProject", "word/vbaData"}},
		{name: "clam.ole.doc with an embedded executable", file: "clam.ole.doc", in: func(t *testing.T) []byte { return clamFile(t, "clam.ole.doc") }, out: sanitize.TypeDOCX,
			removed: map[sanitize.RemovalKind]int{sanitize.RemovedOLEObject: 1}, inputFlagged: "clam.exe.UNOFFICIAL", gone: []string{"word/embeddings/"}},
		{name: "clam.ppt with an embedded executable", file: "clam.ppt", in: func(t *testing.T) []byte { return clamFile(t, "clam.ppt") }, out: sanitize.TypePPTX,
			removed: map[sanitize.RemovalKind]int{sanitize.RemovedOLEObject: 1}, inputFlagged: "clam.exe.UNOFFICIAL", gone: []string{"ppt/embeddings/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in(t)
			if tt.inputFlagged != "" {
				if got := clamCheck(t, writeTemp(t, tt.file, in)); !strings.Contains(got, tt.inputFlagged) {
					t.Fatalf("ClamAV does not flag the input with %s (got %q): the check below could not fail", tt.inputFlagged, got)
				}
			}
			rep, out := sanitizeBytes(t, newEngine(t, tools), tt.file, in, "")
			if rep.Verdict == sanitize.VerdictRejected {
				t.Fatalf("rejected: %s: %s", rep.Reason, rep.Detail)
			}
			if rep.OutputType != tt.out || rep.Engine != "libreoffice" {
				t.Errorf("output type %s engine %q, want %s by libreoffice", rep.OutputType, rep.Engine, tt.out)
			}
			totals := rep.Totals()
			for kind, n := range tt.removed {
				if totals[kind] < n {
					t.Errorf("removed %s: %d, want at least %d (report %+v)", kind, totals[kind], n, rep.Removed)
				}
			}
			if tt.removed == nil && rep.Totals()[sanitize.RemovedVBAProject]+totals[sanitize.RemovedOLEObject]+totals[sanitize.RemovedXLMMacroSheet] != 0 {
				t.Errorf("benign file reported active content: %+v", rep.Removed)
			}
			text, names := zipText(t, out, tt.part)
			if tt.text != "" && !strings.Contains(text, tt.text) {
				t.Errorf("text %q lost; %s parts hold %q", tt.text, tt.part, text)
			}
			for _, n := range names {
				for _, g := range append(tt.gone, "word/vbaProject", "ppt/vbaProject", "xl/vbaProject", "xl/macrosheets/") {
					if strings.HasPrefix(n, g) {
						t.Errorf("output still has %s", n)
					}
				}
			}
			if got := clamCheck(t, writeTemp(t, "out."+string(tt.out), out)); got != "" {
				t.Errorf("ClamAV finds in the output: %s", got)
			}
			checkGolden(t, tt.name, rep)
		})
	}
}

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden/*.golden")

// checkGolden compares the parts of a report that do not depend on
// LibreOffice's output bytes (hashes, sizes, timestamps) with a golden file.
func checkGolden(t *testing.T, name string, rep *sanitize.Report) {
	t.Helper()
	stable := struct {
		Verdict    sanitize.Verdict   `json:"verdict"`
		Type       sanitize.Type      `json:"type"`
		OutputType sanitize.Type      `json:"output_type"`
		OutputName string             `json:"output_name"`
		Engine     string             `json:"engine"`
		Removed    []sanitize.Removal `json:"removed"`
	}{rep.Verdict, rep.Type, rep.OutputType, rep.OutputName, rep.Engine, rep.Removed}
	got, err := json.MarshalIndent(stable, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", strings.ReplaceAll(name, " ", "_")+".golden")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(bytes.TrimSpace(want), got) {
		t.Errorf("report differs from %s:\n%s", path, got)
	}
}

func TestRejects(t *testing.T) {
	doc := readFixture(t, "benign.doc")
	xls := readFixture(t, "benign.xls")
	agile := agileEncrypted(t)
	withSoffice := sanitize.Tools{Soffice: "/nonexistent/soffice-must-not-run"}
	tests := []struct {
		name     string
		file     string
		in       []byte
		password string
		tools    sanitize.Tools
		want     sanitize.Reason
		detail   string
	}{
		{"no LibreOffice", "a.doc", doc, "", sanitize.Tools{}, sanitize.ReasonConverter, "LibreOffice"},
		{"encrypted doc without password", "a.doc", withWordEncrypted(t, doc), "", withSoffice, sanitize.ReasonEncrypted, "fEncrypted"},
		{"encrypted doc with password", "a.doc", withWordEncrypted(t, doc), "secret", withSoffice, sanitize.ReasonEncrypted, "decrypt legacy encrypted files before sending"},
		{"encrypted xls", "a.xls", withFilePass(t, xls), "", withSoffice, sanitize.ReasonEncrypted, "FILEPASS"},
		{"encrypted OOXML without password", "a.xlsx", agile, "", withSoffice, sanitize.ReasonEncrypted, "password"},
		{"encrypted OOXML with a wrong password", "a.xlsx", agile, "secret", withSoffice, sanitize.ReasonWrongPassword, ""},
		{"LibreOffice fails", "a.doc", doc, "", sanitize.Tools{Soffice: "/bin/false"}, sanitize.ReasonConverter, "LibreOffice"},
		{"LibreOffice writes nothing", "a.doc", doc, "", sanitize.Tools{Soffice: "/bin/true"}, sanitize.ReasonConverter, "no output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, out := sanitizeBytes(t, newEngine(t, tt.tools), tt.file, tt.in, tt.password)
			if rep.Verdict != sanitize.VerdictRejected || rep.Reason != tt.want || !strings.Contains(rep.Detail, tt.detail) {
				t.Fatalf("got %s %s %q, want rejected %s containing %q", rep.Verdict, rep.Reason, rep.Detail, tt.want, tt.detail)
			}
			if len(out) != 0 && rep.Reason != sanitize.ReasonConverter {
				t.Errorf("rejected file wrote %d bytes", len(out))
			}
		})
	}
}

// TestEncryptedOOXML decrypts an Excel-encrypted workbook with its password
// and sanitizes the plain package as OOXML.
func TestEncryptedOOXML(t *testing.T) {
	rep, out := sanitizeBytes(t, newEngine(t, sanitize.Tools{}), "budget.xlsx", agileEncrypted(t), agilePassword)
	if rep.Verdict == sanitize.VerdictRejected {
		t.Fatalf("rejected: %s: %s", rep.Reason, rep.Detail)
	}
	if rep.Type != sanitize.TypeEncryptedOOXML || rep.OutputType != sanitize.TypeXLSX || rep.OutputName != "budget.xlsx" {
		t.Errorf("type %s output %s name %s", rep.Type, rep.OutputType, rep.OutputName)
	}
	if _, names := zipText(t, out, "xl/"); !contains(names, "xl/workbook.xml") {
		t.Errorf("output has no workbook: %v", names)
	}
	if bytes.Contains(out, []byte(agilePassword)) {
		t.Error("the password is in the output")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestConverterTimeout: a conversion that overruns the wall time is killed
// and rejected as a timeout (were it not killed, the hour-long sleep would
// run into the test binary's own timeout).
func TestConverterTimeout(t *testing.T) {
	sleep := testtool.Require(t, "sleep", "coreutils")
	dir := t.TempDir()
	env := &sanitize.Env{Limits: sanitize.Limits{WallTime: 200 * time.Millisecond}, Tools: sanitize.Tools{Soffice: sleep}}
	err := runSoffice(context.Background(), env, dir, []string{"3600"})
	if rej, ok := sanitize.AsRejection(err); !ok || rej.Reason != sanitize.ReasonTimeout {
		t.Fatalf("got %v, want a timeout", err)
	}
}
