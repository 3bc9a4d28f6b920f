package ooxml

import (
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// decide chooses what happens to one element: first by what the part's role
// knows about it, then by its relationship references.
func (f *filter) decide(e *elem) action {
	if a, ok := f.decideCommon(e); ok {
		return a
	}
	if e.ns == nsVML || e.ns == nsOffice {
		f.dropVMLOutsideLinks(e)
	}
	var a action
	var ok bool
	switch f.role {
	case roleWordStory:
		a, ok = f.decideWord(e)
	case roleWordSettings:
		a, ok = f.decideSettings(e)
	case roleWordWeb:
		if e.is(nsWord, "frameset") {
			return actDrop // the frames' relationships are reported
		}
	case roleWorkbook:
		a, ok = f.decideWorkbook(e)
	case roleWorksheet:
		a, ok = f.decideWorksheet(e)
	case roleSlide:
		a, ok = f.decideSlide(e)
	case roleCore, roleApp:
		a, ok = f.decideMetadata(e)
	case roleTable:
		f.unbindQueryTable(e)
	}
	if ok {
		return a
	}
	return f.decideRefs(e)
}

// decideCommon handles active elements that can appear in any part.
func (f *filter) decideCommon(e *elem) (action, bool) {
	switch {
	case e.is(nsOffice, "OLEObject"):
		// VML OLE object (in w:object, in VML drawings): the v:shape next
		// to it keeps the preview picture.
		f.count(sanitize.RemovedOLEObject)
		return actDrop, true
	case e.is(nsExcelVML, "FmlaMacro"):
		// The macro a form control runs when clicked (MS-OI29500 VML).
		f.count(sanitize.RemovedVBAProject)
		return actDrop, true
	case e.ns == nsDrawing && (e.se.Name.Local == "hlinkClick" || e.se.Name.Local == "hlinkHover" || e.se.Name.Local == "hlinkMouseOver"):
		// ECMA-376 Part 1 §21.1.2.3.5 and PowerPoint's ppaction:// verbs:
		// "program" runs the target, "macro" runs VBA, "ole" activates an
		// embedded object.
		act, _ := e.attr(nsNone, "action")
		act = strings.ToLower(act)
		switch {
		case strings.HasPrefix(act, "ppaction://macro"):
			f.count(sanitize.RemovedVBAProject)
			return actDrop, true
		case strings.HasPrefix(act, "ppaction://program"):
			f.count(sanitize.RemovedExternalRel)
			return actDrop, true
		case strings.HasPrefix(act, "ppaction://ole"):
			f.count(sanitize.RemovedOLEObject)
			return actDrop, true
		}
	}
	return actKeep, false
}

// decideRefs removes references to relationships that are not copied: an
// element whose r:id (r:embed, r:link, o:relid …) dangles is dropped, except
// w:hyperlink, whose text stays and only the link goes.
func (f *filter) decideRefs(e *elem) action {
	for i := 0; i < len(e.se.Attr); i++ {
		a := e.se.Attr[i]
		isRef := e.attrs[i] == nsRel || (e.attrs[i] == nsOffice && a.Name.Local == "relid")
		if !isRef || strings.TrimSpace(a.Value) == "" {
			continue
		}
		if rl := f.rels[strings.TrimSpace(a.Value)]; rl != nil && rl.keep {
			continue
		}
		// w:hyperlink keeps its text without the link; a:blip's r:link (a
		// linked picture next to an embedded one, §20.1.8.13) goes alone
		// so the embedded picture stays; x:pageSetup loses only its
		// printer settings, not orientation and paper size (§18.3.1.63).
		// Elsewhere the reference is required and the element goes.
		if e.is(nsWord, "hyperlink") || e.is(nsSheet, "pageSetup") || (e.is(nsDrawing, "blip") && a.Name.Local == "link") {
			e.removeAttr(i)
			f.changed = true
			i--
			continue
		}
		return actDrop
	}
	return actKeep
}

// decideSettings handles word/settings.xml (ECMA-376 Part 1 §17.15).
func (f *filter) decideSettings(e *elem) (action, bool) {
	switch {
	case e.is(nsWord, "attachedTemplate"):
		// Its relationship (template injection) is reported where it
		// was removed; without it the element is meaningless.
		return actDrop, true
	case e.is(nsWord, "mailMerge"):
		// A mail merge data source is an outside connection with a
		// query (§17.14).
		f.count(sanitize.RemovedExternalData)
		return actDrop, true
	}
	return actKeep, false
}

// decideWord handles the elements of Word stories.
func (f *filter) decideWord(e *elem) (action, bool) {
	if e.ns != nsWord {
		return actKeep, false
	}
	switch e.se.Name.Local {
	case "r":
		if f.inTree == 0 {
			return actBuffer, true
		}
	case "fldSimple":
		instr, _ := e.attr(nsWord, "instr")
		if kind, bad := f.dangerousField(instr, false); bad {
			f.count(kind)
			return actUnwrap, true // keep the cached result runs
		}
	case "instrText", "delInstrText", "fldChar":
		if f.inTree == 0 || f.parent == nil || !f.parent.is(nsWord, "r") {
			return actDrop, true // only valid directly inside a run
		}
	case "control":
		f.count(sanitize.RemovedActiveX)
		return actDrop, true
	case "objectEmbed", "objectLink":
		f.count(sanitize.RemovedOLEObject)
		return actDrop, true
	case "subDoc", "altChunk":
		return actDrop, true // the part or link is reported
	case "entryMacro", "exitMacro":
		// Legacy form fields run these macros on entry and exit.
		f.count(sanitize.RemovedVBAProject)
		return actDrop, true
	}
	return actKeep, false
}

// decideMetadata drops document properties that name people and
// organisations when the policy asks for it (ECMA-376 Part 2 §11, Part 1
// §22.2).
func (f *filter) decideMetadata(e *elem) (action, bool) {
	if !f.policy.RemoveMetadata {
		return actKeep, false
	}
	drop := false
	switch e.ns {
	case nsDublin:
		switch e.se.Name.Local {
		case "creator", "description", "subject", "identifier":
			drop = true
		}
	case nsCore:
		switch e.se.Name.Local {
		case "lastModifiedBy", "lastPrinted", "keywords", "category", "contentStatus":
			drop = true
		}
	case nsExtProps:
		switch e.se.Name.Local {
		case "Company", "Manager", "HyperlinkBase", "Template":
			drop = true
		}
	}
	if drop {
		f.count(sanitize.RemovedMetadata)
		return actDrop, true
	}
	return actKeep, false
}

// unbindQueryTable turns a table that was filled by a query table (whose
// part and connection are removed) into a plain table, so Excel does not
// look for the missing query (§18.5.1.2 tableType, §18.5.1.3
// queryTableFieldId).
func (f *filter) unbindQueryTable(e *elem) {
	for i := 0; i < len(e.se.Attr); i++ {
		a := e.se.Attr[i]
		if e.attrs[i] != nsNone || a.Name.Space != "" {
			continue
		}
		if (e.is(nsSheet, "table") && a.Name.Local == "tableType" && a.Value == "queryTable") ||
			(e.is(nsSheet, "tableColumn") && a.Name.Local == "queryTableFieldId") {
			e.removeAttr(i)
			f.changed = true
			i--
		}
	}
}

// dropVMLOutsideLinks removes VML href and src attributes (v:shape href,
// v:imagedata src, o:href) that name an outside address: VML predates
// relationships and can fetch or link a URL or UNC path directly, which
// would bypass the relationship allow-list.
func (f *filter) dropVMLOutsideLinks(e *elem) {
	for i := 0; i < len(e.se.Attr); i++ {
		a := e.se.Attr[i]
		if a.Name.Local != "href" && a.Name.Local != "src" {
			continue
		}
		v := strings.TrimSpace(a.Value)
		if strings.Contains(v, ":") || strings.HasPrefix(v, "\\\\") || strings.HasPrefix(v, "//") {
			e.removeAttr(i)
			i--
			f.count(sanitize.RemovedExternalRel)
		}
	}
}
