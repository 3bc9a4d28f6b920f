package html

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/kakehashi/kakehashi/sanitize"
)

// toUTF8 decodes an HTML document to UTF-8. The encoding comes from a BOM or
// a <meta> declaration (WHATWG "prescan a byte stream", via
// x/net/html/charset); when neither is present the bytes are tried as
// UTF-8, Shift_JIS and EUC-JP, the encodings Japanese pages are written in,
// before the WHATWG default windows-1252.
func toUTF8(data []byte) ([]byte, string, error) {
	enc, name, certain := charset.DetermineEncoding(data, "")
	// DetermineEncoding is "certain" only for a BOM; a <meta> declaration
	// names its encoding but is not certain. Only the WHATWG fallback
	// (windows-1252, nothing declared) is replaced by a guess.
	if !certain && name == "windows-1252" {
		enc, name = guessJapanese(data, enc, name)
	}
	if enc == unicode.UTF8 || name == "utf-8" {
		return bytes.ToValidUTF8(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), []byte("\uFFFD")), "utf-8", nil
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, name, sanitize.Reject(sanitize.ReasonMalformed, "decoding HTML as %s: %v", name, err)
	}
	return out, name, nil
}

// guessJapanese picks UTF-8, Shift_JIS or EUC-JP for undeclared text by
// which decodes without errors into the most Japanese characters.
func guessJapanese(data []byte, fallback encoding.Encoding, fallbackName string) (encoding.Encoding, string) {
	if utf8.Valid(data) {
		return unicode.UTF8, "utf-8"
	}
	best, bestName, bestScore := fallback, fallbackName, 0
	for _, c := range []struct {
		enc  encoding.Encoding
		name string
	}{{japanese.ShiftJIS, "shift_jis"}, {japanese.EUCJP, "euc-jp"}} {
		if s := japaneseScore(c.enc, data); s > bestScore {
			best, bestName, bestScore = c.enc, c.name, s
		}
	}
	return best, bestName
}

// japaneseScore counts kana and kanji in the decoding, minus a penalty for
// every replacement character. Only the first 64 KiB are judged.
func japaneseScore(enc encoding.Encoding, data []byte) int {
	if len(data) > 64<<10 {
		data = data[:64<<10]
	}
	s, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return 0
	}
	score := 0
	for _, r := range string(s) {
		switch {
		case r == utf8.RuneError:
			score -= 10
		case r >= 0x3040 && r <= 0x30ff, r >= 0x4e00 && r <= 0x9fff, r >= 0xff01 && r <= 0xff5e:
			// Kana, kanji and full-width forms. Half-width katakana is
			// left out: EUC-JP bytes read as Shift_JIS turn into it.
			score++
		}
	}
	return score
}
