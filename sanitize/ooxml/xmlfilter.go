package ooxml

import (
	"encoding/xml"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

// maxTreeTokens bounds one buffered subtree (a run, a graphic frame, a
// defined name). They are small in real files; a hostile file that makes one
// huge is refused rather than buffered without bound.
const maxTreeTokens = 1 << 20

// elem is a start element with its namespaces resolved when it was read.
type elem struct {
	se    xml.StartElement
	ns    ns
	attrs []ns // namespace of each attribute, parallel to se.Attr
}

func (e *elem) is(n ns, local string) bool { return e.ns == n && e.se.Name.Local == local }

// attr returns the value of the attribute in namespace n ("" = none).
func (e *elem) attr(n ns, local string) (string, bool) {
	for i, a := range e.se.Attr {
		if e.attrs[i] == n && a.Name.Local == local && (n != nsNone || a.Name.Space == "") {
			return a.Value, true
		}
	}
	return "", false
}

// setAttr replaces an existing attribute's value.
func (e *elem) setAttr(n ns, local, v string) {
	for i, a := range e.se.Attr {
		if e.attrs[i] == n && a.Name.Local == local && (n != nsNone || a.Name.Space == "") {
			e.se.Attr[i].Value = v
		}
	}
}

// removeAttr deletes the i-th attribute.
func (e *elem) removeAttr(i int) {
	e.se.Attr = append(e.se.Attr[:i:i], e.se.Attr[i+1:]...)
	e.attrs = append(e.attrs[:i:i], e.attrs[i+1:]...)
}

// node is a buffered subtree.
type node struct {
	elem
	kids []any // *node or xml.CharData
}

// action is what the filter does with an element.
type action int

const (
	actKeep   action = iota
	actDrop          // leave out the element and everything in it
	actUnwrap        // leave out the tags, keep the content
	actBuffer        // read the subtree into a node and transform it
)

// filter rewrites one XML part. It runs twice on parts it changes: first
// into io.Discard to find out whether anything changes (and to collect
// what later elements need to know, such as removed sheets), then into the
// output.
type filter struct {
	role   role
	rels   map[string]*rel // this part's relationships by Id
	policy sanitize.Policy
	limits sanitize.Limits

	removed map[sanitize.RemovalKind]int
	changed bool

	xr      *safexml.Reader
	xw      *safexml.Writer
	inTree  int   // >0 while building a buffered subtree
	parent  *node // the element around the one being decided, in a subtree
	fields  fieldState
	book    *bookState
	treeTok int
}

func newFilter(r role, rels map[string]*rel, env *sanitize.Env, book *bookState) *filter {
	return &filter{role: r, rels: rels, policy: env.Policy, limits: env.Limits, book: book}
}

// count records removed active content.
func (f *filter) count(k sanitize.RemovalKind) {
	f.removed[k]++
	f.changed = true
}

// run filters the XML in r into w.
func (f *filter) run(r io.Reader, w io.Writer) error {
	f.removed = map[sanitize.RemovalKind]int{}
	f.changed = false
	f.fields = fieldState{}
	if f.book != nil {
		f.book.reset()
	}
	f.xr = safexml.NewReader(r, f.limits)
	f.xw = safexml.NewWriter(w)
	if err := f.xw.Declaration(); err != nil {
		return err
	}
	var emitEnd []bool
	roots := 0
	for {
		tok, err := f.xr.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if f.xr.Depth() == 1 {
				if roots++; roots > 1 {
					return sanitize.Reject(sanitize.ReasonMalformed, "XML part has more than one root element")
				}
			}
			e, err := f.resolve(t)
			if err != nil {
				return err
			}
			switch f.decide(&e) {
			case actDrop:
				f.changed = true
				if err := f.xr.Skip(); err != nil {
					return err
				}
			case actUnwrap:
				f.changed = true
				emitEnd = append(emitEnd, false)
			case actBuffer:
				n, err := f.buildTree(e)
				if err != nil {
					return err
				}
				if err := f.emitBuffered(n); err != nil {
					return err
				}
			default:
				emitEnd = append(emitEnd, true)
				if err := f.token(e.se); err != nil {
					return err
				}
			}
		case xml.EndElement:
			keep := emitEnd[len(emitEnd)-1]
			emitEnd = emitEnd[:len(emitEnd)-1]
			if keep {
				if err := f.token(t); err != nil {
					return err
				}
			}
		case xml.CharData:
			if err := f.token(t); err != nil {
				return err
			}
		}
	}
	if roots == 0 {
		return sanitize.Reject(sanitize.ReasonMalformed, "XML part has no root element")
	}
	if err := f.fields.finish(f); err != nil {
		return err
	}
	return f.xw.Flush()
}

// resolve records the namespaces of an element and its attributes.
func (f *filter) resolve(se xml.StartElement) (elem, error) {
	e := elem{se: se, ns: nsByURI[f.xr.URI(se.Name.Space)], attrs: make([]ns, len(se.Attr))}
	for i, a := range se.Attr {
		e.attrs[i] = nsByURI[f.xr.AttrURI(a)]
		// XML 1.0 §3.1 "Unique Att Spec" (and Namespaces §6.3 for two
		// prefixes of one URI): encoding/xml does not enforce it, and a
		// reader that takes the last copy while the filter checks the
		// first would see an instruction the filter never saw.
		for j := 0; j < i; j++ {
			b := se.Attr[j]
			if b.Name.Local == a.Name.Local && (b.Name.Space == a.Name.Space || (a.Name.Space != "" && b.Name.Space != "" && f.xr.AttrURI(a) == f.xr.AttrURI(b))) {
				return e, sanitize.Reject(sanitize.ReasonMalformed, "attribute %s repeated on <%s>", a.Name.Local, se.Name.Local)
			}
		}
	}
	return e, nil
}

// token writes one token, through the field machinery in Word stories.
func (f *filter) token(tok xml.Token) error {
	if f.role == roleWordStory {
		return f.fields.token(f, tok)
	}
	return f.xw.Token(tok)
}

// buildTree reads the subtree whose start is e, applying decide to every
// element inside it.
func (f *filter) buildTree(e elem) (*node, error) {
	f.inTree++
	defer func() { f.inTree-- }()
	root := &node{elem: e}
	stack := []*node{root}
	// unwrapped elements have no node; their end tags are skipped.
	var kinds []bool // per open element below root: true = has node
	for {
		tok, err := f.xr.Token()
		if err != nil {
			if err == io.EOF {
				return nil, sanitize.Reject(sanitize.ReasonMalformed, "XML ends inside <%s>", e.se.Name.Local)
			}
			return nil, err
		}
		if f.treeTok++; f.treeTok > maxTreeTokens {
			return nil, sanitize.Reject(sanitize.ReasonTooLarge, "XML element <%s> is too large", e.se.Name.Local)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			ce, err := f.resolve(t)
			if err != nil {
				return nil, err
			}
			f.parent = top
			switch f.decide(&ce) {
			case actDrop:
				f.changed = true
				if err := f.xr.Skip(); err != nil {
					return nil, err
				}
			case actUnwrap:
				f.changed = true
				kinds = append(kinds, false)
			default:
				n := &node{elem: ce}
				top.kids = append(top.kids, n)
				stack = append(stack, n)
				kinds = append(kinds, true)
			}
		case xml.EndElement:
			if len(kinds) == 0 {
				f.treeTok = 0
				return root, nil
			}
			if kinds[len(kinds)-1] {
				stack = stack[:len(stack)-1]
			}
			kinds = kinds[:len(kinds)-1]
		case xml.CharData:
			top.kids = append(top.kids, t)
		}
	}
}

// emitBuffered transforms a buffered subtree by role and writes it.
func (f *filter) emitBuffered(n *node) error {
	switch f.role {
	case roleWordStory:
		if n.is(nsWord, "r") {
			return f.fields.run(f, n)
		}
	case roleSlide:
		n = f.replaceOLEFrame(n)
	case roleWorkbook:
		n = f.bookNode(n)
	case roleWorksheet:
		n = f.sheetNode(n)
	}
	if n == nil {
		f.changed = true
		return nil
	}
	return f.writeNode(n)
}

// writeNode writes a subtree. In Word stories the runs below it (text boxes
// hold whole stories inside a run, §17.17.1) pass through a field state of
// their own, so a DDE field in a text box is handled like one in the body.
func (f *filter) writeNode(n *node) error {
	if f.role != roleWordStory {
		return f.writePlain(n)
	}
	s := &fieldState{}
	if err := f.xw.Token(n.se); err != nil {
		return err
	}
	for _, k := range n.kids {
		if err := f.writeStory(k, s); err != nil {
			return err
		}
	}
	if err := s.finish(f); err != nil {
		return err
	}
	return f.xw.Token(n.se.End())
}

func (f *filter) writeStory(k any, s *fieldState) error {
	switch k := k.(type) {
	case xml.CharData:
		return s.token(f, k)
	case *node:
		if k.is(nsWord, "r") {
			return s.run(f, k)
		}
		if err := s.token(f, k.se); err != nil {
			return err
		}
		for _, kk := range k.kids {
			if err := f.writeStory(kk, s); err != nil {
				return err
			}
		}
		return s.token(f, k.se.End())
	}
	return nil
}

func (f *filter) writePlain(n *node) error {
	if err := f.xw.Token(n.se); err != nil {
		return err
	}
	for _, k := range n.kids {
		switch k := k.(type) {
		case *node:
			if err := f.writePlain(k); err != nil {
				return err
			}
		case xml.CharData:
			if err := f.xw.Token(k); err != nil {
				return err
			}
		}
	}
	return f.xw.Token(n.se.End())
}

// text returns the character data directly and deeply inside n.
func (n *node) text() string {
	var b []byte
	var walk func(*node)
	walk = func(n *node) {
		for _, k := range n.kids {
			switch k := k.(type) {
			case *node:
				walk(k)
			case xml.CharData:
				b = append(b, k...)
			}
		}
	}
	walk(n)
	return string(b)
}

// find returns the path from n to the first descendant (or n) matching
// pred, or nil.
func (n *node) find(pred func(*node) bool) []*node {
	if pred(n) {
		return []*node{n}
	}
	for _, k := range n.kids {
		if c, ok := k.(*node); ok {
			if p := c.find(pred); p != nil {
				return append([]*node{n}, p...)
			}
		}
	}
	return nil
}

// child returns the first direct child matching (n, local).
func (n *node) child(space ns, local string) *node {
	for _, k := range n.kids {
		if c, ok := k.(*node); ok && c.is(space, local) {
			return c
		}
	}
	return nil
}
