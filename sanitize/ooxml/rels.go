package ooxml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

const nsRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"

// rel is one Relationship (ECMA-376 Part 2 §9.3).
type rel struct {
	id, typ, target string
	external        bool
	// part is the resolved target part name (lower-case key), "" when the
	// target is external or does not resolve inside the package.
	part string
	// keep is the final decision; kind is why it was removed.
	keep bool
	kind sanitize.RemovalKind
}

// relsPartName returns the .rels part of a source part ("" for the package
// root), Part 2 §9.3.1.
func relsPartName(source string) string {
	if source == "" {
		return "_rels/.rels"
	}
	dir, base := path.Split(source)
	return dir + "_rels/" + base + ".rels"
}

// sourceOfRels returns the source part of a .rels part name, and whether the
// name is a relationships part at all.
func sourceOfRels(name string) (string, bool) {
	if name == "_rels/.rels" {
		return "", true
	}
	dir, base := path.Split(name)
	if !strings.HasSuffix(dir, "_rels/") || !strings.HasSuffix(base, ".rels") {
		return "", false
	}
	return strings.TrimSuffix(dir, "_rels/") + strings.TrimSuffix(base, ".rels"), true
}

// parseRels reads one relationships part.
func parseRels(r io.Reader, source string, lim sanitize.Limits) ([]*rel, error) {
	xr := safexml.NewReader(r, lim)
	var out []*rel
	ids := map[string]bool{}
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
		switch xr.Depth() {
		case 1:
			roots++
			if roots > 1 || se.Name.Local != "Relationships" || xr.URI(se.Name.Space) != nsRelationships {
				return nil, sanitize.Reject(sanitize.ReasonMalformed, "%s: unexpected root <%s>", relsPartName(source), se.Name.Local)
			}
		case 2:
			if se.Name.Local != "Relationship" {
				continue
			}
			if err := uniqueAttrs(se); err != nil {
				return nil, err
			}
			rl := &rel{id: attr(se, "Id"), typ: strings.TrimSpace(attr(se, "Type")), target: attr(se, "Target")}
			rl.external = strings.EqualFold(attr(se, "TargetMode"), "External")
			if rl.id == "" || ids[rl.id] {
				return nil, sanitize.Reject(sanitize.ReasonMalformed, "%s: missing or repeated Id %q", relsPartName(source), clip(rl.id))
			}
			ids[rl.id] = true
			if !rl.external {
				rl.part = resolveTarget(source, rl.target)
			}
			out = append(out, rl)
		}
	}
	return out, nil
}

// resolveTarget turns an internal target URI into a part key (lower case, no
// leading "/"), relative to the source part's folder (Part 2 §9.3.2). It
// returns "" for targets that leave the package or are not paths.
func resolveTarget(source, target string) string {
	t := target
	if i := strings.IndexAny(t, "#?"); i >= 0 {
		t = t[:i]
	}
	if u, err := url.PathUnescape(t); err == nil {
		t = u
	}
	if t == "" || strings.Contains(t, "\\") || strings.Contains(t, ":") {
		return ""
	}
	var p string
	if strings.HasPrefix(t, "/") {
		p = path.Clean(t)
	} else {
		p = path.Clean("/" + path.Dir(source) + "/" + t)
	}
	// path.Clean keeps "/.." for targets that climb out of the root.
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "/..") || p == "/" {
		return ""
	}
	return strings.ToLower(strings.TrimPrefix(p, "/"))
}

// writeRels writes the kept relationships of one part.
func writeRels(w io.Writer, rels []*rel) error {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n")
	b.WriteString(`<Relationships xmlns="` + nsRelationships + `">`)
	for _, rl := range rels {
		if !rl.keep {
			continue
		}
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s" Target="%s"`, xmlEscape(rl.id), xmlEscape(rl.typ), xmlEscape(rl.target))
		if rl.external {
			b.WriteString(` TargetMode="External"`)
		}
		b.WriteString(`/>`)
	}
	b.WriteString(`</Relationships>`)
	_, err := w.Write(b.Bytes())
	return err
}
