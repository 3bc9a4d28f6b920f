package odf

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

var update = flag.Bool("update", false, "rewrite testdata/malicious")

// TestMaliciousFiles keeps one named file per attack on disk (regenerate
// with -update) and checks each verdict.
func TestMaliciousFiles(t *testing.T) {
	doctype := `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]>` + strings.TrimPrefix(body(`<office:body/>`), `<?xml version="1.0" encoding="UTF-8"?>`)
	laughs := `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` + strings.TrimPrefix(body(`<office:body><office:text><text:p>&b;</text:p></office:text></office:body>`), `<?xml version="1.0" encoding="UTF-8"?>`)
	cases := []struct {
		file    string
		in      func() []byte
		reason  sanitize.Reason
		removed sanitize.RemovalKind
	}{
		{"macro-event.odt", func() []byte { return scriptedODT(t) }, "", sanitize.RemovedBasicMacro},
		{"encrypted.odt", func() []byte { return odt(t, textType, body(`<!-- ENCRYPTED --><office:body/>`)) }, sanitize.ReasonEncrypted, ""},
		{"xxe.odt", func() []byte { return odt(t, textType, doctype) }, sanitize.ReasonXMLDoctype, ""},
		{"billion-laughs.odt", func() []byte { return odt(t, textType, laughs) }, sanitize.ReasonXMLDoctype, ""},
		{"zip-slip.odt", func() []byte { return odt(t, textType, body(`<office:body/>`), part{"../../evil.txt", "x"}) }, sanitize.ReasonUnsafePath, ""},
	}
	for _, c := range cases {
		path := filepath.Join("testdata", "malicious", c.file)
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, c.in(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		in, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		rep, _ := run(t, in, sanitize.Policy{})
		if rep.Reason != c.reason || (c.removed != "" && rep.Totals()[c.removed] == 0) {
			t.Errorf("%s: %s %s %v", c.file, rep.Verdict, rep.Reason, rep.Removed)
		}
	}
}

// BenchmarkODT5MB sanitizes a text document with about 5 MB of pictures
// (copied raw) and a page of scripted content.
func BenchmarkODT5MB(b *testing.B) {
	var pics []part
	seed := uint32(1)
	for i := 0; i < 10; i++ {
		// Noise, so the pictures are as large as photos, not compressible.
		img := image.NewRGBA(image.Rect(0, 0, 350, 350))
		for j := range img.Pix {
			seed = seed*1664525 + 1013904223
			img.Pix[j] = byte(seed >> 24)
		}
		var buf bytes.Buffer
		png.Encode(&buf, img)
		pics = append(pics, part{"Pictures/p" + string(rune('a'+i)) + ".png", buf.String()})
	}
	in := odt(b, textType, body(scripted), pics...)
	b.ReportMetric(float64(len(in))/(1<<20), "MB-input")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if rep, _ := run(b, in, sanitize.Policy{}); rep.Verdict != sanitize.VerdictSanitized {
			b.Fatal(rep.Detail)
		}
	}
}
