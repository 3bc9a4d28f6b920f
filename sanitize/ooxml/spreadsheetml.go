package ooxml

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// bookState carries what the workbook filter learns in its first pass
// (which sheets go) into the second, because bookViews, which refer to sheets
// by index, come before the sheet list (ECMA-376 Part 1 §18.2.27).
type bookState struct {
	removedIdx   []int
	removedNames []string
	final        bool // set after the first pass
	sheetIdx     int
}

func (b *bookState) reset() {
	b.sheetIdx = 0
	if !b.final {
		b.removedIdx, b.removedNames = nil, nil
	}
}

func (b *bookState) removed(i int) bool {
	for _, r := range b.removedIdx {
		if r == i {
			return true
		}
	}
	return false
}

// newIndex maps a sheet index of the input to the output (removed sheets
// map to 0, the first sheet).
func (b *bookState) newIndex(i int) int {
	if b.removed(i) {
		return 0
	}
	n := i
	for _, r := range b.removedIdx {
		if r < i {
			n--
		}
	}
	return n
}

// externalRef matches a formula reference into another workbook
// ("[1]Sheet1!A1", "'[2]My sheet'!B2", "[1]!Name"): the external link
// parts are not copied, so these would dangle.
var externalRef = regexp.MustCompile(`\[\d+\][^\[\]]*!`)

// activeFunctions are worksheet functions that reach outside the workbook
// (RTD starts a COM server, WEBSERVICE fetches a URL) or call code (CALL,
// REGISTER, EXEC: the XLM bridge). Formulas using them are dropped; the
// cell keeps its cached value.
var activeFunctions = regexp.MustCompile(`(?i)(^|[^A-Za-z0-9_.])(_xlfn\.)?(RTD|WEBSERVICE|CALL|REGISTER|REGISTER\.ID|EXEC)\s*\(`)

// formulaKind says why a formula (or a defined name's formula) must go.
func formulaKind(text string) (sanitize.RemovalKind, bool) {
	if m := activeFunctions.FindStringSubmatch(text); m != nil {
		switch strings.ToUpper(m[3]) {
		case "RTD", "WEBSERVICE":
			return sanitize.RemovedExternalData, true
		}
		return sanitize.RemovedXLMMacroSheet, true
	}
	if externalRef.MatchString(text) {
		return sanitize.RemovedExternalRel, true
	}
	return "", false
}

// decideWorkbook handles workbook.xml.
func (f *filter) decideWorkbook(e *elem) (action, bool) {
	if e.ns != nsSheet {
		return actKeep, false
	}
	b := f.book
	switch e.se.Name.Local {
	case "sheet":
		idx := b.sheetIdx
		b.sheetIdx++
		id, _ := e.attr(nsRel, "id")
		if rl := f.rels[id]; rl == nil || !rl.keep {
			// A macro sheet, dialog sheet or a sheet whose part is
			// gone; the part is reported.
			if !b.final {
				name, _ := e.attr(nsNone, "name")
				b.removedIdx = append(b.removedIdx, idx)
				b.removedNames = append(b.removedNames, name)
			}
			return actDrop, true
		}
	case "definedName", "externalReferences":
		return actBuffer, true
	case "workbookView":
		for _, a := range []string{"activeTab", "firstSheet"} {
			if v, ok := e.attr(nsNone, a); ok {
				if i, err := strconv.Atoi(v); err == nil && len(b.removedIdx) > 0 {
					if ni := b.newIndex(i); ni != i {
						e.setAttr(nsNone, a, strconv.Itoa(ni))
						f.changed = true
					}
				}
			}
		}
	}
	return actKeep, false
}

// bookNode transforms buffered workbook elements.
func (f *filter) bookNode(n *node) *node {
	switch {
	case n.is(nsSheet, "externalReferences"):
		if n.child(nsSheet, "externalReference") == nil {
			return nil // all of them pointed at removed external links
		}
	case n.is(nsSheet, "definedName"):
		return f.definedName(n)
	}
	return n
}

// autoNames are the names Excel runs as XLM macros when the workbook opens
// or closes; Excel matches any name that starts with them.
var autoNames = []string{"auto_open", "auto_close", "auto_activate", "auto_deactivate"}

// definedName drops names that run macros or refer to removed sheets or
// outside workbooks (§18.2.5), and renumbers localSheetId.
func (f *filter) definedName(n *node) *node {
	name, _ := n.attr(nsNone, "name")
	lower := strings.TrimPrefix(strings.ToLower(name), "_xlnm.")
	for _, a := range autoNames {
		if strings.HasPrefix(lower, a) {
			f.count(sanitize.RemovedXLMMacroSheet)
			return nil
		}
	}
	for _, a := range []string{"function", "vbProcedure", "xlm"} {
		if v, _ := n.attr(nsNone, a); v == "1" || v == "true" {
			f.count(sanitize.RemovedXLMMacroSheet)
			return nil
		}
	}
	text := n.text()
	b := f.book
	if v, ok := n.attr(nsNone, "localSheetId"); ok {
		i, err := strconv.Atoi(v)
		if err == nil && b.removed(i) {
			f.count(sanitize.RemovedXLMMacroSheet)
			return nil
		}
		if err == nil && b.newIndex(i) != i {
			n.setAttr(nsNone, "localSheetId", strconv.Itoa(b.newIndex(i)))
			f.changed = true
		}
	}
	for _, s := range b.removedNames {
		if s != "" && (strings.Contains(text, s+"!") || strings.Contains(text, "'"+strings.ReplaceAll(s, "'", "''")+"'!")) {
			f.count(sanitize.RemovedXLMMacroSheet)
			return nil
		}
	}
	if k, bad := formulaKind(text); bad {
		f.count(k)
		return nil
	}
	return n
}

// decideWorksheet handles worksheets (§18.3).
func (f *filter) decideWorksheet(e *elem) (action, bool) {
	if e.ns != nsSheet {
		return actKeep, false
	}
	switch e.se.Name.Local {
	case "oleObjects":
		f.count(sanitize.RemovedOLEObject)
		return actDrop, true
	case "controls":
		f.count(sanitize.RemovedActiveX)
		return actDrop, true
	case "f":
		return actBuffer, true
	}
	return actKeep, false
}

// sheetNode drops formulas into other workbooks and formulas that call
// outside code; the cell keeps its cached value (<v>), so the sheet still
// shows the numbers.
func (f *filter) sheetNode(n *node) *node {
	if !n.is(nsSheet, "f") {
		return n
	}
	if k, bad := formulaKind(n.text()); bad {
		f.count(k)
		return nil
	}
	return n
}
