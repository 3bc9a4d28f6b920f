package rtf

import (
	"bufio"
	"errors"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// kind is the kind of one RTF token.
type kind uint8

const (
	tokOpen   kind = iota + 1 // {
	tokClose                  // }
	tokWord                   // \name or \nameN
	tokSymbol                 // \ followed by one non-letter (\*, \~, \\ …)
	tokHex                    // \'hh
	tokText                   // a run of plain text bytes
	tokBin                    // \binN: N bytes of binary data follow
	tokEOF
)

// RTF 1.9.1 "Conventions of an RTF Reader": a control word is at most 32
// letters, and its parameter a signed 16- or 32-bit number. Longer runs are
// not RTF, whatever a lenient reader does with them.
const (
	maxWordLen  = 32
	maxParamLen = 10
	maxTextRun  = 4096
)

// token is one lexical element. text is valid until the next call to next.
type token struct {
	kind     kind
	name     string
	hasParam bool
	param    int64
	sym      byte
	hex      byte
	text     []byte
}

// tokenizer splits RTF into tokens. It never allocates from a number found
// in the input: \bin data is streamed by binData.
type tokenizer struct {
	r       *bufio.Reader
	pos     int64 // bytes consumed so far
	size    int64 // total input size, to bound \bin
	binLeft int64 // unread bytes of the last \bin
	text    []byte
	word    []byte
	names   map[string]string // interned control words: a document uses few
}

func newTokenizer(r io.Reader, size int64) *tokenizer {
	return &tokenizer{r: bufio.NewReaderSize(r, 64<<10), size: size, text: make([]byte, 0, maxTextRun)}
}

func malformed(format string, args ...any) error {
	return sanitize.Reject(sanitize.ReasonMalformed, format, args...)
}

func (t *tokenizer) readByte() (byte, error) {
	c, err := t.r.ReadByte()
	if err == nil {
		t.pos++
	}
	return c, err
}

func (t *tokenizer) unread() {
	_ = t.r.UnreadByte()
	t.pos--
}

// next returns the next token; unread \bin data is skipped first.
func (t *tokenizer) next() (token, error) {
	if t.binLeft > 0 {
		if err := t.binData(io.Discard); err != nil {
			return token{}, err
		}
	}
	for {
		c, err := t.readByte()
		if errors.Is(err, io.EOF) {
			return token{kind: tokEOF}, nil
		}
		if err != nil {
			return token{}, err
		}
		switch c {
		case '{':
			return token{kind: tokOpen}, nil
		case '}':
			return token{kind: tokClose}, nil
		case '\\':
			return t.control()
		case '\r', '\n':
			// CR and LF outside control words are ignored by readers.
			continue
		default:
			t.unread()
			return t.textRun()
		}
	}
}

// textRun reads plain text up to the next special character, scanning
// the reader's buffer directly rather than byte by byte.
func (t *tokenizer) textRun() (token, error) {
	t.text = t.text[:0]
	for len(t.text) < maxTextRun {
		if t.r.Buffered() == 0 {
			if _, err := t.r.Peek(1); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return token{}, err
			}
		}
		buf, _ := t.r.Peek(min(t.r.Buffered(), maxTextRun-len(t.text)))
		i := 0
		for ; i < len(buf); i++ {
			c := buf[i]
			if c == '{' || c == '}' || c == '\\' {
				break
			}
			if c != '\r' && c != '\n' {
				t.text = append(t.text, c)
			}
		}
		if _, err := t.r.Discard(i); err != nil {
			return token{}, err
		}
		t.pos += int64(i)
		if i < len(buf) {
			break
		}
	}
	return token{kind: tokText, text: t.text}, nil
}

// control reads what follows a backslash.
func (t *tokenizer) control() (token, error) {
	c, err := t.readByte()
	if err != nil {
		return token{}, malformed("file ends after a backslash")
	}
	switch {
	case isLetter(c):
		t.unread()
		return t.controlWord()
	case c == '\'':
		return t.hexEscape()
	case c == '\r' || c == '\n':
		// A backslash before CR or LF means \par (RTF 1.9.1 "Control Symbols").
		return token{kind: tokWord, name: "par"}, nil
	default:
		return token{kind: tokSymbol, sym: c}, nil
	}
}

func (t *tokenizer) hexEscape() (token, error) {
	var v byte
	for i := 0; i < 2; i++ {
		c, err := t.readByte()
		if err != nil {
			return token{}, malformed("file ends inside \\'hh")
		}
		d, ok := hexDigit(c)
		if !ok {
			return token{}, malformed("bad hex digit %q after \\'", c)
		}
		v = v<<4 | d
	}
	return token{kind: tokHex, hex: v}, nil
}

func (t *tokenizer) controlWord() (token, error) {
	t.word = t.word[:0]
	c, err := t.readByte()
	for err == nil && isLetter(c) {
		if len(t.word) == maxWordLen {
			return token{}, malformed("control word longer than %d letters", maxWordLen)
		}
		t.word = append(t.word, c)
		c, err = t.readByte()
	}
	tok := token{kind: tokWord, name: t.intern(t.word)}
	if err != nil {
		return tok, nil // EOF right after the word
	}
	neg := false
	if c == '-' {
		neg = true
		if c, err = t.readByte(); err != nil || !isDigit(c) {
			return token{}, malformed("\\%s- without a number", tok.name)
		}
	}
	digits := 0
	for err == nil && isDigit(c) {
		if digits == maxParamLen {
			return token{}, malformed("\\%s parameter longer than %d digits", tok.name, maxParamLen)
		}
		tok.param = tok.param*10 + int64(c-'0')
		tok.hasParam = true
		digits++
		c, err = t.readByte()
	}
	if neg {
		tok.param = -tok.param
	}
	// The delimiter: a space belongs to the word; anything else starts the
	// next token.
	if err == nil && c != ' ' {
		t.unread()
	}
	if tok.name == "bin" {
		return t.bin(tok)
	}
	return tok, nil
}

// intern returns word as a string without allocating for words seen
// before; the table stops growing at 4096 words.
func (t *tokenizer) intern(word []byte) string {
	if s, ok := t.names[string(word)]; ok {
		return s
	}
	s := string(word)
	if t.names == nil {
		t.names = make(map[string]string)
	}
	if len(t.names) < 4096 {
		t.names[s] = s
	}
	return s
}

// bin checks \binN against the bytes actually left, so a huge N costs
// nothing: the data is streamed later by binData.
func (t *tokenizer) bin(tok token) (token, error) {
	if tok.param < 0 {
		return token{}, malformed("\\bin with negative length")
	}
	if left := t.size - t.pos; tok.param > left {
		return token{}, malformed("\\bin%d but only %d bytes left", tok.param, left)
	}
	t.binLeft = tok.param
	tok.kind = tokBin
	return tok, nil
}

// binData copies the pending \bin data to w.
func (t *tokenizer) binData(w io.Writer) error {
	n, err := io.CopyN(w, t.r, t.binLeft)
	t.pos += n
	t.binLeft -= n
	if err != nil {
		if errors.Is(err, io.EOF) {
			return malformed("file ends inside \\bin data")
		}
		return err
	}
	return nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
