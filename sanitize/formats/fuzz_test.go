package formats

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

// FuzzEngine feeds arbitrary bytes through detection and every format, in
// process. Properties: a verdict always comes back (the engine turns panics
// into rejections, but a panic here still means a parser bug to fix, so the
// fuzzer reports ReasonCrash as a failure); an accepted output is detected
// as its declared output type, so no sanitizer can emit something that
// would be routed differently next time.
func FuzzEngine(f *testing.F) {
	seeds, _ := filepath.Glob("../*/testdata/malicious/*")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) < 1<<20 {
			f.Add(b, filepath.Base(s))
		}
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>"), "a.pdf")
	f.Add([]byte("PK\x05\x06"+string(make([]byte, 18))), "a.zip")
	f.Add([]byte("{\\rtf1 hello}"), "a.rtf")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		e := NewEngine(sanitize.DefaultPolicy(), sanitize.Limits{MaxInputBytes: 1 << 20, MaxExpandedBytes: 64 << 20, MaxImagePixels: 4 << 20})
		e.Tools = sanitize.Tools{} // no LibreOffice/Ghostscript inside the fuzzer
		var out bytes.Buffer
		rep, err := e.Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(data), Size: int64(len(data)), Name: name}, &out, engine.Options{})
		if err != nil {
			t.Fatalf("engine error: %v", err)
		}
		if rep.Reason == sanitize.ReasonCrash {
			t.Fatalf("parser panic on %s input: %s", rep.Type, rep.Detail)
		}
		if rep.Verdict == sanitize.VerdictRejected {
			return
		}
		got := sanitize.Detect(sanitize.Input{R: bytes.NewReader(out.Bytes()), Size: int64(out.Len()), Name: rep.OutputName})
		if got != rep.OutputType {
			t.Fatalf("%s output detected as %s, report says %s", rep.Type, got, rep.OutputType)
		}
	})
}
