package ooxml

import (
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// role says which filter an XML part goes through.
type role int

const (
	roleGeneric      role = iota // any allowed XML: only dangling references are removed
	roleWordStory                // document, header, footer, notes, comments: fields, OLE, controls
	roleWordSettings             // settings.xml: attachedTemplate, mailMerge
	roleWordWeb                  // webSettings.xml: frameset
	roleWorkbook                 // workbook.xml: sheets, defined names, external references
	roleWorksheet                // worksheets: oleObjects, controls, external formulas
	roleSlide                    // slides, layouts, masters, notes: OLE frames, controls, actions
	roleVML                      // legacy VML drawings: macros of form controls, OLE
	roleTable                    // tables: query-table binding
	roleCore                     // docProps/core.xml
	roleApp                      // docProps/app.xml
	roleBinaryImage              // images: magic number checked, copied raw
	roleBinaryMedia              // audio/video: magic number checked, copied raw
	roleBinaryFont               // embedded (obfuscated) fonts, copied raw
	roleRels                     // relationship parts
)

// partClass is what the allow-list knows about a content type.
type partClass struct {
	role role
	// main is the Type of a package whose main part has this content type.
	main sanitize.Type
}

const (
	ctWord  = "application/vnd.openxmlformats-officedocument.wordprocessingml."
	ctSheet = "application/vnd.openxmlformats-officedocument.spreadsheetml."
	ctPres  = "application/vnd.openxmlformats-officedocument.presentationml."
	ctDraw  = "application/vnd.openxmlformats-officedocument.drawingml."
	ctRels  = "application/vnd.openxmlformats-package.relationships+xml"
)

// contentTypes is the allow-list of part content types (ECMA-376 Part 1
// §11–§15 and the MS-OI29500 extensions Office writes). A part whose type is
// not here is never copied.
var contentTypes = map[string]partClass{
	ctRels: {role: roleRels},
	"application/vnd.openxmlformats-package.core-properties+xml":            {role: roleCore},
	"application/vnd.openxmlformats-officedocument.extended-properties+xml": {role: roleApp},
	"application/vnd.openxmlformats-officedocument.custom-properties+xml":   {},
	"application/vnd.openxmlformats-officedocument.theme+xml":               {},
	"application/vnd.openxmlformats-officedocument.themeOverride+xml":       {},
	"application/vnd.openxmlformats-officedocument.customXmlProperties+xml": {},
	"application/xml": {},
	"text/xml":        {},
	"application/vnd.openxmlformats-officedocument.drawing+xml": {},
	"application/vnd.openxmlformats-officedocument.vmlDrawing":  {role: roleVML},
	ctDraw + "chart+xml":                                     {},
	ctDraw + "chartshapes+xml":                               {},
	ctDraw + "diagramData+xml":                               {},
	ctDraw + "diagramLayout+xml":                             {},
	ctDraw + "diagramStyle+xml":                              {},
	ctDraw + "diagramColors+xml":                             {},
	"application/vnd.ms-office.drawingml.diagramDrawing+xml": {},
	"application/vnd.ms-office.chartstyle+xml":               {},
	"application/vnd.ms-office.chartcolorstyle+xml":          {},

	// WordprocessingML (§11).
	ctWord + "document.main+xml":                                     {role: roleWordStory, main: sanitize.TypeDOCX},
	ctWord + "template.main+xml":                                     {role: roleWordStory, main: sanitize.TypeDOTX},
	"application/vnd.ms-word.document.macroEnabled.main+xml":         {role: roleWordStory, main: sanitize.TypeDOCM},
	"application/vnd.ms-word.template.macroEnabledTemplate.main+xml": {role: roleWordStory, main: sanitize.TypeDOTM},
	ctWord + "document.glossary+xml":                                 {role: roleWordStory},
	ctWord + "header+xml":                                            {role: roleWordStory},
	ctWord + "footer+xml":                                            {role: roleWordStory},
	ctWord + "footnotes+xml":                                         {role: roleWordStory},
	ctWord + "endnotes+xml":                                          {role: roleWordStory},
	ctWord + "comments+xml":                                          {role: roleWordStory},
	ctWord + "settings+xml":                                          {role: roleWordSettings},
	ctWord + "webSettings+xml":                                       {role: roleWordWeb},
	ctWord + "styles+xml":                                            {},
	ctWord + "fontTable+xml":                                         {},
	ctWord + "numbering+xml":                                         {},
	ctWord + "commentsExtended+xml":                                  {},
	ctWord + "commentsIds+xml":                                       {},
	ctWord + "commentsExtensible+xml":                                {},
	ctWord + "people+xml":                                            {},
	"application/vnd.ms-word.stylesWithEffects+xml":                  {},
	"application/vnd.openxmlformats-officedocument.obfuscatedFont":   {role: roleBinaryFont},

	// SpreadsheetML (§12).
	ctSheet + "sheet.main+xml":                                {role: roleWorkbook, main: sanitize.TypeXLSX},
	ctSheet + "template.main+xml":                             {role: roleWorkbook, main: sanitize.TypeXLTX},
	"application/vnd.ms-excel.sheet.macroEnabled.main+xml":    {role: roleWorkbook, main: sanitize.TypeXLSM},
	"application/vnd.ms-excel.template.macroEnabled.main+xml": {role: roleWorkbook, main: sanitize.TypeXLTM},
	ctSheet + "worksheet+xml":                                 {role: roleWorksheet},
	ctSheet + "chartsheet+xml":                                {},
	ctSheet + "styles+xml":                                    {},
	ctSheet + "sharedStrings+xml":                             {},
	ctSheet + "calcChain+xml":                                 {},
	ctSheet + "table+xml":                                     {role: roleTable},
	ctSheet + "comments+xml":                                  {},
	ctSheet + "pivotTable+xml":                                {},
	ctSheet + "pivotCacheDefinition+xml":                      {},
	ctSheet + "pivotCacheRecords+xml":                         {},
	ctSheet + "sheetMetadata+xml":                             {},
	ctSheet + "revisionHeaders+xml":                           {},
	ctSheet + "revisionLog+xml":                               {},
	ctSheet + "userNames+xml":                                 {},
	ctSheet + "tableSingleCells+xml":                          {},
	"application/vnd.ms-excel.slicer+xml":                     {},
	"application/vnd.ms-excel.slicerCache+xml":                {},
	"application/vnd.ms-excel.person+xml":                     {},
	"application/vnd.ms-excel.threadedcomments+xml":           {},

	// PresentationML (§13).
	ctPres + "presentation.main+xml":                                   {role: roleGeneric, main: sanitize.TypePPTX},
	ctPres + "template.main+xml":                                       {role: roleGeneric, main: sanitize.TypePOTX},
	ctPres + "slideshow.main+xml":                                      {role: roleGeneric, main: sanitize.TypePPSX},
	"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": {role: roleGeneric, main: sanitize.TypePPTM},
	"application/vnd.ms-powerpoint.template.macroEnabled.main+xml":     {role: roleGeneric, main: sanitize.TypePOTM},
	"application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml":    {role: roleGeneric, main: sanitize.TypePPSM},
	ctPres + "slide+xml":                                               {role: roleSlide},
	ctPres + "slideLayout+xml":                                         {role: roleSlide},
	ctPres + "slideMaster+xml":                                         {role: roleSlide},
	ctPres + "notesSlide+xml":                                          {role: roleSlide},
	ctPres + "notesMaster+xml":                                         {role: roleSlide},
	ctPres + "handoutMaster+xml":                                       {role: roleSlide},
	ctPres + "presProps+xml":                                           {},
	ctPres + "viewProps+xml":                                           {},
	ctPres + "tableStyles+xml":                                         {},
	ctPres + "commentAuthors+xml":                                      {},
	ctPres + "comments+xml":                                            {},
	ctPres + "tags+xml":                                                {},
	"application/vnd.ms-powerpoint.comments+xml":                       {},
	"application/vnd.ms-powerpoint.authors+xml":                        {},

	// Pictures and media, checked by magic number and copied raw.
	"image/png":          {role: roleBinaryImage},
	"image/jpeg":         {role: roleBinaryImage},
	"image/jpg":          {role: roleBinaryImage},
	"image/gif":          {role: roleBinaryImage},
	"image/bmp":          {role: roleBinaryImage},
	"image/tiff":         {role: roleBinaryImage},
	"image/x-emf":        {role: roleBinaryImage},
	"image/emf":          {role: roleBinaryImage},
	"image/x-wmf":        {role: roleBinaryImage},
	"image/wmf":          {role: roleBinaryImage},
	"image/vnd.ms-photo": {role: roleBinaryImage},
	"video/mp4":          {role: roleBinaryMedia},
	"audio/mp4":          {role: roleBinaryMedia},
	"audio/mpeg":         {role: roleBinaryMedia},
	"audio/wav":          {role: roleBinaryMedia},
	"audio/x-wav":        {role: roleBinaryMedia},
}

// macroFree maps the content type of a macro-enabled main part to the main
// part type of its macro-free counterpart.
var macroFree = map[string]string{
	"application/vnd.ms-word.document.macroEnabled.main+xml":           ctWord + "document.main+xml",
	"application/vnd.ms-word.template.macroEnabledTemplate.main+xml":   ctWord + "template.main+xml",
	"application/vnd.ms-excel.sheet.macroEnabled.main+xml":             ctSheet + "sheet.main+xml",
	"application/vnd.ms-excel.template.macroEnabled.main+xml":          ctSheet + "template.main+xml",
	"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": ctPres + "presentation.main+xml",
	"application/vnd.ms-powerpoint.template.macroEnabled.main+xml":     ctPres + "template.main+xml",
	"application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml":    ctPres + "slideshow.main+xml",
}

// dangerousTypes names the removal kind of content types that are known
// active content, so that the report says what was removed rather than
// "unknown part".
var dangerousTypes = map[string]sanitize.RemovalKind{
	"application/vnd.ms-office.vbaProject":                    sanitize.RemovedVBAProject,
	"application/vnd.ms-office.vbaProjectSignature":           sanitize.RemovedVBAProject,
	"application/vnd.ms-office.vbaProjectSignatureAgile":      sanitize.RemovedVBAProject,
	"application/vnd.ms-office.vbaProjectSignatureV3":         sanitize.RemovedVBAProject,
	"application/vnd.ms-word.vbaData+xml":                     sanitize.RemovedVBAProject,
	"application/vnd.ms-word.keyMapCustomizations+xml":        sanitize.RemovedVBAProject,
	"application/vnd.ms-word.attachedToolbars":                sanitize.RemovedCustomUI,
	"application/vnd.ms-excel.macrosheet+xml":                 sanitize.RemovedXLMMacroSheet,
	"application/vnd.ms-excel.intlmacrosheet+xml":             sanitize.RemovedXLMMacroSheet,
	ctSheet + "dialogsheet+xml":                               sanitize.RemovedXLMMacroSheet,
	"application/vnd.ms-office.activeX+xml":                   sanitize.RemovedActiveX,
	"application/vnd.ms-office.activeX":                       sanitize.RemovedActiveX,
	"application/vnd.ms-excel.controlproperties+xml":          sanitize.RemovedActiveX,
	"application/vnd.openxmlformats-officedocument.oleObject": sanitize.RemovedOLEObject,
	"application/vnd.openxmlformats-officedocument.package":   sanitize.RemovedOLEObject,
	ctSheet + "externalLink+xml":                              sanitize.RemovedExternalRel,
	ctSheet + "connections+xml":                               sanitize.RemovedExternalData,
	ctSheet + "queryTable+xml":                                sanitize.RemovedExternalData,
	ctSheet + "volatileDependencies+xml":                      sanitize.RemovedExternalData,
	ctSheet + "printerSettings":                               sanitize.RemovedPrinterSettings,
	ctWord + "printerSettings":                                sanitize.RemovedPrinterSettings,
	ctPres + "printerSettings":                                sanitize.RemovedPrinterSettings,
}

// kindForRemovedPart names what a part that is not copied was, from its
// content type, the relationship types that pointed at it, and its folder.
// ok is false for parts that are neither known active content nor in an
// active folder: those are reported as unknown.
func kindForRemovedPart(name, ct string, relKind sanitize.RemovalKind) (sanitize.RemovalKind, bool) {
	if k, ok := dangerousTypes[ct]; ok {
		return k, true
	}
	if relKind != "" {
		return relKind, true
	}
	lower := strings.ToLower(name)
	switch {
	case strings.Contains(lower, "vbaproject"):
		return sanitize.RemovedVBAProject, true
	case strings.Contains(lower, "/activex/"):
		return sanitize.RemovedActiveX, true
	case strings.Contains(lower, "/embeddings/"):
		return sanitize.RemovedOLEObject, true
	case strings.HasPrefix(lower, "customui/"):
		return sanitize.RemovedCustomUI, true
	case strings.Contains(lower, "printersettings"):
		return sanitize.RemovedPrinterSettings, true
	}
	// Unknown parts carry nothing the clerk needs; the closest kind is an
	// embedded file (see the package report for the contract request).
	return sanitize.RemovedEmbeddedFile, false
}

// isXMLRole reports whether parts of role r are parsed as XML.
func isXMLRole(r role) bool {
	return r != roleBinaryImage && r != roleBinaryMedia && r != roleBinaryFont
}

// magicOK checks the first bytes of a binary part against its declared
// content type, so that an executable labelled image/png is not copied.
func magicOK(ct string, head []byte) bool {
	has := func(off int, m string) bool {
		return len(head) >= off+len(m) && string(head[off:off+len(m)]) == m
	}
	switch ct {
	case "image/png":
		return has(0, "\x89PNG\r\n\x1a\n")
	case "image/jpeg", "image/jpg":
		return has(0, "\xFF\xD8\xFF")
	case "image/gif":
		return has(0, "GIF87a") || has(0, "GIF89a")
	case "image/bmp":
		return has(0, "BM")
	case "image/tiff":
		return has(0, "II*\x00") || has(0, "MM\x00*")
	case "image/x-emf", "image/emf":
		return has(0, "\x01\x00\x00\x00") && has(40, " EMF")
	case "image/x-wmf", "image/wmf":
		return has(0, "\xD7\xCD\xC6\x9A") || has(0, "\x01\x00\x09\x00") || has(0, "\x02\x00\x09\x00")
	case "image/vnd.ms-photo":
		return has(0, "II\xBC")
	case "video/mp4", "audio/mp4":
		return has(4, "ftyp")
	case "audio/mpeg":
		return has(0, "ID3") || (len(head) > 1 && head[0] == 0xFF && head[1]&0xE0 == 0xE0)
	case "audio/wav", "audio/x-wav":
		return has(0, "RIFF") && has(8, "WAVE")
	case "application/vnd.openxmlformats-officedocument.obfuscatedFont":
		// ECMA-376 Part 1 §17.8.1 XORs only the first 32 bytes with the
		// font key, so the sfnt table directory behind them is plain:
		// table tags (four printable characters such as "cmap") at 44
		// and 60 tell a real font from a smuggled binary.
		return len(head) >= 64 && isTag(head[44:48]) && isTag(head[60:64])
	}
	return false
}

// headLen is how many leading bytes magicOK needs.
const headLen = 64

// isTag reports whether b is an OpenType table tag: printable ASCII
// (OpenType spec, "Tag" data type).
func isTag(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return true
}
