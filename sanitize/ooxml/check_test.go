package ooxml

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

// run sanitizes data with policy p and returns the output and report.
func run(tb testing.TB, data []byte, p sanitize.Policy) ([]byte, *sanitize.Report, error) {
	tb.Helper()
	env := &sanitize.Env{Policy: p.WithDefaults(), Limits: sanitize.DefaultLimits()}
	env.Budget = sanitize.NewBudget(env.Limits)
	rep := &sanitize.Report{}
	var out bytes.Buffer
	err := (&Sanitizer{}).Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(data), Size: int64(len(data)), Name: "t"}, &out, env, rep)
	return out.Bytes(), rep, err
}

// mustRun is run that fails the test on rejection and checks the output.
func mustRun(t *testing.T, data []byte, p sanitize.Policy) ([]byte, *sanitize.Report) {
	t.Helper()
	out, rep, err := run(t, data, p)
	if err != nil {
		t.Fatalf("rejected: %v", err)
	}
	if err := checkOutput(out, p.RemoveHyperlinks); err != nil {
		t.Fatalf("output check: %v", err)
	}
	return out, rep
}

// attackerAddr is the TEST-NET-2 address (RFC 5737) every fixture uses for
// outside targets; no output may still name it.
const attackerAddr = "198.51.100.7"

var (
	ddeInstr  = regexp.MustCompile(`(?i)instrText[^>]*>[^<]*\b(DDE|DDEAUTO|INCLUDETEXT|INCLUDEPICTURE)\b`)
	ddeSimple = regexp.MustCompile(`(?i)w:instr="\s*(DDE|DDEAUTO|INCLUDETEXT|INCLUDEPICTURE)\b`)
	extTarget = regexp.MustCompile(`<Relationship [^>]*TargetMode="External"[^>]*>`)
)

// checkOutput is the independent property every output must have: it opens
// with archive/zip, every XML part parses with safexml, and no active
// content is left (the same strings the research note's YARA rules look for).
func checkOutput(out []byte, noLinks bool) error {
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		return fmt.Errorf("output is not a zip: %w", err)
	}
	if len(zr.File) == 0 || zr.File[0].Name != contentTypesName {
		return fmt.Errorf("first member is not %s", contentTypesName)
	}
	for _, f := range zr.File {
		lower := strings.ToLower(f.Name)
		for _, bad := range []string{"vbaproject", "vbadata", "activex", "macrosheets/", "dialogsheets/", "externallinks/", "connections.xml", "printersettings", "customui", "oleobject", "embeddings/"} {
			if strings.Contains(lower, bad) {
				return fmt.Errorf("part %s left in", f.Name)
			}
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("<")) && !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF<")) {
			continue // binary part
		}
		if err := reparse(data); err != nil {
			return fmt.Errorf("%s does not re-parse: %w", f.Name, err)
		}
		s := string(data)
		switch {
		case strings.Contains(strings.ToLower(s), "vbaproject"):
			return fmt.Errorf("%s mentions vbaProject", f.Name)
		case strings.Contains(s, "attachedTemplate"):
			return fmt.Errorf("%s has attachedTemplate", f.Name)
		case strings.Contains(strings.ToUpper(s), "DDEAUTO"), ddeInstr.MatchString(s), ddeSimple.MatchString(s):
			return fmt.Errorf("%s has a DDE or INCLUDE field", f.Name)
		case strings.Contains(s, attackerAddr):
			return fmt.Errorf("%s still names the fixtures' attacker address", f.Name)
		case strings.Contains(s, "ddeService"), strings.Contains(s, "o:OLEObject"), strings.Contains(s, "<w:control "):
			return fmt.Errorf("%s has DDE links, OLE objects or controls", f.Name)
		}
		for _, m := range extTarget.FindAllString(s, -1) {
			if noLinks || !strings.Contains(m, `/hyperlink"`) {
				return fmt.Errorf("%s keeps external target %s", f.Name, m)
			}
		}
	}
	return nil
}

func reparse(data []byte) error {
	r := safexml.NewReader(bytes.NewReader(data), sanitize.Limits{})
	for {
		_, err := r.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// partText returns one part of a zip.
func partText(tb testing.TB, data []byte, name string) string {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				tb.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				tb.Fatal(err)
			}
			return string(b)
		}
	}
	return ""
}

// hasPart reports whether the zip has a member called name.
func hasPart(tb testing.TB, data []byte, name string) bool {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			return true
		}
	}
	return false
}

// wordText extracts the w:t text of a WordprocessingML part, paragraph by
// paragraph, as a reader of the document sees it.
func wordText(tb testing.TB, part string) string {
	tb.Helper()
	d := xml.NewDecoder(strings.NewReader(part))
	var b strings.Builder
	inT := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			tb.Fatalf("parsing text: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			inT = t.Name.Local == "t"
		case xml.EndElement:
			inT = false
			if t.Name.Local == "p" {
				b.WriteString("\n")
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
	}
}

// totals sums a report's removals by kind.
func totals(rep *sanitize.Report) map[sanitize.RemovalKind]int { return rep.Totals() }

// members returns every member of a zip by name, decompressed.
func members(tb testing.TB, data []byte) map[string]string {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	m := map[string]string{}
	for _, f := range zr.File {
		m[f.Name] = partText(tb, data, f.Name)
	}
	return m
}
