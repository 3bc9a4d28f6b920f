package archive

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Each execution runs the whole engine (temp directory, hashing, nesting),
// so minimizing a new input at the default -fuzzminimizetime (60 s) stalls
// the run; use e.g. -fuzzminimizetime 3s.

// fuzzLimits keep each run small; the property checks them.
var fuzzLimits = sanitize.Limits{MaxExpandedBytes: 256 << 10, MaxOutputBytes: 1 << 20, MaxMembers: 64, MaxDepth: 2}

func seedFromTestdata(f *testing.F, ext string) {
	files, err := filepath.Glob(filepath.Join("testdata", "malicious", "*"+ext))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkFuzzOutput is the property: a rejection has a reason; an output is a
// ZIP whose names are local, unique and UTF-8, whose members are no
// rejected types, and whose sizes stay within the limits.
func checkFuzzOutput(t *testing.T, data []byte, name string) {
	r := runWith(t, testEngine(fuzzLimits, sanitize.Policy{}), name, data, "pw")
	if r.rep.Verdict == sanitize.VerdictRejected {
		if r.rep.Reason == "" {
			t.Fatalf("rejected without a reason: %s", r.rep.Detail)
		}
		return
	}
	if r.rep.Type.Family() != sanitize.FamilyArchive {
		return // detected as another format: not this package's output
	}
	got, err := readOutput(r.out)
	if err != nil {
		t.Fatalf("output does not re-parse: %v", err)
	}
	if int64(len(r.out)) > fuzzLimits.MaxOutputBytes {
		t.Fatalf("output %d bytes over the limit", len(r.out))
	}
	var total int64
	for n, body := range got {
		total += int64(len(body))
		if strings.HasSuffix(n, "/") {
			continue
		}
		typ := sanitize.Detect(sanitize.Input{R: strings.NewReader(body), Size: int64(len(body)), Name: n})
		if typ.Family() == sanitize.FamilyRejected {
			t.Fatalf("output member %q is %s", n, typ)
		}
	}
	if total > fuzzLimits.MaxExpandedBytes {
		t.Fatalf("output members total %d bytes, over the expansion limit", total)
	}
}

func FuzzZip(f *testing.F) {
	seedFromTestdata(f, ".zip")
	f.Add(buildZip(f, entry{name: "a.txt", body: "hello\n"}, entry{name: "d/", dir: true}, entry{name: "d/b.txt", body: "b\n", stored: true}))
	f.Add(rawZip(f, rawEntry{name: "s.txt", data: []byte("stored\n")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("PK")) {
			return
		}
		checkFuzzOutput(t, data, "f.zip")
	})
}

func FuzzTar(f *testing.F) {
	seedFromTestdata(f, ".tar")
	f.Add(buildTar(f, tarEntry{name: "a.txt", body: "hello\n"}, tarEntry{name: "d/", flag: '5'}, tarEntry{name: "d/b.txt", body: "b\n"}))
	f.Add(gz(f, "", buildTar(f, tarEntry{name: "a.txt", body: "hello\n"})))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFuzzOutput(t, data, "f.tar")
	})
}
