package html

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"io"
	"net/url"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

var update = flag.Bool("update", false, "rewrite testdata/malicious")

// run sanitizes data as typ with env (nil for defaults).
func run(t testing.TB, typ sanitize.Type, data []byte, env *sanitize.Env) ([]byte, *sanitize.Report, error) {
	t.Helper()
	if env == nil {
		env = &sanitize.Env{}
	}
	var out bytes.Buffer
	rep := &sanitize.Report{Type: typ}
	err := (&Sanitizer{}).Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(data), Size: int64(len(data)), Name: "t." + string(typ)}, &out, env, rep)
	return out.Bytes(), rep, err
}

func mustRun(t testing.TB, typ sanitize.Type, data []byte, env *sanitize.Env) ([]byte, *sanitize.Report) {
	t.Helper()
	out, rep, err := run(t, typ, data, env)
	if err != nil {
		t.Fatalf("sanitize: %v", err)
	}
	return out, rep
}

// activeHTMLElements must never be in a rebuilt HTML document.
var activeHTMLElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "object": true, "embed": true,
	"applet": true, "form": true, "base": true, "link": true, "style": true,
	"svg": true, "math": true, "foreignobject": true,
}

// checkHTML re-parses out as HTML and fails on anything active: scripts,
// frames, forms, event handlers, script URLs, and any loaded resource that
// is not a data: image.
func checkHTML(t testing.TB, out []byte) {
	t.Helper()
	doc, err := xhtml.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("output does not re-parse: %v", err)
	}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			if activeHTMLElements[strings.ToLower(n.Data)] {
				t.Errorf("output has <%s>", n.Data)
			}
			if n.Data == "meta" && !strings.EqualFold(attrOf(n, "http-equiv"), "Content-Security-Policy") && attrOf(n, "charset") == "" && attrOf(n, "name") != "referrer" {
				t.Errorf("output has an unexpected <meta>")
			}
			for _, a := range n.Attr {
				checkAttr(t, n.Data, a.Key, a.Val)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func attrOf(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// checkAttr fails on an event handler, a script URL or an outside load.
func checkAttr(t testing.TB, elem, key, val string) {
	t.Helper()
	k := strings.ToLower(key)
	if strings.HasPrefix(k, "on") {
		t.Errorf("<%s> keeps event handler %s", elem, key)
	}
	if activeURL(val) {
		t.Errorf("<%s %s> keeps a script URL %q", elem, key, val)
	}
	switch {
	case k == "href" || strings.HasSuffix(k, ":href"):
		if elem == "a" {
			u, err := url.Parse(val)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
				t.Errorf("<a href=%q> is not a web or mail link", val)
			}
		} else if !strings.HasPrefix(val, "#") && !isDataImage(val) {
			t.Errorf("<%s %s=%q> refers outside", elem, key, val)
		}
	case resourceAttrs[k]:
		if !isDataImage(val) {
			t.Errorf("<%s %s=%q> loads an outside resource", elem, key, val)
		}
	case k == "style" && strings.Contains(strings.ToLower(val), "url(") && !strings.Contains(val, "url(#"):
		t.Errorf("<%s style=%q> loads an outside resource", elem, val)
	}
}

// checkSVG re-parses out with the hostile-XML reader and fails on scripts,
// foreign objects, event handlers and outside references.
func checkSVG(t testing.TB, out []byte) {
	t.Helper()
	r := safexml.NewReader(bytes.NewReader(out), sanitize.Limits{})
	root := false
	for {
		tok, err := r.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("output does not re-parse: %v\n%s", err, out)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !root && se.Name.Local != "svg" {
			t.Fatalf("output root is <%s>", se.Name.Local)
		}
		root = true
		if !svgElements[se.Name.Local] {
			t.Errorf("output has <%s>", se.Name.Local)
		}
		for _, a := range se.Attr {
			if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
				continue
			}
			checkAttr(t, se.Name.Local, a.Name.Local, a.Value)
		}
	}
	if !root {
		t.Fatal("output has no root element")
	}
}
