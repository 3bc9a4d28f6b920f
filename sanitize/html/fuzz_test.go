package html

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

func seed(f *testing.F, ext string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "malicious", "*."+ext))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

var fuzzEnv = &sanitize.Env{Limits: sanitize.Limits{MaxXMLDepth: 64, MaxOutputBytes: 4 << 20, MaxXMLPartBytes: 1 << 20}}

// FuzzHTML checks that the rebuilt document re-parses and holds no script,
// event handler, script URL, frame, form or outside load.
func FuzzHTML(f *testing.F) {
	seed(f, "html")
	f.Add(page(`<base href="http://x/">`, `<a href="https://x/">a</a><img src="data:image/png;base64,`+onePixelPNG+`">`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _, err := run(t, sanitize.TypeHTML, data, fuzzEnv)
		if err != nil {
			if _, ok := sanitize.AsRejection(err); !ok {
				t.Fatalf("error is not a rejection: %v", err)
			}
			return
		}
		checkHTML(t, out)
		if strings.Contains(strings.ToLower(string(out)), "<script") {
			t.Fatalf("output has <script")
		}
	})
}

// FuzzSVG checks that the rebuilt image re-parses with the hostile-XML
// reader and holds no script, foreignObject, event handler or outside href.
func FuzzSVG(f *testing.F) {
	seed(f, "svg")
	f.Add([]byte(benignSVG))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _, err := run(t, sanitize.TypeSVG, data, fuzzEnv)
		if err != nil {
			if _, ok := sanitize.AsRejection(err); !ok {
				t.Fatalf("error is not a rejection: %v", err)
			}
			return
		}
		checkSVG(t, out)
		low := strings.ToLower(string(out))
		if strings.Contains(low, "<script") || strings.Contains(low, "foreignobject") {
			t.Fatalf("output has active content:\n%s", out)
		}
	})
}
