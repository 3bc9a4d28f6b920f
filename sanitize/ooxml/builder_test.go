package ooxml

import (
	"archive/zip"
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// opc builds small OOXML packages for the tests: parts with content types,
// relationships per source part, and the [Content_Types].xml to match.
type opc struct {
	parts     []opcPart
	defaults  map[string]string
	overrides map[string]string
	rels      map[string][]opcRel
	// raw entries written as they are (hostile names, duplicates).
	raw []opcPart
	// ctBody replaces the generated [Content_Types].xml when set.
	ctBody string
}

type opcPart struct {
	name string
	data []byte
}

type opcRel struct {
	id, typ, target string
	external        bool
}

func newOPC() *opc {
	return &opc{
		defaults: map[string]string{
			"rels": ctRels,
			"xml":  "application/xml",
			"png":  "image/png",
			"jpeg": "image/jpeg",
		},
		overrides: map[string]string{},
		rels:      map[string][]opcRel{},
	}
}

// add adds a part; ct "" leaves it to the Defaults.
func (o *opc) add(name, ct, data string) *opc {
	o.parts = append(o.parts, opcPart{name, []byte(data)})
	if ct != "" {
		o.overrides[name] = ct
	}
	return o
}

func (o *opc) addBytes(name, ct string, data []byte) *opc {
	o.parts = append(o.parts, opcPart{name, data})
	if ct != "" {
		o.overrides[name] = ct
	}
	return o
}

// rel adds a relationship from source ("" = package root).
func (o *opc) rel(source, id, typ, target string) *opc {
	o.rels[source] = append(o.rels[source], opcRel{id, typ, target, false})
	return o
}

func (o *opc) extRel(source, id, typ, target string) *opc {
	o.rels[source] = append(o.rels[source], opcRel{id, typ, target, true})
	return o
}

func (o *opc) contentTypesXML() string {
	if o.ctBody != "" {
		return o.ctBody
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`)
	for _, ext := range sortedKeys(o.defaults) {
		fmt.Fprintf(&b, `<Default Extension="%s" ContentType="%s"/>`, ext, o.defaults[ext])
	}
	for _, name := range sortedKeys(o.overrides) {
		fmt.Fprintf(&b, `<Override PartName="/%s" ContentType="%s"/>`, name, o.overrides[name])
	}
	b.WriteString(`</Types>`)
	return b.String()
}

func relsXML(rs []opcRel) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for _, r := range rs {
		mode := ""
		if r.external {
			mode = ` TargetMode="External"`
		}
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s" Target="%s"%s/>`, r.id, r.typ, r.target, mode)
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

func (o *opc) build(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			tb.Fatal(err)
		}
	}
	put("[Content_Types].xml", []byte(o.contentTypesXML()))
	for _, source := range sortedKeys(o.rels) {
		put(relsPartName(source), []byte(relsXML(o.rels[source])))
	}
	for _, p := range o.parts {
		put(p.name, p.data)
	}
	for _, p := range o.raw {
		put(p.name, p.data)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Namespaces and relationship types used by the fixtures.
const (
	wNS      = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"`
	rtOffice = relOffice + "officeDocument"
	rtCore   = relPkg + "metadata/core-properties"
	rtApp    = relOffice + "extended-properties"
)

// docxWith returns a Word package whose body is body (inside w:body).
func docxWith(mainCT, body string) *opc {
	o := newOPC()
	o.add("word/document.xml", mainCT, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<w:document `+wNS+`><w:body>`+body+`<w:sectPr/></w:body></w:document>`)
	o.rel("", "rId1", rtOffice, "word/document.xml")
	o.add("docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml",
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>予算書</dc:title><dc:creator>山田太郎</dc:creator><cp:lastModifiedBy>鈴木花子</cp:lastModifiedBy></cp:coreProperties>`)
	o.rel("", "rId2", rtCore, "docProps/core.xml")
	o.add("docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml",
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application><Company>架け橋市役所</Company></Properties>`)
	o.rel("", "rId3", rtApp, "docProps/app.xml")
	return o
}

const (
	ctDocx = ctWord + "document.main+xml"
	ctDocm = "application/vnd.ms-word.document.macroEnabled.main+xml"
)

func para(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

// tinyPNG is a valid 1×1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// oleCFB is the start of an OLE2 compound file, standing in for an
// embedded object or VBA project.
var oleCFB = append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), bytes.Repeat([]byte{0}, 504)...)
