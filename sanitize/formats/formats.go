// Package formats wires every format sanitizer into an engine. It is the one
// place that knows the whole list, so the engine package stays free of format
// imports (format tests use the engine for nesting) and adding a format is a
// one-line change here (see docs/adding-a-sanitizer.md).
package formats

import (
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/archive"
	"github.com/kakehashi/kakehashi/sanitize/engine"
	"github.com/kakehashi/kakehashi/sanitize/html"
	"github.com/kakehashi/kakehashi/sanitize/image"
	"github.com/kakehashi/kakehashi/sanitize/odf"
	"github.com/kakehashi/kakehashi/sanitize/ole"
	"github.com/kakehashi/kakehashi/sanitize/ooxml"
	"github.com/kakehashi/kakehashi/sanitize/pdf"
	"github.com/kakehashi/kakehashi/sanitize/rtf"
	"github.com/kakehashi/kakehashi/sanitize/text"
)

// Sanitizers returns one sanitizer per family.
func Sanitizers() map[sanitize.Family]sanitize.Sanitizer {
	return map[sanitize.Family]sanitize.Sanitizer{
		sanitize.FamilyOOXML:   &ooxml.Sanitizer{},
		sanitize.FamilyOLE:     &ole.Sanitizer{},
		sanitize.FamilyPDF:     &pdf.Sanitizer{},
		sanitize.FamilyImage:   &image.Sanitizer{},
		sanitize.FamilyODF:     &odf.Sanitizer{},
		sanitize.FamilyRTF:     &rtf.Sanitizer{},
		sanitize.FamilyText:    &text.Sanitizer{},
		sanitize.FamilyArchive: &archive.Sanitizer{},
		sanitize.FamilyHTML:    &html.Sanitizer{},
	}
}

// NewEngine returns an engine with every format, the given policy and
// limits, and the external converters found on this machine.
func NewEngine(p sanitize.Policy, l sanitize.Limits) *engine.Engine {
	return &engine.Engine{
		Formats: Sanitizers(),
		Policy:  p,
		Limits:  l,
		Tools:   engine.FindTools(),
	}
}
