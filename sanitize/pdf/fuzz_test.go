package pdf

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

var updateFiles = flag.Bool("update", false, "rewrite testdata/malicious")

// TestMaliciousFiles keeps the named fixtures on disk (regenerate with
// -update) and checks each still sanitizes with its removal.
func TestMaliciousFiles(t *testing.T) {
	for _, c := range maliciousPDFs(t) {
		path := filepath.Join("testdata", "malicious", c.name+".pdf")
		if *updateFiles {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, c.pdf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		in, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if rep, _ := run(t, in, sanitize.Policy{}, "", sanitize.Tools{}); rep.Totals()[c.removed] == 0 {
			t.Errorf("%s: %s not removed (%s %s)", path, c.removed, rep.Verdict, rep.Detail)
		}
	}
}

// FuzzSanitize: whatever is accepted re-parses and the verification walk
// finds no active content in it (no Ghostscript in the fuzzer).
func FuzzSanitize(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "malicious", "*.pdf"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rep, out := run(t, in, sanitize.Policy{}, "", sanitize.Tools{})
		if rep.Reason == sanitize.ReasonCrash {
			t.Fatalf("panic escaped: %s", rep.Detail)
		}
		if rep.Verdict == sanitize.VerdictRejected {
			return
		}
		doc, err := read(bytes.NewReader(out), "")
		if err != nil {
			t.Fatalf("output does not parse: %v", err)
		}
		v := &stripper{xt: doc.XRefTable}
		v.run()
		if len(v.found) > 0 {
			t.Fatalf("active content in output: %+v", v.found)
		}
	})
}
