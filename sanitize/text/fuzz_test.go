package text

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kakehashi/kakehashi/sanitize"
)

func seeds(f *testing.F) {
	for _, s := range []string{memo, "=1+1,\"=2\",-3\n", "\"a\"\"b\",\"\t=x\"\r\n", "\u202Eabc\x07", "begin 644 a\nM\n"} {
		f.Add([]byte(s))
	}
}

// FuzzText: whatever is accepted comes out as valid UTF-8 without the
// control characters the sanitizer promises to remove.
func FuzzText(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _, err := run(t, sanitize.TypeTXT, in, sanitize.Policy{})
		if err != nil {
			if _, ok := sanitize.AsRejection(err); !ok {
				t.Fatalf("error is not a rejection: %v", err)
			}
			return
		}
		checkClean(t, out)
	})
}

// FuzzCSV: the output is clean text, and a second pass finds no formula to
// neutralise (the first pass missed none) and changes nothing.
func FuzzCSV(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _, err := run(t, sanitize.TypeCSV, in, sanitize.Policy{})
		if err != nil {
			return
		}
		checkClean(t, out)
		again, rep, err := run(t, sanitize.TypeCSV, []byte(strings.TrimPrefix(out, utf8BOM)), sanitize.Policy{})
		if err != nil {
			t.Fatalf("output rejected on a second pass: %v", err)
		}
		if n := rep.Totals()[sanitize.RemovedFormula]; n != 0 {
			t.Fatalf("second pass neutralised %d more cells:\nin:  %q\nout: %q", n, in, out)
		}
		if again != out {
			t.Fatalf("second pass changed the output:\n1: %q\n2: %q", out, again)
		}
	})
}

func checkClean(t *testing.T, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output is not UTF-8: %q", out)
	}
	for _, r := range out {
		if dangerousControl(r) {
			t.Fatalf("control character %U left in %q", r, out)
		}
	}
}
