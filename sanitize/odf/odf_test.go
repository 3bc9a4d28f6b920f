package odf

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

type part struct{ name, body string }

func odt(t testing.TB, mimetype, content string, extra ...part) []byte {
	t.Helper()
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewGray(image.Rect(0, 0, 4, 4)))
	parts := []part{
		{"mimetype", mimetype},
		{"content.xml", content},
		{"styles.xml", `<?xml version="1.0" encoding="UTF-8"?><office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2"/>`},
		{"meta.xml", `<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"><office:meta><meta:initial-creator>山田太郎</meta:initial-creator><dc:creator>山田太郎</dc:creator></office:meta></office:document-meta>`},
		{"Pictures/a.png", pngBuf.String()},
	}
	parts = append(parts, extra...)
	var entries strings.Builder
	for _, p := range parts {
		if p.name != "mimetype" {
			entries.WriteString(`<manifest:file-entry manifest:full-path="` + p.name + `" manifest:media-type="text/xml"/>`)
		}
	}
	manifest := `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="` + mimetype + `"/>` + entries.String() + `</manifest:manifest>`
	if !strings.Contains(content, "ENCRYPTED") {
		parts = append(parts, part{"META-INF/manifest.xml", manifest})
	} else {
		parts = append(parts, part{"META-INF/manifest.xml", strings.Replace(manifest, `media-type="text/xml"/>`, `media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1" manifest:checksum="x"/></manifest:file-entry>`, 1)})
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		m := zip.Deflate
		if p.name == "mimetype" {
			m = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.body))
	}
	zw.Close()
	return b.Bytes()
}

const textType = "application/vnd.oasis.opendocument.text"

func body(inner string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">` + inner + `</office:document-content>`
}

const scripted = `<office:scripts><office:event-listeners><script:event-listener script:language="ooo:script" script:event-name="office:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/></office:event-listeners></office:scripts>` +
	`<office:body><office:text>` +
	`<text:p>日本語の本文です。</text:p>` +
	`<text:p><text:a xlink:href="https://www.city.example.lg.jp/">市のサイト</text:a> <text:a xlink:href="file:///C:/Windows/System32/calc.exe">計算</text:a> <text:a xlink:href="macro:///Standard.Module1.Main">押す</text:a></text:p>` +
	`<text:p><draw:frame svg:width="2cm" svg:height="2cm"><draw:object xlink:href="./Object 1"/><draw:image xlink:href="./ObjectReplacements/Object 1"/></draw:frame></text:p>` +
	`<text:p><draw:frame svg:width="2cm" svg:height="2cm"><draw:image xlink:href="http://example.invalid/track.png"/></draw:frame></text:p>` +
	`<text:p><draw:frame svg:width="2cm" svg:height="2cm"><draw:image xlink:href="Pictures/a.png"/></draw:frame></text:p>` +
	`<text:section text:name="s"><text:section-source xlink:href="http://example.invalid/other.odt"/></text:section>` +
	`<text:dde-connection-decls><text:dde-connection-decl office:name="x" office:dde-application="cmd" office:dde-topic="/c calc" office:dde-item="x"/></text:dde-connection-decls>` +
	`</office:text></office:body>`

func scriptedODT(t testing.TB) []byte {
	var png bytes.Buffer
	pngImg := image.NewGray(image.Rect(0, 0, 2, 2))
	pngEnc(&png, pngImg)
	return odt(t, textType, body(scripted),
		part{"Basic/Standard/Module1.xml", `<?xml version="1.0"?><script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1">Sub Main : Shell("calc") : End Sub</script:module>`},
		part{"Basic/script-lc.xml", `<?xml version="1.0"?><library:libraries xmlns:library="http://openoffice.org/2000/library"/>`},
		part{"Object 1/content.xml", `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`},
		part{"ObjectReplacements/Object 1", "\x01\x00\x00\x00 fake metafile"},
		part{"Configurations2/accelerator/current.xml", `<x/>`},
	)
}

func pngEnc(w io.Writer, img image.Image) { png.Encode(w, img) }

func run(t testing.TB, in []byte, policy sanitize.Policy) (*sanitize.Report, []byte) {
	t.Helper()
	e := &engine.Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{sanitize.FamilyODF: &Sanitizer{}}, Policy: policy}
	var out bytes.Buffer
	rep, err := e.Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(in), Size: int64(len(in)), Name: "memo.odt"}, &out, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep, out.Bytes()
}

func members(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("output is not a zip: %v", err)
	}
	if zr.File[0].Name != "mimetype" || zr.File[0].Method != zip.Store || len(zr.File[0].Extra) != 0 {
		t.Errorf("mimetype is not the first stored member without extra field")
	}
	m := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		m[f.Name] = string(data)
	}
	return m
}

func TestRemovesScriptsObjectsAndLinks(t *testing.T) {
	rep, out := run(t, scriptedODT(t), sanitize.Policy{})
	if rep.Verdict != sanitize.VerdictSanitized {
		t.Fatalf("%s %s", rep.Verdict, rep.Detail)
	}
	tot := rep.Totals()
	for kind, n := range map[sanitize.RemovalKind]int{
		sanitize.RemovedBasicMacro: 3, sanitize.RemovedEventListener: 1, sanitize.RemovedOLEObject: 2,
		sanitize.RemovedExternalRel: 3, sanitize.RemovedDDE: 1, sanitize.RemovedCustomUI: 1,
	} {
		if tot[kind] != n {
			t.Errorf("%s: %d, want %d (%v)", kind, tot[kind], n, rep.Removed)
		}
	}
	m := members(t, out)
	for name := range m {
		if strings.HasPrefix(name, "Basic/") || strings.HasPrefix(name, "Object 1/") || strings.HasPrefix(name, "Configurations2/") {
			t.Errorf("%s kept", name)
		}
	}
	c := m["content.xml"]
	for _, gone := range []string{"event-listener", "vnd.sun.star.script", "macro:", "calc.exe", "draw:object", "example.invalid", "dde-connection"} {
		if strings.Contains(c, gone) {
			t.Errorf("content.xml still has %q", gone)
		}
	}
	for _, kept := range []string{"日本語の本文です。", "https://www.city.example.lg.jp/", "ObjectReplacements/Object 1", "Pictures/a.png", "計算"} {
		if !strings.Contains(c, kept) {
			t.Errorf("content.xml lost %q", kept)
		}
	}
	if _, ok := m["ObjectReplacements/Object 1"]; !ok {
		t.Error("object preview dropped")
	}
	if strings.Contains(m["META-INF/manifest.xml"], "Basic/") || !strings.Contains(m["META-INF/manifest.xml"], "Pictures/a.png") {
		t.Errorf("manifest not corrected:\n%s", m["META-INF/manifest.xml"])
	}
	if !strings.Contains(m["meta.xml"], "山田太郎") {
		t.Error("metadata removed without the policy")
	}
}

func TestPolicySwitches(t *testing.T) {
	rep, out := run(t, scriptedODT(t), sanitize.Policy{RemoveHyperlinks: true, RemoveMetadata: true})
	m := members(t, out)
	if strings.Contains(m["content.xml"], "city.example.lg.jp") || !strings.Contains(m["content.xml"], "市のサイト") {
		t.Error("hyperlink target not removed or link text lost")
	}
	if strings.Contains(m["meta.xml"], "山田") {
		t.Error("personal metadata kept")
	}
	if tot := rep.Totals(); tot[sanitize.RemovedHyperlink] != 1 || tot[sanitize.RemovedMetadata] != 2 {
		t.Errorf("%v", rep.Removed)
	}
}

func TestRejects(t *testing.T) {
	doctype := `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]>` + strings.TrimPrefix(body(`<office:body/>`), `<?xml version="1.0" encoding="UTF-8"?>`)
	slip := odt(t, textType, body(`<office:body/>`), part{"../../evil.txt", "x"})
	cases := []struct {
		name string
		in   []byte
		want sanitize.Reason
	}{
		{"encrypted", odt(t, textType, body(`<!-- ENCRYPTED --><office:body/>`)), sanitize.ReasonEncrypted},
		{"doctype", odt(t, textType, doctype), sanitize.ReasonXMLDoctype},
		{"zip slip", slip, sanitize.ReasonUnsafePath},
		{"duplicate", odt(t, textType, body(`<office:body/>`), part{"Pictures/A.png", "x"}, part{"Pictures/a.PNG", "y"}), sanitize.ReasonDuplicateName},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if rep, _ := run(t, c.in, sanitize.Policy{}); rep.Reason != c.want {
				t.Errorf("%s %s %s", rep.Verdict, rep.Reason, rep.Detail)
			}
		})
	}
}

// TestLibreOfficeOpensOutputs converts a LibreOffice-made document and our
// scripted fixture, sanitized, to PDF with the ODF import filter forced, and
// checks the text; ClamAV's rule for ODF scripts fires on the input only.
func TestLibreOfficeOpensOutputs(t *testing.T) {
	soffice := testtool.Require(t, "soffice", "libreoffice-writer")
	pdftotext := testtool.Require(t, "pdftotext", "poppler-utils")
	dir := t.TempDir()
	lo := func(args ...string) {
		cmd := exec.Command(soffice, append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore"}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v %s", err, out)
		}
	}
	os.WriteFile(filepath.Join(dir, "real.txt"), []byte("住民税の通知について\n"), 0o644)
	lo("--convert-to", "odt", "--outdir", dir, filepath.Join(dir, "real.txt"))
	real, err := os.ReadFile(filepath.Join(dir, "real.odt"))
	if err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(dir, "out")
	os.Mkdir(outDir, 0o755)
	inputs := map[string][]byte{"real.odt": real, "scripted.odt": scriptedODT(t)}
	for name, in := range inputs {
		rep, out := run(t, in, sanitize.Policy{})
		if rep.Verdict == sanitize.VerdictRejected {
			t.Fatalf("%s: %s", name, rep.Detail)
		}
		os.WriteFile(filepath.Join(outDir, name), out, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "scripted-in.odt"), inputs["scripted.odt"], 0o644)
	db := testtool.ClamDB(t, "../formats/testdata/active.yar")
	if len(testtool.Clamscan(t, db, filepath.Join(dir, "scripted-in.odt"))) == 0 {
		t.Fatal("ClamAV's ODF rule does not fire on the scripted input: the check proves nothing")
	}
	if found := testtool.Clamscan(t, db, outDir); len(found) > 0 {
		t.Errorf("ClamAV finds in outputs: %v", found)
	}
	lo("--infilter=writer8", "--convert-to", "pdf", "--outdir", outDir, filepath.Join(outDir, "real.odt"), filepath.Join(outDir, "scripted.odt"))
	for name, want := range map[string]string{"real.pdf": "住民税の通知について", "scripted.pdf": "日本語の本文です。"} {
		text, err := exec.Command(pdftotext, "-enc", "UTF-8", filepath.Join(outDir, name), "-").Output()
		if err != nil || !strings.Contains(string(text), want) {
			t.Errorf("%s: %v %q", name, err, text)
		}
	}
}
