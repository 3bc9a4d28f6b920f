package rtf

import (
	"bufio"
	"bytes"
	"io"
	"strconv"

	"github.com/kakehashi/kakehashi/sanitize"
)

// emitter writes tokens in one canonical spelling: every control word is
// followed by a space delimiter, text bytes outside ASCII become \'hh and
// \ { } are escaped. Output can be held in a stack of buffers while a
// group is being judged (see frame.held).
type emitter struct {
	base    *bufio.Writer
	written int64
	max     int64
	held    []*bytes.Buffer
	scratch []byte
	onWrite func() // test hook: observes every write; nil in production
}

func newEmitter(w io.Writer, max int64) *emitter {
	return &emitter{base: bufio.NewWriterSize(w, 64<<10), max: max}
}

// write sends b to the innermost held buffer, or to the output.
func (e *emitter) write(b []byte) error {
	if n := len(e.held); n > 0 {
		e.held[n-1].Write(b)
		if e.onWrite != nil {
			e.onWrite()
		}
		return nil
	}
	e.written += int64(len(b))
	if e.written > e.max {
		return sanitize.Reject(sanitize.ReasonTooLarge, "output exceeds %d bytes", e.max)
	}
	_, err := e.base.Write(b)
	return err
}

func (e *emitter) str(s string) error {
	e.scratch = append(e.scratch[:0], s...)
	return e.write(e.scratch)
}

func (e *emitter) open() error  { return e.str("{") }
func (e *emitter) close() error { return e.str("}") }

func (e *emitter) word(name string, hasParam bool, param int64) error {
	e.scratch = append(e.scratch[:0], '\\')
	e.scratch = append(e.scratch, name...)
	if hasParam {
		e.scratch = strconv.AppendInt(e.scratch, param, 10)
	}
	e.scratch = append(e.scratch, ' ')
	return e.write(e.scratch)
}

func (e *emitter) symbol(c byte) error {
	e.scratch = append(e.scratch[:0], '\\', c)
	return e.write(e.scratch)
}

func (e *emitter) hex(b byte) error {
	const digits = "0123456789abcdef"
	e.scratch = append(e.scratch[:0], '\\', '\'', digits[b>>4], digits[b&15])
	return e.write(e.scratch)
}

// text writes plain text, escaping what RTF gives meaning to and dropping
// control characters other than tab.
func (e *emitter) text(b []byte) error {
	e.scratch = appendText(e.scratch[:0], b)
	return e.write(e.scratch)
}

func appendText(dst, b []byte) []byte {
	const digits = "0123456789abcdef"
	for _, c := range b {
		switch {
		case c == '\\' || c == '{' || c == '}':
			dst = append(dst, '\\', c)
		case c >= 0x80:
			dst = append(dst, '\\', '\'', digits[c>>4], digits[c&15])
		case c < 0x20 && c != '\t':
			// NUL and other controls are not RTF text.
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// hold starts holding output until release or discard.
func (e *emitter) hold() { e.held = append(e.held, new(bytes.Buffer)) }

// heldLen is the size of the innermost held buffer.
func (e *emitter) heldLen() int { return e.held[len(e.held)-1].Len() }

// release passes the innermost held output on to the next level.
func (e *emitter) release() error {
	b := e.held[len(e.held)-1]
	e.held = e.held[:len(e.held)-1]
	return e.write(b.Bytes())
}

// discard drops the innermost held output.
func (e *emitter) discard() { e.held = e.held[:len(e.held)-1] }

func (e *emitter) flush() error { return e.base.Flush() }
