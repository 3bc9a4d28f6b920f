package text

import (
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/kakehashi/kakehashi/sanitize"
)

// sniffSize is how much of the file decides its encoding.
const sniffSize = 64 << 10

// charset is one candidate encoding.
type charset struct {
	name string
	enc  encoding.Encoding // nil for UTF-8
	bom  int               // bytes of byte-order mark to skip
}

// detectCharset decides the encoding from the first bytes of the file: a
// byte-order mark; ISO-2022-JP's escape sequences in otherwise 7-bit text;
// valid UTF-8; else whichever of Shift_JIS and EUC-JP decodes with fewer
// invalid sequences and more Japanese characters. Text that none decodes
// is not text.
func detectCharset(head []byte, complete bool) (charset, error) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return charset{name: "UTF-8", bom: 3}, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return charset{name: "UTF-16LE", enc: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), bom: 2}, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return charset{name: "UTF-16BE", enc: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), bom: 2}, nil
	}
	if sevenBit(head) {
		if bytes.Contains(head, []byte("\x1b$B")) || bytes.Contains(head, []byte("\x1b$@")) || bytes.Contains(head, []byte("\x1b(J")) {
			return charset{name: "ISO-2022-JP", enc: japanese.ISO2022JP}, nil
		}
		return charset{name: "UTF-8"}, nil
	}
	if validUTF8Prefix(head, complete) {
		return charset{name: "UTF-8"}, nil
	}
	sjis, sjisScore := score(head, japanese.ShiftJIS)
	euc, eucScore := score(head, japanese.EUCJP)
	switch {
	case sjis == 0 && (euc > 0 || sjisScore >= eucScore):
		return charset{name: "Shift_JIS", enc: japanese.ShiftJIS}, nil
	case euc == 0:
		return charset{name: "EUC-JP", enc: japanese.EUCJP}, nil
	}
	return charset{}, sanitize.Reject(sanitize.ReasonMalformed, "not text: no encoding (UTF-8, Shift_JIS, EUC-JP, ISO-2022-JP, UTF-16) decodes it")
}

func sevenBit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// validUTF8Prefix allows a character cut at the end of an incomplete head.
func validUTF8Prefix(b []byte, complete bool) bool {
	if !complete {
		for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
			if utf8.Valid(b) {
				return true
			}
			b = b[:len(b)-1]
		}
	}
	return utf8.Valid(b)
}

// score decodes head and returns the number of invalid sequences and the
// number of kana and kanji, the evidence that the guess is right.
func score(head []byte, enc encoding.Encoding) (invalid, japaneseRunes int) {
	out, _ := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(head)))
	// The last character may be cut: ignore a trailing replacement.
	out = bytes.TrimSuffix(out, []byte("\uFFFD"))
	for _, r := range string(out) {
		switch {
		case r == utf8.RuneError:
			invalid++
		case r >= 0x3040 && r <= 0x30FF, r >= 0x4E00 && r <= 0x9FFF, r >= 0xFF01 && r <= 0xFF9F:
			japaneseRunes++
		}
	}
	return invalid, japaneseRunes
}
