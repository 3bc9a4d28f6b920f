package kakehashi

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanFileName turns a name a client sent into one that is safe to show
// and to offer as a download name. It is never used as a storage path
// (blobs are stored under IDs), but it ends up in HTML, mail and
// Content-Disposition, where these tricks matter:
//   - directory parts ("../../x", "C:\x", "/etc/passwd") are dropped;
//   - control characters, NUL and bidirectional overrides (U+202E turns
//     "invoice\u202Efdp.exe" into "invoiceexe.pdf" on screen) are removed;
//   - Windows device names (CON, AUX, …) get a leading underscore;
//   - leading and trailing dots and spaces go; over 255 bytes is cut at a
//     character boundary, keeping the extension.
//
// Invalid UTF-8 (a CP932 name sent raw) is replaced, not guessed at.
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			return -1
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return -1
		case unicode.Is(unicode.Cf, r) && r != 0x200d: // format characters; keep ZWJ for emoji
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, " .\u3000")
	if name == "" || name == "/" {
		return "file"
	}
	stem, ext := name, path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem = strings.TrimSuffix(name, ext)
	if reservedDeviceName(stem) {
		stem = "_" + stem
	}
	for len(stem)+len(ext) > MaxFileNameLen {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-size]
	}
	if stem == "" {
		stem = "file"
	}
	return stem + ext
}

func reservedDeviceName(stem string) bool {
	base := strings.ToUpper(stem)
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return true
	}
	return false
}
