package ooxml

import (
	"encoding/xml"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Word fields (ECMA-376 Part 1 §17.16). A complex field is a sequence of
// runs: fldChar begin, instrText runs (the instruction, which may contain
// nested fields), fldChar separate, result runs, fldChar end. The
// instruction is only known at separate (or end), so from begin on the
// stream is held in fieldState.pending; then either everything is written as
// it came, or the instruction runs and field characters are left out and the
// result runs stay as plain text, so the document still reads.

// maxPendingItems bounds what is held while an instruction is open.
const maxPendingItems = 1 << 18

// fieldItem is a held run or a held token (tags between runs, such as
// paragraph boundaries inside a long instruction).
type fieldItem struct {
	run *node
	tok xml.Token
}

type fieldState struct {
	pending     []fieldItem
	open        bool // an instruction is being collected
	depth       int  // nesting of fields inside the instruction
	instr       strings.Builder
	nestedFirst bool // a nested field came before any instruction text
	results     []bool
}

// token handles a tag or text between runs.
func (s *fieldState) token(f *filter, tok xml.Token) error {
	if s.open {
		return s.hold(fieldItem{tok: xml.CopyToken(tok)})
	}
	return f.xw.Token(tok)
}

func (s *fieldState) hold(it fieldItem) error {
	if len(s.pending) >= maxPendingItems {
		return sanitize.Reject(sanitize.ReasonTooLarge, "field instruction too long")
	}
	s.pending = append(s.pending, it)
	return nil
}

// run handles one buffered w:r.
func (s *fieldState) run(f *filter, n *node) error {
	for _, r := range splitFieldRun(n) {
		if err := s.oneRun(f, r); err != nil {
			return err
		}
	}
	return nil
}

func (s *fieldState) oneRun(f *filter, r *node) error {
	ev, text := fieldEvent(r)
	if !s.open {
		switch ev {
		case "begin":
			s.open, s.depth, s.nestedFirst = true, 1, false
			s.instr.Reset()
			s.pending = s.pending[:0]
			return s.hold(fieldItem{run: r})
		case "instr", "separate":
			// Outside any field: Word never shows it, and an orphan
			// instruction is only a place to hide "DDEAUTO" from
			// scanners. Leave it out.
			f.changed = true
			return nil
		case "end":
			if len(s.results) > 0 {
				drop := s.results[len(s.results)-1]
				s.results = s.results[:len(s.results)-1]
				if drop {
					f.changed = true
					return nil
				}
			}
		}
		return f.writeNode(r)
	}
	if err := s.hold(fieldItem{run: r}); err != nil {
		return err
	}
	switch ev {
	case "begin":
		if s.depth == 1 && strings.TrimSpace(s.instr.String()) == "" {
			s.nestedFirst = true
		}
		s.depth++
	case "instr":
		s.instr.WriteString(text)
	case "separate":
		if s.depth == 1 {
			return s.decide(f, true)
		}
	case "end":
		s.depth--
		if s.depth == 0 {
			return s.decide(f, false)
		}
	}
	return nil
}

// decide ends the instruction: write what was held, or leave the field out
// and keep its result.
func (s *fieldState) decide(f *filter, hasResult bool) error {
	kind, bad := f.dangerousField(s.instr.String(), s.nestedFirst)
	s.open = false
	if bad {
		f.count(kind)
	}
	for _, it := range s.pending {
		var err error
		switch {
		case it.run != nil && bad:
			// instruction runs, nested fields, field characters: gone.
		case it.run != nil:
			err = f.writeNode(it.run)
		default:
			err = f.xw.Token(it.tok)
		}
		if err != nil {
			return err
		}
	}
	s.pending = s.pending[:0]
	if hasResult {
		s.results = append(s.results, bad)
	}
	return nil
}

// finish handles a field still open at the end of the part.
func (s *fieldState) finish(f *filter) error {
	if s.open {
		return s.decide(f, false)
	}
	return nil
}

// fieldEvent tells what a run does in a field: "begin", "separate", "end",
// "instr" (with its text) or "".
func fieldEvent(r *node) (string, string) {
	for _, k := range r.kids {
		c, ok := k.(*node)
		if !ok || c.ns != nsWord {
			continue
		}
		switch c.se.Name.Local {
		case "fldChar":
			t, _ := c.attr(nsWord, "fldCharType")
			switch t {
			case "begin", "separate", "end":
				return t, ""
			}
		case "instrText", "delInstrText":
			return "instr", c.text()
		}
	}
	return "", ""
}

// splitFieldRun splits a run that holds a field character or instruction
// together with other content into one run per content element, each with
// the run properties, so that every run does one thing in a field.
func splitFieldRun(r *node) []*node {
	var rPr *node
	var content []*node
	fieldParts := 0
	for _, k := range r.kids {
		c, ok := k.(*node)
		if !ok {
			continue
		}
		if c.is(nsWord, "rPr") {
			rPr = c
			continue
		}
		content = append(content, c)
		if c.is(nsWord, "fldChar") || c.is(nsWord, "instrText") || c.is(nsWord, "delInstrText") {
			fieldParts++
		}
	}
	if fieldParts == 0 || len(content) <= 1 {
		return []*node{r}
	}
	out := make([]*node, 0, len(content))
	for _, c := range content {
		nr := &node{elem: r.elem}
		if rPr != nil {
			nr.kids = append(nr.kids, rPr)
		}
		nr.kids = append(nr.kids, c)
		out = append(out, nr)
	}
	return out
}

// dangerousField classifies a field instruction (§17.16.5). Field names are
// case-insensitive. A nested field in the name position computes the name at
// run time (the { QUOTE 68 68 69 } trick for "DDE") and is treated as DDE.
func (f *filter) dangerousField(instr string, nestedFirst bool) (sanitize.RemovalKind, bool) {
	if nestedFirst {
		return sanitize.RemovedDDE, true
	}
	// The name is the leading letters: Word reads "DDEAUTO\"x\"" and
	// "INCLUDETEXT!x" as those fields, so stop at the first non-letter.
	name := strings.TrimLeft(instr, " \t\r\n\"'\\\u00a0\u3000")
	end := 0
	for end < len(name) && (name[end]|0x20 >= 'a' && name[end]|0x20 <= 'z') {
		end++
	}
	name = name[:end]
	switch strings.ToUpper(name) {
	case "DDE", "DDEAUTO":
		return sanitize.RemovedDDE, true
	case "INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK", "RD":
		// They fetch outside files (or URLs) when fields update; RD
		// references another document for an index.
		return sanitize.RemovedFieldInclude, true
	case "DATABASE":
		return sanitize.RemovedExternalData, true
	case "MACROBUTTON":
		return sanitize.RemovedVBAProject, true
	case "HYPERLINK":
		if f.policy.RemoveHyperlinks {
			return sanitize.RemovedHyperlink, true
		}
	}
	return "", false
}
