package safexml

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

func roundTrip(t *testing.T, in string, lim sanitize.Limits, keep func(*Reader, xml.StartElement) (bool, error)) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := Copy(NewWriter(&out), NewReader(strings.NewReader(in), lim), keep)
	return out.String(), err
}

const wordDoc = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body><w:p><w:r><w:t xml:space="preserve">日本語 &amp; &lt;text&gt; "q"</w:t></w:r></w:p><w:p/><!-- hidden --><w:sectPr w:rsidR="00A"/></w:body></w:document>`

func TestCopyKeepsPrefixesAndText(t *testing.T) {
	got, err := roundTrip(t, wordDoc, sanitize.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`, `<w:t xml:space="preserve">日本語 &amp; &lt;text&gt; "q"</w:t>`, `<w:p/>`, `<w:sectPr w:rsidR="00A"/>`} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "hidden") {
		t.Error("comment survived")
	}
	// The output must parse again, to the same text.
	if _, err := roundTrip(t, got, sanitize.Limits{}, nil); err != nil {
		t.Fatalf("output does not re-parse: %v", err)
	}
}

func TestCopyDropsElementsByNamespace(t *testing.T) {
	in := `<w:document xmlns:w="urn:w" xmlns:x="urn:w"><w:keep>a</w:keep><x:drop><w:keep>b</w:keep></x:drop></w:document>`
	got, err := roundTrip(t, in, sanitize.Limits{}, func(r *Reader, se xml.StartElement) (bool, error) {
		// x: and w: are the same namespace: match by URI, not by prefix.
		return !(r.URI(se.Name.Space) == "urn:w" && se.Name.Local == "drop"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got, "drop") || strings.Contains(got, ">b<") || !strings.Contains(got, ">a<") {
		t.Errorf("got %s", got)
	}
}

func TestHostileXMLRejected(t *testing.T) {
	deep := strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300)
	cases := []struct {
		name string
		in   string
		lim  sanitize.Limits
		want sanitize.Reason
	}{
		{"xxe", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`, sanitize.Limits{}, sanitize.ReasonXMLDoctype},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`, sanitize.Limits{}, sanitize.ReasonXMLDoctype},
		{"plain doctype", `<!DOCTYPE html><html/>`, sanitize.Limits{}, sanitize.ReasonXMLDoctype},
		{"too deep", deep, sanitize.Limits{MaxXMLDepth: 256}, sanitize.ReasonTooLarge},
		{"too large", "<a>" + strings.Repeat("x", 2000) + "</a>", sanitize.Limits{MaxXMLPartBytes: 1000}, sanitize.ReasonTooLarge},
		{"mismatched tags", `<a><b></a></b>`, sanitize.Limits{}, sanitize.ReasonMalformed},
		{"unclosed", `<a><b>`, sanitize.Limits{}, sanitize.ReasonMalformed},
		{"undefined entity", `<a>&x;</a>`, sanitize.Limits{}, sanitize.ReasonMalformed},
		{"repeated attribute", `<a x="1" x="2"/>`, sanitize.Limits{}, sanitize.ReasonMalformed},
		{"same attribute through two prefixes", `<w:f xmlns:w="urn:w" xmlns:v="urn:w" w:instr="PAGE" v:instr="DDEAUTO"/>`, sanitize.Limits{}, sanitize.ReasonMalformed},
		{"repeated namespace declaration", `<a xmlns:p="u" xmlns:p="v"/>`, sanitize.Limits{}, sanitize.ReasonMalformed},
		{"second root", `<a/><b/>`, sanitize.Limits{}, sanitize.ReasonMalformed},
		{"unknown encoding", `<?xml version="1.0" encoding="x-nonsense"?><a/>`, sanitize.Limits{}, sanitize.ReasonMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := roundTrip(t, c.in, c.lim, nil)
			r, ok := sanitize.AsRejection(err)
			if !ok || r.Reason != c.want {
				t.Fatalf("err = %v, want reason %s", err, c.want)
			}
		})
	}
}

func TestDistinctNamespacesMayShareALocalName(t *testing.T) {
	in := `<a xmlns:p="urn:one" xmlns:q="urn:two" p:id="1" q:id="2" id="3"/>`
	if _, err := roundTrip(t, in, sanitize.Limits{}, nil); err != nil {
		t.Fatalf("p:id, q:id and id are three attributes: %v", err)
	}
}

func TestDepthAtLimitPasses(t *testing.T) {
	in := strings.Repeat("<a>", 256) + strings.Repeat("</a>", 256)
	if _, err := roundTrip(t, in, sanitize.Limits{MaxXMLDepth: 256}, nil); err != nil {
		t.Fatalf("depth exactly at the limit: %v", err)
	}
}

func TestShiftJISDeclaredEncoding(t *testing.T) {
	// "日本" in Shift_JIS.
	in := "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>\x93\xfa\x96\x7b</a>"
	got, err := roundTrip(t, in, sanitize.Limits{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "<a>日本</a>") {
		t.Errorf("got %q", got)
	}
}

func FuzzCopy(f *testing.F) {
	f.Add(wordDoc)
	f.Add(`<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`)
	f.Add(`<a xmlns:p="u" p:x="1&#9;2"><p:b/>t&amp;</a>`)
	f.Fuzz(func(t *testing.T, in string) {
		var out bytes.Buffer
		err := Copy(NewWriter(&out), NewReader(strings.NewReader(in), sanitize.Limits{}), nil)
		if err != nil {
			if _, ok := sanitize.AsRejection(err); !ok {
				t.Fatalf("error is not a rejection: %v", err)
			}
			return
		}
		// Property: what we write parses again, and a second pass is a
		// fixed point (the writer is faithful).
		var again bytes.Buffer
		if err := Copy(NewWriter(&again), NewReader(bytes.NewReader(out.Bytes()), sanitize.Limits{}), nil); err != nil {
			t.Fatalf("output does not re-parse: %v\nin:  %q\nout: %q", err, in, out.String())
		}
		if !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("not a fixed point:\n1: %q\n2: %q", out.String(), again.String())
		}
		if bytes.Contains(out.Bytes(), []byte("<!")) {
			t.Fatalf("directive or comment in output: %q", out.String())
		}
	})
}
