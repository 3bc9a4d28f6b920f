package ooxml

import (
	"encoding/xml"
	"io"
	"sort"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

// pkg is the input package after the checks, with the copy decisions.
type pkg struct {
	members []member
	byKey   map[string]*member // lower-case part name
	ct      *contentTypeMap
	rels    map[string][]*rel // by lower-case source part ("" = package root)
	mainKey string
	mainCT  string
	typ     sanitize.Type
	kept    map[string]bool // lower-case part names that are copied
	relKind map[string]sanitize.RemovalKind
}

// load reads [Content_Types].xml and every relationships part.
func load(members []member, env *sanitize.Env) (*pkg, error) {
	p := &pkg{members: members, byKey: map[string]*member{}, rels: map[string][]*rel{},
		kept: map[string]bool{}, relKind: map[string]sanitize.RemovalKind{}}
	for i := range members {
		p.byKey[strings.ToLower(members[i].name)] = &members[i]
	}
	ctm := p.byKey[strings.ToLower(contentTypesName)]
	if ctm == nil {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "no %s", contentTypesName)
	}
	var err error
	if p.ct, err = readPart(ctm, func(r io.Reader) (*contentTypeMap, error) { return parseContentTypes(r, env.Limits) }); err != nil {
		return nil, err
	}
	for i := range members {
		source, ok := sourceOfRels(members[i].name)
		if !ok {
			continue
		}
		rs, err := readPart(&members[i], func(r io.Reader) ([]*rel, error) { return parseRels(r, source, env.Limits) })
		if err != nil {
			return nil, err
		}
		p.rels[strings.ToLower(source)] = rs
	}
	return p, p.findMain()
}

// readPart decompresses one member through parse.
func readPart[T any](m *member, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	rc, err := m.f.Open()
	if err != nil {
		return zero, sanitize.Reject(sanitize.ReasonMalformed, "opening %q: %v", clip(m.name), err)
	}
	defer rc.Close()
	v, err := parse(rc)
	if err != nil {
		return zero, inPart(err, m.name)
	}
	return v, nil
}

// inPart names the part in a rejection's detail.
func inPart(err error, part string) error {
	if rej, ok := sanitize.AsRejection(err); ok {
		return &sanitize.Rejection{Reason: rej.Reason, Detail: clip(part) + ": " + rej.Detail}
	}
	return sanitize.Reject(sanitize.ReasonMalformed, "%s: %v", clip(part), err)
}

// findMain locates the main part through the package's officeDocument
// relationship (ECMA-376 Part 2 §9.3, Part 1 §11.3.10) and its type.
func (p *pkg) findMain() error {
	for _, rl := range p.rels[""] {
		if rl.external || !strings.HasSuffix(rl.typ, "/officeDocument") {
			continue
		}
		p.mainKey = rl.part
		break
	}
	if p.mainKey == "" || p.byKey[p.mainKey] == nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "no main document part")
	}
	p.mainCT = p.ct.of(p.mainKey)
	class, ok := contentTypes[p.mainCT]
	if !ok || class.main == "" {
		if strings.Contains(p.mainCT, "binary") {
			return sanitize.Reject(sanitize.ReasonUnsupported, "binary workbook (xlsb)")
		}
		return sanitize.Reject(sanitize.ReasonMalformed, "main part has content type %q", clip(p.mainCT))
	}
	p.typ = class.main
	return nil
}

// decide classifies relationships and walks the package from its root over
// kept relationships: a part is copied only when reached that way and its
// content type is allowed (and, for binaries, its magic matches).
func (p *pkg) decide(env *sanitize.Env, rep *sanitize.Report) error {
	for _, rs := range p.rels {
		for _, rl := range rs {
			p.classify(rl, env)
		}
	}
	queue := []string{""}
	seen := map[string]bool{"": true}
	for len(queue) > 0 {
		source := queue[0]
		queue = queue[1:]
		for _, rl := range p.rels[source] {
			if !rl.keep || rl.external {
				continue
			}
			ok, err := p.allowed(rl.part)
			if err != nil {
				return err
			}
			if !ok {
				rl.keep = false
				continue
			}
			if !seen[rl.part] {
				seen[rl.part] = true
				p.kept[rl.part] = true
				queue = append(queue, rl.part)
			}
		}
	}
	if !p.kept[p.mainKey] {
		return sanitize.Reject(sanitize.ReasonMalformed, "main document part is not usable")
	}
	p.reportExternal(env, rep)
	return p.reportDropped(env, rep)
}

// reportExternal records the outside references removed from copied parts
// (those of parts left out go with their part).
func (p *pkg) reportExternal(env *sanitize.Env, rep *sanitize.Report) {
	sources := make([]string, 0, len(p.rels))
	for source := range p.rels {
		if source == "" || p.kept[source] {
			sources = append(sources, source)
		}
	}
	sort.Strings(sources)
	for _, source := range sources {
		for _, rl := range p.rels[source] {
			if rl.external && !rl.keep {
				rep.Remove(rl.kind, env.Loc(relsPartName(p.spell(source))), 1)
			}
		}
	}
}

// classify decides one relationship by its type and mode.
func (p *pkg) classify(rl *rel, env *sanitize.Env) {
	v := classifyRelType(rl.typ)
	drop := func(k sanitize.RemovalKind) {
		rl.keep, rl.kind = false, k
		if !rl.external && rl.part != "" {
			if _, ok := p.relKind[rl.part]; !ok && k != "" {
				p.relKind[rl.part] = k
			}
		}
	}
	switch {
	case rl.external && v.external:
		switch {
		case env.Policy.RemoveHyperlinks:
			drop(sanitize.RemovedHyperlink)
		case !safeLinkScheme(rl.target):
			drop(sanitize.RemovedExternalRel)
		default:
			rl.keep = true
		}
	case rl.external:
		// Linked pictures, linked OLE, remote templates, frames,
		// external data: every outside fetch goes.
		k := v.kind
		if k == "" {
			k = sanitize.RemovedExternalRel
		}
		drop(k)
	case v.metadata && env.Policy.RemoveMetadata:
		drop(sanitize.RemovedMetadata)
	case !v.keep:
		drop(v.kind) // "" for unknown types: reported with the part
	default:
		rl.keep = true
	}
}

// allowed checks the target part of an internal relationship.
func (p *pkg) allowed(key string) (bool, error) {
	m := p.byKey[key]
	if key == "" || m == nil {
		return false, nil
	}
	if _, isRels := sourceOfRels(m.name); isRels || strings.EqualFold(m.name, contentTypesName) {
		return false, nil
	}
	class, ok := contentTypes[p.ct.of(key)]
	if !ok || class.role == roleRels {
		return false, nil
	}
	if isXMLRole(class.role) {
		return true, nil
	}
	head, err := readHead(m)
	if err != nil {
		return false, err
	}
	return magicOK(p.ct.of(key), head), nil
}

// readHead returns the first bytes of a binary part after checking that
// the whole member inflates to its declared CRC and size.
func readHead(m *member) ([]byte, error) {
	rc, err := m.f.Open()
	if err != nil {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "opening %q: %v", clip(m.name), err)
	}
	defer rc.Close()
	head := make([]byte, headLen)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "reading %q: %v", clip(m.name), err)
	}
	// Inflate the rest too (into nothing, constant memory): archive/zip
	// then checks the CRC and size, so a corrupt stream, which inflaters
	// may read differently, is never copied raw.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "reading %q: %v", clip(m.name), err)
	}
	return head[:n], nil
}

// spell returns a part name as the zip spells it.
func (p *pkg) spell(key string) string {
	if m := p.byKey[key]; m != nil {
		return m.name
	}
	return key
}

// reportDropped records every member that is not copied, once.
func (p *pkg) reportDropped(env *sanitize.Env, rep *sanitize.Report) error {
	var names []string
	for _, m := range p.members {
		key := strings.ToLower(m.name)
		if p.kept[key] || key == strings.ToLower(contentTypesName) {
			continue
		}
		if _, isRels := sourceOfRels(m.name); isRels {
			continue // goes with its source part
		}
		names = append(names, m.name)
	}
	sort.Strings(names)
	for _, name := range names {
		key := strings.ToLower(name)
		kind, known := kindForRemovedPart(name, p.ct.of(key), p.relKind[key])
		if p.ct.of(key) == ctSheet+"externalLink+xml" {
			k, err := readPart(p.byKey[key], func(r io.Reader) (sanitize.RemovalKind, error) { return externalLinkKind(r, env.Limits) })
			if err != nil {
				return err
			}
			kind = k
		}
		if !known {
			rep.Warn("left out part %s of unknown or unused type %q", clip(name), clip(p.ct.of(key)))
		}
		rep.Remove(kind, env.Loc(name), 1)
	}
	return nil
}

// externalLinkKind tells a DDE link (ddeLink, §18.14.4: a live channel to
// another program, the =cmd|'/c …'!A0 attack) and an OLE link from an
// ordinary link to another workbook.
func externalLinkKind(r io.Reader, lim sanitize.Limits) (sanitize.RemovalKind, error) {
	xr := safexml.NewReader(r, lim)
	kind := sanitize.RemovedExternalRel
	for {
		tok, err := xr.Token()
		if err == io.EOF {
			return kind, nil
		}
		if err != nil {
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "ddeLink":
				kind = sanitize.RemovedDDE
			case "oleLink":
				if kind != sanitize.RemovedDDE {
					kind = sanitize.RemovedOLEObject
				}
			}
		}
	}
}

// relsByID returns the relationships of a source part by Id.
func (p *pkg) relsByID(key string) map[string]*rel {
	m := map[string]*rel{}
	for _, rl := range p.rels[key] {
		m[rl.id] = rl
	}
	return m
}
