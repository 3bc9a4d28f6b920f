package rtf

import (
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// hexPerLine wraps picture data; readers ignore the line breaks.
const hexPerLine = 128

// pictToken handles a token of a \pict group. Words are held until the
// first data; the data itself is re-written as clean hex, so whitespace,
// stray characters and \bin runs in the input do not reach the output.
func (f *filter) pictToken(fr *frame, t token) error {
	switch t.kind {
	case tokWord:
		if blipKinds[t.name] {
			fr.pictKind = true
		}
		if err := f.em.word(t.name, t.hasParam, t.param); err != nil {
			return err
		}
		return f.forceDecision()
	case tokText, tokBin:
		if fr.held {
			if err := f.endPicture(fr); err != nil || fr.mode == modeSkip {
				return err
			}
		}
		if t.kind == tokBin {
			return f.tok.binData(&hexWriter{f: f})
		}
		return f.pictHex(t.text)
	}
	return nil // \'hh and symbols mean nothing in picture data
}

// endPicture decides a held picture: kept when its kind is known.
func (f *filter) endPicture(fr *frame) error {
	if !fr.held {
		return nil
	}
	if fr.pictKind {
		return f.endHeld(fr, true)
	}
	f.rep.Warn("RTF picture of an unsupported kind removed")
	fr.mode = modeSkip
	return f.endHeld(fr, false)
}

// pictHex writes the hex digits of text.
func (f *filter) pictHex(text []byte) error {
	out := f.hexBuf[:0]
	for _, c := range text {
		if _, ok := hexDigit(c); !ok {
			continue
		}
		out = append(out, c)
		f.hexLine++
		if f.hexLine == hexPerLine {
			out = append(out, '\n')
			f.hexLine = 0
		}
	}
	f.hexBuf = out
	f.pictSize += int64(len(out)) / 2
	if f.pictSize > f.maxPict {
		return sanitize.Reject(sanitize.ReasonTooLarge, "RTF picture larger than %d bytes", f.maxPict)
	}
	return f.em.write(out)
}

// hexWriter turns \bin picture data into hex text.
type hexWriter struct {
	f   *filter
	buf []byte
}

func (h *hexWriter) Write(p []byte) (int, error) {
	n := len(p)
	const digits = "0123456789abcdef"
	for len(p) > 0 {
		chunk := p[:min(len(p), 2048)]
		h.buf = h.buf[:0]
		for _, c := range chunk {
			h.buf = append(h.buf, digits[c>>4], digits[c&15])
		}
		if err := h.f.pictHex(h.buf); err != nil {
			return 0, err
		}
		p = p[len(chunk):]
	}
	return n, nil
}

var _ io.Writer = (*hexWriter)(nil)
