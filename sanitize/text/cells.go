package text

import (
	"strings"
	"unicode/utf8"
)

// maxLookahead bounds the bytes of a cell held back while deciding whether
// a cell that starts like a formula is only a number.
const maxLookahead = 256

// cellState tracks CSV/TSV structure: RFC 4180 quoting, with ragged rows
// and any line ending tolerated. Everything is written through unchanged
// except the apostrophe added in front of a formula cell.
type cellState struct {
	sep        rune
	neutralize bool
	start      bool // the next rune begins a cell
	quoted     bool // inside a quoted cell
	quoteSeen  bool // a quote inside a quoted cell: end or escaped quote
	openQuote  bool // the cell's opening quote was just written
	held       []rune
	holding    bool
	heldQuote  bool // holding a quoted cell and a quote was just seen
}

func (c *cellState) feed(p *processor, r rune) error {
	if c.holding {
		return c.hold(p, r)
	}
	if c.quoted {
		switch {
		case c.quoteSeen && r == '"': // "" is an escaped quote
			c.quoteSeen = false
			return write(p, r)
		case c.quoteSeen: // the quote closed the cell's quoting
			c.quoteSeen, c.quoted = false, false
			return c.unquoted(p, r)
		case r == '"':
			c.quoteSeen = true
			return write(p, r)
		case c.openQuote:
			c.openQuote = false
			if c.neutralize && triggers(r, true) {
				return c.startHold(p, r)
			}
		}
		return write(p, r)
	}
	return c.unquoted(p, r)
}

func (c *cellState) unquoted(p *processor, r rune) error {
	if c.start {
		c.start = false
		if r == '"' {
			c.quoted, c.openQuote = true, true
			return write(p, r)
		}
		if c.neutralize && triggers(r, false) {
			return c.startHold(p, r)
		}
	}
	if r == c.sep || r == '\n' || r == '\r' {
		c.start = true
	}
	return write(p, r)
}

// triggers reports a first character that makes spreadsheets evaluate the
// cell. Tab and CR count inside quotes only: unquoted they end the cell.
func triggers(r rune, quoted bool) bool {
	switch r {
	case '=', '+', '-', '@':
		return true
	case '\t', '\r':
		return quoted
	}
	return false
}

// startHold begins holding a cell that starts like a formula.
func (c *cellState) startHold(p *processor, r rune) error {
	c.holding = true
	c.held = append(c.held[:0], r)
	return nil
}

// hold collects the cell up to its end or the look-ahead limit, then
// decides.
func (c *cellState) hold(p *processor, r rune) error {
	if c.quoted {
		switch {
		case c.heldQuote && r == '"': // an escaped quote: part of the cell
			c.heldQuote = false
			c.held = append(c.held, '"', '"')
			if len(c.held) < maxLookahead {
				return nil
			}
			return c.releaseThen(p, false, nil)
		case c.heldQuote: // the cell's closing quote, then r
			c.heldQuote = false
			return c.releaseThen(p, true, []rune{'"', r})
		case r == '"':
			c.heldQuote = true
			return nil
		}
	} else if r == c.sep || r == '\n' || r == '\r' {
		return c.releaseThen(p, true, []rune{r})
	}
	if len(c.held) < maxLookahead {
		c.held = append(c.held, r)
		return nil
	}
	return c.releaseThen(p, false, []rune{r})
}

// releaseThen releases the held cell and processes the runes that followed
// it normally.
func (c *cellState) releaseThen(p *processor, complete bool, next []rune) error {
	if err := c.release(p, complete); err != nil {
		return err
	}
	for _, r := range next {
		if err := c.feed(p, r); err != nil {
			return err
		}
	}
	return nil
}

// release writes the held cell, with an apostrophe unless the whole cell is
// a plain number.
func (c *cellState) release(p *processor, complete bool) error {
	c.holding = false
	cell := string(c.held)
	if !(complete && harmless(cell)) {
		p.formulas++
		if err := write(p, '\''); err != nil {
			return err
		}
	}
	_, err := p.out.WriteString(cell)
	return err
}

func (c *cellState) flush(p *processor) error {
	if !c.holding {
		return nil
	}
	if c.heldQuote {
		c.heldQuote = false
		return c.releaseThen(p, true, []rune{'"'})
	}
	return c.release(p, true)
}

// harmless reports cells that start with a trigger character but are data:
// signed numbers (-12.5, +3, -1,234, 1e5) and a lone sign ("-" is a common
// "none" in Japanese tables).
func harmless(cell string) bool {
	if cell == "-" || cell == "+" {
		return true
	}
	s := strings.TrimLeft(cell, "+-")
	if len(cell)-len(s) != 1 || s == "" {
		return false
	}
	digits, dot, exp := false, false, false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			digits = true
		case ch == ',' && digits && !dot && !exp:
		case ch == '.' && !dot && !exp:
			dot = true
		case (ch == 'e' || ch == 'E') && digits && !exp && i+1 < len(s):
			exp = true
			if s[i+1] == '+' || s[i+1] == '-' {
				i++
			}
		default:
			return false
		}
	}
	return digits && utf8.ValidString(s)
}

func write(p *processor, r rune) error {
	_, err := p.out.WriteRune(r)
	return err
}
