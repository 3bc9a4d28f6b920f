package text

import (
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// lineState remembers the start of the current and the previous line, to
// find uuencoded and BinHex blocks anywhere in the file.
type lineState struct {
	cur       []rune // first runes of the current line
	prevBegin bool   // the previous line was "begin NNN name"
}

const lineHead = 48

func (l *lineState) see(r rune) error {
	if r != '\n' {
		if len(l.cur) < lineHead {
			l.cur = append(l.cur, r)
		}
		return nil
	}
	line := strings.TrimRight(string(l.cur), "\r")
	l.cur = l.cur[:0]
	if strings.HasPrefix(line, "(This file must be converted with BinHex") {
		return sanitize.Reject(sanitize.ReasonUnsupported, "encoded binary (BinHex) in the text")
	}
	// A uuencode block is "begin <octal mode> <name>" followed by lines
	// that start with 'M' (a full 45-byte line).
	if l.prevBegin && strings.HasPrefix(line, "M") {
		return sanitize.Reject(sanitize.ReasonUnsupported, "encoded binary (uuencode) in the text")
	}
	l.prevBegin = isUUBegin(line)
	return nil
}

func isUUBegin(line string) bool {
	if len(line) < 11 || !strings.HasPrefix(line, "begin ") || line[9] != ' ' {
		return false
	}
	for _, c := range line[6:9] {
		if c < '0' || c > '7' {
			return false
		}
	}
	return true
}
