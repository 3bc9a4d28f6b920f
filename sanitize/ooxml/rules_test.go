package ooxml

import (
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

func TestFormulaKind(t *testing.T) {
	cases := []struct {
		formula string
		want    sanitize.RemovalKind // "" = kept
	}{
		{"SUM(A1:A3)", ""},
		{"[1]Sheet1!A1*2", sanitize.RemovedExternalRel},
		{"'[2]My sheet'!B2", sanitize.RemovedExternalRel},
		{"Table1[2020]", ""}, // a structured reference, not another workbook
		{"RTD(\"srv\",,\"x\")", sanitize.RemovedExternalData},
		{"_xlfn.WEBSERVICE(\"http://198.51.100.7/\")", sanitize.RemovedExternalData},
		{"CALL(\"kernel32\",\"WinExec\",\"JCJ\",\"calc\",0)", sanitize.RemovedXLMMacroSheet},
		{"1+register (\"a\")", sanitize.RemovedXLMMacroSheet},
		{"MYCALL(1)", ""}, // only whole function names
		{"RECALL(1)", ""},
	}
	for _, c := range cases {
		got, bad := formulaKind(c.formula)
		if bad != (c.want != "") || got != c.want {
			t.Errorf("%q: got %q %v, want %q", c.formula, got, bad, c.want)
		}
	}
}

func TestFieldNames(t *testing.T) {
	f := &filter{}
	cases := []struct {
		instr string
		want  sanitize.RemovalKind
	}{
		{" PAGE ", ""},
		{" DDEAUTO c:\\x.exe ", sanitize.RemovedDDE},
		{"ddeauto x", sanitize.RemovedDDE},
		{"\"DDE\" x", sanitize.RemovedDDE},
		{"INCLUDETEXT!x", sanitize.RemovedFieldInclude},
		{"\u3000INCLUDEPICTURE \"http://x/\"", sanitize.RemovedFieldInclude},
		{"DDEX", ""}, // a different (unknown) field name
		{"HYPERLINK \"https://example.lg.jp\"", ""},
		{"MACROBUTTON Evil click", sanitize.RemovedVBAProject},
	}
	for _, c := range cases {
		got, _ := f.dangerousField(c.instr, false)
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.instr, got, c.want)
		}
	}
	if k, bad := f.dangerousField("calc", true); !bad || k != sanitize.RemovedDDE {
		t.Error("a field name computed by a nested field was kept")
	}
}

func TestMagic(t *testing.T) {
	font := make([]byte, 64)
	copy(font[44:], "cmap")
	copy(font[60:], "glyf")
	cases := []struct {
		name, ct string
		head     []byte
		want     bool
	}{
		{"png", "image/png", tinyPNG, true},
		{"exe as png", "image/png", []byte("MZ\x90\x00"), false},
		{"cfb as jpeg", "image/jpeg", oleCFB, false},
		{"font", "application/vnd.openxmlformats-officedocument.obfuscatedFont", font, true},
		{"cfb as font", "application/vnd.openxmlformats-officedocument.obfuscatedFont", oleCFB[:64], false},
		{"short font", "application/vnd.openxmlformats-officedocument.obfuscatedFont", font[:63], false},
		{"unknown type", "application/octet-stream", tinyPNG, false},
	}
	for _, c := range cases {
		if got := magicOK(c.ct, c.head); got != c.want {
			t.Errorf("%s: got %v", c.name, got)
		}
	}
}

func TestRepeatedAttributeRejected(t *testing.T) {
	for name, body := range map[string]string{
		"fldSimple":                   `<w:p><w:fldSimple w:instr="PAGE" w:instr="DDEAUTO calc"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>`,
		"two prefixes, one namespace": `<w:p xmlns:w2="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:fldSimple w:instr="PAGE" w2:instr="DDEAUTO calc"/></w:p>`,
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := run(t, docxWith(ctDocx, body).build(t), sanitize.Policy{})
			if rej, ok := sanitize.AsRejection(err); !ok || rej.Reason != sanitize.ReasonMalformed {
				t.Fatalf("got %v, want malformed", err)
			}
		})
	}
}
