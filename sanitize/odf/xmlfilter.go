package odf

import (
	"encoding/xml"
	"io"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

// Namespaces of ODF 1.2 Part 1 §1.5 (and XLink, Dublin Core).
const (
	nsOffice   = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	nsScript   = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
	nsPresent  = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
	nsDraw     = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
	nsText     = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	nsTable    = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsMeta     = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
	nsConfig   = "urn:oasis:names:tc:opendocument:xmlns:config:1.0"
	nsManifest = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
	nsXLink    = "http://www.w3.org/1999/xlink"
	nsDC       = "http://purl.org/dc/elements/1.1/"
)

// droppedElements are removed with everything inside them.
var droppedElements = map[xml.Name]sanitize.RemovalKind{
	{Space: nsOffice, Local: "scripts"}:            sanitize.RemovedBasicMacro,
	{Space: nsOffice, Local: "event-listeners"}:    sanitize.RemovedEventListener,
	{Space: nsScript, Local: "event-listener"}:     sanitize.RemovedEventListener,
	{Space: nsPresent, Local: "event-listener"}:    sanitize.RemovedEventListener,
	{Space: nsDraw, Local: "object"}:               sanitize.RemovedOLEObject,
	{Space: nsDraw, Local: "object-ole"}:           sanitize.RemovedOLEObject,
	{Space: nsDraw, Local: "applet"}:               sanitize.RemovedOLEObject,
	{Space: nsDraw, Local: "plugin"}:               sanitize.RemovedOLEObject,
	{Space: nsDraw, Local: "floating-frame"}:       sanitize.RemovedExternalRel,
	{Space: nsText, Local: "dde-connection-decls"}: sanitize.RemovedDDE,
	{Space: nsText, Local: "dde-connection"}:       sanitize.RemovedDDE,
	{Space: nsTable, Local: "dde-links"}:           sanitize.RemovedDDE,
	{Space: nsTable, Local: "dde-source"}:          sanitize.RemovedDDE,
	{Space: nsOffice, Local: "dde-source"}:         sanitize.RemovedDDE,
	{Space: nsText, Local: "section-source"}:       sanitize.RemovedExternalRel,
	{Space: nsTable, Local: "table-source"}:        sanitize.RemovedExternalRel,
	{Space: nsTable, Local: "cell-range-source"}:   sanitize.RemovedExternalRel,
}

// personalMetadata is removed from meta.xml when the policy asks.
var personalMetadata = map[xml.Name]bool{
	{Space: nsMeta, Local: "initial-creator"}: true,
	{Space: nsDC, Local: "creator"}:           true,
	{Space: nsMeta, Local: "user-defined"}:    true,
	{Space: nsMeta, Local: "printed-by"}:      true,
}

// xmlFilter rebuilds one XML part.
type xmlFilter struct {
	part    string
	env     *sanitize.Env
	rep     *sanitize.Report
	r       *safexml.Reader
	removed map[sanitize.RemovalKind]int
}

func filterPart(part string, in io.Reader, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	f := &xmlFilter{part: part, env: env, rep: rep, r: safexml.NewReader(in, env.Limits), removed: map[sanitize.RemovalKind]int{}}
	w := safexml.NewWriter(out)
	if err := w.Declaration(); err != nil {
		return err
	}
	for {
		tok, err := f.r.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			keep, edited := f.element(se)
			if !keep {
				if err := f.r.Skip(); err != nil {
					return err
				}
				continue
			}
			tok = edited
		}
		if err := w.Token(tok); err != nil {
			return err
		}
	}
	for kind, n := range f.removed {
		rep.Remove(kind, env.Loc(part), n)
	}
	return w.Flush()
}

// resolved is an element's name with its namespace URI.
func (f *xmlFilter) resolved(n xml.Name) xml.Name {
	return xml.Name{Space: f.r.URI(n.Space), Local: n.Local}
}

// element decides one start tag: drop it, or keep it with attributes that
// point at scripts or outside resources removed.
func (f *xmlFilter) element(se xml.StartElement) (bool, xml.StartElement) {
	name := f.resolved(se.Name)
	if kind, drop := droppedElements[name]; drop {
		f.removed[kind]++
		return false, se
	}
	if f.part == "meta.xml" && f.env.Policy.RemoveMetadata && personalMetadata[name] {
		f.removed[sanitize.RemovedMetadata]++
		return false, se
	}
	if f.part == "settings.xml" && name == (xml.Name{Space: nsConfig, Local: "config-item"}) && attr(f, se, nsConfig, "name") == "PrinterSetup" {
		f.removed[sanitize.RemovedPrinterSettings]++
		return false, se
	}
	href := attr(f, se, nsXLink, "href")
	if name == (xml.Name{Space: nsDraw, Local: "image"}) && href != "" && !internal(href) {
		f.removed[sanitize.RemovedExternalRel]++
		return false, se
	}
	if href == "" {
		return true, se
	}
	kept := se.Attr[:0:0]
	for _, a := range se.Attr {
		if f.r.AttrURI(a) == nsXLink && a.Name.Local == "href" {
			if kind, bad := f.badLink(name, a.Value); bad {
				f.removed[kind]++
				continue
			}
		}
		kept = append(kept, a)
	}
	se.Attr = kept
	return true, se
}

// badLink judges an xlink:href: script URLs always go; on hyperlinks only
// web, mail and in-document targets stay (and only while the policy keeps
// hyperlinks); elsewhere only parts of this package.
func (f *xmlFilter) badLink(el xml.Name, href string) (sanitize.RemovalKind, bool) {
	lower := strings.ToLower(strings.TrimSpace(href))
	if strings.HasPrefix(lower, "vnd.sun.star.script:") || strings.HasPrefix(lower, "macro:") || strings.HasPrefix(lower, "javascript:") {
		return sanitize.RemovedEventListener, true
	}
	if el.Local == "a" {
		web := strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "mailto:") || strings.HasPrefix(lower, "#")
		switch {
		case !web:
			return sanitize.RemovedExternalRel, true
		case f.env.Policy.RemoveHyperlinks && !strings.HasPrefix(lower, "#"):
			return sanitize.RemovedHyperlink, true
		}
		return "", false
	}
	if !internal(href) {
		return sanitize.RemovedExternalRel, true
	}
	return "", false
}

// internal reports a reference to a part of this package ("Pictures/a.png",
// "./Object 1").
func internal(href string) bool {
	h := strings.TrimPrefix(href, "./")
	return h != "" && !strings.Contains(h, ":") && !strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "..") && !strings.HasPrefix(h, "\\")
}

func attr(f *xmlFilter, se xml.StartElement, ns, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local && f.r.AttrURI(a) == ns {
			return a.Value
		}
	}
	return ""
}

// rewriteManifest keeps the entries of parts that were kept (and the root
// entry); encryption data means a password-protected document.
func rewriteManifest(in io.Reader, out io.Writer, kept map[string]bool, env *sanitize.Env) error {
	r := safexml.NewReader(in, env.Limits)
	return safexml.Copy(safexml.NewWriter(out), r, func(r *safexml.Reader, se xml.StartElement) (bool, error) {
		if r.URI(se.Name.Space) != nsManifest {
			return true, nil
		}
		switch se.Name.Local {
		case "encryption-data":
			return false, sanitize.Reject(sanitize.ReasonEncrypted, "the document is password-protected")
		case "file-entry":
			for _, a := range se.Attr {
				if a.Name.Local == "full-path" && r.AttrURI(a) == nsManifest {
					return a.Value == "/" || kept[a.Value], nil
				}
			}
			return false, nil
		}
		return true, nil
	})
}
