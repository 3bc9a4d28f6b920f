package ooxml

// Namespace URIs matched by the filters. Each family lists the transitional
// name (ECMA-376) and the strict one (ISO/IEC 29500 strict, purl.oclc.org).
const (
	nsW    = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsWS   = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	nsX    = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsXS   = "http://purl.oclc.org/ooxml/spreadsheetml/main"
	nsP    = "http://schemas.openxmlformats.org/presentationml/2006/main"
	nsPS   = "http://purl.oclc.org/ooxml/presentationml/main"
	nsA    = "http://schemas.openxmlformats.org/drawingml/2006/main"
	nsAS   = "http://purl.oclc.org/ooxml/drawingml/main"
	nsR    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsRS   = "http://purl.oclc.org/ooxml/officeDocument/relationships"
	nsMC   = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	nsO    = "urn:schemas-microsoft-com:office:office"
	nsV    = "urn:schemas-microsoft-com:vml"
	nsXVML = "urn:schemas-microsoft-com:office:excel"
	nsCP   = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
	nsDC   = "http://purl.org/dc/elements/1.1/"
	nsApp  = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
)

// ns groups the spellings of one namespace.
type ns int

const (
	nsNone ns = iota
	nsWord
	nsSheet
	nsPres
	nsDrawing
	nsRel
	nsCompat
	nsOffice
	nsVML
	nsExcelVML
	nsCore
	nsDublin
	nsExtProps
)

var nsByURI = map[string]ns{
	nsW: nsWord, nsWS: nsWord, nsX: nsSheet, nsXS: nsSheet, nsP: nsPres, nsPS: nsPres,
	nsA: nsDrawing, nsAS: nsDrawing, nsR: nsRel, nsRS: nsRel, nsMC: nsCompat, nsO: nsOffice, nsV: nsVML,
	nsXVML: nsExcelVML, nsCP: nsCore, nsDC: nsDublin, nsApp: nsExtProps,
}
