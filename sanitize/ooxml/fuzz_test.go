package ooxml

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// FuzzSanitize feeds whole packages, seeded from testdata/. Property: an
// output that is not a rejection opens with archive/zip, every XML part
// re-parses with safexml, nothing active is left (checkOutput), and the
// output has no more members than the input.
func FuzzSanitize(f *testing.F) {
	for _, dir := range []string{"testdata/malicious", "testdata/documents"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if filepath.Ext(e.Name()) == ".golden" {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _, err := run(t, data, sanitize.Policy{})
		if err != nil {
			if _, ok := sanitize.AsRejection(err); !ok {
				t.Fatalf("error that is not a rejection: %v", err)
			}
			return
		}
		if err := checkOutput(out, false); err != nil {
			t.Fatal(err)
		}
		in, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("accepted an input archive/zip cannot open: %v", err)
		}
		o, _ := zip.NewReader(bytes.NewReader(out), int64(len(out)))
		if len(o.File) > len(in.File)+1 {
			t.Fatalf("output has %d members, input %d", len(o.File), len(in.File))
		}
	})
}

// FuzzWordBody feeds the body of word/document.xml inside a valid package,
// which reaches the field, OLE and reference filters far more often than
// mutated zip bytes do. Same property as FuzzSanitize.
func FuzzWordBody(f *testing.F) {
	for _, seed := range []string{
		para(japanese),
		`<w:p><w:r><w:fldChar w:fldCharType="begin"/><w:instrText>DDEAUTO x</w:instrText><w:fldChar w:fldCharType="separate"/><w:t>r</w:t><w:fldChar w:fldCharType="end"/></w:r></w:p>`,
		`<w:p><w:fldSimple w:instr="INCLUDETEXT x"><w:fldSimple w:instr="DDE y"><w:r><w:t>a</w:t></w:r></w:fldSimple></w:fldSimple></w:p>`,
		`<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r></w:p><w:p><w:r><w:instrText>DDE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`,
		`<w:p><w:r><w:object><v:shape><v:imagedata r:id="rIdImg"/></v:shape><o:OLEObject r:id="rIdOle"/><w:control r:id="x"/></w:object></w:r></w:p>`,
		`<w:p><w:hyperlink r:id="rIdNone"><w:r><w:t>l</w:t></w:r></w:hyperlink></w:p>`,
		`<w:p><w:r><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDE a</w:instrText></w:r></w:p></w:txbxContent></v:textbox></w:pict></w:r></w:p>`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		o := docxWith(ctDocx, body)
		o.rel("word/document.xml", "rIdImg", relOffice+"image", "media/image1.png")
		o.addBytes("word/media/image1.png", "", tinyPNG)
		o.rel("word/document.xml", "rIdOle", relOffice+"oleObject", "embeddings/oleObject1.bin")
		o.defaults["bin"] = "application/vnd.openxmlformats-officedocument.oleObject"
		o.addBytes("word/embeddings/oleObject1.bin", "", oleCFB)
		out, _, err := run(t, o.build(t), sanitize.Policy{})
		if err != nil {
			if _, ok := sanitize.AsRejection(err); !ok {
				t.Fatalf("error that is not a rejection: %v", err)
			}
			return
		}
		if err := checkOutput(out, false); err != nil {
			t.Fatal(err)
		}
	})
}
