package archive

import (
	"archive/zip"
	"bytes"
	"os"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
	"github.com/kakehashi/kakehashi/sanitize/ooxml"
)

// TestMacroDocumentMemberRenamed runs a real format sanitizer on members:
// the ooxml package's VBA regression file, once as "dir/memo.docm" (made
// macro-free, so it becomes "dir/memo.docx") and once under the lying name
// "dir/memo.docx" (also made "memo.docx": the two collide and the second
// becomes "memo (2).docx"). Neither output member may keep vbaProject.bin.
func TestMacroDocumentMemberRenamed(t *testing.T) {
	docm, err := os.ReadFile("../ooxml/testdata/malicious/vba.docm")
	if err != nil {
		t.Fatalf("the ooxml package's regression file: %v", err)
	}
	data := buildZip(t, entry{name: "dir/memo.docm", body: string(docm), stored: true}, entry{name: "dir/memo.docx", body: string(docm), stored: true})
	e := &engine.Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{
		sanitize.FamilyArchive: &Sanitizer{}, sanitize.FamilyOOXML: &ooxml.Sanitizer{},
	}}
	r := runWith(t, e, "mail.zip", data, "")
	got := r.files(t)
	if len(got) != 2 {
		t.Fatalf("output %v", keys(got))
	}
	for _, name := range []string{"dir/memo.docx", "dir/memo (2).docx"} {
		body, ok := got[name]
		if !ok {
			t.Fatalf("no %q in %v", name, keys(got))
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
		if err != nil {
			t.Fatalf("%s does not open: %v", name, err)
		}
		for _, f := range zr.File {
			if f.Name == "word/vbaProject.bin" {
				t.Errorf("%s still has %s", name, f.Name)
			}
		}
	}
	for _, m := range r.rep.Members {
		if m.Report.Totals()[sanitize.RemovedVBAProject] == 0 {
			t.Errorf("member %s reports no VBA removal: %v", m.Path, m.Report.Totals())
		}
	}
}
