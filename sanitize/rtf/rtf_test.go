package rtf

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// pngPict is a \pict group holding a real 1×1 PNG, split by CRLF and
// spaces as Word and droppers both do.
const pngHex = "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
	"1f15c4890000000d49444154789c6364f8cfc000000301010018dd8db00000000049454e44ae426082"

func pngPict() string {
	return `{\pict\pngblip\picw1\pich1\picwgoal15\pichgoal15 ` + pngHex[:40] + "\r\n" + pngHex[40:80] + " \n" + pngHex[80:] + `}`
}

// clamObject builds an \object whose \objdata is clam.exe as hex (read at
// test time), with a \result preview picture.
func clamObject(t *testing.T) string {
	t.Helper()
	exe, err := os.ReadFile("/usr/share/clamav-testfiles/clam.exe")
	if err != nil {
		t.Skipf("clamav-testfiles not installed: %v", err)
	}
	// OLE1 native object (MS-OLEDS §2.2.4): version, format 2 (embedded),
	// class name "Package", empty topic and item names, then the data.
	ole := []byte{0x01, 0x05, 0, 0, 0x02, 0, 0, 0, 8, 0, 0, 0}
	ole = append(ole, "Package\x00"...)
	ole = append(ole, 0, 0, 0, 0, 0, 0, 0, 0)
	// Native data of class Package: label, source path, temp path, file.
	var pkg []byte
	pkg = append(pkg, 2, 0)
	pkg = append(pkg, "clam.exe\x00C:\\clam.exe\x00"...)
	pkg = append(pkg, 0, 0, 3, 0)
	tmp := "C:\\Temp\\clam.exe\x00"
	pkg = binary.LittleEndian.AppendUint32(pkg, uint32(len(tmp)))
	pkg = append(pkg, tmp...)
	pkg = binary.LittleEndian.AppendUint32(pkg, uint32(len(exe)))
	pkg = append(pkg, exe...)
	ole = binary.LittleEndian.AppendUint32(ole, uint32(len(pkg)))
	ole = append(ole, pkg...)
	h := hex.EncodeToString(ole)
	// InQuest "byte nibble" style: CRLF and spaces inside the hex data.
	h = h[:100] + "\r\n" + h[100:200] + " \t" + h[200:]
	return `{\object\objemb\objw200\objh200{\*\objclass Package}{\*\objdata ` + h + `}{\result ` + pngPict() + `}}`
}

func TestSanitizeConstructs(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		env     *sanitize.Env
		kind    sanitize.RemovalKind // expected removal, "" for none
		gone    []string             // must not be in the output
		kept    []string             // must be in the output
		keptTxt []string             // must be in the extracted text
	}{
		{name: "plain", kept: []string{`\fonttbl`, `\colortbl`, `\info`, `\header`, `\trowd`, `\cell`}},
		{name: "template", body: `{\*\template http://x/t.dot}`, kind: sanitize.RemovedAttachedTemplate, gone: []string{"http://x/t.dot"}},
		{name: "ddeauto", body: `{\field{\*\fldinst DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"}{\fldrslt shown}}`,
			kind: sanitize.RemovedDDE, gone: []string{"cmd.exe", `\field`}, keptTxt: []string{"shown"}},
		{name: "dde split across groups", body: `{\field{\*\fldinst {D}{DE} "x" "y"}{\fldrslt r}}`, kind: sanitize.RemovedDDE, gone: []string{`\fldinst`}},
		{name: "includepicture", body: `{\field{\*\fldinst INCLUDEPICTURE "http://evil/x.png" \\d}{\fldrslt pic}}`,
			kind: sanitize.RemovedFieldInclude, gone: []string{"evil"}, keptTxt: []string{"pic"}},
		{name: "includetext", body: `{\field{\*\fldinst INCLUDETEXT "\\\\\\\\srv\\\\s\\\\a.doc"}{\fldrslt inc}}`, kind: sanitize.RemovedFieldInclude, gone: []string{"srv"}},
		{name: "nested dde in quote", body: `{\field{\*\fldinst QUOTE {\field{\*\fldinst DDEAUTO a b}}}{\fldrslt q}}`, kind: sanitize.RemovedDDE, gone: []string{"DDEAUTO"}},
		{name: "hyperlink kept", body: `{\field{\*\fldinst HYPERLINK "https://www.city.example.lg.jp/"}{\fldrslt site}}`,
			kept: []string{`HYPERLINK "https://www.city.example.lg.jp/"`}, keptTxt: []string{"site"}},
		{name: "hyperlink removed by policy", body: `{\field{\*\fldinst HYPERLINK "https://www.example.jp/"}{\fldrslt site}}`,
			env: &sanitize.Env{Policy: sanitize.Policy{RemoveHyperlinks: true}}, kind: sanitize.RemovedHyperlink, gone: []string{"example.jp"}, keptTxt: []string{"site"}},
		{name: "hyperlink to unc", body: `{\field{\*\fldinst HYPERLINK "file://///srv/share/x.exe"}{\fldrslt f}}`, kind: sanitize.RemovedExternalRel, gone: []string{"srv"}},
		{name: "page field kept", body: `{\field{\*\fldinst PAGE}{\fldrslt 1}}`, kept: []string{`\fldinst PAGE`}},
		{name: "object with clam.exe", body: "OBJECT", kind: sanitize.RemovedRTFObject, gone: []string{"4d5a", "Package"}, kept: []string{`\pngblip`}},
		{name: "object after other words", body: `{\f0\b\object\objlink{\*\objdata 0102}}`, kind: sanitize.RemovedRTFObject, gone: []string{"0102"}},
		{name: "objdata outside object", body: `{\*\objdata 01050000}`, kind: sanitize.RemovedRTFObject, gone: []string{"01050000"}},
		{name: "unknown obj word", body: `{\objfoo 0d0a}`, kind: sanitize.RemovedRTFObject},
		{name: "datastore", body: `{\*\datastore 0105000002000000}`, kind: sanitize.RemovedExternalData, gone: []string{"0105000002000000"}},
		{name: "xmlopen", body: `{\*\xmlopen\xmlns1{\factoidname x}}`, kind: sanitize.RemovedExternalData, gone: []string{"factoidname"}},
		{name: "unknown ignorable", body: `{\*\kakehashiunknown secret}`, gone: []string{"secret", "kakehashiunknown"}},
		{name: "panose and generator kept", body: `{\*\generator Msftedit 5.41;}`, kept: []string{`\generator`}},
		{name: "png picture kept", body: pngPict(), kept: []string{`\pngblip`, pngHex[:60]}},
		{name: "macpict dropped", body: `{\pict\macpict 0011aa}`, gone: []string{`\macpict`, "0011aa"}},
		{name: "picture via bin", body: `{\pict\pngblip \bin4 ` + "\x89PNG" + `}`, kept: []string{"89504e47"}},
		{name: "shape linked picture", body: `{\shp{\*\shpinst{\sp{\sn pibName}{\sv \\\\\\\\srv\\\\a.png}}{\sp{\sn fillColor}{\sv 255}}}{\shprslt x}}`,
			kind: sanitize.RemovedExternalRef, gone: []string{"srv"}, kept: []string{"fillColor", `\shprslt`}},
		{name: "shape pFragments", body: `{\shp{\*\shpinst{\sp{\sn pFragments}{\sv 5;5;1111111111111111}}{\sp{\sn shapeType}{\sv 1}}}}`,
			gone: []string{"pFragments", "11111111"}, kept: []string{"shapeType"}},
		{name: "info removed by policy", env: &sanitize.Env{Policy: sanitize.Policy{RemoveMetadata: true}}, kind: sanitize.RemovedMetadata, gone: []string{"Tanaka", `\info`}},
		{name: "form field macro", body: `{\field{\*\fldinst FORMTEXT {\*\formfield{\*\ffentrymcr AutoOpen}}}{\fldrslt ff}}`, gone: []string{"AutoOpen"}},
		{name: "control symbols", body: `a\~b\-c\_d\{e\}f\\g`, kept: []string{`a\~b\-c\_d\{e\}f\\g`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if body == "OBJECT" {
				body = clamObject(t)
			}
			out, rep := mustRun(t, japaneseDoc(t, body), tc.env)
			balanced(t, out)
			noActive(t, out)
			if tc.kind != "" && removed(rep, tc.kind) == 0 {
				t.Errorf("report %+v lacks %s", rep.Removed, tc.kind)
			}
			if tc.kind == "" && len(rep.Removed) > 0 {
				t.Errorf("unexpected removals %+v", rep.Removed)
			}
			for _, g := range tc.gone {
				if bytes.Contains(out, []byte(g)) {
					t.Errorf("output still contains %q", g)
				}
			}
			for _, k := range tc.kept {
				if !bytes.Contains(out, []byte(k)) {
					t.Errorf("output lost %q", k)
				}
			}
			text := extractText(t, out)
			for _, k := range append(append([]string{}, bodyText...), tc.keptTxt...) {
				if !strings.Contains(text, k) {
					t.Errorf("text lost %q; got %q", k, text)
				}
			}
		})
	}
}

func TestTextSurvives(t *testing.T) {
	in := japaneseDoc(t, `{\b `+sjisHex(t, "太字")+`}`)
	out, rep := mustRun(t, in, nil)
	if len(rep.Removed) != 0 {
		t.Errorf("benign document reported removals: %+v", rep.Removed)
	}
	before, after := extractText(t, in), extractText(t, out)
	if before != after {
		t.Errorf("text changed:\nbefore %q\nafter  %q", before, after)
	}
	if !strings.Contains(after, "太字") {
		t.Errorf("text lost 太字: %q", after)
	}
}

func TestRejects(t *testing.T) {
	deep := strings.Repeat("{", 300) + "x" + strings.Repeat("}", 300)
	tests := []struct {
		name   string
		in     string
		env    *sanitize.Env
		reason sanitize.Reason
	}{
		{"empty", "", nil, sanitize.ReasonMalformed},
		{"no header", `{\pard hello}`, nil, sanitize.ReasonMalformed},
		{"not a group", `\rtf1 hello`, nil, sanitize.ReasonMalformed},
		{"unbalanced", `{\rtf1 {\b bold}`, nil, sanitize.ReasonMalformed},
		{"deep nesting bomb", `{\rtf1 ` + deep + `}`, nil, sanitize.ReasonMalformed},
		{"depth limit boundary over", `{\rtf1 {{x}}}`, &sanitize.Env{Limits: sanitize.Limits{MaxXMLDepth: 2}}, sanitize.ReasonMalformed},
		{"bin longer than file", `{\rtf1 {\pict\pngblip\bin4294967295 ab}}`, nil, sanitize.ReasonMalformed},
		{"negative bin", `{\rtf1 \bin-5 ab}`, nil, sanitize.ReasonMalformed},
		{"long word", `{\rtf1 \` + strings.Repeat("a", 33) + `}`, nil, sanitize.ReasonMalformed},
		{"long parameter", `{\rtf1 \fs12345678901}`, nil, sanitize.ReasonMalformed},
		{"bad hex", `{\rtf1 \'zz}`, nil, sanitize.ReasonMalformed},
		{"font table bomb", `{\rtf1 {\fonttbl ` + strings.Repeat(`{\f1 A;}`, 4097) + `}}`, nil, sanitize.ReasonMalformed},
		{"output limit", `{\rtf1 hello world}`, &sanitize.Env{Limits: sanitize.Limits{MaxOutputBytes: 5}}, sanitize.ReasonTooLarge},
		{"picture limit", `{\rtf1 {\pict\pngblip 0011223344}}`, &sanitize.Env{Limits: sanitize.Limits{MaxXMLPartBytes: 4}}, sanitize.ReasonTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := run(t, []byte(tc.in), tc.env)
			r, ok := sanitize.AsRejection(err)
			if !ok || r.Reason != tc.reason {
				t.Fatalf("got %v (output %d bytes), want rejection %s", err, len(out), tc.reason)
			}
		})
	}
}

func TestBoundaries(t *testing.T) {
	// Depth exactly at the limit is accepted: the document group counts.
	if _, _, err := run(t, []byte(`{\rtf1 {x}}`), &sanitize.Env{Limits: sanitize.Limits{MaxXMLDepth: 2}}); err != nil {
		t.Errorf("depth at limit: %v", err)
	}
	// \bin of exactly the bytes left is accepted.
	if _, _, err := run(t, []byte(`{\rtf1 \bin1 x}`), nil); err != nil {
		t.Errorf("bin of the last byte: %v", err)
	}
	// 4096 fonts are accepted.
	if _, _, err := run(t, []byte(`{\rtf1 {\fonttbl `+strings.Repeat(`{\f1 A;}`, 4096)+`}}`), nil); err != nil {
		t.Errorf("4096 fonts: %v", err)
	}
	// 32 letters is the longest word.
	if _, _, err := run(t, []byte(`{\rtf1 \`+strings.Repeat("a", 32)+` x}`), nil); err != nil {
		t.Errorf("32-letter word: %v", err)
	}
}

func TestTrailingData(t *testing.T) {
	out, rep := mustRun(t, []byte("{\\rtf1 body}\r\nMZ\x90\x00payload"), nil)
	if bytes.Contains(out, []byte("payload")) || removed(rep, sanitize.RemovedTrailingData) != 1 {
		t.Errorf("trailing data kept or unreported: %q %+v", out, rep.Removed)
	}
	out, rep = mustRun(t, []byte("{\\rtf1 body}"), nil)
	if len(rep.Removed) != 0 || !bytes.HasSuffix(out, []byte("}\r\n")) {
		t.Errorf("clean end reported %+v, output %q", rep.Removed, out)
	}
}

// TestHeldOutputBounded feeds a field whose instruction never comes and
// whose groups are all empty pairs: what is held while the field is judged
// must stay under maxHeld, and the field's text still comes through.
func TestHeldOutputBounded(t *testing.T) {
	in := `{\rtf1 {\field ` + strings.Repeat(`{{}}`, 200000) + `{\fldrslt tail}}}`
	var peak int
	f := &filter{env: &sanitize.Env{}, rep: &sanitize.Report{}, maxDepth: 64, maxPict: 1 << 20}
	f.tok = newTokenizer(strings.NewReader(in), int64(len(in)))
	var out bytes.Buffer
	f.em = newEmitter(&out, 1<<30)
	f.em.onWrite = func() {
		if len(f.em.held) > 0 && f.em.heldLen() > peak {
			peak = f.em.heldLen()
		}
	}
	if err := f.run(); err != nil {
		t.Fatal(err)
	}
	if err := f.em.flush(); err != nil {
		t.Fatal(err)
	}
	if peak > maxHeld+16 {
		t.Errorf("held %d bytes, bound is %d", peak, maxHeld)
	}
	if !strings.Contains(out.String(), "tail") {
		t.Error("field result lost")
	}
	balanced(t, out.Bytes())
}

func TestHugeBinIsNotAllocated(t *testing.T) {
	// \bin claiming 2 GiB in a 40-byte file must be refused, not allocated.
	in := []byte(`{\rtf1 {\pict\pngblip\bin2147483647 x}}`)
	_, _, err := run(t, in, nil)
	if r, ok := sanitize.AsRejection(err); !ok || r.Reason != sanitize.ReasonMalformed {
		t.Fatalf("got %v", err)
	}
	allocs := testing.AllocsPerRun(5, func() { _, _, _ = run(t, in, nil) })
	if allocs > 200 {
		t.Errorf("%v allocations for a 40-byte file", allocs)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := japaneseDoc(t)
	var out bytes.Buffer
	err := (&Sanitizer{}).Sanitize(ctx, sanitize.Input{R: bytes.NewReader(in), Size: int64(len(in))}, &out, &sanitize.Env{}, &sanitize.Report{})
	if r, ok := sanitize.AsRejection(err); !ok || r.Reason != sanitize.ReasonTimeout {
		t.Fatalf("got %v, want timeout", err)
	}
}

// TestCheckerCatches shows the output checker used everywhere can fail.
func TestCheckerCatches(t *testing.T) {
	bad := map[string]string{
		"object":        `{\rtf1 {\object\objemb{\*\objdata 01}}}`,
		"ddeauto split": `{\rtf1 {\field{\*\fldinst { DDEAUTO} a}}}`,
		"include":       `{\rtf1 {\field{\fldinst INCLUDEPICTURE x}}}`,
		"template":      `{\rtf1 {\*\TEMPLATE x}}`,
	}
	for name, in := range bad {
		if len(activeProblems([]byte(in))) == 0 {
			t.Errorf("%s: checker misses %q", name, in)
		}
	}
	if p := activeProblems([]byte(`{\rtf1 \\fldinst DDE {\field{\*\fldinst PAGE}}}`)); len(p) != 0 {
		t.Errorf("checker flags harmless text: %v", p)
	}
}
