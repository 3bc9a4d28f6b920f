// Package safexml reads and writes XML that comes from hostile files (OOXML
// and ODF parts, SVG) for the sanitizers that rebuild them.
//
// Reading goes through encoding/xml, which never fetches external entities,
// but which accepts DOCTYPE declarations and does not bound depth or size.
// Reader adds what CDR needs: any DOCTYPE or ENTITY declaration is rejected
// (XXE, billion laughs: sanitize.ReasonXMLDoctype), nesting and bytes are
// bounded (sanitize.Limits), start and end tags must match, and namespace
// prefixes are tracked so callers can match elements by namespace URI while
// still seeing the prefixes the file used.
//
// Writing is by hand because encoding/xml's Encoder rewrites namespaced names
// (it emits xmlns:_xmlns and similar) and Office refuses such parts. Writer
// serialises raw tokens exactly: prefixes, attributes in order, escaped text.
// Comments and processing instructions other than the XML declaration are
// dropped on the way through; they carry nothing a clerk needs.
package safexml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Reader yields the raw tokens of one XML document with hostile-input checks.
type Reader struct {
	d        *xml.Decoder
	lr       *limitedReader
	maxDepth int
	stack    []xml.Name
	ns       []map[string]string // one scope per open element; prefix → URI
	rootDone bool                // the root element has been closed
}

// NewReader returns a Reader over r, bounded by lim.MaxXMLPartBytes and
// lim.MaxXMLDepth (zero values mean the defaults).
func NewReader(r io.Reader, lim sanitize.Limits) *Reader {
	lim = lim.WithDefaults()
	lr := &limitedReader{r: r, left: lim.MaxXMLPartBytes}
	d := xml.NewDecoder(lr)
	d.Strict = true
	d.CharsetReader = charsetReader
	return &Reader{d: d, lr: lr, maxDepth: lim.MaxXMLDepth, ns: []map[string]string{{"xml": "http://www.w3.org/XML/1998/namespace"}}}
}

func charsetReader(label string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "unknown XML encoding %q", label)
	}
	return enc.NewDecoder().Reader(in), nil
}

// Token returns the next token: xml.StartElement, xml.EndElement,
// xml.CharData, xml.Comment or xml.ProcInst, with prefixes unresolved (use
// Space for the prefix). Errors are *sanitize.Rejection; io.EOF ends a
// well-formed document.
func (r *Reader) Token() (xml.Token, error) {
	tok, err := r.d.RawToken()
	if err != nil {
		if r.lr.exceeded {
			return nil, sanitize.Reject(sanitize.ReasonTooLarge, "XML part exceeds the size limit")
		}
		if err == io.EOF {
			if len(r.stack) > 0 {
				return nil, sanitize.Reject(sanitize.ReasonMalformed, "XML ends inside <%s>", qname(r.stack[len(r.stack)-1]))
			}
			return nil, io.EOF
		}
		if _, ok := sanitize.AsRejection(err); ok {
			return nil, err
		}
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "XML: %v", err)
	}
	switch t := tok.(type) {
	case xml.Directive:
		// DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION: no OOXML, ODF or SVG
		// part needs one, and entity declarations are how XXE and billion
		// laughs work.
		return nil, sanitize.Reject(sanitize.ReasonXMLDoctype, "XML declares <!%s", firstWord(t))
	case xml.StartElement:
		if len(r.stack) >= r.maxDepth {
			return nil, sanitize.Reject(sanitize.ReasonTooLarge, "XML nesting deeper than %d", r.maxDepth)
		}
		if len(r.stack) == 0 && r.rootDone {
			// XML 1.0 §2.1: one root. encoding/xml accepts a second one,
			// which an application may read while a filter skips it.
			return nil, sanitize.Reject(sanitize.ReasonMalformed, "XML has a second root element <%s>", qname(t.Name))
		}
		scope := map[string]string{}
		for _, a := range t.Attr {
			switch {
			case a.Name.Space == "xmlns":
				scope[a.Name.Local] = a.Value
			case a.Name.Space == "" && a.Name.Local == "xmlns":
				scope[""] = a.Value
			}
		}
		r.ns = append(r.ns, scope)
		r.stack = append(r.stack, t.Name)
		if err := r.checkUniqueAttrs(t); err != nil {
			return nil, err
		}
		return t.Copy(), nil
	case xml.EndElement:
		if len(r.stack) == 0 {
			return nil, sanitize.Reject(sanitize.ReasonMalformed, "XML closes </%s> that was never opened", qname(t.Name))
		}
		open := r.stack[len(r.stack)-1]
		if open != t.Name {
			return nil, sanitize.Reject(sanitize.ReasonMalformed, "XML closes </%s> inside <%s>", qname(t.Name), qname(open))
		}
		r.stack = r.stack[:len(r.stack)-1]
		r.ns = r.ns[:len(r.ns)-1]
		r.rootDone = len(r.stack) == 0
		return t, nil
	case xml.CharData:
		return t.Copy(), nil
	case xml.Comment:
		return t.Copy(), nil
	case xml.ProcInst:
		return t.Copy(), nil
	}
	return nil, sanitize.Reject(sanitize.ReasonMalformed, "XML: unexpected token %T", tok)
}

// checkUniqueAttrs rejects an element that names one attribute twice,
// literally or through two prefixes bound to the same namespace (XML 1.0
// §3.1, Namespaces §6.3). encoding/xml keeps both, and a filter that looks
// at the first while Office reads the last would let an instruction through
// (w:instr="PAGE" … w:instr="DDEAUTO").
func (r *Reader) checkUniqueAttrs(se xml.StartElement) error {
	if len(se.Attr) < 2 {
		return nil
	}
	seen := make(map[xml.Name]bool, len(se.Attr))
	for _, a := range se.Attr {
		key := xml.Name{Space: r.AttrURI(a), Local: a.Name.Local}
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			key = xml.Name{Space: "xmlns:", Local: a.Name.Local}
		}
		if seen[key] {
			return sanitize.Reject(sanitize.ReasonMalformed, "XML element <%s> repeats attribute %s", qname(se.Name), qname(a.Name))
		}
		seen[key] = true
	}
	return nil
}

// Depth is the number of currently open elements.
func (r *Reader) Depth() int { return len(r.stack) }

// URI resolves a raw prefix (Name.Space of a token) in the current scope;
// call it right after Token returned the element. An unknown prefix
// resolves to "".
func (r *Reader) URI(prefix string) string {
	if prefix == "xmlns" {
		return "http://www.w3.org/2000/xmlns/"
	}
	for i := len(r.ns) - 1; i >= 0; i-- {
		if uri, ok := r.ns[i][prefix]; ok {
			return uri
		}
	}
	return ""
}

// AttrURI resolves an attribute's prefix: unprefixed attributes have no
// namespace (XML Namespaces §6.2), unlike unprefixed elements.
func (r *Reader) AttrURI(a xml.Attr) string {
	if a.Name.Space == "" {
		return ""
	}
	return r.URI(a.Name.Space)
}

// Skip reads and discards tokens up to and including the end of the element
// whose start was the last token returned, still applying every check.
func (r *Reader) Skip() error {
	depth := len(r.stack)
	for {
		tok, err := r.Token()
		if err != nil {
			if err == io.EOF {
				return sanitize.Reject(sanitize.ReasonMalformed, "XML ends inside a skipped element")
			}
			return err
		}
		if _, ok := tok.(xml.EndElement); ok && len(r.stack) < depth {
			return nil
		}
	}
}

func firstWord(d xml.Directive) string {
	s := strings.TrimSpace(string(d))
	if i := strings.IndexAny(s, " \t\r\n["); i > 0 {
		s = s[:i]
	}
	if len(s) > 20 {
		s = s[:20]
	}
	return s
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

type limitedReader struct {
	r        io.Reader
	left     int64
	exceeded bool
}

var errTooLarge = errors.New("xml part too large")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		l.exceeded = true
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// Writer serialises raw tokens.
type Writer struct {
	w       io.Writer
	err     error
	pending *xml.StartElement // written as "<x" without ">" yet, to allow "/>"
	depth   int               // open elements; text outside the root is dropped
	buf     bytes.Buffer
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Declaration writes the standard XML declaration Office and ODF expect.
func (w *Writer) Declaration() error {
	return w.raw(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n")
}

// Token writes one token. Comments, processing instructions and directives
// are dropped.
func (w *Writer) Token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		w.closePending(false)
		w.buf.Reset()
		w.buf.WriteByte('<')
		w.buf.WriteString(qname(t.Name))
		for _, a := range t.Attr {
			w.buf.WriteByte(' ')
			w.buf.WriteString(qname(a.Name))
			w.buf.WriteString(`="`)
			escape(&w.buf, a.Value, true)
			w.buf.WriteByte('"')
		}
		st := t
		w.pending = &st
		w.depth++
		return w.raw(w.buf.String())
	case xml.EndElement:
		w.depth--
		if w.pending != nil && w.pending.Name == t.Name {
			w.pending = nil
			return w.raw("/>")
		}
		w.closePending(false)
		return w.raw("</" + qname(t.Name) + ">")
	case xml.CharData:
		// Whitespace around the root element carries nothing, and keeping
		// it would make every pass add the newline after the declaration.
		if len(t) == 0 || w.depth == 0 {
			return w.err
		}
		w.closePending(false)
		w.buf.Reset()
		escape(&w.buf, string(t), false)
		return w.raw(w.buf.String())
	}
	return w.err
}

// Flush completes a pending start tag. Call it once after the last token.
func (w *Writer) Flush() error {
	w.closePending(false)
	return w.err
}

func (w *Writer) closePending(bool) {
	if w.pending != nil {
		w.pending = nil
		_ = w.raw(">")
	}
}

func (w *Writer) raw(s string) error {
	if w.err != nil {
		return w.err
	}
	_, w.err = io.WriteString(w.w, s)
	return w.err
}

// escape writes s with the XML special characters escaped. In attributes,
// whitespace controls are escaped too so that they survive normalisation.
func escape(b *bytes.Buffer, s string, attr bool) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\t' && attr:
			b.WriteString("&#x9;")
		case r == '\n' && attr:
			b.WriteString("&#xA;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r < 0x20 && r != '\t' && r != '\n':
			// Not allowed in XML 1.0; the decoder would not have
			// produced it, but never write an invalid part.
		default:
			b.WriteRune(r)
		}
	}
}

// Copy streams r's tokens to w through keep: keep returns false to drop an
// element with all its content. It is the common loop of the allow-list
// rebuilders; the declaration is written first.
func Copy(w *Writer, r *Reader, keep func(r *Reader, se xml.StartElement) (bool, error)) error {
	if err := w.Declaration(); err != nil {
		return err
	}
	for {
		tok, err := r.Token()
		if err == io.EOF {
			return w.Flush()
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && keep != nil {
			k, err := keep(r, se)
			if err != nil {
				return err
			}
			if !k {
				if err := r.Skip(); err != nil {
					return err
				}
				continue
			}
		}
		if err := w.Token(tok); err != nil {
			return fmt.Errorf("writing XML: %w", err)
		}
	}
}
