package archive

import (
	"bytes"
	"context"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

func TestSanitizerNeedsTheEngine(t *testing.T) {
	data := buildZip(t, entry{name: "a.txt", body: "a\n"})
	env := &sanitize.Env{Limits: sanitize.DefaultLimits(), Budget: sanitize.NewBudget(sanitize.DefaultLimits()), TempDir: t.TempDir()}
	rep := &sanitize.Report{Type: sanitize.TypeZIP}
	var out bytes.Buffer
	err := (&Sanitizer{}).Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(data), Size: int64(len(data)), Name: "a.zip"}, &out, env, rep)
	if rej, ok := sanitize.AsRejection(err); !ok || rej.Reason != sanitize.ReasonUnsupported {
		t.Fatalf("without Nested: %v, want a rejection (no pass-through)", err)
	}
}

func TestUnreadableMemberUnderRejectPolicy(t *testing.T) {
	data := rawZip(t, rawEntry{name: "ok.txt", data: []byte("fine\n")}, rawEntry{name: "b.txt", data: []byte("xx"), method: 12, size: 2})
	e := testEngine(sanitize.Limits{}, sanitize.Policy{ArchiveMemberRejected: sanitize.MemberReject})
	runWith(t, e, "bz2.zip", data, "").wantReject(t, sanitize.ReasonUnsupported)
}

// TestZipJapanesePassword: 7-Zip refuses non-ASCII passwords for zip, but
// Info-ZIP takes the bytes as given; Japanese Windows encrypts with the
// CP932 bytes of what the clerk typed, which must open with the same text.
func TestZipJapanesePassword(t *testing.T) {
	zipTool := testtool.Require(t, "zip", "zip")
	const pw = "ひみつの合言葉"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(pw)
	if err != nil {
		t.Fatal(err)
	}
	for name, bytesGiven := range map[string]string{"UTF-8": pw, "CP932": sjis} {
		t.Run(name, func(t *testing.T) {
			data := makeWithTool(t, zipTool, "x.zip", "-q", "-P", bytesGiven, "x.zip", "a.txt")
			run(t, "x.zip", data, "ひみつ").wantReject(t, sanitize.ReasonWrongPassword)
			if got := run(t, "x.zip", data, pw).files(t); got["a.txt"] != plainText() {
				t.Fatalf("output %v", keys(got))
			}
		})
	}
}
