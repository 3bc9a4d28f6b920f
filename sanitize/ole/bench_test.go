package ole

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

// BenchmarkInspect measures the compound-file inspection alone (directory,
// FIB, BIFF globals, PowerPoint records) on the committed seeds.
func BenchmarkInspect(b *testing.B) {
	for _, name := range []string{"benign.doc", "xlm.xls", "vba.doc"} {
		data := testdataFile(b, filepath.Join("seeds", name))
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Inspect(inputOf(data, name)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecryptAgile measures password verification (100 000 SHA-1
// spins in the Excel fixture) plus package decryption.
func BenchmarkDecryptAgile(b *testing.B) {
	data := agileEncrypted(b)
	f, err := Inspect(inputOf(data, "enc.xlsx"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		env := &sanitize.Env{Budget: sanitize.NewBudget(sanitize.DefaultLimits())}
		if err := decryptOOXML(f, agilePassword, env, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConvertDoc measures the wall time of one .doc → sanitized .docx
// through the engine: a fresh LibreOffice profile and process per file.
func BenchmarkConvertDoc(b *testing.B) {
	data := readFixture(b, "benign.doc")
	e := newEngine(b, engine.FindTools())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var out bytes.Buffer
		rep, err := e.Sanitize(context.Background(), inputOf(data, "a.doc"), &out, engine.Options{})
		if err != nil || rep.Verdict == sanitize.VerdictRejected {
			b.Fatalf("%v %s %s", err, rep.Reason, rep.Detail)
		}
	}
}
