package ooxml

import (
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// relVerdict is what the allow-list does with one relationship type.
type relVerdict struct {
	keep bool
	// kind reports a removed relationship (and the part behind it).
	kind sanitize.RemovalKind
	// external is allowed for this type (hyperlinks only).
	external bool
	// metadata marks relationships dropped when the policy removes
	// document properties.
	metadata bool
}

// Relationship type namespaces (ECMA-376 Part 1 §15, Part 2 §9; the strict
// conformance class of ISO/IEC 29500 uses purl.oclc.org names).
const (
	relOffice = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	relStrict = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
	relPkg    = "http://schemas.openxmlformats.org/package/2006/relationships/"
	relMS2006 = "http://schemas.microsoft.com/office/2006/relationships/"
	relMS2007 = "http://schemas.microsoft.com/office/2007/relationships/"
	relMS2011 = "http://schemas.microsoft.com/office/2011/relationships/"
)

var inert = relVerdict{keep: true}

// officeRels are the relationship types under relOffice (and relStrict),
// by their last path segment.
var officeRels = map[string]relVerdict{
	"officeDocument": inert, "extended-properties": inert, "styles": inert, "settings": inert,
	"webSettings": inert, "fontTable": inert, "theme": inert, "themeOverride": inert, "numbering": inert,
	"footnotes": inert, "endnotes": inert, "comments": inert, "header": inert, "footer": inert,
	"glossaryDocument": inert, "image": inert, "font": inert, "customXml": inert, "customXmlProps": inert,
	"worksheet": inert, "chartsheet": inert, "sharedStrings": inert, "calcChain": inert, "table": inert,
	"drawing": inert, "chart": inert, "chartUserShapes": inert, "diagramData": inert, "diagramLayout": inert,
	"diagramQuickStyle": inert, "diagramColors": inert, "vmlDrawing": inert, "pivotTable": inert,
	"pivotCacheDefinition": inert, "pivotCacheRecords": inert, "sheetMetadata": inert,
	"revisionHeaders": inert, "revisionLog": inert, "usernames": inert, "tableSingleCells": inert,
	"slide": inert, "slideLayout": inert, "slideMaster": inert, "notesSlide": inert, "notesMaster": inert,
	"handoutMaster": inert, "presProps": inert, "viewProps": inert, "tableStyles": inert,
	"commentAuthors": inert, "tags": inert, "video": inert, "audio": inert,

	"custom-properties": {keep: true, metadata: true},
	"hyperlink":         {keep: true, external: true},

	"attachedTemplate":      {kind: sanitize.RemovedAttachedTemplate},
	"subDocument":           {kind: sanitize.RemovedSubDocument},
	"frame":                 {kind: sanitize.RemovedExternalRel},
	"oleObject":             {kind: sanitize.RemovedOLEObject},
	"package":               {kind: sanitize.RemovedOLEObject},
	"aFChunk":               {kind: sanitize.RemovedEmbeddedFile},
	"control":               {kind: sanitize.RemovedActiveX},
	"ctrlProp":              {kind: sanitize.RemovedActiveX},
	"externalLink":          {kind: sanitize.RemovedExternalRel},
	"externalLinkPath":      {kind: sanitize.RemovedExternalRel},
	"connections":           {kind: sanitize.RemovedExternalData},
	"queryTable":            {kind: sanitize.RemovedExternalData},
	"volatileDependencies":  {kind: sanitize.RemovedExternalData},
	"mailMergeSource":       {kind: sanitize.RemovedExternalData},
	"mailMergeHeaderSource": {kind: sanitize.RemovedExternalData},
	"recipientData":         {kind: sanitize.RemovedExternalData},
	"slideUpdateInfo":       {kind: sanitize.RemovedExternalRel},
	"printerSettings":       {kind: sanitize.RemovedPrinterSettings},
	"dialogsheet":           {kind: sanitize.RemovedXLMMacroSheet},
}

// otherRels are relationship types outside relOffice, by full name.
var otherRels = map[string]relVerdict{
	relPkg + "metadata/core-properties": {keep: true, metadata: false},
	"http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties": inert,
	relPkg + "metadata/thumbnail":   inert,
	relMS2007 + "stylesWithEffects": inert,
	relMS2007 + "diagramDrawing":    inert,
	relMS2007 + "hdphoto":           inert,
	relMS2007 + "media":             inert,
	relMS2007 + "slicer":            inert,
	relMS2007 + "slicerCache":       inert,
	relMS2011 + "commentsExtended":  inert,
	relMS2011 + "people":            inert,
	relMS2011 + "chartStyle":        inert,
	relMS2011 + "chartColorStyle":   inert,
	"http://schemas.microsoft.com/office/2016/09/relationships/commentsIds":        inert,
	"http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible": inert,
	"http://schemas.microsoft.com/office/2017/10/relationships/person":             inert,
	"http://schemas.microsoft.com/office/2017/10/relationships/threadedComment":    inert,
	"http://schemas.microsoft.com/office/2018/10/relationships/comments":           inert,
	"http://schemas.microsoft.com/office/2018/10/relationships/authors":            inert,

	relMS2006 + "vbaProject":                       {kind: sanitize.RemovedVBAProject},
	relMS2006 + "vbaProjectSignature":              {kind: sanitize.RemovedVBAProject},
	relMS2006 + "wordVbaData":                      {kind: sanitize.RemovedVBAProject},
	relMS2006 + "keyMapCustomizations":             {kind: sanitize.RemovedVBAProject},
	relMS2006 + "attachedToolbars":                 {kind: sanitize.RemovedCustomUI},
	relMS2006 + "activeXControlBinary":             {kind: sanitize.RemovedActiveX},
	relMS2006 + "xlMacrosheet":                     {kind: sanitize.RemovedXLMMacroSheet},
	relMS2006 + "xlIntlMacrosheet":                 {kind: sanitize.RemovedXLMMacroSheet},
	relMS2006 + "xlExternalLinkPath/xlPathMissing": {kind: sanitize.RemovedExternalRel},
	relMS2006 + "ui/extensibility":                 {kind: sanitize.RemovedCustomUI},
	relMS2007 + "ui/extensibility":                 {kind: sanitize.RemovedCustomUI},
	relMS2006 + "ui/userCustomization":             {kind: sanitize.RemovedCustomUI},
	relMS2011 + "webextensiontaskpanes":            {kind: sanitize.RemovedExternalRel},
	relMS2011 + "webextension":                     {kind: sanitize.RemovedExternalRel},
}

// unknownRel is the verdict for relationship types nobody listed: left out.
var unknownRel = relVerdict{}

// classifyRelType looks a relationship type up in the allow-list.
func classifyRelType(t string) relVerdict {
	for _, base := range []string{relOffice, relStrict} {
		if rest, ok := strings.CutPrefix(t, base); ok {
			if v, ok := officeRels[rest]; ok {
				return v
			}
			return unknownRel
		}
	}
	if v, ok := otherRels[t]; ok {
		return v
	}
	return unknownRel
}

// safeLinkScheme reports whether an external hyperlink target is an
// ordinary web or mail link. file:, UNC (\\host\share), mhtml:, ms-* and
// other protocol handlers run programs or leak credentials on click
// (CVE-2021-40444, CVE-2022-30190 used ms-msdt: and mhtml:).
func safeLinkScheme(target string) bool {
	t := strings.ToLower(strings.TrimSpace(target))
	for _, s := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(t, s) {
			return true
		}
	}
	return false
}
