package ooxml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

const (
	contentTypesName = "[Content_Types].xml"
	nsContentTypes   = "http://schemas.openxmlformats.org/package/2006/content-types"
)

// contentTypeMap is a parsed [Content_Types].xml (ECMA-376 Part 2 §10.1.2):
// Defaults by lower-case extension, Overrides by lower-case part name
// without the leading "/".
type contentTypeMap struct {
	defaults  map[string]string
	overrides map[string]string
	// names keep the spelling of override part names for the output.
	names map[string]string
}

// of returns the content type of a part.
func (m *contentTypeMap) of(part string) string {
	if ct, ok := m.overrides[strings.ToLower(part)]; ok {
		return ct
	}
	ext := strings.ToLower(partExt(part))
	return m.defaults[ext]
}

func partExt(part string) string {
	base := part[strings.LastIndex(part, "/")+1:]
	if i := strings.LastIndex(base, "."); i >= 0 {
		return base[i+1:]
	}
	return ""
}

// parseContentTypes reads [Content_Types].xml through safexml.
func parseContentTypes(r io.Reader, lim sanitize.Limits) (*contentTypeMap, error) {
	m := &contentTypeMap{defaults: map[string]string{}, overrides: map[string]string{}, names: map[string]string{}}
	xr := safexml.NewReader(r, lim)
	roots := 0
	for {
		tok, err := xr.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if xr.Depth() == 1 {
			roots++
			if roots > 1 || se.Name.Local != "Types" || xr.URI(se.Name.Space) != nsContentTypes {
				return nil, sanitize.Reject(sanitize.ReasonMalformed, "%s: unexpected root <%s>", contentTypesName, se.Name.Local)
			}
			continue
		}
		if xr.Depth() != 2 {
			continue
		}
		if err := m.add(se); err != nil {
			return nil, err
		}
	}
	if roots == 0 {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "%s is empty", contentTypesName)
	}
	return m, nil
}

func (m *contentTypeMap) add(se xml.StartElement) error {
	if err := uniqueAttrs(se); err != nil {
		return err
	}
	ct := strings.TrimSpace(attr(se, "ContentType"))
	switch se.Name.Local {
	case "Default":
		ext := strings.ToLower(attr(se, "Extension"))
		if _, dup := m.defaults[ext]; dup || ext == "" {
			return sanitize.Reject(sanitize.ReasonMalformed, "%s: bad or repeated Default %q", contentTypesName, clip(ext))
		}
		m.defaults[ext] = ct
	case "Override":
		pn := attr(se, "PartName")
		name := strings.TrimPrefix(pn, "/")
		key := strings.ToLower(name)
		if _, dup := m.overrides[key]; dup || !strings.HasPrefix(pn, "/") {
			return sanitize.Reject(sanitize.ReasonMalformed, "%s: bad or repeated Override %q", contentTypesName, clip(pn))
		}
		m.overrides[key] = ct
		m.names[key] = name
	}
	return nil
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// writeContentTypes writes the new [Content_Types].xml: only Defaults whose
// type is allowed, only Overrides of parts that are copied, and the main
// part's type switched to the macro-free one.
func writeContentTypes(w io.Writer, m *contentTypeMap, kept map[string]bool, mainPart string) error {
	mainKey := strings.ToLower(mainPart)
	if _, ok := m.overrides[mainKey]; !ok {
		// The main part took its type from a Default: give it an
		// Override so that the switch to the macro-free type applies.
		m.overrides[mainKey] = m.of(mainPart)
		m.names[mainKey] = mainPart
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n")
	b.WriteString(`<Types xmlns="` + nsContentTypes + `">`)
	if _, ok := m.defaults["rels"]; !ok {
		// Some producers give every .rels part an Override instead; the
		// copied .rels parts need a type either way.
		m.defaults["rels"] = ctRels
	}
	exts := make([]string, 0, len(m.defaults))
	for ext, ct := range m.defaults {
		if _, ok := contentTypes[ct]; ok {
			exts = append(exts, ext)
		}
	}
	sort.Strings(exts)
	for _, ext := range exts {
		fmt.Fprintf(&b, `<Default Extension="%s" ContentType="%s"/>`, xmlEscape(ext), xmlEscape(m.defaults[ext]))
	}
	keys := make([]string, 0, len(m.overrides))
	for key := range m.overrides {
		if kept[key] {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	for _, key := range keys {
		ct := m.overrides[key]
		if key == mainKey {
			if free, ok := macroFree[ct]; ok {
				ct = free
			}
		}
		fmt.Fprintf(&b, `<Override PartName="/%s" ContentType="%s"/>`, xmlEscape(m.names[key]), xmlEscape(ct))
	}
	b.WriteString(`</Types>`)
	_, err := w.Write(b.Bytes())
	return err
}

func xmlEscape(s string) string {
	var b strings.Builder
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		return ""
	}
	return b.String()
}

// uniqueAttrs rejects repeated unprefixed attributes (XML 1.0 §3.1), which
// encoding/xml lets through: attr reads the first, another reader the last.
func uniqueAttrs(se xml.StartElement) error {
	for i, a := range se.Attr {
		for _, b := range se.Attr[:i] {
			if a.Name == b.Name {
				return sanitize.Reject(sanitize.ReasonMalformed, "attribute %s repeated on <%s>", a.Name.Local, se.Name.Local)
			}
		}
	}
	return nil
}
