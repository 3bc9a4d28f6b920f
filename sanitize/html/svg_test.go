package html

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
)

const svgOpen = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64" viewBox="0 0 64 64">`

// benignSVG draws shapes, a gradient, a reused symbol and Japanese text.
var benignSVG = svgOpen + `<title>案内図</title><defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/><stop offset="1" stop-color="#00f"/></linearGradient>` +
	`<symbol id="s"><circle cx="4" cy="4" r="4"/></symbol></defs>` +
	`<rect x="1" y="1" width="62" height="62" fill="url(#g)" stroke="black" style="stroke-width:2"/>` +
	`<use xlink:href="#s" x="10" y="10"/><text x="8" y="40" font-size="12">市役所</text>` +
	`<image width="1" height="1" href="data:image/png;base64,` + onePixelPNG + `"/></svg>`

func TestSanitizeSVG(t *testing.T) {
	tests := []struct {
		name string
		body string
		kind sanitize.RemovalKind
		n    int
		gone []string
		kept []string
	}{
		{name: "benign", kept: []string{"案内図", "市役所", "url(#g)", `xlink:href="#s"`, "data:image/png"}},
		{name: "script", body: `<script>alert(1)</script><script xlink:href="http://x/a.js"/>`, kind: sanitize.RemovedScript, n: 2, gone: []string{"alert", "a.js"}},
		{name: "onload", body: `<g onload="alert(1)" onclick="x()"><rect width="1" height="1"/></g>`, kind: sanitize.RemovedEventHandler, n: 2, gone: []string{"onload", "alert"}},
		{name: "foreignObject with html", body: `<foreignObject width="10" height="10"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="http://x/"/><script>alert(1)</script></body></foreignObject>`,
			kind: sanitize.RemovedForeignObject, n: 1, gone: []string{"foreignObject", "iframe", "alert"}},
		{name: "xlink href to http", body: `<image xlink:href="http://tracker.example/p.png" width="1" height="1"/>`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"tracker"}},
		{name: "image with data html", body: `<image href="data:text/html;base64,PHNjcmlwdD4=" width="1" height="1"/><use href="data:image/svg+xml;base64,PHN2Zy8+#a"/>`, kind: sanitize.RemovedEmbeddedFile, n: 2, gone: []string{"PHN"}},
		{name: "use with external href", body: `<use xlink:href="http://evil.example/x.svg#a"/><use href="file:///etc/passwd#x"/>`, kind: sanitize.RemovedExternalRef, n: 2, gone: []string{"evil", "passwd"}},
		{name: "renamed xlink prefix", body: `<use xmlns:q="http://www.w3.org/1999/xlink" q:href="http://evil.example/x.svg#a"/>`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"evil"}},
		{name: "javascript link", body: `<a xlink:href="javascript:alert(1)"><rect width="5" height="5"/></a>`, kind: sanitize.RemovedScript, n: 1, gone: []string{"alert", "<a"}, kept: []string{`<rect width="5" height="5"/>`}},
		{name: "animate href", body: `<a><set attributeName="href" to="javascript:alert(1)"/><animate attributeName="onclick" values="x"/><text>t</text></a>`, kind: sanitize.RemovedScript, n: 2, gone: []string{"alert", "<set", "<animate"}},
		{name: "style element", body: `<style>@import url(http://x.example/s.css);</style>`, gone: []string{"x.example", "<style"}},
		{name: "style attribute url", body: `<rect width="1" height="1" style="fill:red;filter:url(http://x.example/f.svg#f)"/>`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"x.example"}, kept: []string{`style="fill:red"`}},
		{name: "expression", body: `<rect width="1" height="1" fill="expression(alert(1))"/>`, kind: sanitize.RemovedScript, n: 1, gone: []string{"alert"}},
		{name: "fill url outside", body: `<rect width="1" height="1" fill="url('http://x.example/p.svg#g')"/>`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"x.example"}},
		{name: "stylesheet pi", body: ``, kind: "", kept: nil},
		{name: "filters and markers kept", body: `<filter id="f"><feGaussianBlur in="SourceGraphic" stdDeviation="2"/></filter><marker id="m" refX="1"><path d="M0 0L1 1"/></marker><path d="M0 0L9 9" filter="url(#f)" marker-end="url(#m)"/><text><textPath href="#p">道</textPath></text>`,
			kept: []string{`stdDeviation="2"`, `filter="url(#f)"`, `<textPath href="#p">道</textPath>`}},
		{name: "feImage dropped", body: `<filter id="h"><feImage href="http://tracker.example/x.png"/></filter>`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"tracker", "feImage"}},
		{name: "metadata dropped", body: `<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">author</rdf:RDF></metadata>`, gone: []string{"author", "rdf"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := strings.Replace(benignSVG, "</svg>", tc.body+"</svg>", 1)
			out, rep := mustRun(t, sanitize.TypeSVG, []byte(in), nil)
			checkSVG(t, out)
			if tc.kind != "" {
				if got := rep.Totals()[tc.kind]; got != tc.n {
					t.Errorf("%s counted %d, want %d (%+v)", tc.kind, got, tc.n, rep.Removed)
				}
			} else if len(rep.Removed) != 0 {
				t.Errorf("unexpected removals %+v", rep.Removed)
			}
			for _, g := range tc.gone {
				if bytes.Contains(out, []byte(g)) {
					t.Errorf("output still contains %q:\n%s", g, out)
				}
			}
			for _, k := range append([]string{"案内図", "市役所"}, tc.kept...) {
				if !bytes.Contains(out, []byte(k)) {
					t.Errorf("output lost %q:\n%s", k, out)
				}
			}
		})
	}
}

func TestSVGRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want sanitize.Reason
	}{
		{"doctype xxe", `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + svgOpen + `<text>&x;</text></svg>`, sanitize.ReasonXMLDoctype},
		{"billion laughs", billionLaughs, sanitize.ReasonXMLDoctype},
		{"not svg", `<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`, sanitize.ReasonMalformed},
		{"unclosed", svgOpen + `<g>`, sanitize.ReasonMalformed},
		{"empty", ``, sanitize.ReasonMalformed},
		{"deep", svgOpen + strings.Repeat("<g>", 300) + strings.Repeat("</g>", 300) + `</svg>`, sanitize.ReasonTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := run(t, sanitize.TypeSVG, []byte(tc.in), nil)
			if r, ok := sanitize.AsRejection(err); !ok || r.Reason != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
		})
	}
}

const billionLaughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
	`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>`

// TestSVGRenders converts the benign output to PNG with the real
// ImageMagick (not the stand-in on PATH). ImageMagick renders SVG through
// librsvg or its delegate rsvg-convert; where neither is installed (this
// Debian image has neither) LibreOffice Draw renders it instead, so the
// output is always checked by an independent SVG reader.
func TestSVGRenders(t *testing.T) {
	out, rep := mustRun(t, sanitize.TypeSVG, []byte(benignSVG), nil)
	if len(rep.Removed) != 0 {
		t.Fatalf("benign SVG lost %+v", rep.Removed)
	}
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "out.svg"), filepath.Join(dir, "out.png")
	if err := os.WriteFile(src, out, 0o644); err != nil {
		t.Fatal(err)
	}
	convert := testtool.Path(t, "/usr/bin/convert", "imagemagick")
	msg, err := exec.Command(convert, src, dst).CombinedOutput()
	if err != nil {
		t.Logf("ImageMagick cannot render SVG here (%v: %.200s); using LibreOffice", err, msg)
		soffice := testtool.Require(t, "soffice", "libreoffice")
		if msg, err := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
			"--convert-to", "png", "--outdir", dir, src).CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, msg)
		}
	}
	png, err := os.ReadFile(dst)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no PNG rendered: %v", err)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := (&Sanitizer{}).Sanitize(ctx, sanitize.Input{R: strings.NewReader(benignSVG), Size: int64(len(benignSVG))}, &out, &sanitize.Env{}, &sanitize.Report{Type: sanitize.TypeSVG})
	if r, ok := sanitize.AsRejection(err); !ok || r.Reason != sanitize.ReasonTimeout {
		t.Fatalf("got %v, want timeout", err)
	}
}

func TestTypeFromContent(t *testing.T) {
	for in, want := range map[string]sanitize.Type{
		benignSVG: sanitize.TypeSVG,
		string(page("", `<svg><circle r="1"/></svg>`)): sanitize.TypeHTML,
	} {
		_, rep, err := run(t, "", []byte(in), nil)
		if err != nil || rep.Type != want {
			t.Errorf("%.30q: type %s, err %v; want %s", in, rep.Type, err, want)
		}
	}
}
