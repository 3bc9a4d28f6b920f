package text

import (
	"bufio"
	"context"
	"io"
	"unicode/utf8"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Sanitizer rebuilds text, CSV and TSV files as UTF-8.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// utf8BOM starts CSV and TSV outputs: Japanese Excel reads a CSV without it
// as Shift_JIS and shows UTF-8 text garbled.
const utf8BOM = "\uFEFF"

// Sanitize implements sanitize.Sanitizer.
func (s *Sanitizer) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	head := make([]byte, min(in.Size, sniffSize))
	if _, err := in.R.ReadAt(head, 0); err != nil && err != io.EOF {
		return err
	}
	cs, err := detectCharset(head, in.Size <= sniffSize)
	if err != nil {
		return err
	}
	var r io.Reader = io.NewSectionReader(in.R, int64(cs.bom), in.Size-int64(cs.bom))
	if cs.enc != nil {
		r = cs.enc.NewDecoder().Reader(r)
	}
	w := bufio.NewWriterSize(out, 64<<10)
	p := &processor{
		in:  bufio.NewReaderSize(r, 64<<10),
		out: w,
		// A literal U+FFFD is valid UTF-8 or UTF-16; from the Japanese
		// decoders it can only mean an invalid byte sequence.
		replacementIsInvalid: cs.enc != nil && cs.name != "UTF-16LE" && cs.name != "UTF-16BE",
		charset:              cs.name,
	}
	switch rep.Type {
	case sanitize.TypeCSV, sanitize.TypeTSV:
		if _, err := w.WriteString(utf8BOM); err != nil {
			return err
		}
		p.cells = &cellState{sep: ',', start: true, neutralize: env.Policy.CSVFormulas != sanitize.FormulasKeep}
		if rep.Type == sanitize.TypeTSV {
			p.cells.sep = '\t'
		}
	}
	if err := p.run(ctx); err != nil {
		return err
	}
	rep.Remove(sanitize.RemovedControlChars, env.Loc(""), p.controls)
	rep.Remove(sanitize.RemovedFormula, env.Loc(""), p.formulas)
	if cs.name != "UTF-8" {
		rep.Warn("converted from %s to UTF-8", cs.name)
	}
	return w.Flush()
}

// processor streams runes from in to out.
type processor struct {
	in                   *bufio.Reader
	out                  *bufio.Writer
	replacementIsInvalid bool
	charset              string
	offset               int64 // runes read, for error messages
	controls, formulas   int
	line                 lineState
	cells                *cellState // nil for plain text
}

func (p *processor) run(ctx context.Context) error {
	for {
		r, size, err := p.in.ReadRune()
		if err == io.EOF {
			return p.finish()
		}
		if err != nil {
			return err
		}
		p.offset++
		if p.offset&0xFFFF == 0 {
			if err := ctx.Err(); err != nil {
				return sanitize.Reject(sanitize.ReasonTimeout, "%v", err)
			}
		}
		if r == utf8.RuneError && (size == 1 || p.replacementIsInvalid) {
			return sanitize.Reject(sanitize.ReasonMalformed, "not valid %s text (character %d)", p.charset, p.offset)
		}
		if dangerousControl(r) {
			p.controls++
			continue
		}
		if err := p.line.see(r); err != nil {
			return err
		}
		if p.cells != nil {
			if err := p.cells.feed(p, r); err != nil {
				return err
			}
			continue
		}
		if _, err := p.out.WriteRune(r); err != nil {
			return err
		}
	}
}

func (p *processor) finish() error {
	if err := p.line.see('\n'); err != nil {
		return err
	}
	if p.cells != nil {
		return p.cells.flush(p)
	}
	return nil
}

// dangerousControl reports runes that are removed: C0 controls other than
// tab, line feed, form feed and carriage return; DEL; C1 controls; and the
// bidirectional embeddings, overrides and isolates (Trojan Source,
// CVE-2021-42574). ESC never survives decoding of ISO-2022-JP.
func dangerousControl(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\f' && r != '\r'
	case r == 0x7F, r >= 0x80 && r <= 0x9F:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
