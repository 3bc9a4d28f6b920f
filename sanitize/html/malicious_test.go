package html

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// malicious are the regression files under testdata/malicious with what
// must happen to each: a rejection reason, or a removal kind.
var malicious = map[string]struct {
	typ    sanitize.Type
	data   string
	reason sanitize.Reason
	kind   sanitize.RemovalKind
}{
	"svg_xxe.svg":            {typ: sanitize.TypeSVG, data: `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>`, reason: sanitize.ReasonXMLDoctype},
	"svg_billion_laughs.svg": {typ: sanitize.TypeSVG, data: billionLaughs, reason: sanitize.ReasonXMLDoctype},
	"svg_script.svg":         {typ: sanitize.TypeSVG, data: `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><script>alert(1)</script></svg>`, kind: sanitize.RemovedScript},
	"svg_foreignobject.svg":  {typ: sanitize.TypeSVG, data: `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(1)"/></foreignObject></svg>`, kind: sanitize.RemovedForeignObject},
	"svg_use_external.svg":   {typ: sanitize.TypeSVG, data: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="https://198.51.100.7/x.svg#payload"/></svg>`, kind: sanitize.RemovedExternalRef},
	"html_script.html":       {typ: sanitize.TypeHTML, data: `<html><body onload="alert(1)"><script>alert(1)</script><img src=x onerror=alert(1)></body></html>`, kind: sanitize.RemovedScript},
	"html_meta_refresh.html": {typ: sanitize.TypeHTML, data: `<meta http-equiv="refresh" content="0;url=https://198.51.100.7/">`, kind: sanitize.RemovedExternalRef},
	"html_iframe_form.html":  {typ: sanitize.TypeHTML, data: `<iframe src="https://198.51.100.7/"></iframe><form action="https://198.51.100.7/"><input type=password></form>`, kind: sanitize.RemovedForeignObject},
	"html_js_entity.html":    {typ: sanitize.TypeHTML, data: `<a href="&#106;avascript&#58;alert(1)">x</a><a href="java&#x09;script:alert(2)">y</a>`, kind: sanitize.RemovedScript},
}

// TestGenerateMalicious writes the regression files:
// go test ./sanitize/html -run TestGenerateMalicious -args -update
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
			out, rep, err := run(t, m.typ, data, nil)
			if m.reason != "" {
				if r, ok := sanitize.AsRejection(err); !ok || r.Reason != m.reason {
					t.Fatalf("got %v, want rejection %s", err, m.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("sanitize: %v", err)
			}
			if m.typ == sanitize.TypeSVG {
				checkSVG(t, out)
			} else {
				checkHTML(t, out)
			}
			if rep.Totals()[m.kind] == 0 {
				t.Errorf("report %+v lacks %s", rep.Removed, m.kind)
			}
			for _, bad := range []string{"alert", "198.51.100.7", "passwd"} {
				if strings.Contains(string(out), bad) {
					t.Errorf("output still contains %q", bad)
				}
			}
		})
	}
}
