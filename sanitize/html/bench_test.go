package html

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// fiveMB builds a ~5 MB Japanese HTML page with tables, links and some
// active content to remove.
func fiveMB() []byte {
	var sb strings.Builder
	sb.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>報告書</title></head><body>`)
	row := `<tr><td>架け橋市</td><td onclick="x()">住民課</td><td><a href="https://www.city.example.lg.jp/">リンク</a></td></tr>`
	for sb.Len() < 5<<20 {
		sb.WriteString(`<h2>第1章</h2><p>本文の<b>段落</b>です。<img src="http://x/p.gif"><script>var a=1;</script></p><table>`)
		for i := 0; i < 20; i++ {
			sb.WriteString(row)
		}
		sb.WriteString(`</table>`)
	}
	sb.WriteString(`</body></html>`)
	return []byte(sb.String())
}

func BenchmarkHTML(b *testing.B) {
	data := fiveMB()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := run(b, sanitize.TypeHTML, data, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTMLText(b *testing.B) {
	data := fiveMB()
	env := &sanitize.Env{Policy: sanitize.Policy{HTML: sanitize.ModeText}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := run(b, sanitize.TypeHTML, data, env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSVG(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(svgOpen)
	for sb.Len() < 1<<20 {
		sb.WriteString(`<g transform="translate(1,1)"><rect x="1" y="1" width="5" height="5" fill="url(#g)" onclick="x()"/><text x="1" y="2">市役所</text></g>`)
	}
	sb.WriteString(`</svg>`)
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		out, _, err := run(b, sanitize.TypeSVG, data, nil)
		if err != nil || !bytes.Contains(out, []byte("<svg")) {
			b.Fatal(err)
		}
	}
}
