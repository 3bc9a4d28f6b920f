package html

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	xhtml "golang.org/x/net/html"
)

// hiddenElements hold nothing a reader sees.
var hiddenElements = map[string]bool{
	"script": true, "style": true, "head": true, "title": true, "noscript": true,
	"template": true, "iframe": true, "object": true, "embed": true, "applet": true,
	"noembed": true, "noframes": true, "svg": true, "math": true, "select": true, "textarea": true,
}

// blockElements end a line (HTML Living Standard §15.3, the elements
// rendered as display: block).
var blockElements = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true, "table": true,
	"tr": true, "blockquote": true, "pre": true, "address": true, "section": true, "article": true,
	"header": true, "footer": true, "main": true, "aside": true, "nav": true, "figure": true,
	"figcaption": true, "hr": true, "caption": true, "form": true, "fieldset": true, "center": true,
}

// textWriter converts tokens to plain text.
type textWriter struct {
	w       *bufio.Writer
	hidden  int  // depth inside hidden elements
	pre     int  // depth inside <pre>
	cellsIn int  // cells written in the current row
	atLine  bool // at the start of a line
	space   bool // a collapsed space is pending
}

// toText writes the visible text of doc (UTF-8) to w.
func toText(w io.Writer, doc []byte) error {
	t := &textWriter{w: bufio.NewWriter(w), atLine: true}
	z := xhtml.NewTokenizer(bytes.NewReader(doc))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		name, _ := z.TagName()
		switch tt {
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			t.start(string(name), tt == xhtml.SelfClosingTagToken)
		case xhtml.EndTagToken:
			t.end(string(name))
		case xhtml.TextToken:
			if t.hidden == 0 {
				t.text(string(z.Text()))
			}
		}
	}
	t.newline()
	return t.w.Flush()
}

func (t *textWriter) start(name string, selfClosing bool) {
	switch {
	case hiddenElements[name]:
		if !selfClosing {
			t.hidden++
		}
	case name == "br":
		t.hardBreak()
	case name == "td" || name == "th":
		if t.cellsIn > 0 {
			t.w.WriteByte('\t')
		}
		t.cellsIn++
		t.atLine, t.space = false, false
	case name == "tr":
		t.newline()
		t.cellsIn = 0
	case name == "pre":
		t.newline()
		t.pre++
	case blockElements[name]:
		t.newline()
	}
}

func (t *textWriter) end(name string) {
	switch {
	case hiddenElements[name]:
		if t.hidden > 0 {
			t.hidden--
		}
	case name == "pre":
		if t.pre > 0 {
			t.pre--
		}
		t.newline()
	case name == "tr":
		t.newline()
		t.cellsIn = 0
	case blockElements[name]:
		t.newline()
	}
}

// text writes a text run, collapsing white space outside <pre>.
func (t *textWriter) text(s string) {
	if s == "" {
		return
	}
	if t.pre > 0 {
		t.w.WriteString(s)
		t.atLine = strings.HasSuffix(s, "\n")
		return
	}
	if isHTMLSpace(rune(s[0])) {
		t.space = true
	}
	for i, f := range strings.FieldsFunc(s, isHTMLSpace) {
		if (i > 0 || t.space) && !t.atLine {
			t.w.WriteByte(' ')
		}
		t.w.WriteString(f)
		t.atLine, t.space = false, false
	}
	if isHTMLSpace(rune(s[len(s)-1])) {
		t.space = true
	}
}

func (t *textWriter) newline() {
	if !t.atLine {
		t.w.WriteByte('\n')
	}
	t.atLine, t.space = true, false
}

func (t *textWriter) hardBreak() {
	t.w.WriteByte('\n')
	t.atLine, t.space = true, false
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}
