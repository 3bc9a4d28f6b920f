package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
	"github.com/kakehashi/kakehashi/sanitize/text"
)

func testEngine(l sanitize.Limits, p sanitize.Policy) *engine.Engine {
	return &engine.Engine{
		Formats: map[sanitize.Family]sanitize.Sanitizer{
			sanitize.FamilyArchive: &Sanitizer{},
			sanitize.FamilyText:    &text.Sanitizer{},
		},
		Limits: l,
		Policy: p,
	}
}

type result struct {
	rep *sanitize.Report
	out []byte
}

// run sanitizes data with default limits and policy.
func run(t testing.TB, name string, data []byte, password string) result {
	t.Helper()
	return runWith(t, testEngine(sanitize.Limits{}, sanitize.Policy{}), name, data, password)
}

func runWith(t testing.TB, e *engine.Engine, name string, data []byte, password string) result {
	t.Helper()
	var out bytes.Buffer
	rep, err := e.Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(data), Size: int64(len(data)), Name: name}, &out, engine.Options{Password: password})
	if err != nil {
		t.Fatalf("engine fault: %v", err)
	}
	return result{rep, out.Bytes()}
}

// wantReject fails unless r is a rejection for reason.
func (r result) wantReject(t testing.TB, reason sanitize.Reason) {
	t.Helper()
	if r.rep.Verdict != sanitize.VerdictRejected || r.rep.Reason != reason {
		t.Fatalf("verdict %s reason %q (%s), want rejected %q", r.rep.Verdict, r.rep.Reason, r.rep.Detail, reason)
	}
}

// files checks the output is a valid ZIP whose names are all local, unique
// and flagged UTF-8, and returns name → content (folders end in "/").
func (r result) files(t testing.TB) map[string]string {
	t.Helper()
	if r.rep.Verdict == sanitize.VerdictRejected {
		t.Fatalf("rejected: %s: %s", r.rep.Reason, r.rep.Detail)
	}
	if r.rep.OutputType != sanitize.TypeZIP {
		t.Errorf("output type %q, want zip", r.rep.OutputType)
	}
	got, err := readOutput(r.out)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// readOutput is the output property shared with the fuzz targets.
func readOutput(out []byte) (map[string]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		return nil, err
	}
	got := map[string]string{}
	for _, f := range zr.File {
		if f.Flags&utf8NameFlag == 0 || !utf8.ValidString(f.Name) {
			return nil, fmt.Errorf("output name %q is not flagged UTF-8", f.Name)
		}
		if f.Flags&flagEncrypted != 0 {
			return nil, fmt.Errorf("output member %q is encrypted", f.Name)
		}
		if !filepath.IsLocal(strings.TrimSuffix(f.Name, "/")) || strings.ContainsAny(f.Name, "\\:") {
			return nil, fmt.Errorf("output name %q is not local", f.Name)
		}
		if _, dup := got[f.Name]; dup {
			return nil, fmt.Errorf("output name %q twice", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		got[f.Name] = string(b)
	}
	return got, nil
}

// entry is one member of a test ZIP.
type entry struct {
	name     string
	body     string
	stored   bool // zip.Store instead of zip.Deflate
	rawName  bool // write name bytes as they are, without the UTF-8 flag
	mode     os.FileMode
	unixLink bool // Unix creator, S_IFLNK external attributes
	dir      bool
}

// buildZip writes a ZIP of entries with archive/zip.
func buildZip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
		if e.stored || e.dir {
			h.Method = zip.Store
		}
		if e.rawName {
			h.NonUTF8 = true
		}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		if e.unixLink {
			h.CreatorVersion = creatorUnix<<8 | 20
			h.ExternalAttrs = (unixSymlink | 0o777) << 16
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
