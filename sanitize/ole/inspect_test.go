package ole

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

func inputOf(b []byte, name string) sanitize.Input {
	return sanitize.Input{R: bytes.NewReader(b), Size: int64(len(b)), Name: name}
}

func clamFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("/usr/share/clamav-testfiles/" + name)
	if err != nil {
		t.Skipf("clamav-testfiles not installed: %v", err)
	}
	return b
}

func TestInspect(t *testing.T) {
	doc, xls, ppt := readFixture(t, "benign.doc"), readFixture(t, "benign.xls"), readFixture(t, "benign.ppt")
	tests := []struct {
		name string
		in   func(t *testing.T) []byte
		want Findings // only the exported, compared fields
	}{
		{"benign doc", func(*testing.T) []byte { return doc }, Findings{Type: sanitize.TypeDOC}},
		{"benign xls", func(*testing.T) []byte { return xls }, Findings{Type: sanitize.TypeXLS}},
		{"benign ppt", func(*testing.T) []byte { return ppt }, Findings{Type: sanitize.TypePPT}},
		{"xls with a macro sheet", func(t *testing.T) []byte { return withMacroSheet(t, xls) }, Findings{Type: sanitize.TypeXLS, XLMSheets: 1}},
		{"xls with FILEPASS", func(t *testing.T) []byte { return withFilePass(t, xls) }, Findings{Type: sanitize.TypeXLS, Encrypted: true, Why: "Excel FILEPASS record"}},
		{"doc with fEncrypted", func(t *testing.T) []byte { return withWordEncrypted(t, doc) }, Findings{Type: sanitize.TypeDOC, Encrypted: true, Why: "Word FIB fEncrypted"}},
		{"ppt with encrypted token", func(t *testing.T) []byte { return withPPTEncryptedToken(t, ppt) }, Findings{Type: sanitize.TypePPT, Encrypted: true, Why: "PowerPoint CurrentUser encrypted token"}},
		{"doc with VBA storages", func(t *testing.T) []byte { return withVBAStorages(t, doc) }, Findings{Type: sanitize.TypeDOC, VBA: []string{"Macros"}}},
		{"clam.ole.doc ObjectPool", func(t *testing.T) []byte { return clamFile(t, "clam.ole.doc") }, Findings{Type: sanitize.TypeDOC, OLEObjects: []string{"ObjectPool/_1279313719"}}},
		{"clam.ppt ExOleEmbed", func(t *testing.T) []byte { return clamFile(t, "clam.ppt") }, Findings{Type: sanitize.TypePPT, OLEObjects: []string{"PowerPoint Document: ExOleObj"}}},
		{"agile encrypted xlsx", func(t *testing.T) []byte { return agileEncrypted(t) }, Findings{Type: sanitize.TypeEncryptedOOXML}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.in(t)
			f, err := Inspect(inputOf(b, "x"))
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			got := Findings{Type: f.Type, VBA: f.VBA, OLEObjects: f.OLEObjects, ActiveX: f.ActiveX, XLMSheets: f.XLMSheets, Encrypted: f.Encrypted, Why: f.Why}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", &got, &tt.want)
			}
			if f.LargestStream > int64(len(b)) {
				t.Errorf("largest stream %d > input %d", f.LargestStream, len(b))
			}
		})
	}
}

func TestInspectRejects(t *testing.T) {
	doc := readFixture(t, "benign.doc")
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"header only", doc[:512]},
		{"truncated", doc[:len(doc)/2]},
		{"not a CFB", []byte("PK\x03\x04 not a compound file at all, just bytes")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(inputOf(tt.in, "x.doc"))
			rej, ok := sanitize.AsRejection(err)
			if !ok || rej.Reason != sanitize.ReasonMalformed {
				t.Fatalf("got %v, want a malformed rejection", err)
			}
		})
	}
}

// TestConversionFilters checks that the import filter follows the file's
// own version marks: Word 6/95 FIBs and Excel 5/95 "Book" streams have
// their own LibreOffice filters.
func TestConversionFilters(t *testing.T) {
	doc := readFixture(t, "benign.doc")
	word95 := bytes.Clone(doc)
	for i := 512; i+12 <= len(word95); i += 64 {
		if word95[i] == 0xEC && word95[i+1] == 0xA5 {
			word95[i], word95[i+2], word95[i+3] = 0xDC, 0x65, 0x00 // wIdent 0xA5DC, nFib 101
			break
		}
	}
	tests := []struct {
		name   string
		in     []byte
		filter string
	}{
		{"Word 97", doc, "MS Word 97"},
		{"Word 6.0", word95, "MS WinWord 6.0"},
		{"Excel 97", readFixture(t, "benign.xls"), "MS Excel 97"},
		{"PowerPoint 97", readFixture(t, "benign.ppt"), "MS PowerPoint 97"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Inspect(inputOf(tt.in, "x"))
			if err != nil {
				t.Fatal(err)
			}
			c, ok := conversionFor(f)
			if !ok || c.inFilter != tt.filter {
				t.Fatalf("filter %q, want %q", c.inFilter, tt.filter)
			}
		})
	}
	f := &Findings{Type: sanitize.TypeXLS, BIFF5: true}
	if c, _ := conversionFor(f); c.inFilter != "MS Excel 95" {
		t.Errorf("BIFF5 filter %q", c.inFilter)
	}
}
