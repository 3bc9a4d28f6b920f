package ole

import (
	"io"
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
	regressions, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "*"))
	seeds = append(seeds, regressions...)
	for _, p := range append(seeds, "/usr/share/clamav-testfiles/clam.ole.doc", "/usr/share/clamav-testfiles/clam.ppt") {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(agileEncrypted(f))
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

// FuzzParseAgile feeds EncryptionInfo descriptors to the agile parser.
// Property: anything accepted stays inside the bounds the key derivation
// relies on (spin count, key and block sizes, buffer lengths), so a hostile
// descriptor cannot make decryption spin or index out of range.
func FuzzParseAgile(f *testing.F) {
	if b := agileEncrypted(f); len(b) > 0 {
		if fi, err := Inspect(inputOf(b, "seed")); err == nil {
			if info, err := io.ReadAll(open(fi.encInfo)); err == nil && len(info) > 8 {
				f.Add(info[8:])
			}
		}
	}
	f.Add([]byte(`<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := parseAgile(data)
		if err != nil {
			if _, ok := sanitize.AsRejection(err); !ok {
				t.Fatalf("error is not a rejection: %v", err)
			}
			return
		}
		p := k.password
		if p.spinCount > maxSpinCount || p.keyBits > 256 || p.blockSize != 16 ||
			len(p.verifierInput) < p.saltSize || len(p.verifierValue) < p.hashSize || len(p.keyValue) < p.keyBits/8 {
			t.Fatalf("accepted out-of-bounds parameters: %+v", p)
		}
		// Key derivation with a cheap password must not panic.
		k.password.spinCount = min(p.spinCount, 10)
		_, _ = k.secretKey("x")
	})
}
