package blob

import (
	"strings"
	"testing"
)

func TestValidID(t *testing.T) {
	good := string(NewID())
	for _, tc := range []struct {
		name string
		id   string
		want bool
	}{
		{"new", good, true},
		{"all-a", strings.Repeat("a", IDLen), true},
		{"alphabet-edges", "az27" + strings.Repeat("a", IDLen-4), true},
		{"empty", "", false},
		{"one-short", good[:IDLen-1], false},
		{"one-long", good + "a", false},
		{"upper-case", strings.ToUpper(good), false},
		{"digit-1-not-in-alphabet", "1" + good[1:], false},
		{"digit-8-not-in-alphabet", "8" + good[1:], false},
		{"digit-0", "0" + good[1:], false},
		{"dot-dot", "..", false},
		{"traversal-padded", "../" + strings.Repeat("a", IDLen-3), false},
		{"slash", good[:10] + "/" + good[11:], false},
		{"backslash", good[:10] + `\` + good[11:], false},
		{"dot", good[:10] + "." + good[11:], false},
		{"nul", good[:10] + "\x00" + good[11:], false},
		{"space", good[:10] + " " + good[11:], false},
		// A multi-byte rune must not sneak through a rune-based check.
		{"full-width-a", good[:IDLen-3] + "ａ", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidID(tc.id); got != tc.want {
				t.Errorf("ValidID(%q) = %v, want %v", tc.id, got, tc.want)
			}
		})
	}
}

func TestNewIDIsValidAndFresh(t *testing.T) {
	seen := map[ID]bool{}
	for range 1000 {
		id := NewID()
		if !ValidID(string(id)) {
			t.Fatalf("NewID() = %q is not ValidID", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}
