package rtf

import (
	"github.com/kakehashi/kakehashi/sanitize"
)

// symbols are the control symbols copied (RTF 1.9.1 "Special Characters"):
// nonbreaking space, optional and nonbreaking hyphen, index subentry,
// formula character and the escaped \ { }. Others mean nothing.
var symbols = map[byte]bool{'~': true, '-': true, '_': true, ':': true, '|': true, '\\': true, '{': true, '}': true}

// content handles a token inside a decided group.
func (f *filter) content(fr *frame, t token) error {
	switch fr.mode {
	case modeSkip, modeObject:
		return nil // \bin data is skipped by the tokenizer
	case modeInst:
		// \* groups in an instruction (\formfield with its entry and exit
		// macros, \datafield) are not instruction text; a nested
		// \*\fldinst is, so that DDE inside QUOTE or IF is still seen.
		if t.kind == tokSymbol && t.sym == '*' {
			fr.star = true
			return nil
		}
		if fr.star && !(t.kind == tokWord && t.name == "fldinst") {
			fr.mode = modeSkip
			return nil
		}
		fr.star = false
		f.collect(t)
		return nil
	}
	if t.kind == tokWord {
		d, known := lookupDest(t.name)
		switch {
		case known && d.dangerous():
			return f.neutralize(fr, t, d)
		case known && d.act != actKeep:
			// \field, \fldinst, \pict … only mean something at the start
			// of a group; elsewhere they are dropped rather than left for
			// a lenient reader to interpret.
			return nil
		}
	}
	if fr.mode == modePict {
		return f.pictToken(fr, t)
	}
	if fr.name == "sn" {
		f.collectPropName(t)
	}
	if err := f.copyToken(t); err != nil {
		return err
	}
	return f.forceDecision()
}

// copyToken writes t unchanged in meaning.
func (f *filter) copyToken(t token) error {
	switch t.kind {
	case tokWord:
		return f.em.word(t.name, t.hasParam, t.param)
	case tokSymbol:
		if symbols[t.sym] {
			return f.em.symbol(t.sym)
		}
	case tokHex:
		return f.em.hex(t.hex)
	case tokText:
		return f.em.text(t.text)
	}
	// tokBin outside a picture: binary data means nothing in text, and its
	// bytes are skipped by the tokenizer.
	return nil
}

// neutralize handles a dangerous destination word found after the start of
// a group (Word honours \object and \objdata there): the rest of the group
// is dropped, or treated as an object.
func (f *filter) neutralize(fr *frame, t token, d dest) error {
	if fr.held {
		f.em.discard()
		fr.held = false
		fr.emitted = false
	}
	loc := f.env.Loc(`\` + t.name)
	if d.act == actObject {
		fr.mode = modeObject
		f.rep.Remove(sanitize.RemovedRTFObject, loc, 1)
		return nil
	}
	fr.mode = modeSkip
	f.rep.Remove(d.kind, loc, 1)
	return nil
}

// collect adds a token of a field instruction to its text.
func (f *filter) collect(t token) {
	if len(f.inst) > maxInstruction {
		f.nested = true // judged as unknown: too long to be a real instruction
		return
	}
	switch t.kind {
	case tokText:
		f.inst = append(f.inst, t.text...)
	case tokHex:
		f.inst = append(f.inst, t.hex)
	case tokSymbol:
		switch t.sym {
		case '\\', '{', '}':
			f.inst = append(f.inst, t.sym)
		case '~':
			f.inst = append(f.inst, ' ')
		}
	case tokWord:
		switch t.name {
		case "field", "fldinst":
			f.nested = true
		case "tab", "par", "line":
			f.inst = append(f.inst, ' ')
		}
	}
}

// collectPropName records the text of an \sn group in its \sp.
func (f *filter) collectPropName(t token) {
	sp := f.parent()
	if sp == nil || sp.mode != modeShapeProp || t.kind != tokText || len(sp.propName) > 256 {
		return
	}
	sp.propName = append(sp.propName, t.text...)
}
