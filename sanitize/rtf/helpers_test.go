package rtf

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/kakehashi/kakehashi/sanitize"
)

var update = flag.Bool("update", false, "rewrite testdata/malicious and golden files")

// run sanitizes data with env (nil for defaults).
func run(t testing.TB, data []byte, env *sanitize.Env) ([]byte, *sanitize.Report, error) {
	t.Helper()
	if env == nil {
		env = &sanitize.Env{}
	}
	var out bytes.Buffer
	rep := &sanitize.Report{}
	err := (&Sanitizer{}).Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(data), Size: int64(len(data)), Name: "t.rtf"}, &out, env, rep)
	return out.Bytes(), rep, err
}

// mustRun sanitizes data and fails on rejection.
func mustRun(t testing.TB, data []byte, env *sanitize.Env) ([]byte, *sanitize.Report) {
	t.Helper()
	out, rep, err := run(t, data, env)
	if err != nil {
		t.Fatalf("sanitize: %v", err)
	}
	return out, rep
}

// sjisHex spells s in Shift_JIS as \'hh escapes, as Word writes text
// under \ansicpg932.
func sjisHex(t testing.TB, s string) string {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding %q: %v", s, err)
	}
	var sb strings.Builder
	for _, c := range b {
		fmt.Fprintf(&sb, `\'%02x`, c)
	}
	return sb.String()
}

// unicodeWithFallback spells s as \uN with a two-byte Shift_JIS \'hh
// fallback (\uc2), as Word writes characters outside the code page.
func unicodeWithFallback(t testing.TB, s string) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString(`\uc2 `)
	for _, r := range s {
		n := int(r)
		if n > 32767 {
			n -= 65536 // RTF 1.9.1: \u takes a signed 16-bit number
		}
		fb := sjisHex(t, string(r))
		if strings.Count(fb, `\'`) != 2 {
			fb = `\'3f\'3f`
		}
		fmt.Fprintf(&sb, `\u%d%s`, n, fb)
	}
	return sb.String()
}

// japaneseDoc builds a small Japanese document: Shift_JIS text, \u text, a
// table and a header, with the parts given inserted in the body.
func japaneseDoc(t testing.TB, body ...string) []byte {
	t.Helper()
	var sb strings.Builder
	sb.WriteString(`{\rtf1\ansi\ansicpg932\deff0{\fonttbl{\f0\fnil\fcharset128 MS Mincho;}}` + "\r\n")
	sb.WriteString(`{\colortbl;\red255\green0\blue0;}{\info{\title ` + sjisHex(t, "議事録") + `}{\author Tanaka}}` + "\r\n")
	sb.WriteString(`{\header \pard ` + sjisHex(t, "庁内限り") + `\par}` + "\r\n")
	sb.WriteString(`\pard\plain\f0 ` + sjisHex(t, "住民票の写しの交付について") + `\par` + "\r\n")
	sb.WriteString(unicodeWithFallback(t, "架け橋市役所") + `\uc1\par` + "\r\n")
	sb.WriteString(`\trowd\cellx2000\cellx4000 ` + sjisHex(t, "氏名") + `\cell ` + sjisHex(t, "山田") + `\cell\row` + "\r\n")
	for _, b := range body {
		sb.WriteString(b + "\r\n")
	}
	sb.WriteString(`\pard ` + sjisHex(t, "以上") + `\par}`)
	return []byte(sb.String())
}

// bodyText is the text every japaneseDoc must keep.
var bodyText = []string{"住民票の写しの交付について", "架け橋市役所", "氏名", "山田", "以上"}

// extractText returns the visible text of an RTF document: body text with
// \'hh decoded as Shift_JIS, \uN honoured with its \ucN fallback skipped,
// and the header tables, pictures, field instructions and \* groups left
// out. It is the test's own reader, written from RTF 1.9.1, so it checks
// the sanitizer's output independently of its filter.
func extractText(t testing.TB, data []byte) string {
	t.Helper()
	tk := newTokenizer(bytes.NewReader(data), int64(len(data)))
	type state struct {
		skip bool
		uc   int
	}
	stack := []state{{uc: 1}}
	var raw []byte // Shift_JIS bytes pending decoding
	var out strings.Builder
	flushRaw := func() {
		s, _ := japanese.ShiftJIS.NewDecoder().Bytes(raw)
		out.Write(s)
		raw = raw[:0]
	}
	skipChars := 0
	first := false
	for {
		tok, err := tk.next()
		if err != nil {
			t.Fatalf("extract: %v", err)
		}
		cur := &stack[len(stack)-1]
		switch tok.kind {
		case tokEOF:
			flushRaw()
			return out.String()
		case tokOpen:
			stack = append(stack, *cur)
			first = true
			continue
		case tokClose:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			skipChars = 0
		case tokSymbol:
			if tok.sym == '*' && first {
				cur.skip = true
			}
		case tokWord:
			switch tok.name {
			case "fonttbl", "colortbl", "stylesheet", "info", "pict", "fldinst", "header", "footer", "object", "objdata", "template", "datastore":
				if first {
					cur.skip = true
				}
			case "uc":
				cur.uc = int(tok.param)
			case "u":
				if !cur.skip {
					flushRaw()
					r := rune(tok.param)
					if r < 0 {
						r += 65536
					}
					out.WriteRune(r)
				}
				skipChars = cur.uc
			case "par", "cell", "row", "line", "tab":
				if !cur.skip {
					flushRaw()
					out.WriteByte('\n')
				}
			}
		case tokHex:
			if skipChars > 0 {
				skipChars--
			} else if !cur.skip {
				raw = append(raw, tok.hex)
			}
		case tokText:
			txt := tok.text
			for skipChars > 0 && len(txt) > 0 {
				txt = txt[1:]
				skipChars--
			}
			if !cur.skip {
				flushRaw()
				out.Write(txt)
			}
		}
		first = false
	}
}

// balanced re-tokenizes out and checks the groups balance and that it is
// one {\rtf1 …} document.
func balanced(t testing.TB, out []byte) {
	t.Helper()
	if !bytes.HasPrefix(out, []byte(`{\rtf1 `)) {
		t.Fatalf("output does not start with {\\rtf1: %.40q", out)
	}
	tk := newTokenizer(bytes.NewReader(out), int64(len(out)))
	depth := 0
	for {
		tok, err := tk.next()
		if err != nil {
			t.Fatalf("output does not re-tokenize: %v", err)
		}
		switch tok.kind {
		case tokOpen:
			depth++
		case tokClose:
			depth--
			if depth < 0 {
				t.Fatal("output closes a group that was never opened")
			}
		case tokEOF:
			if depth != 0 {
				t.Fatalf("output ends with %d open groups", depth)
			}
			return
		}
	}
}

// removed returns the count of kind in rep.
func removed(rep *sanitize.Report, kind sanitize.RemovalKind) int {
	return rep.Totals()[kind]
}

// activeWords are the control words that must never survive, compared
// without case in case a reader is lenient about it.
var activeWords = map[string]bool{"object": true, "objdata": true, "objemb": true, "objlink": true,
	"objautlink": true, "objupdate": true, "objocx": true, "objclass": true, "template": true,
	"datastore": true, "xmlopen": true}

// noActive fails when out holds active content (see activeProblems).
func noActive(t testing.TB, out []byte) {
	t.Helper()
	for _, p := range activeProblems(out) {
		t.Error(p)
	}
}

// activeProblems lists the active control words in out, and field
// instructions (the text of a group starting with \fldinst or
// \*\fldinst) naming DDE or an INCLUDE field.
func activeProblems(out []byte) []string {
	var problems []string
	tk := newTokenizer(bytes.NewReader(out), int64(len(out)))
	type group struct {
		first, inst bool
	}
	stack := []group{{}}
	var inst strings.Builder
	for {
		tok, err := tk.next()
		if err != nil {
			return append(problems, fmt.Sprintf("output does not re-tokenize: %v", err))
		}
		top := &stack[len(stack)-1]
		switch tok.kind {
		case tokEOF:
			return problems
		case tokOpen:
			stack = append(stack, group{first: true, inst: top.inst})
			continue
		case tokClose:
			if top.inst && (len(stack) < 2 || !stack[len(stack)-2].inst) {
				problems = append(problems, instructionProblems(inst.String())...)
				inst.Reset()
			}
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		case tokWord:
			if activeWords[strings.ToLower(tok.name)] {
				problems = append(problems, "output still contains \\"+tok.name)
			}
			if tok.name == "fldinst" && top.first {
				top.inst = true
			}
		case tokText:
			if top.inst {
				inst.Write(tok.text)
			}
		case tokSymbol:
			if tok.sym == '*' && top.first {
				continue // \* keeps the group at its first word
			}
		}
		top.first = false
	}
}

func instructionProblems(inst string) []string {
	var problems []string
	for _, w := range strings.Fields(strings.ToUpper(inst)) {
		if w == "DDE" || w == "DDEAUTO" || strings.HasPrefix(w, "INCLUDE") {
			problems = append(problems, fmt.Sprintf("output still contains a %s field: %q", w, inst))
		}
	}
	return problems
}
