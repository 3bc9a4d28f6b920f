package blob

import (
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzValidID checks the property every Store relies on: an ID that passes
// ValidID is one plain path element of the exact length, with nothing a file
// system or an object store could read as structure.
func FuzzValidID(f *testing.F) {
	for _, s := range []string{
		string(NewID()), "", "..", "../x", "aa/../bb", "/etc/passwd", `a\b`,
		"aaaaaaaaaaaaaaaaaaaaaaaaa\x00", strings.Repeat("a", IDLen), strings.Repeat("A", IDLen),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidID(s) {
			return
		}
		if len(s) != IDLen {
			t.Fatalf("ValidID(%q) with length %d", s, len(s))
		}
		if strings.ContainsAny(s, "/.\\\x00") {
			t.Fatalf("ValidID(%q) holds a path character", s)
		}
		if strings.Trim(s, idAlphabet) != "" {
			t.Fatalf("ValidID(%q) holds a character outside the alphabet", s)
		}
		if !filepath.IsLocal(s) || path.Clean(s) != s || path.Base(s) != s {
			t.Fatalf("ValidID(%q) is not a single local path element", s)
		}
	})
}
