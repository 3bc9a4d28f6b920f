package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// textCopier stands in for a format: it copies text and "removes" the word
// MACRO, so dispatch, hashing and verdicts can be tested without a real
// format package (those are wired and tested in sanitize/formats).
type textCopier struct{}

func (textCopier) Sanitize(_ context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	b, err := io.ReadAll(in.Reader())
	if err != nil {
		return err
	}
	if n := bytes.Count(b, []byte("MACRO")); n > 0 {
		rep.Remove(sanitize.RemovedVBAProject, env.Loc("body"), n)
		b = bytes.ReplaceAll(b, []byte("MACRO"), nil)
	}
	if bytes.Contains(b, []byte("PANIC")) {
		panic("parser bug")
	}
	if bytes.Contains(b, []byte("FAIL")) {
		return io.ErrUnexpectedEOF // not a Rejection: must still fail closed
	}
	_, err = out.Write(b)
	return err
}

// pdfNester treats every PDF as a container of one text member (its bytes
// after the header), to exercise nesting, depth and member reports.
type pdfNester struct{}

func (pdfNester) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	b, _ := io.ReadAll(in.Reader())
	inner := bytes.TrimPrefix(b, []byte("%PDF-"))
	var buf bytes.Buffer
	mr, err := env.Nested(ctx, sanitize.Input{R: bytes.NewReader(inner), Size: int64(len(inner)), Name: "inner.pdf"}, &buf, env)
	if err != nil {
		return err
	}
	rep.Members = append(rep.Members, sanitize.MemberReport{Path: "inner.pdf", Report: mr})
	if mr.Verdict == sanitize.VerdictRejected {
		return sanitize.Reject(mr.Reason, "member: %s", mr.Detail)
	}
	_, err = out.Write(append([]byte("%PDF-"), buf.Bytes()...))
	return err
}

func testEngine() *Engine {
	return &Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{
		sanitize.FamilyText: textCopier{},
		sanitize.FamilyPDF:  pdfNester{},
	}}
}

func run(t *testing.T, e *Engine, name, data string) (*sanitize.Report, string) {
	t.Helper()
	var out bytes.Buffer
	rep, err := e.Sanitize(context.Background(), sanitize.Input{R: strings.NewReader(data), Size: int64(len(data)), Name: name}, &out, Options{})
	if err != nil {
		t.Fatalf("Sanitize: %v", err)
	}
	return rep, out.String()
}

func sum(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

func TestVerdicts(t *testing.T) {
	cases := []struct {
		name, file, data string
		verdict          sanitize.Verdict
		reason           sanitize.Reason
		out              string
	}{
		{"clean text", "a.txt", "hello", sanitize.VerdictClean, "", "hello"},
		{"sanitized text", "a.txt", "heMACROllo", sanitize.VerdictSanitized, "", "hello"},
		{"executable", "a.exe", "MZ\x90\x00", sanitize.VerdictRejected, sanitize.ReasonUnsupported, ""},
		{"executable disguised as pdf", "a.pdf", "MZ\x90\x00", sanitize.VerdictRejected, sanitize.ReasonUnsupported, ""},
		{"no sanitizer for family", "a.png", "\x89PNG\r\n\x1a\n", sanitize.VerdictRejected, sanitize.ReasonUnsupported, ""},
		{"panic fails closed", "a.txt", "PANIC", sanitize.VerdictRejected, sanitize.ReasonCrash, ""},
		{"plain error fails closed", "a.txt", "FAIL", sanitize.VerdictRejected, sanitize.ReasonMalformed, ""},
		{"nested clean", "a.pdf", "%PDF-hello", sanitize.VerdictClean, "", "%PDF-hello"},
		{"nested removal makes the parent sanitized", "a.pdf", "%PDF-xMACRO", sanitize.VerdictSanitized, "", "%PDF-x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, out := run(t, testEngine(), c.file, c.data)
			if rep.Verdict != c.verdict || rep.Reason != c.reason {
				t.Fatalf("verdict %s/%s, want %s/%s (%s)", rep.Verdict, rep.Reason, c.verdict, c.reason, rep.Detail)
			}
			if rep.InputSHA256 != sum(c.data) || rep.InputSize != int64(len(c.data)) {
				t.Errorf("input hash/size wrong")
			}
			if c.verdict == sanitize.VerdictRejected {
				if rep.OutputSHA256 != "" || rep.OutputName != "" {
					t.Errorf("rejected report names an output: %+v", rep)
				}
				return
			}
			if out != c.out || rep.OutputSHA256 != sum(out) || rep.OutputSize != int64(len(out)) {
				t.Errorf("output %q (hash %s), want %q", out, rep.OutputSHA256, c.out)
			}
		})
	}
}

func TestDepthLimit(t *testing.T) {
	e := testEngine()
	e.Limits.MaxDepth = 2
	// Three PDF levels around the text: depth 1 and 2 are fine, 3 is not.
	rep, _ := run(t, e, "a.pdf", "%PDF-%PDF-%PDF-text")
	if rep.Verdict != sanitize.VerdictRejected || rep.Reason != sanitize.ReasonTooDeep {
		t.Fatalf("got %s/%s, want rejected too_deep", rep.Verdict, rep.Reason)
	}
	rep, _ = run(t, e, "a.pdf", "%PDF-%PDF-text")
	if rep.Verdict != sanitize.VerdictClean {
		t.Fatalf("depth 2 at MaxDepth 2: got %s/%s", rep.Verdict, rep.Reason)
	}
}

func TestNestedLocations(t *testing.T) {
	rep, _ := run(t, testEngine(), "outer.pdf", "%PDF-MACRO")
	inner := rep.Members[0].Report
	if inner.Removed[0].Location != "inner.pdf: body" {
		t.Errorf("location = %q", inner.Removed[0].Location)
	}
}

func TestPolicy(t *testing.T) {
	e := testEngine()
	e.Policy.Allow = []sanitize.Type{sanitize.TypePDF}
	rep, _ := run(t, e, "a.txt", "hello")
	if rep.Reason != sanitize.ReasonTypeNotAllowed {
		t.Errorf("text with allow=[pdf]: %s/%s", rep.Verdict, rep.Reason)
	}

	e = testEngine()
	rep, _ = run(t, e, "a.jpg", "hello")
	if rep.Verdict != sanitize.VerdictClean || !rep.ExtMismatch || rep.OutputName != "a.txt" || rep.DeclaredExt != "jpg" {
		t.Errorf("mismatch fix: %+v", rep)
	}
	e.Policy.ExtensionMismatch = sanitize.MismatchReject
	rep, _ = run(t, e, "a.jpg", "hello")
	if rep.Reason != sanitize.ReasonExtMismatch {
		t.Errorf("mismatch reject: %s/%s", rep.Verdict, rep.Reason)
	}
}

func TestLimits(t *testing.T) {
	e := testEngine()
	e.Limits.MaxInputBytes = 4
	rep, _ := run(t, e, "a.txt", "12345")
	if rep.Reason != sanitize.ReasonTooLarge {
		t.Errorf("input over limit: %s/%s", rep.Verdict, rep.Reason)
	}
	e = testEngine()
	e.Limits.MaxOutputBytes = 4
	rep, _ = run(t, e, "a.txt", "12345")
	if rep.Reason != sanitize.ReasonTooLarge {
		t.Errorf("output over limit: %s/%s", rep.Verdict, rep.Reason)
	}
	rep, _ = run(t, e, "a.txt", "1234")
	if rep.Verdict != sanitize.VerdictClean {
		t.Errorf("output exactly at limit: %s/%s", rep.Verdict, rep.Reason)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriterFaultIsAnError(t *testing.T) {
	_, err := testEngine().Sanitize(context.Background(), sanitize.Input{R: strings.NewReader("x"), Size: 1, Name: "a.txt"}, failingWriter{}, Options{})
	if err == nil {
		t.Fatal("a failing output writer must be an error, not a verdict about the file")
	}
}

func TestCancelledContextRejects(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := testEngine().Sanitize(ctx, sanitize.Input{R: strings.NewReader("x"), Size: 1, Name: "a.txt"}, io.Discard, Options{})
	if err != nil || rep.Reason != sanitize.ReasonTimeout {
		t.Fatalf("rep=%+v err=%v", rep, err)
	}
}
