package rtf

import (
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// maxHeld bounds output held while a group is judged. Real pictures and
// shape properties name their kind in the first few words, so a group that
// has not decided after this much is judged on what is known.
const maxHeld = 64 << 10

// maxFonts bounds the font table. Word's font table parser corrupted its
// heap on tens of thousands of entries (CVE-2023-21716); real documents
// list dozens.
const maxFonts = 4096

// decide judges a new group on its first token.
func (f *filter) decide(fr *frame, t token) error {
	inObject := f.parent().mode == modeObject
	if t.kind == tokSymbol && t.sym == '*' && !fr.star {
		fr.star = true
		return nil
	}
	if t.kind != tokWord {
		if inObject || fr.star {
			fr.mode = modeSkip // object data, or \* without a word
			return nil
		}
		return f.keepGroup(fr, t)
	}
	if f.parent().name == "fonttbl" {
		if f.fonts++; f.fonts > maxFonts {
			return malformed("font table with more than %d fonts (CVE-2023-21716)", maxFonts)
		}
	}
	d, known := lookupDest(t.name)
	switch {
	case inObject && known && d.act == actResult:
		return f.plainGroup(fr)
	case inObject:
		fr.mode = modeSkip
		return nil
	case !known && fr.star:
		// RTF 1.9.1 "Destinations": \* marks a destination the reader may
		// skip when it does not know it. Unknown ones are dropped.
		fr.mode = modeSkip
		return nil
	case !known:
		return f.keepGroup(fr, t)
	}
	fr.name = t.name
	return f.startDest(fr, t, d)
}

// decideNested judges a group that starts with a nested group.
func (f *filter) decideNested(fr *frame) error {
	if fr.star || f.parent().mode == modeObject {
		fr.mode = modeSkip
		return nil
	}
	return f.plainGroup(fr)
}

// keepGroup copies the group, starting with t.
func (f *filter) keepGroup(fr *frame, t token) error {
	fr.mode = modeKeep
	fr.emitted = true
	if err := f.em.open(); err != nil {
		return err
	}
	return f.content(fr, t)
}

// plainGroup writes the group without its destination word.
func (f *filter) plainGroup(fr *frame) error {
	fr.mode = modeKeep
	fr.emitted = true
	return f.em.open()
}

// openDest writes "{", "\*" when the input had it, and the word.
func (f *filter) openDest(fr *frame, t token) error {
	fr.emitted = true
	if err := f.em.open(); err != nil {
		return err
	}
	if fr.star {
		if err := f.em.symbol('*'); err != nil {
			return err
		}
	}
	return f.em.word(t.name, t.hasParam, t.param)
}

// startDest applies destination d to the group fr.
func (f *filter) startDest(fr *frame, t token, d dest) error {
	loc := f.env.Loc(`\` + t.name)
	switch d.act {
	case actKeep:
		fr.mode = modeKeep
		return f.openDest(fr, t)
	case actInfo:
		if f.env.Policy.RemoveMetadata {
			fr.mode = modeSkip
			f.rep.Remove(sanitize.RemovedMetadata, loc, 1)
			return nil
		}
		fr.mode = modeKeep
		return f.openDest(fr, t)
	case actDrop:
		fr.mode = modeSkip
		f.rep.Remove(d.kind, loc, 1)
		return nil
	case actDropQuiet:
		fr.mode = modeSkip
		return nil
	case actObject:
		fr.mode = modeObject
		f.rep.Remove(sanitize.RemovedRTFObject, loc, 1)
		return nil
	case actResult:
		return f.plainGroup(fr)
	case actField, actPict, actShapeProp:
		fr.mode = map[action]mode{actField: modeField, actPict: modePict, actShapeProp: modeShapeProp}[d.act]
		f.em.hold()
		fr.held = true
		if d.act == actPict {
			f.pictSize = 0
			f.hexLine = 0
		}
		return f.openDest(fr, t)
	case actFldinst:
		return f.startInstruction(fr)
	case actFldrslt:
		return f.startResult(fr, t)
	}
	return malformed("internal: destination \\%s has no action", t.name)
}

// startInstruction collects the instruction of a field still being held;
// an instruction anywhere else (a second one, or outside a field) is dropped.
func (f *filter) startInstruction(fr *frame) error {
	p := f.parent()
	if p.mode != modeField || !p.held {
		fr.mode = modeSkip
		return nil
	}
	fr.mode = modeInst
	fr.star = false
	f.inst = f.inst[:0]
	f.nested = false
	return nil
}

// startResult writes \fldrslt, or a plain group when the field lost its
// instruction.
func (f *filter) startResult(fr *frame, t token) error {
	p := f.parent()
	if p.mode != modeField {
		return f.plainGroup(fr)
	}
	if p.held {
		// A result before any instruction: nothing to judge.
		if err := f.unwrapField(p); err != nil {
			return err
		}
	}
	if p.unwrapped {
		return f.plainGroup(fr)
	}
	fr.mode = modeKeep
	return f.openDest(fr, t)
}

// unwrapField drops a held field's words and instruction and turns the
// group into a plain one, so that its result text stays in the document.
func (f *filter) unwrapField(fr *frame) error {
	if err := f.endHeld(fr, false); err != nil {
		return err
	}
	fr.unwrapped = true
	fr.emitted = true
	return f.em.open()
}

// judgeInstruction decides on the collected instruction of the field that
// encloses the top frame.
func (f *filter) judgeInstruction(fr *frame) error {
	field := f.parent()
	v := judgeField(string(f.inst), f.nested, f.env.Policy.RemoveHyperlinks)
	if !v.keep {
		if v.kind != "" {
			f.rep.Remove(v.kind, f.env.Loc(`\field `+v.typ), 1)
		} else {
			f.rep.Warn("RTF field %.40s removed (its shown text is kept)", v.typ)
		}
		return f.unwrapField(field)
	}
	buf := append([]byte(`{\*\fldinst `), appendText(nil, f.inst)...)
	buf = append(buf, '}')
	if err := f.em.write(buf); err != nil {
		return err
	}
	return f.endHeld(field, true)
}

// judgeShapeProp runs after an \sn group closed: a property naming an
// outside file takes its whole \sp group with it.
func (f *filter) judgeShapeProp() error {
	sp := f.top()
	if sp.mode != modeShapeProp || !sp.held {
		return nil
	}
	name := strings.TrimSpace(string(sp.propName))
	switch {
	case shapePropOutside(name):
		f.rep.Remove(sanitize.RemovedExternalRef, f.env.Loc(`\sp `+name), 1)
	case strings.EqualFold(name, "pFragments"):
		// CVE-2010-3333: Word's parser of this property overflowed the
		// stack, and exploit kits kept using it. Shapes never need it.
		f.rep.Warn("RTF shape property pFragments removed (CVE-2010-3333)")
	default:
		return f.endHeld(sp, true)
	}
	sp.mode = modeSkip
	return f.endHeld(sp, false)
}

// forceDecision judges the innermost held group early when it holds too
// much output.
func (f *filter) forceDecision() error {
	if len(f.em.held) == 0 || f.em.heldLen() <= maxHeld {
		return nil
	}
	for i := len(f.stack) - 1; i >= 0; i-- {
		fr := f.stack[i]
		if !fr.held {
			continue
		}
		// Groups opened inside fr wrote their "{" into fr's held output; if
		// that is discarded they must not write their "}".
		for _, inner := range f.stack[i+1:] {
			inner.mode = modeSkip
			inner.emitted = false
		}
		switch fr.mode {
		case modeField:
			return f.unwrapField(fr)
		case modePict:
			return f.endPicture(fr)
		default:
			fr.mode = modeSkip
			return f.endHeld(fr, false)
		}
	}
	return nil
}
