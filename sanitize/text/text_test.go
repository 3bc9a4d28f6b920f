package text

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/kakehashi/kakehashi/sanitize"
)

func run(t testing.TB, typ sanitize.Type, in []byte, policy sanitize.Policy) (string, *sanitize.Report, error) {
	t.Helper()
	env := &sanitize.Env{Policy: policy.WithDefaults(), Limits: sanitize.DefaultLimits()}
	rep := &sanitize.Report{Type: typ}
	var out bytes.Buffer
	err := (&Sanitizer{}).Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(in), Size: int64(len(in)), Name: "x"}, &out, env, rep)
	return out.String(), rep, err
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const memo = "住民票の写しの交付について\r\n窓口は午前8時30分から、カタカナとｶﾀｶﾅも含む。\r\n"

func TestEncodingsBecomeUTF8(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
	}{
		{"utf-8", []byte(memo)},
		{"utf-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, memo...)},
		{"shift_jis", encode(t, japanese.ShiftJIS, memo)},
		{"euc-jp", encode(t, japanese.EUCJP, memo)},
		{"iso-2022-jp", encode(t, japanese.ISO2022JP, memo)},
		{"utf-16le", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), memo)},
		{"utf-16be", encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), memo)},
		// Long enough that detection sees only the head and the rest
		// streams through the decoder.
		{"shift_jis beyond the sniffed head", encode(t, japanese.ShiftJIS, strings.Repeat(memo, 2000))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, rep, err := run(t, sanitize.TypeTXT, c.in, sanitize.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			want := memo
			if strings.Contains(c.name, "beyond") {
				want = strings.Repeat(memo, 2000)
			}
			if out != want {
				t.Errorf("output differs from the text (CRLF kept, no BOM): %q…", out[:min(len(out), 60)])
			}
			if len(rep.Removed) != 0 {
				t.Errorf("removed %v from plain text", rep.Removed)
			}
		})
	}
}

func TestRejects(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want sanitize.Reason
	}{
		{"binary", []byte{0xFF, 0xFE + 1, 0x81, 0x00, 0xFD, 0xFD, 0xFD, 0x80, 0x80, 0xA0, 0xFF}, sanitize.ReasonMalformed},
		{"invalid utf-8 after a valid head", append([]byte(strings.Repeat("a", sniffSize+10)), 0xC3, 0x28), sanitize.ReasonMalformed},
		{"uuencode deep in the file", []byte(strings.Repeat("議事録\n", 10000) + "begin 644 clam.exe\nM35I0``(````$``\\`__\n`\nend\n"), sanitize.ReasonUnsupported},
		{"binhex deep in the file", []byte(strings.Repeat("memo\n", 20000) + "(This file must be converted with BinHex 4.0)\n:#'0X\n"), sanitize.ReasonUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := run(t, sanitize.TypeTXT, c.in, sanitize.Policy{})
			if r, ok := sanitize.AsRejection(err); !ok || r.Reason != c.want {
				t.Fatalf("err = %v, want %s", err, c.want)
			}
		})
	}
	// Boundaries that are text.
	for _, in := range []string{"begin 644 x.txt\nMore words.\n"[:0] + "begin here\nMore\n", "begin 644 notes\nnot encoded\n"} {
		if _, _, err := run(t, sanitize.TypeTXT, []byte(in), sanitize.Policy{}); err != nil {
			t.Errorf("%q rejected: %v", in, err)
		}
	}
}

func TestControlCharactersRemoved(t *testing.T) {
	in := "請求\u202E先\u2066A\u2069\x07\x1b[31m\u0085ok\tok\fend\r\n\x7f"
	out, rep, err := run(t, sanitize.TypeTXT, []byte(in), sanitize.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "請求先A[31mok\tok\fend\r\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	if got := rep.Totals()[sanitize.RemovedControlChars]; got != 7 {
		t.Errorf("removed %d control characters, want 7", got)
	}
}

func TestCSVFormulas(t *testing.T) {
	cases := []struct {
		name, in, want string
		formulas       int
	}{
		{"hyperlink", "=HYPERLINK(\"http://x\",\"y\"),b\r\n", "'=HYPERLINK(\"http://x\",\"y\"),b\r\n", 1},
		{"dde", "a,+cmd|' /C calc'!A0\n", "a,'+cmd|' /C calc'!A0\n", 1},
		{"at", "@SUM(1),x\n", "'@SUM(1),x\n", 1},
		{"minus formula", "-2+3\n", "'-2+3\n", 1},
		{"quoted formula", "\"=1+2\",x\n", "\"'=1+2\",x\n", 1},
		{"quoted tab prefix", "\"\t=1+2\"\n", "\"'\t=1+2\"\n", 1},
		{"quoted with escaped quote", "\"=A1&\"\"x\"\"\",y\n", "\"'=A1&\"\"x\"\"\",y\n", 1},
		{"negative number", "-12.5,+3,-1e5,1\n", "-12.5,+3,-1e5,1\n", 0},
		{"quoted negative with thousands", "\"-1,234\",\"+5\"\n", "\"-1,234\",\"+5\"\n", 0},
		{"lone dash", "-,+,x\n", "-,+,x\n", 0},
		{"formula in last cell without newline", "a,=1+1", "a,'=1+1", 1},
		{"equals inside a cell is data", "a=b,c+d\n", "a=b,c+d\n", 0},
		{"ragged rows and empty cells", "a,,=x\n,\n=y\n", "a,,'=x\n,\n'=y\n", 2},
		{"japanese", "氏名,=1+1,備考\r\n", "氏名,'=1+1,備考\r\n", 1},
		{"long formula beyond look-ahead", "=" + strings.Repeat("A", 600) + ",z\n", "'=" + strings.Repeat("A", 600) + ",z\n", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, rep, err := run(t, sanitize.TypeCSV, []byte(c.in), sanitize.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			if want := utf8BOM + c.want; out != want {
				t.Errorf("got  %q\nwant %q", out, want)
			}
			if got := rep.Totals()[sanitize.RemovedFormula]; got != c.formulas {
				t.Errorf("reported %d formulas, want %d", got, c.formulas)
			}
		})
	}
}

func TestTSVAndKeepPolicy(t *testing.T) {
	out, _, err := run(t, sanitize.TypeTSV, []byte("a\t=1+1\t-3\n"), sanitize.Policy{})
	if err != nil || out != utf8BOM+"a\t'=1+1\t-3\n" {
		t.Errorf("tsv: %q %v", out, err)
	}
	out, rep, err := run(t, sanitize.TypeCSV, []byte("=1+1\n"), sanitize.Policy{CSVFormulas: sanitize.FormulasKeep})
	if err != nil || out != utf8BOM+"=1+1\n" || len(rep.Removed) != 0 {
		t.Errorf("keep: %q %v %v", out, rep.Removed, err)
	}
	out, _, err = run(t, sanitize.TypeTXT, []byte("=1+1\n"), sanitize.Policy{})
	if err != nil || out != "=1+1\n" {
		t.Errorf("plain text is not a spreadsheet: %q %v", out, err)
	}
}

func TestShiftJISCSV(t *testing.T) {
	in := encode(t, japanese.ShiftJIS, "氏名,金額\r\n山田,=1+1\r\n佐藤,-500\r\n")
	out, _, err := run(t, sanitize.TypeCSV, in, sanitize.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if want := utf8BOM + "氏名,金額\r\n山田,'=1+1\r\n佐藤,-500\r\n"; out != want {
		t.Errorf("got %q", out)
	}
}
