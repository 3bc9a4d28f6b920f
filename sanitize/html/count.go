package html

import (
	"bytes"
	"io"
	"strings"

	xhtml "golang.org/x/net/html"

	"github.com/kakehashi/kakehashi/sanitize"
)

// census is what the input holds that the rebuilt document will not.
type census struct {
	scripts   int // <script> elements and javascript:/vbscript: URLs
	handlers  int // on* attributes
	external  int // outside resources: remote images, stylesheets, refresh, base
	foreign   int // iframe, frame, object, embed, applet, form
	embedded  int // data: URIs that are not kept images (files in the page)
	links     int // <a href> to keep or remove
	title     string
	inTitle   bool
	titleDone bool
}

// foreignElements embed other documents or send data away.
var foreignElements = map[string]bool{
	"iframe": true, "frame": true, "frameset": true, "object": true,
	"embed": true, "applet": true, "form": true, "portal": true,
}

// resourceAttrs load something when the page is shown (HTML Living
// Standard, "URLs" of each element), unlike a link that waits for a click.
var resourceAttrs = map[string]bool{
	"src": true, "srcset": true, "background": true, "poster": true, "data": true,
	"lowsrc": true, "dynsrc": true, "codebase": true, "archive": true, "manifest": true,
	"longdesc": true, "ping": true, "action": true, "formaction": true, "cite": true,
}

// count tokenizes doc and counts what the rebuild removes.
func count(doc []byte) census {
	var c census
	z := xhtml.NewTokenizer(bytes.NewReader(doc))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			if z.Err() != io.EOF {
				// The tokenizer only fails on read errors; a bytes.Reader
				// has none.
				return c
			}
			return c
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			c.startTag(z.Token())
		case xhtml.EndTagToken:
			if name, _ := z.TagName(); string(name) == "title" {
				c.inTitle, c.titleDone = false, c.title != ""
			}
		case xhtml.TextToken:
			if c.inTitle && !c.titleDone && len(c.title) < 512 {
				c.title += string(z.Text())
			}
		}
	}
}

func (c *census) startTag(t xhtml.Token) {
	switch name := t.Data; {
	case name == "script":
		c.scripts++
	case foreignElements[name]:
		c.foreign++
	case name == "title":
		c.inTitle = true
	case name == "base" || name == "link":
		if hasAttr(t, "href") {
			c.external++
		}
	case name == "meta":
		if strings.EqualFold(attr(t, "http-equiv"), "refresh") {
			c.external++
		}
	}
	for _, a := range t.Attr {
		c.attribute(t.Data, a)
	}
}

func (c *census) attribute(elem string, a xhtml.Attribute) {
	key := strings.ToLower(a.Key)
	switch {
	case strings.HasPrefix(key, "on"):
		c.handlers++
		return
	case activeURL(a.Val):
		c.scripts++
		return
	case key == "style" && strings.Contains(strings.ToLower(a.Val), "url("):
		c.external++
	case key == "href" && elem == "a":
		switch {
		case linkValue.MatchString(a.Val):
			c.links++
		case isDataURI(a.Val):
			c.embedded++ // a file carried in the link itself
		default:
			c.external++ // file:, relative and other non-web links
		}
	case resourceAttrs[key] && isDataURI(a.Val) && !isDataImage(a.Val):
		c.embedded++
	case resourceAttrs[key] && !isDataImage(a.Val):
		c.external++
	}
}

// isDataURI reports a data: URI (RFC 2397), which carries a whole file.
func isDataURI(v string) bool {
	v = strings.TrimSpace(v)
	return len(v) >= 5 && strings.EqualFold(v[:5], "data:")
}

// activeURL reports a URL that runs code when followed. Browsers strip
// ASCII whitespace and controls inside the scheme ("java\tscript:"), so
// the check does too.
func activeURL(v string) bool {
	var b strings.Builder
	for _, r := range strings.ToLower(v) {
		if r > ' ' {
			b.WriteRune(r)
		}
		if b.Len() > 16 {
			break
		}
	}
	s := b.String()
	return strings.HasPrefix(s, "javascript:") || strings.HasPrefix(s, "vbscript:") || strings.HasPrefix(s, "data:text/html")
}

// isDataImage reports a data: URI of a raster type kept by the policy.
func isDataImage(v string) bool {
	return dataImage.MatchString(strings.TrimSpace(v))
}

func hasAttr(t xhtml.Token, key string) bool {
	for _, a := range t.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func attr(t xhtml.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// report records the census in rep.
func (c census) report(rep *sanitize.Report, env *sanitize.Env, removeLinks bool) {
	loc := env.Loc("html")
	rep.Remove(sanitize.RemovedScript, loc, c.scripts)
	rep.Remove(sanitize.RemovedEventHandler, loc, c.handlers)
	rep.Remove(sanitize.RemovedExternalRef, loc, c.external)
	rep.Remove(sanitize.RemovedForeignObject, loc, c.foreign)
	rep.Remove(sanitize.RemovedEmbeddedFile, loc, c.embedded)
	if removeLinks {
		rep.Remove(sanitize.RemovedHyperlink, loc, c.links)
	}
}
