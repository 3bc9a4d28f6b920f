package rtf

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// FuzzRTF checks that whatever is accepted comes out as one balanced
// {\rtf1 …} group without objects, templates or DDE, and no larger than
// the limits allow.
func FuzzRTF(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "malicious", "*"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add(japaneseDoc(f, pngPict(), `{\field{\*\fldinst HYPERLINK "https://x/"}{\fldrslt a}}`, `{\shp{\*\shpinst{\sp{\sn pibName}{\sv x}}}}`))
	f.Add([]byte(`{\rtf1 {\field{\*\fldinst DDE a b}{\fldrslt r}}{\pict\wmetafile8 0102}}`))
	env := &sanitize.Env{Limits: sanitize.Limits{MaxXMLDepth: 64, MaxOutputBytes: 1 << 20}}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _, err := run(t, data, env)
		if err != nil {
			if _, ok := sanitize.AsRejection(err); !ok {
				t.Fatalf("error is not a rejection: %v", err)
			}
			return
		}
		balanced(t, out)
		noActive(t, out)
		if int64(len(out)) > env.Limits.MaxOutputBytes {
			t.Fatalf("output %d bytes over the limit", len(out))
		}
		// A second pass finds nothing left to remove: nothing kept can
		// regrow into an object, a template or an outside field.
		_, rep, err := run(t, out, env)
		if err != nil {
			t.Fatalf("output rejected on a second pass: %v", err)
		}
		if len(rep.Removed) > 0 {
			t.Fatalf("second pass still removes %+v from %q", rep.Removed, out)
		}
	})
}
