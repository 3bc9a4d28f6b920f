package html

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
)

// svgElements are the SVG 1.1 elements kept (SVG 1.1 Appendix A lists them
// all): shapes, text, grouping, paint servers, clipping and masking, and
// descriptive elements. Nothing that scripts, animates, links, embeds
// other documents or loads fonts.
var svgElements = map[string]bool{
	"svg": true, "g": true, "path": true, "rect": true, "circle": true, "ellipse": true,
	"line": true, "polyline": true, "polygon": true, "text": true, "tspan": true,
	"defs": true, "linearGradient": true, "radialGradient": true, "stop": true,
	"clipPath": true, "mask": true, "pattern": true, "symbol": true, "use": true,
	"title": true, "desc": true, "image": true,
	// Beyond the basic list, inert elements common in drawings exported
	// from Inkscape and Illustrator: text on a path (local href only),
	// markers and filter primitives. feImage is left out: it loads an
	// image by href like <image>, without the data: check.
	"textPath": true, "marker": true, "filter": true, "feBlend": true,
	"feColorMatrix": true, "feComponentTransfer": true, "feComposite": true,
	"feConvolveMatrix": true, "feDiffuseLighting": true, "feDisplacementMap": true,
	"feFlood": true, "feGaussianBlur": true, "feMerge": true, "feMergeNode": true,
	"feMorphology": true, "feOffset": true, "feSpecularLighting": true, "feTile": true,
	"feTurbulence": true, "feFuncR": true, "feFuncG": true, "feFuncB": true, "feFuncA": true,
	"feDistantLight": true, "fePointLight": true, "feSpotLight": true, "feDropShadow": true,
}

// animationElements change attributes over time (SVG 1.1 §19); an
// animation of href or of an event attribute turns a harmless element into
// a link or a script, so any of them targeting those is counted as script.
var animationElements = map[string]bool{
	"animate": true, "set": true, "animateTransform": true, "animateMotion": true,
	"animateColor": true, "discard": true,
}

// embedElements bring in other documents.
var embedElements = map[string]bool{
	"foreignObject": true, "iframe": true, "embed": true, "object": true, "audio": true,
	"video": true, "canvas": true, "handler": true, "listener": true,
}

type elemAction uint8

const (
	elemSkip   elemAction = iota // drop with all content
	elemUnwrap                   // drop the tags, keep the content
	elemKeep
)

// svgFilter rebuilds one SVG image.
type svgFilter struct {
	r       *safexml.Reader
	env     *sanitize.Env
	rep     *sanitize.Report
	written []bool // per open input element: was its start tag written
	root    bool
}

func sanitizeSVG(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	rep.Type = sanitize.TypeSVG
	rep.OutputType = sanitize.TypeSVG
	if env.Policy.SVG == sanitize.ModeReject {
		return sanitize.Reject(sanitize.ReasonTypeNotAllowed, "SVG rejected by policy")
	}
	bw := bufio.NewWriter(&limitWriter{w: out, left: env.Limits.MaxOutputBytes})
	w := safexml.NewWriter(bw)
	f := &svgFilter{r: safexml.NewReader(in.Reader(), env.Limits), env: env, rep: rep}
	if err := w.Declaration(); err != nil {
		return err
	}
	if err := f.copy(ctx, w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing SVG: %w", err)
	}
	return bw.Flush()
}

// copy streams the allowed tokens from f.r to w.
func (f *svgFilter) copy(ctx context.Context, w *safexml.Writer) error {
	for {
		tok, err := f.r.Token()
		if err == io.EOF {
			if !f.root {
				return sanitize.Reject(sanitize.ReasonMalformed, "no <svg> root element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return sanitize.Reject(sanitize.ReasonTimeout, "%v", err)
		}
		if err := f.token(w, tok); err != nil {
			return err
		}
	}
}

func (f *svgFilter) token(w *safexml.Writer, tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return f.start(w, t)
	case xml.EndElement:
		open := f.written[len(f.written)-1]
		f.written = f.written[:len(f.written)-1]
		if open {
			return w.Token(t)
		}
	case xml.CharData:
		// Content of skipped elements never gets here (Reader.Skip eats
		// it), so text belongs to a written or unwrapped element.
		return w.Token(t)
	case xml.ProcInst:
		// <?xml-stylesheet href=…?> loads an outside stylesheet.
		if t.Target == "xml-stylesheet" {
			f.rep.Remove(sanitize.RemovedExternalRef, f.env.Loc("svg"), 1)
		}
	}
	return nil // comments and processing instructions are dropped
}

func (f *svgFilter) start(w *safexml.Writer, se xml.StartElement) error {
	uri := f.r.URI(se.Name.Space)
	if !f.root {
		if se.Name.Local != "svg" || (uri != svgNS && uri != "") {
			return sanitize.Reject(sanitize.ReasonMalformed, "root element is <%s>, not <svg>", se.Name.Local)
		}
		f.root = true
	}
	act := f.element(se)
	if uri != svgNS && uri != "" {
		// Other vocabularies (XHTML, RDF, editor metadata) are dropped
		// whole; element still counted a script or frame among them.
		act = elemSkip
	}
	switch act {
	case elemSkip:
		return f.r.Skip()
	case elemUnwrap:
		f.written = append(f.written, false)
		return nil
	}
	se.Attr = f.attrs(se)
	if len(f.written) == 0 && uri == "" {
		// A root without xmlns renders in browsers only inline in HTML;
		// as a file it needs the SVG namespace.
		se.Attr = append([]xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: svgNS}}, se.Attr...)
	}
	f.written = append(f.written, true)
	return w.Token(se)
}

// element decides what happens to an SVG element, counting removals.
func (f *svgFilter) element(se xml.StartElement) elemAction {
	name := se.Name.Local
	loc := f.env.Loc("svg <" + name + ">")
	switch {
	case name == "script":
		f.rep.Remove(sanitize.RemovedScript, f.env.Loc("svg <script>"), 1)
	case embedElements[name]:
		f.rep.Remove(sanitize.RemovedForeignObject, loc, 1)
	case animationElements[name]:
		target := strings.ToLower(attrValue(se, "attributeName"))
		if strings.HasSuffix(target, "href") || strings.HasPrefix(target, "on") {
			f.rep.Remove(sanitize.RemovedScript, loc, 1)
		}
	case name == "a":
		// Links are unwrapped: their shapes stay, the target goes.
		if activeURL(f.href(se)) {
			f.rep.Remove(sanitize.RemovedScript, loc, 1)
		}
		return elemUnwrap
	case name == "image":
		switch href := f.href(se); {
		case isDataImage(href):
			return elemKeep
		case isDataURI(href):
			f.rep.Remove(sanitize.RemovedEmbeddedFile, loc, 1)
		default:
			f.rep.Remove(sanitize.RemovedExternalRef, loc, 1)
		}
		return elemSkip
	case name == "feImage" && f.href(se) != "":
		f.rep.Remove(sanitize.RemovedExternalRef, loc, 1)
	case svgElements[name]:
		return elemKeep
	}
	return elemSkip
}

// href returns the element's href or xlink:href.
func (f *svgFilter) href(se xml.StartElement) string {
	for _, a := range se.Attr {
		if f.isHref(a) {
			return a.Value
		}
	}
	return ""
}

// isHref matches href (SVG 2) and xlink:href (SVG 1.1) by namespace, not
// by prefix, so a renamed xlink prefix is still recognised.
func (f *svgFilter) isHref(a xml.Attr) bool {
	if a.Name.Local != "href" {
		return false
	}
	return a.Name.Space == "" || f.r.AttrURI(a) == xlinkNS
}

func attrValue(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
