package ooxml

import (
	"encoding/xml"

	"github.com/kakehashi/kakehashi/sanitize"
)

// decideSlide handles slides, layouts, masters and notes (ECMA-376 Part 1
// §19.3).
func (f *filter) decideSlide(e *elem) (action, bool) {
	switch {
	case e.is(nsPres, "graphicFrame"), e.is(nsCompat, "AlternateContent"):
		if f.inTree == 0 {
			return actBuffer, true
		}
	case e.is(nsPres, "oleObj"):
		if f.inTree == 0 {
			f.count(sanitize.RemovedOLEObject)
			return actDrop, true
		}
		// Kept while buffered: replaceOLEFrame needs the picture in it.
		return actKeep, true
	case e.is(nsPres, "controls"):
		f.count(sanitize.RemovedActiveX)
		return actDrop, true
	}
	return actKeep, false
}

// replaceOLEFrame replaces a graphic frame (or an mc:AlternateContent around
// frames) that holds an OLE object (p:oleObj, §19.3.1.36) with the object's
// preview picture (the p:pic inside p:oleObj), placed where the frame was.
// Without a preview picture the frame goes.
func (f *filter) replaceOLEFrame(n *node) *node {
	isOle := func(x *node) bool { return x.is(nsPres, "oleObj") }
	if n.find(isOle) == nil {
		return n
	}
	f.count(sanitize.RemovedOLEObject)
	path := n.find(func(x *node) bool { return isOle(x) && x.child(nsPres, "pic") != nil })
	if path == nil {
		return nil
	}
	pic := path[len(path)-1].child(nsPres, "pic")
	// Namespace declarations on the dropped ancestors must move onto the
	// picture, or its prefixes would be unbound.
	for _, anc := range path {
		for i, a := range anc.se.Attr {
			if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
				if !hasAttr(pic, a.Name) {
					pic.se.Attr = append(pic.se.Attr, a)
					pic.attrs = append(pic.attrs, anc.attrs[i])
				}
			}
		}
	}
	var frame *node
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].is(nsPres, "graphicFrame") {
			frame = path[i]
			break
		}
	}
	if frame != nil {
		placePicture(pic, frame)
	}
	return pic
}

func hasAttr(n *node, name xml.Name) bool {
	for _, a := range n.se.Attr {
		if a.Name == name {
			return true
		}
	}
	return false
}

// placePicture gives the picture the frame's shape id and name (shape ids
// must be unique on a slide, and animations refer to them) and, when the
// picture has no position of its own, the frame's.
func placePicture(pic, frame *node) {
	if nv := frame.child(nsPres, "nvGraphicFramePr"); nv != nil {
		if src := nv.child(nsPres, "cNvPr"); src != nil {
			if pnv := pic.child(nsPres, "nvPicPr"); pnv != nil {
				if dst := pnv.child(nsPres, "cNvPr"); dst != nil {
					for _, local := range []string{"id", "name"} {
						if v, ok := src.attr(nsNone, local); ok {
							setPlainAttr(dst, local, v)
						}
					}
				}
			}
		}
	}
	spPr := pic.child(nsPres, "spPr")
	fx := frame.child(nsPres, "xfrm")
	if spPr == nil || fx == nil || spPr.child(nsDrawing, "xfrm") != nil {
		return
	}
	off := fx.child(nsDrawing, "off")
	if off == nil {
		return
	}
	x := &node{elem: elem{se: xml.StartElement{Name: xml.Name{Space: off.se.Name.Space, Local: "xfrm"}}, ns: nsDrawing}}
	for _, k := range fx.kids {
		if c, ok := k.(*node); ok {
			x.kids = append(x.kids, c)
		}
	}
	spPr.kids = append([]any{x}, spPr.kids...)
}

func setPlainAttr(n *node, local, v string) {
	if _, ok := n.attr(nsNone, local); ok {
		n.setAttr(nsNone, local, v)
		return
	}
	n.se.Attr = append(n.se.Attr, xml.Attr{Name: xml.Name{Local: local}, Value: v})
	n.attrs = append(n.attrs, nsNone)
}
