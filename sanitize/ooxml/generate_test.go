package ooxml

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

var update = flag.Bool("update", false, "rewrite testdata/ files (regression inputs and golden reports)")

// regressionFiles are the named inputs under testdata/: malicious/ holds
// the ones that must be rejected or disarmed, documents/ the benign ones.
var regressionFiles = map[string]func(testing.TB) []byte{
	"malicious/xxe-content-types.docx": func(tb testing.TB) []byte { return xxeDocx(tb, contentTypesName) },
	"malicious/xxe.docx":               func(tb testing.TB) []byte { return xxeDocx(tb, "word/document.xml") },
	"malicious/xxe-core.docx":          func(tb testing.TB) []byte { return xxeDocx(tb, "docProps/core.xml") },
	"malicious/billion-laughs.docx":    billionLaughsDocx,
	"malicious/zip-slip.docx":          zipSlipDocx,
	"malicious/dup-part.docx":          dupPartDocx,
	"malicious/zip-bomb.docx":          bombDocx,
	"malicious/remote-template.docx":   remoteTemplateDocx,
	"malicious/dde.docx":               ddeDocx,
	"malicious/vba.docm":               vbaDocm,
	"malicious/activex.docx":           activeXDocx,
	"malicious/ole.docx":               oleDocx,
	"malicious/vml-links.docx":         vmlLinkDocx,
	"malicious/xlm-auto-open.xlsm":     xlmXlsm,
	"malicious/external-link.xlsx":     externalXlsx,
	"malicious/macro.pptm":             macroPptm,
	"documents/benign.docx":            benignDocx,
	"documents/benign.xlsx":            benignXlsx,
	"documents/benign.pptx":            benignPptx,
}

// TestRegressionFiles keeps testdata/ in step with the fixtures (-update
// writes it) and checks each file's golden report: the verdict or the
// removals, so that a change in what is removed is a visible diff.
func TestRegressionFiles(t *testing.T) {
	for _, name := range sortedKeys(regressionFiles) {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, regressionFiles[name](t), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestRegressionFiles -update)", err)
		}
		got := goldenReport(t, data)
		golden := strings.TrimSuffix(path, filepath.Ext(path)) + filepath.Ext(path) + ".golden"
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: report changed:\n got %s\nwant %s", name, got, want)
		}
	}
}

// goldenReport is the stable part of a run: verdict, reason, types and
// removals (sorted), with the output checked by checkOutput.
func goldenReport(t *testing.T, data []byte) []byte {
	t.Helper()
	out, rep, err := run(t, data, sanitize.Policy{})
	g := struct {
		Reason   sanitize.Reason    `json:"reason,omitempty"`
		Type     sanitize.Type      `json:"type,omitempty"`
		Output   sanitize.Type      `json:"output_type,omitempty"`
		Removed  []sanitize.Removal `json:"removed,omitempty"`
		Warnings []string           `json:"warnings,omitempty"`
	}{}
	if rej, ok := sanitize.AsRejection(err); ok {
		g.Reason = rej.Reason
	} else if err != nil {
		t.Fatalf("internal error: %v", err)
	} else {
		if cerr := checkOutput(out, false); cerr != nil {
			t.Errorf("output check: %v", cerr)
		}
		g.Type, g.Output, g.Removed, g.Warnings = rep.Type, rep.OutputType, rep.Removed, rep.Warnings
		sort.Slice(g.Removed, func(i, j int) bool {
			a, b := g.Removed[i], g.Removed[j]
			return a.Location+string(a.Kind) < b.Location+string(b.Kind)
		})
	}
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
