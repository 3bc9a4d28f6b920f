package rtf

import (
	"bytes"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// mode is how a group's content is treated.
type mode uint8

const (
	modeUndecided mode = iota // just opened; its first token decides
	modeKeep                  // copied
	modeSkip                  // dropped with everything inside
	modeObject                // \object: only a \result child survives
	modeInst                  // \fldinst and its children: text collected
	modePict                  // \pict: words held until the kind is known
	modeShapeProp             // \sp: held until its \sn names the property
	modeField                 // \field: held until its instruction is judged
)

// frame is one open group.
type frame struct {
	mode    mode
	star    bool // \* seen first
	emitted bool // "{" was written, so "}" must be
	held    bool // this group pushed an emitter hold
	name    string
	// field state
	unwrapped bool // instruction removed: the group is written as a plain group
	// pict state
	pictKind bool
	// shape property state
	propName []byte
}

// filter runs tokens through the destination rules.
type filter struct {
	tok      *tokenizer
	em       *emitter
	env      *sanitize.Env
	rep      *sanitize.Report
	stack    []*frame
	maxDepth int
	maxPict  int64
	pictSize int64
	inst     []byte // text of the instruction being collected
	nested   bool   // the instruction holds a nested \field
	hexLine  int
	hexBuf   []byte   // reused for picture data
	free     []*frame // closed frames for reuse: groups come by the million
	fonts    int      // entries seen in \fonttbl
}

// newFrame returns a cleared frame in mode m.
func (f *filter) newFrame(m mode) *frame {
	if n := len(f.free); n > 0 {
		fr := f.free[n-1]
		f.free = f.free[:n-1]
		*fr = frame{mode: m, propName: fr.propName[:0]}
		return fr
	}
	return &frame{mode: m}
}

func (f *filter) top() *frame { return f.stack[len(f.stack)-1] }

// parent is the frame enclosing the top one, or nil.
func (f *filter) parent() *frame {
	if len(f.stack) < 2 {
		return nil
	}
	return f.stack[len(f.stack)-2]
}

// run processes the whole document: one {\rtf1 …} group, then only
// whitespace.
func (f *filter) run() error {
	t, err := f.tok.next()
	for err == nil && t.kind == tokText && len(bytes.TrimSpace(t.text)) == 0 {
		t, err = f.tok.next()
	}
	if err != nil {
		return err
	}
	if t.kind != tokOpen {
		return malformed("no {\\rtf header")
	}
	if t, err = f.tok.next(); err != nil {
		return err
	}
	if t.kind != tokWord || t.name != "rtf" {
		return malformed("no {\\rtf header")
	}
	f.stack = append(f.stack, &frame{mode: modeKeep, emitted: true, name: "rtf"})
	if err := f.em.open(); err != nil {
		return err
	}
	if err := f.em.word("rtf", true, 1); err != nil {
		return err
	}
	for len(f.stack) > 0 {
		t, err := f.tok.next()
		if err != nil {
			return err
		}
		if t.kind == tokEOF {
			return malformed("file ends inside %d open groups", len(f.stack))
		}
		if err := f.step(t); err != nil {
			return err
		}
	}
	return f.trailer()
}

// trailer drops whatever follows the document's closing brace: readers
// ignore it, and droppers hide payloads there.
func (f *filter) trailer() error {
	if err := f.em.str("\r\n"); err != nil {
		return err
	}
	var extra significant
	if _, err := io.Copy(&extra, f.tok.r); err != nil {
		return err
	}
	if extra {
		f.rep.Remove(sanitize.RemovedTrailingData, f.env.Loc("after the document"), 1)
	}
	return nil
}

// significant records whether anything but whitespace and NULs was
// written to it.
type significant bool

func (s *significant) Write(p []byte) (int, error) {
	if len(bytes.Trim(p, " \t\r\n\x00")) > 0 {
		*s = true
	}
	return len(p), nil
}

// step handles one token.
// Held output is checked after every token, so that no sequence of tokens
// (even empty groups) makes it grow past maxHeld.
func (f *filter) step(t token) error {
	var err error
	switch fr := f.top(); {
	case t.kind == tokOpen:
		err = f.openGroup()
	case t.kind == tokClose:
		err = f.closeGroup()
	case fr.mode == modeUndecided:
		err = f.decide(fr, t)
	default:
		err = f.content(fr, t)
	}
	if err != nil {
		return err
	}
	return f.forceDecision()
}

func (f *filter) openGroup() error {
	if len(f.stack) >= f.maxDepth {
		return malformed("groups nested deeper than %d", f.maxDepth)
	}
	if top := f.top(); top.mode == modeUndecided {
		// A group whose first token is another group has no destination
		// word: it is a plain group (or ignorable data after \*).
		if err := f.decideNested(top); err != nil {
			return err
		}
	}
	m := modeUndecided
	switch f.top().mode {
	case modeSkip:
		m = modeSkip
	case modeInst:
		m = modeInst
	}
	f.stack = append(f.stack, f.newFrame(m))
	return nil
}

func (f *filter) closeGroup() error {
	fr := f.top()
	var err error
	switch fr.mode {
	case modeUndecided:
		// An empty group {} or {\*}: nothing to keep.
	case modeInst:
		if f.parent() != nil && f.parent().mode != modeInst {
			err = f.judgeInstruction(fr)
		}
	case modePict:
		err = f.endPicture(fr)
	case modeShapeProp:
		err = f.endHeld(fr, true)
	case modeField:
		if fr.held {
			err = f.unwrapField(fr)
		}
	}
	if err != nil {
		return err
	}
	if fr.emitted {
		if err := f.em.close(); err != nil {
			return err
		}
	}
	f.stack = f.stack[:len(f.stack)-1]
	f.free = append(f.free, fr)
	if fr.mode == modeKeep && fr.name == "sn" {
		return f.judgeShapeProp()
	}
	return nil
}

// endHeld releases or discards the output held for fr.
func (f *filter) endHeld(fr *frame, keep bool) error {
	if !fr.held {
		return nil
	}
	fr.held = false
	if keep {
		return f.em.release()
	}
	f.em.discard()
	fr.emitted = false
	return nil
}
