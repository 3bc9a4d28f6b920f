package ole

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/kakehashi/kakehashi/sanitize"
)

// FuzzInspect feeds compound files to the inspection (mscfb, BIFF and
// PowerPoint record walks; LibreOffice is not involved). Properties beyond
// "no panic": every failure is a *sanitize.Rejection; no stream reported
// is larger than the input; counts are bounded by what the input could
// hold; report locations carry no control characters.
//
// Run it with a short minimisation time: the seeds are whole Office files
// (6–16 KB) and the default minute per interesting input stalls the run:
//
//	go test -run '^$' -fuzz FuzzInspect -fuzztime 60s -fuzzminimizetime 3s ./sanitize/ole
func FuzzInspect(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*"))
	seeds = append(seeds, filepath.Join("testdata", agileFixture))
	regressions, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "*"))
	seeds = append(seeds, regressions...)
	for _, p := range append(seeds, "/usr/share/clamav-testfiles/clam.ole.doc", "/usr/share/clamav-testfiles/clam.ppt") {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fi, err := Inspect(inputOf(data, "fuzz"))
		if err != nil {
			if _, ok := sanitize.AsRejection(err); !ok {
				t.Fatalf("error is not a rejection: %v", err)
			}
			return
		}
		if fi.LargestStream > int64(len(data)) {
			t.Fatalf("stream of %d bytes reported in a %d-byte input", fi.LargestStream, len(data))
		}
		if fi.XLMSheets > len(data)/10 || len(fi.OLEObjects)+len(fi.ActiveX) > len(data)/8 || len(fi.VBA) > len(data)/128+1 {
			t.Fatalf("more findings than the input can hold: %v", fi)
		}
		for _, loc := range append(append(append([]string{}, fi.VBA...), fi.OLEObjects...), fi.ActiveX...) {
			if strings.IndexFunc(loc, unicode.IsControl) >= 0 {
				t.Fatalf("control character in location %q", loc)
			}
		}
	})
}

// TestGenerateSeeds writes the fuzz seeds (small LibreOffice-made legacy
// files and their patched variants) to testdata/seeds when run with
// -update-seeds.
func TestGenerateSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("run with -update-seeds to regenerate testdata/seeds")
	}
	doc, xls := readFixture(t, "benign.doc"), readFixture(t, "benign.xls")
	for name, b := range map[string][]byte{
		"benign.doc":      doc,
		"benign.xls":      xls,
		"xlm.xls":         withMacroSheet(t, xls),
		"filepass.xls":    withFilePass(t, xls),
		"vba.doc":         withVBAStorages(t, doc),
		"encrypted.doc":   withWordEncrypted(t, doc),
		"truncated.doc":   doc[:len(doc)/2],
		"header-only.doc": doc[:512],
	} {
		if err := os.MkdirAll(filepath.Join("testdata", "seeds"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", "seeds", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
