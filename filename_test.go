package kakehashi

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanFileName(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain-japanese", "議事録（案）.docx", "議事録（案）.docx"},
		{"traversal", "../../etc/passwd", "passwd"},
		{"windows-path", `C:\Users\x\報告.xlsx`, "報告.xlsx"},
		{"absolute", "/etc/shadow", "shadow"},
		{"rtl-override", "請求書\u202Efdp.exe", "請求書fdp.exe"},
		{"nul", "a\x00b.txt", "ab.txt"},
		{"newline-header-injection", "a\r\nContent-Disposition: x.txt", "aContent-Disposition: x.txt"},
		{"device-name", "CON.txt", "_CON.txt"},
		{"device-name-lower", "aux", "_aux"},
		{"dots-only", "..", "file"},
		{"empty", "", "file"},
		{"trailing-dot-space", "report.pdf. ", "report.pdf"},
		{"invalid-utf8-cp932", "\x95\x5c\x8e\xa6.txt", "\uFFFD\\\uFFFD\uFFFD.txt"},
		{"zero-width-joiner-kept", "👩\u200d💻.png", "👩\u200d💻.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CleanFileName(tc.in)
			if tc.name == "invalid-utf8-cp932" {
				// a backslash inside replaced bytes splits the name; what
				// matters is that the result is valid UTF-8 and has no
				// separator left
				if !utf8.ValidString(got) || strings.ContainsAny(got, `/\`) {
					t.Errorf("CleanFileName(%q) = %q", tc.in, got)
				}
				return
			}
			if got != tc.want {
				t.Errorf("CleanFileName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	long := strings.Repeat("あ", 200) + ".pdf"
	got := CleanFileName(long)
	if len(got) > MaxFileNameLen || !strings.HasSuffix(got, ".pdf") || !utf8.ValidString(got) {
		t.Errorf("long name: %d bytes, %q", len(got), got[len(got)-10:])
	}
}

func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"a.txt", "../x", "CON", "\u202e", "\x00", strings.Repeat("長", 300), "a/b\\c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := CleanFileName(in)
		if got == "" || len(got) > MaxFileNameLen || !utf8.ValidString(got) ||
			strings.ContainsAny(got, "/\\\x00\r\n\u202e") || got == "." || got == ".." {
			t.Fatalf("CleanFileName(%q) = %q", in, got)
		}
		if CleanFileName(got) != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, got, CleanFileName(got))
		}
	})
}
