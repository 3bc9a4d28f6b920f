package ooxml

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

func TestBenignDocxKeepsTextAndParts(t *testing.T) {
	in := benignDocx(t)
	out, rep := mustRun(t, in, sanitize.Policy{})
	if len(rep.Removed) != 0 {
		t.Errorf("removed %v from a benign document", rep.Removed)
	}
	if rep.Type != sanitize.TypeDOCX || rep.OutputType != sanitize.TypeDOCX {
		t.Errorf("type %s → %s", rep.Type, rep.OutputType)
	}
	before, after := wordText(t, partText(t, in, "word/document.xml")), wordText(t, partText(t, out, "word/document.xml"))
	if before != after || !strings.Contains(after, japanese) {
		t.Errorf("text changed:\nbefore %q\nafter  %q", before, after)
	}
	// Untouched parts are copied byte for byte.
	for _, name := range []string{"word/document.xml", "word/media/image1.png", "word/_rels/document.xml.rels", "docProps/core.xml"} {
		if partText(t, in, name) != partText(t, out, name) {
			t.Errorf("%s changed", name)
		}
	}
	if !strings.Contains(partText(t, out, "word/_rels/document.xml.rels"), "https://www.example.lg.jp/") {
		t.Error("ordinary hyperlink was removed")
	}
}

// TestBenignPackagesCopiedRaw: a package with nothing to remove comes out
// with every part byte for byte as it was (only [Content_Types].xml is
// rewritten), and a clean report.
func TestBenignPackagesCopiedRaw(t *testing.T) {
	for name, build := range map[string]func(testing.TB) []byte{"docx": benignDocx, "xlsx": benignXlsx, "pptx": benignPptx} {
		t.Run(name, func(t *testing.T) {
			in := build(t)
			out, rep := mustRun(t, in, sanitize.Policy{})
			if len(rep.Removed) != 0 || len(rep.Warnings) != 0 {
				t.Errorf("removed %v, warnings %v", rep.Removed, rep.Warnings)
			}
			if string(rep.Type) != name {
				t.Errorf("type %s", rep.Type)
			}
			zin, zout := members(t, in), members(t, out)
			if len(zin) != len(zout) {
				t.Errorf("%d members in, %d out", len(zin), len(zout))
			}
			for n, data := range zin {
				if n != contentTypesName && zout[n] != data {
					t.Errorf("%s changed", n)
				}
			}
		})
	}
}

func TestActiveContentRemoved(t *testing.T) {
	cases := []struct {
		name     string
		in       func(testing.TB) []byte
		want     map[sanitize.RemovalKind]int
		outType  sanitize.Type
		text     string // must still be in the main part's text
		mainPart string
		gone     []string          // parts that must be gone
		kept     []string          // parts that must stay
		parts    map[string]string // part → text its output must contain
	}{
		{name: "remote template", in: remoteTemplateDocx, outType: sanitize.TypeDOCX, mainPart: "word/document.xml", text: japanese,
			want: map[sanitize.RemovalKind]int{sanitize.RemovedAttachedTemplate: 1}},
		{name: "DDE fields", in: ddeDocx, outType: sanitize.TypeDOCX, mainPart: "word/document.xml", text: "計算結果\n単純フィールド\n前画像後\n\n箱の中\n",
			want: map[sanitize.RemovalKind]int{sanitize.RemovedDDE: 4, sanitize.RemovedFieldInclude: 1}},
		{name: "docm VBA", in: vbaDocm, outType: sanitize.TypeDOCX, mainPart: "word/document.xml", text: japanese,
			want: map[sanitize.RemovalKind]int{sanitize.RemovedVBAProject: 2}, gone: []string{"word/vbaProject.bin", "word/vbaData.xml"}},
		{name: "ActiveX", in: activeXDocx, outType: sanitize.TypeDOCX, mainPart: "word/document.xml", text: japanese,
			want: map[sanitize.RemovalKind]int{sanitize.RemovedActiveX: 3}, gone: []string{"word/activeX/activeX1.xml", "word/activeX/activeX1.bin"}, kept: []string{"word/media/image1.png"}},
		{name: "OLE with preview", in: oleDocx, outType: sanitize.TypeDOCX, mainPart: "word/document.xml", text: japanese,
			want: map[sanitize.RemovalKind]int{sanitize.RemovedOLEObject: 4}, gone: []string{"word/embeddings/oleObject1.bin"}, kept: []string{"word/media/image1.png"}},
		{name: "VML outside links", in: vmlLinkDocx, outType: sanitize.TypeDOCX, mainPart: "word/document.xml", text: japanese,
			want: map[sanitize.RemovalKind]int{sanitize.RemovedExternalRel: 2}, kept: []string{"word/media/image1.png"},
			parts: map[string]string{"word/document.xml": `<v:imagedata r:id="rIdImg"/>`}},
		{name: "XLM macro sheet", in: xlmXlsm, outType: sanitize.TypeXLSX, mainPart: "xl/workbook.xml",
			want: map[sanitize.RemovalKind]int{sanitize.RemovedXLMMacroSheet: 4}, gone: []string{"xl/macrosheets/sheet1.xml", "xl/dialogsheets/sheet1.xml"}},
		{name: "external link and connection", in: externalXlsx, outType: sanitize.TypeXLSX, mainPart: "xl/workbook.xml",
			want: map[sanitize.RemovalKind]int{sanitize.RemovedExternalRel: 2, sanitize.RemovedDDE: 1, sanitize.RemovedExternalData: 2, sanitize.RemovedPrinterSettings: 1},
			gone: []string{"xl/externalLinks/externalLink1.xml", "xl/connections.xml", "xl/queryTables/queryTable1.xml"}, kept: []string{"xl/tables/table1.xml"},
			parts: map[string]string{"xl/worksheets/sheet1.xml": `<pageSetup orientation="landscape"/>`, "xl/tables/table1.xml": `ref="A1:B1" headerRowCount="0"`}},
		{name: "pptm macros, OLE, customUI, printer", in: macroPptm, outType: sanitize.TypePPTX, mainPart: "ppt/presentation.xml",
			want: map[sanitize.RemovalKind]int{sanitize.RemovedVBAProject: 2, sanitize.RemovedOLEObject: 2, sanitize.RemovedCustomUI: 1, sanitize.RemovedPrinterSettings: 1},
			gone: []string{"ppt/vbaProject.bin", "customUI/customUI14.xml", "ppt/embeddings/oleObject1.bin"}, kept: []string{"ppt/media/image1.png"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in(t)
			out, rep := mustRun(t, in, sanitize.Policy{})
			if rep.OutputType != c.outType {
				t.Errorf("output type %s, want %s", rep.OutputType, c.outType)
			}
			got := totals(rep)
			for k, n := range c.want {
				if got[k] != n {
					t.Errorf("removed %d × %s, want %d (report %+v)", got[k], k, n, rep.Removed)
				}
			}
			for k, n := range got {
				if _, ok := c.want[k]; !ok {
					t.Errorf("unexpected removal %d × %s (report %+v)", n, k, rep.Removed)
				}
			}
			if c.text != "" {
				if txt := wordText(t, partText(t, out, c.mainPart)); !strings.Contains(txt, c.text) {
					t.Errorf("text %q lost: %q", c.text, txt)
				}
			}
			for _, g := range c.gone {
				if hasPart(t, out, g) {
					t.Errorf("%s still there", g)
				}
			}
			for name, want := range c.parts {
				if got := partText(t, out, name); !strings.Contains(got, want) {
					t.Errorf("%s lacks %s:\n%s", name, want, got)
				}
			}
			for _, k := range c.kept {
				if !hasPart(t, out, k) {
					t.Errorf("%s was removed", k)
				}
			}
			ct := partText(t, out, contentTypesName)
			if strings.Contains(ct, "macroEnabled") || strings.Contains(ct, "vbaProject") {
				t.Errorf("content types still macro-enabled: %s", ct)
			}
		})
	}
}

func TestRejections(t *testing.T) {
	cases := []struct {
		name string
		in   func(testing.TB) []byte
		want sanitize.Reason
	}{
		{"XXE in content types", func(tb testing.TB) []byte { return xxeDocx(tb, contentTypesName) }, sanitize.ReasonXMLDoctype},
		{"XXE in document", func(tb testing.TB) []byte { return xxeDocx(tb, "word/document.xml") }, sanitize.ReasonXMLDoctype},
		{"XXE in core properties", func(tb testing.TB) []byte { return xxeDocx(tb, "docProps/core.xml") }, sanitize.ReasonXMLDoctype},
		{"billion laughs", billionLaughsDocx, sanitize.ReasonXMLDoctype},
		{"zip slip", zipSlipDocx, sanitize.ReasonUnsafePath},
		{"duplicate part", dupPartDocx, sanitize.ReasonDuplicateName},
		{"compression bomb", bombDocx, sanitize.ReasonCompressionBomb},
		{"not a zip", func(testing.TB) []byte { return []byte("PK\x03\x04garbage") }, sanitize.ReasonMalformed},
		{"no main part", func(tb testing.TB) []byte { return newOPC().add("a.xml", "", "<a/>").build(tb) }, sanitize.ReasonMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := run(t, c.in(t), sanitize.Policy{})
			rej, ok := sanitize.AsRejection(err)
			if !ok || rej.Reason != c.want {
				t.Fatalf("got %v, want rejection %s", err, c.want)
			}
		})
	}
}

func TestPolicyHyperlinksAndMetadata(t *testing.T) {
	in := benignDocx(t)
	out, rep := mustRun(t, in, sanitize.Policy{RemoveHyperlinks: true, RemoveMetadata: true})
	got := totals(rep)
	if got[sanitize.RemovedHyperlink] != 1 || got[sanitize.RemovedMetadata] != 3 {
		t.Errorf("removals %v", rep.Removed)
	}
	doc := partText(t, out, "word/document.xml")
	if strings.Contains(doc, "rIdLink") || !strings.Contains(doc, "市のホームページ") {
		t.Errorf("hyperlink not unlinked cleanly: %s", doc)
	}
	core, app := partText(t, out, "docProps/core.xml"), partText(t, out, "docProps/app.xml")
	if strings.Contains(core, "山田") || strings.Contains(core, "鈴木") || !strings.Contains(core, "予算書") || strings.Contains(app, "架け橋市役所") {
		t.Errorf("metadata: %s %s", core, app)
	}
}

func TestLimitsAndOddZips(t *testing.T) {
	encrypted := func(tb testing.TB) []byte {
		data := benignDocx(tb)
		// Set "encrypted" (general purpose bit 0) in every central
		// directory header, where archive/zip reads the flags.
		for i := 0; i+10 < len(data); i++ {
			if string(data[i:i+4]) == "PK\x01\x02" {
				data[i+8] |= 1
			}
		}
		return data
	}
	cases := []struct {
		name   string
		in     func(testing.TB) []byte
		limits sanitize.Limits
		want   sanitize.Reason
	}{
		{"one member over the limit", benignDocx, sanitize.Limits{MaxMembers: 7}, sanitize.ReasonTooManyMembers},
		{"members at the limit", benignDocx, sanitize.Limits{MaxMembers: 8}, ""}, // benign.docx has 8 members
		{"expanded size", benignDocx, sanitize.Limits{MaxExpandedBytes: 2000}, sanitize.ReasonTooLarge},
		{"ratio over the limit", bombDocx, sanitize.Limits{MaxRatio: 200}, sanitize.ReasonCompressionBomb},
		{"ratio under a generous limit", bombDocx, sanitize.Limits{MaxRatio: 2000}, ""},
		{"encrypted member", encrypted, sanitize.Limits{}, sanitize.ReasonMalformed},
		{"only macro sheets", func(tb testing.TB) []byte {
			o := xlsxWith(ctXlsm, `<sheet name="Macro1" sheetId="2" r:id="rIdM1"/>`, "")
			o.add("xl/macrosheets/sheet1.xml", "application/vnd.ms-excel.macrosheet+xml", `<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>`)
			o.rel("xl/workbook.xml", "rIdM1", relMS2006+"xlMacrosheet", "macrosheets/sheet1.xml")
			// Drop the ordinary sheet from the list.
			o.parts[0].data = bytes.Replace(o.parts[0].data, []byte(`<sheet name="予算" sheetId="1" r:id="rIdS1"/>`), nil, 1)
			return o.build(tb)
		}, sanitize.Limits{}, sanitize.ReasonActiveContent},
		{"xlsb", func(tb testing.TB) []byte {
			o := newOPC().add("xl/workbook.bin", "application/vnd.ms-excel.sheet.binary.macroEnabled.main", "x")
			return o.rel("", "rId1", rtOffice, "xl/workbook.bin").build(tb)
		}, sanitize.Limits{}, sanitize.ReasonUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := &sanitize.Env{Policy: sanitize.DefaultPolicy(), Limits: c.limits.WithDefaults()}
			in := c.in(t)
			var out bytes.Buffer
			err := (&Sanitizer{}).Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(in), Size: int64(len(in))}, &out, env, &sanitize.Report{})
			rej, _ := sanitize.AsRejection(err)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case c.want != "" && (rej == nil || rej.Reason != c.want):
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
}

// TestEngineDispatch runs a docm through the engine: detection, the
// sanitizer, and the renamed macro-free output.
func TestEngineDispatch(t *testing.T) {
	e := &engine.Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{sanitize.FamilyOOXML: &Sanitizer{}}, TempDir: t.TempDir()}
	in := vbaDocm(t)
	var out bytes.Buffer
	rep, err := e.Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(in), Size: int64(len(in)), Name: "議事録.docm"}, &out, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != sanitize.VerdictSanitized || rep.Type != sanitize.TypeDOCM || rep.OutputName != "議事録.docx" {
		t.Errorf("report %+v", rep)
	}
	if err := checkOutput(out.Bytes(), false); err != nil {
		t.Error(err)
	}
}
