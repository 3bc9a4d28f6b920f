package odf

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

// FuzzSanitize: an accepted package is a zip with the mimetype first,
// every XML part re-parses through safexml, and no macro library, event
// listener or script URL is left.
func FuzzSanitize(f *testing.F) {
	f.Add(scriptedODT(f))
	f.Add(odt(f, textType, body(`<office:body><office:text><text:p>x</text:p></office:text></office:body>`)))
	f.Fuzz(func(t *testing.T, in []byte) {
		rep, out := run(t, in, sanitize.Policy{})
		if rep.Reason == sanitize.ReasonCrash {
			t.Fatalf("panic: %s", rep.Detail)
		}
		if rep.Verdict == sanitize.VerdictRejected {
			return
		}
		zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
		if err != nil || len(zr.File) == 0 || zr.File[0].Name != "mimetype" {
			t.Fatalf("output is not an ODF package: %v", err)
		}
		for _, zf := range zr.File {
			if strings.HasPrefix(zf.Name, "Basic/") || strings.HasPrefix(zf.Name, "Scripts/") {
				t.Fatalf("%s kept", zf.Name)
			}
			if !strings.HasSuffix(zf.Name, ".xml") {
				continue
			}
			rc, _ := zf.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(data, []byte("event-listener")) || bytes.Contains(data, []byte("vnd.sun.star.script")) {
				t.Fatalf("%s keeps a script hook", zf.Name)
			}
			r := safexml.NewReader(bytes.NewReader(data), sanitize.Limits{})
			for {
				if _, err := r.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s does not re-parse: %v", zf.Name, err)
				}
			}
		}
	})
}
