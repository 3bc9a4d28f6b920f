package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/formats"
	"github.com/kakehashi/kakehashi/sanitize/sandbox"
)

func TestMain(m *testing.M) {
	// The test binary is the sandbox child too, as kakehashi is in production.
	sandbox.MaybeChild(formats.NewEngine)
	// And it is the gateway process the crash test kills and restarts.
	if cfg := os.Getenv("KAKEHASHI_TEST_SERVE"); cfg != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, []string{"serve", "--config", cfg}, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func write(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// docmWithMacro builds a minimal macro-enabled Word document.
func docmWithMacro(t *testing.T) []byte {
	t.Helper()
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>議事録の本文</w:t></w:r></w:p></w:body></w:document>`},
		{"word/vbaProject.bin", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 fake VBA storage: Sub AutoOpen()"},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSanitizeFileContract(t *testing.T) {
	dir := t.TempDir()
	docm := write(t, filepath.Join(dir, "議事録.docm"), docmWithMacro(t))
	out := filepath.Join(dir, "out.docx")
	reportPath := filepath.Join(dir, "report.json")

	code, stdout, stderr := runCLI(t, "sanitize", "-report", reportPath, docm, out)
	if code != exitOK {
		t.Fatalf("exit %d, stderr: %s", code, stderr)
	}
	var rep sanitize.Report
	b, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != sanitize.VerdictSanitized || rep.Type != sanitize.TypeDOCM || rep.OutputType != sanitize.TypeDOCX {
		t.Errorf("report: verdict %s type %s output %s", rep.Verdict, rep.Type, rep.OutputType)
	}
	if rep.InputSHA256 == "" || rep.OutputSHA256 == "" || len(rep.Removed) == 0 {
		t.Errorf("report lacks hashes or removals: %s", b)
	}
	if rep.Isolation == nil || !rep.Isolation.Sandboxed {
		t.Errorf("report does not say the run was sandboxed: %+v", rep.Isolation)
	}
	if !strings.Contains(stdout, "VBAマクロ") {
		t.Errorf("Japanese summary lacks the removal: %s", stdout)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatalf("output is not a zip: %v", err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.Contains(strings.ToLower(f.Name), "vba") {
			t.Errorf("output still has %s", f.Name)
		}
	}
}

func TestSanitizeRejectsAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	exe := write(t, filepath.Join(dir, "請求書.pdf"), []byte("MZ\x90\x00\x03\x00\x00\x00"))
	out := filepath.Join(dir, "out.pdf")
	code, _, stderr := runCLI(t, "sanitize", "-lang", "en", exe, out)
	if code != exitRejected {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitRejected, stderr)
	}
	if !strings.Contains(stderr, "cannot be sanitized") {
		t.Errorf("reason not on stderr: %s", stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("something was written at OUT: %v", err)
	}
}

func TestSanitizeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	in := write(t, filepath.Join(dir, "a.txt"), []byte("x"))
	badPolicy := write(t, filepath.Join(dir, "p.toml"), []byte(`allow = ["exe"]`))
	cases := []struct {
		name string
		args []string
	}{
		{"no arguments", []string{"sanitize"}},
		{"one argument", []string{"sanitize", in}},
		{"missing input", []string{"sanitize", filepath.Join(dir, "nope"), filepath.Join(dir, "o")}},
		{"bad policy", []string{"sanitize", "-policy", badPolicy, in, filepath.Join(dir, "o")}},
		{"bad lang", []string{"sanitize", "-lang", "fr", in, filepath.Join(dir, "o")}},
		{"unknown command", []string{"sanitise"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, _, _ := runCLI(t, c.args...); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
		})
	}
}

func TestSanitizeDirectory(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	write(t, filepath.Join(in, "課/memo.txt"), []byte("日本語のメモ\n"))
	write(t, filepath.Join(in, "課/議事録.docm"), docmWithMacro(t))
	write(t, filepath.Join(in, "tool.exe"), []byte("MZ\x90\x00"))
	reportPath := filepath.Join(t.TempDir(), "report.jsonl")

	code, stdout, stderr := runCLI(t, "sanitize", "-jobs", "2", "-report", reportPath, in, out)
	if code != exitRejected {
		t.Fatalf("exit %d, want %d (one file rejected); stderr: %s", code, exitRejected, stderr)
	}
	for _, want := range []string{"課/memo.txt", "課/議事録.docx"} {
		if _, err := os.Stat(filepath.Join(out, want)); err != nil {
			t.Errorf("missing output %s: %v", want, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "tool.exe")); !os.IsNotExist(err) {
		t.Error("rejected file was written")
	}
	if !strings.Contains(stdout, "3件") || !strings.Contains(stdout, "拒否 1") {
		t.Errorf("tally: %s", stdout)
	}
	if strings.Count(stderr, "[") < 3 {
		t.Errorf("progress lines missing: %s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(string(must(os.ReadFile(reportPath)))), "\n")
	if len(lines) != 3 {
		t.Fatalf("report has %d lines, want 3", len(lines))
	}
	for _, l := range lines {
		var r dirResult
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Report == nil {
			t.Errorf("bad report line %q: %v", l, err)
		}
	}
}

func TestVersion(t *testing.T) {
	if code, out, _ := runCLI(t, "version"); code != exitOK || !strings.HasPrefix(out, "kakehashi ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
