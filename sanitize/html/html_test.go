package html

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/kakehashi/kakehashi/sanitize"
)

const onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNk+M9QDwADAQEAGN2NsAAAAABJRU5ErkJggg=="

// page wraps body in a small UTF-8 document with Japanese text that must
// survive every case.
func page(head, body string) []byte {
	return []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>お知らせ</title>` + head +
		`</head><body><h1>住民税の申告について</h1><p>期限は<b>三月十五日</b>です。</p>` + body + `</body></html>`)
}

var pageText = []string{"住民税の申告について", "期限は", "三月十五日", "です。"}

func TestSanitizeHTML(t *testing.T) {
	tests := []struct {
		name string
		head string
		body string
		env  *sanitize.Env
		kind sanitize.RemovalKind
		n    int      // expected count of kind
		gone []string // must not be in the output
		kept []string // must be in the output
	}{
		{name: "benign", body: `<ul><li>一</li></ul><table><tr><td>氏名</td><td>山田</td></tr></table>`, kept: []string{"<li>一</li>", "<td>山田</td>"}},
		{name: "script", head: `<script>alert(1)</script>`, body: `<script src="http://x/a.js"></script>`, kind: sanitize.RemovedScript, n: 2, gone: []string{"alert", "a.js"}},
		{name: "onload", body: `<img onerror="alert(1)" src="x"><div onclick='x()'>d</div>`, kind: sanitize.RemovedEventHandler, n: 2, gone: []string{"onerror", "onclick", "alert"}},
		{name: "javascript link", body: `<a href="javascript:alert(1)">j</a><a href=" JaVa&#09;ScRiPt:alert(2)">k</a>`, kind: sanitize.RemovedScript, n: 2, gone: []string{"alert"}, kept: []string{"j", "k"}},
		{name: "data link", body: `<a href="data:application/octet-stream;base64,TVqQAA==">exe</a>`, kind: sanitize.RemovedEmbeddedFile, n: 1, gone: []string{"TVqQ"}, kept: []string{"exe"}},
		{name: "vbscript link", body: `<a href="vbscript:msgbox(1)">v</a>`, kind: sanitize.RemovedScript, n: 1, gone: []string{"msgbox"}},
		{name: "remote image", body: `<img src="http://tracker.example/p.gif?id=1" alt="a">`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"tracker"}},
		{name: "data image kept", body: `<img src="data:image/png;base64,` + onePixelPNG + `" alt="p">`, kept: []string{"data:image/png;base64,"}},
		{name: "data svg image removed", body: `<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">`, kind: sanitize.RemovedEmbeddedFile, n: 1, gone: []string{"svg+xml"}},
		{name: "iframe", body: `<iframe src="https://evil.example/"></iframe>`, kind: sanitize.RemovedForeignObject, n: 1, gone: []string{"iframe", "evil"}},
		{name: "object embed", body: `<object data="x.swf"></object><embed src="y.swf">`, kind: sanitize.RemovedForeignObject, n: 2, gone: []string{"swf"}},
		{name: "form", body: `<form action="https://phish.example/login"><input name="pw" type="password"><button>送信</button></form>`, kind: sanitize.RemovedForeignObject, n: 1, gone: []string{"phish", "<input", "<form"}},
		{name: "meta refresh", head: `<meta http-equiv="refresh" content="0;url=https://phish.example/">`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"phish", "refresh"}},
		{name: "base", head: `<base href="https://evil.example/">`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"evil"}},
		{name: "stylesheet", head: `<link rel="stylesheet" href="https://x.example/s.css"><style>body{background:url(https://x.example/b.png)}</style>`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"x.example"}},
		{name: "style attribute", body: `<p style="color: red; background-image: url(https://x.example/b.png)">s</p>`, kind: sanitize.RemovedExternalRef, n: 1, gone: []string{"x.example"}, kept: []string{"color: red"}},
		{name: "link kept", body: `<a href="https://www.city.example.lg.jp/">市</a>`, kept: []string{`href="https://www.city.example.lg.jp/"`, "noreferrer"}},
		{name: "link removed by policy", body: `<a href="https://www.city.example.lg.jp/">市</a>`, env: &sanitize.Env{Policy: sanitize.Policy{RemoveHyperlinks: true}},
			kind: sanitize.RemovedHyperlink, n: 1, gone: []string{"city.example"}, kept: []string{"市"}},
		{name: "relative link dropped", body: `<a href="../../etc/passwd">r</a><a href="file:///C:/x.exe">f</a>`, kind: sanitize.RemovedExternalRef, n: 2, gone: []string{"passwd", "x.exe"}},
		{name: "svg inline", body: `<svg><script>alert(1)</script><circle r="1"/></svg>`, kind: sanitize.RemovedScript, n: 1, gone: []string{"alert", "<svg"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, rep := mustRun(t, sanitize.TypeHTML, page(tc.head, tc.body), tc.env)
			checkHTML(t, out)
			if tc.kind != "" {
				if got := rep.Totals()[tc.kind]; got != tc.n {
					t.Errorf("%s counted %d, want %d (%+v)", tc.kind, got, tc.n, rep.Removed)
				}
			} else if len(rep.Removed) != 0 {
				t.Errorf("unexpected removals %+v", rep.Removed)
			}
			for _, g := range tc.gone {
				if bytes.Contains(out, []byte(g)) {
					t.Errorf("output still contains %q", g)
				}
			}
			for _, k := range append(append([]string{}, pageText...), tc.kept...) {
				if !bytes.Contains(out, []byte(k)) {
					t.Errorf("output lost %q:\n%s", k, out)
				}
			}
			if !bytes.Contains(out, []byte(`<meta charset="utf-8">`)) || !bytes.Contains(out, []byte("<title>お知らせ</title>")) {
				t.Errorf("document shell missing:\n%s", out)
			}
		})
	}
}

func TestCharsets(t *testing.T) {
	body := "<p>架け橋市役所からのお知らせです。</p>"
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(body)
	euc, _ := japanese.EUCJP.NewEncoder().String(body)
	tests := []struct {
		name string
		in   string
	}{
		{"shift_jis meta", `<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head><body>` + sjis + `</body></html>`},
		{"shift_jis meta charset", `<meta charset="shift_jis">` + sjis},
		{"euc-jp meta", `<meta charset="EUC-JP">` + euc},
		{"shift_jis undeclared", `<html><body>` + sjis + `</body></html>`},
		{"euc-jp undeclared", `<html><body>` + euc + `</body></html>`},
		{"utf-8 bom", "\xef\xbb\xbf" + body},
		{"utf-8 undeclared", body},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := mustRun(t, sanitize.TypeHTML, []byte(tc.in), nil)
			if !strings.Contains(string(out), "架け橋市役所からのお知らせです。") {
				t.Errorf("Japanese text not in UTF-8 output:\n%s", out)
			}
			if bytes.Count(out, []byte("charset")) != 1 || bytes.Contains(bytes.ToLower(out), []byte("shift_jis")) {
				t.Errorf("output must declare UTF-8 only:\n%s", out)
			}
		})
	}
}

func TestTextMode(t *testing.T) {
	env := &sanitize.Env{Policy: sanitize.Policy{HTML: sanitize.ModeText}}
	in := page(`<style>p{color:red}</style><script>var secret=1</script>`,
		`<table><tr><th>氏名</th><th>住所</th></tr><tr><td>山田 太郎</td><td>東京都</td></tr></table><ul><li>一</li><li>二</li></ul>行1<br>行2<pre>  a
  b</pre><a href="javascript:x">リンク</a>`)
	out, rep := mustRun(t, sanitize.TypeHTML, in, env)
	if rep.OutputType != sanitize.TypeTXT {
		t.Errorf("output type %s, want txt", rep.OutputType)
	}
	links, lrep := mustRun(t, sanitize.TypeHTML, page("", `<a href="https://example.jp/">a</a><a href="mailto:x@example.jp">b</a>`), env)
	if !bytes.Contains(links, []byte("ab")) || bytes.Contains(links, []byte("example.jp")) {
		t.Errorf("links in text mode: %q", links)
	}
	if n := lrep.Totals()[sanitize.RemovedHyperlink]; n != 2 {
		t.Errorf("text mode reported %d removed links, want 2", n)
	}
	want := "住民税の申告について\n期限は三月十五日です。\n氏名\t住所\n山田 太郎\t東京都\n一\n二\n行1\n行2\n  a\n  b\nリンク\n"
	if string(out) != want {
		t.Errorf("text:\n%q\nwant\n%q", out, want)
	}
	if rep.Totals()[sanitize.RemovedScript] != 2 || rep.Totals()[sanitize.RemovedHyperlink] != 0 {
		t.Errorf("removals %+v", rep.Removed)
	}
}

func TestPolicyModes(t *testing.T) {
	tests := []struct {
		name string
		typ  sanitize.Type
		env  *sanitize.Env
		want sanitize.Reason
	}{
		{"html reject", sanitize.TypeHTML, &sanitize.Env{Policy: sanitize.Policy{HTML: sanitize.ModeReject}}, sanitize.ReasonTypeNotAllowed},
		{"svg reject", sanitize.TypeSVG, &sanitize.Env{Policy: sanitize.Policy{SVG: sanitize.ModeReject}}, sanitize.ReasonTypeNotAllowed},
		{"html too large", sanitize.TypeHTML, &sanitize.Env{Limits: sanitize.Limits{MaxXMLPartBytes: 10}}, sanitize.ReasonTooLarge},
		{"html output limit", sanitize.TypeHTML, &sanitize.Env{Limits: sanitize.Limits{MaxOutputBytes: 100}}, sanitize.ReasonTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := page("", "")
			if tc.typ == sanitize.TypeSVG {
				in = []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)
			}
			_, _, err := run(t, tc.typ, in, tc.env)
			if r, ok := sanitize.AsRejection(err); !ok || r.Reason != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
		})
	}
	// At the size limit exactly, the input is accepted.
	in := page("", "")
	if _, _, err := run(t, sanitize.TypeHTML, in, &sanitize.Env{Limits: sanitize.Limits{MaxXMLPartBytes: int64(len(in))}}); err != nil {
		t.Errorf("input at the limit: %v", err)
	}
}

// TestTextSurvives compares the visible text of a benign page before and
// after sanitizing.
func TestTextSurvives(t *testing.T) {
	in := page(`<style>p{}</style>`, `<ul><li>一</li><li><i>二</i></li></ul><table><tr><th>氏名</th><td>山田 太郎</td></tr></table>`+
		`<blockquote>引用</blockquote><pre> 整形 済み</pre><p><a href="https://example.jp/">リンク</a><sup>1</sup></p>`)
	out, rep := mustRun(t, sanitize.TypeHTML, in, nil)
	if len(rep.Removed) != 0 {
		t.Errorf("benign page reported removals %+v", rep.Removed)
	}
	var before, after bytes.Buffer
	if err := toText(&before, in); err != nil {
		t.Fatal(err)
	}
	if err := toText(&after, out); err != nil {
		t.Fatal(err)
	}
	if before.String() != after.String() {
		t.Errorf("text changed:\nbefore %q\nafter  %q", before.String(), after.String())
	}
}
