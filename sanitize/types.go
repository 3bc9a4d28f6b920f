package sanitize

import (
	"path"
	"strings"
)

// Type identifies a file format, as detected from content. Its string is the
// canonical lower-case extension without the dot, except where no single
// extension fits (TypeCFB, TypeUnknown, TypeScript).
type Type string

// Family groups the types one Sanitizer handles.
type Family string

const (
	FamilyOOXML      Family = "ooxml"
	FamilyODF        Family = "odf"
	FamilyPDF        Family = "pdf"
	FamilyImage      Family = "image"
	FamilyOLE        Family = "ole"
	FamilyRTF        Family = "rtf"
	FamilyText       Family = "text"
	FamilyArchive    Family = "archive"
	FamilyHTML       Family = "html"
	FamilyRejected   Family = "rejected" // never sanitized: executables, scripts, disk images, unknown
	familyUnassigned Family = ""
)

// The types Kakehashi knows. Macro-enabled OOXML types are sanitized into their
// macro-free counterparts (see TypeInfo.Output).
const (
	TypeDOCX Type = "docx"
	TypeDOCM Type = "docm"
	TypeDOTX Type = "dotx"
	TypeDOTM Type = "dotm"
	TypeXLSX Type = "xlsx"
	TypeXLSM Type = "xlsm"
	TypeXLTX Type = "xltx"
	TypeXLTM Type = "xltm"
	TypeXLSB Type = "xlsb"
	TypePPTX Type = "pptx"
	TypePPTM Type = "pptm"
	TypePOTX Type = "potx"
	TypePOTM Type = "potm"
	TypePPSX Type = "ppsx"
	TypePPSM Type = "ppsm"

	TypeODT Type = "odt"
	TypeODS Type = "ods"
	TypeODP Type = "odp"
	TypeODG Type = "odg"

	TypePDF Type = "pdf"

	TypeJPEG Type = "jpeg"
	TypePNG  Type = "png"
	TypeGIF  Type = "gif"
	TypeBMP  Type = "bmp"
	TypeTIFF Type = "tiff"
	TypeWEBP Type = "webp"

	// TypeCFB is an OLE2 compound file whose application was not recognised.
	TypeCFB Type = "cfb"
	TypeDOC Type = "doc"
	TypeXLS Type = "xls"
	TypePPT Type = "ppt"
	// TypeEncryptedOOXML is an OOXML package encrypted with a password
	// (MS-OFFCRYPTO): a CFB holding EncryptionInfo and EncryptedPackage.
	TypeEncryptedOOXML Type = "encrypted_ooxml"

	TypeRTF Type = "rtf"
	TypeTXT Type = "txt"
	TypeCSV Type = "csv"
	TypeTSV Type = "tsv"

	TypeZIP      Type = "zip"
	TypeTAR      Type = "tar"
	TypeGZIP     Type = "gz"
	TypeSevenZip Type = "7z"
	TypeRAR      Type = "rar"

	TypeHTML Type = "html"
	TypeSVG  Type = "svg"
	TypeXML  Type = "xml"

	TypeEXE    Type = "exe"
	TypeELF    Type = "elf"
	TypeMachO  Type = "macho"
	TypeScript Type = "script"
	TypeLNK    Type = "lnk"
	TypeHTA    Type = "hta"
	TypeISO    Type = "iso"
	TypeMSI    Type = "msi"
	TypeCAB    Type = "cab"
	TypeCHM    Type = "chm"
	TypeJAR    Type = "jar"
	TypeAPK    Type = "apk"
	// Mail messages belong to the mail gateway, which sanitizes them part
	// by part; as files they are refused.
	TypeEML Type = "eml"
	// TypeEncoded is text that wraps a binary (uuencode, BinHex): inert as
	// text, but a way to smuggle an executable past a text-only check.
	TypeEncoded Type = "encoded"
	TypeTNEF    Type = "tnef"
	TypeBZIP2   Type = "bz2"
	TypeXZ      Type = "xz"
	TypeLZH     Type = "lzh"
	TypeARJ     Type = "arj"
	TypeCPIO    Type = "cpio"
	TypeSZDD    Type = "szdd"
	TypeUnknown Type = "unknown"
)

// TypeInfo describes one Type.
type TypeInfo struct {
	Family Family
	// Exts lists the extensions a sender may legitimately use for this type,
	// the first being the one Kakehashi writes.
	Exts []string
	MIME string
	// Output is the type the sanitized file has when it differs from the
	// input (docm → docx): macros are removed, so the macro-enabled type
	// would be a lie that makes Office warn the clerk.
	Output Type
	// Label is a short human name (Japanese, English).
	LabelJA, LabelEN string
}

const (
	mimeOOXMLWord  = "application/vnd.openxmlformats-officedocument.wordprocessingml."
	mimeOOXMLExcel = "application/vnd.openxmlformats-officedocument.spreadsheetml."
	mimeOOXMLPPT   = "application/vnd.openxmlformats-officedocument.presentationml."
)

var typeTable = map[Type]TypeInfo{
	TypeDOCX: {FamilyOOXML, []string{"docx"}, mimeOOXMLWord + "document", "", "Word文書", "Word document"},
	TypeDOCM: {FamilyOOXML, []string{"docm"}, "application/vnd.ms-word.document.macroEnabled.12", TypeDOCX, "Word文書（マクロ有効）", "Word macro-enabled document"},
	TypeDOTX: {FamilyOOXML, []string{"dotx"}, mimeOOXMLWord + "template", "", "Wordテンプレート", "Word template"},
	TypeDOTM: {FamilyOOXML, []string{"dotm"}, "application/vnd.ms-word.template.macroEnabled.12", TypeDOTX, "Wordテンプレート（マクロ有効）", "Word macro-enabled template"},
	TypeXLSX: {FamilyOOXML, []string{"xlsx"}, mimeOOXMLExcel + "sheet", "", "Excelブック", "Excel workbook"},
	TypeXLSM: {FamilyOOXML, []string{"xlsm"}, "application/vnd.ms-excel.sheet.macroEnabled.12", TypeXLSX, "Excelブック（マクロ有効）", "Excel macro-enabled workbook"},
	TypeXLTX: {FamilyOOXML, []string{"xltx"}, mimeOOXMLExcel + "template", "", "Excelテンプレート", "Excel template"},
	TypeXLTM: {FamilyOOXML, []string{"xltm"}, "application/vnd.ms-excel.template.macroEnabled.12", TypeXLTX, "Excelテンプレート（マクロ有効）", "Excel macro-enabled template"},
	TypeXLSB: {FamilyRejected, []string{"xlsb"}, "application/vnd.ms-excel.sheet.binary.macroEnabled.12", "", "Excelバイナリブック", "Excel binary workbook"},
	TypePPTX: {FamilyOOXML, []string{"pptx"}, mimeOOXMLPPT + "presentation", "", "PowerPointプレゼンテーション", "PowerPoint presentation"},
	TypePPTM: {FamilyOOXML, []string{"pptm"}, "application/vnd.ms-powerpoint.presentation.macroEnabled.12", TypePPTX, "PowerPointプレゼンテーション（マクロ有効）", "PowerPoint macro-enabled presentation"},
	TypePOTX: {FamilyOOXML, []string{"potx"}, mimeOOXMLPPT + "template", "", "PowerPointテンプレート", "PowerPoint template"},
	TypePOTM: {FamilyOOXML, []string{"potm"}, "application/vnd.ms-powerpoint.template.macroEnabled.12", TypePOTX, "PowerPointテンプレート（マクロ有効）", "PowerPoint macro-enabled template"},
	TypePPSX: {FamilyOOXML, []string{"ppsx"}, mimeOOXMLPPT + "slideshow", "", "PowerPointスライドショー", "PowerPoint slide show"},
	TypePPSM: {FamilyOOXML, []string{"ppsm"}, "application/vnd.ms-powerpoint.slideshow.macroEnabled.12", TypePPSX, "PowerPointスライドショー（マクロ有効）", "PowerPoint macro-enabled slide show"},

	TypeODT: {FamilyODF, []string{"odt"}, "application/vnd.oasis.opendocument.text", "", "ODFテキスト", "ODF text"},
	TypeODS: {FamilyODF, []string{"ods"}, "application/vnd.oasis.opendocument.spreadsheet", "", "ODFスプレッドシート", "ODF spreadsheet"},
	TypeODP: {FamilyODF, []string{"odp"}, "application/vnd.oasis.opendocument.presentation", "", "ODFプレゼンテーション", "ODF presentation"},
	TypeODG: {FamilyODF, []string{"odg"}, "application/vnd.oasis.opendocument.graphics", "", "ODF図形描画", "ODF drawing"},

	TypePDF: {FamilyPDF, []string{"pdf"}, "application/pdf", "", "PDF", "PDF"},

	TypeJPEG: {FamilyImage, []string{"jpg", "jpeg", "jpe", "jfif"}, "image/jpeg", "", "JPEG画像", "JPEG image"},
	TypePNG:  {FamilyImage, []string{"png"}, "image/png", "", "PNG画像", "PNG image"},
	TypeGIF:  {FamilyImage, []string{"gif"}, "image/gif", "", "GIF画像", "GIF image"},
	TypeBMP:  {FamilyImage, []string{"bmp", "dib"}, "image/bmp", "", "BMP画像", "BMP image"},
	TypeTIFF: {FamilyImage, []string{"tif", "tiff"}, "image/tiff", "", "TIFF画像", "TIFF image"},
	TypeWEBP: {FamilyImage, []string{"webp"}, "image/webp", "", "WebP画像", "WebP image"},

	TypeCFB:            {FamilyRejected, nil, "application/x-ole-storage", "", "OLE複合ファイル", "OLE compound file"},
	TypeDOC:            {FamilyOLE, []string{"doc", "dot"}, "application/msword", TypeDOCX, "Word 97-2003文書", "Word 97-2003 document"},
	TypeXLS:            {FamilyOLE, []string{"xls", "xlt"}, "application/vnd.ms-excel", TypeXLSX, "Excel 97-2003ブック", "Excel 97-2003 workbook"},
	TypePPT:            {FamilyOLE, []string{"ppt", "pot", "pps"}, "application/vnd.ms-powerpoint", TypePPTX, "PowerPoint 97-2003プレゼンテーション", "PowerPoint 97-2003 presentation"},
	TypeEncryptedOOXML: {FamilyOLE, []string{"docx", "xlsx", "pptx", "docm", "xlsm", "pptm"}, "application/x-ole-storage", "", "暗号化Office文書", "encrypted Office document"},

	TypeRTF: {FamilyRTF, []string{"rtf"}, "application/rtf", "", "リッチテキスト", "Rich Text"},
	TypeTXT: {FamilyText, []string{"txt", "text", "log", "md"}, "text/plain; charset=utf-8", "", "テキスト", "plain text"},
	TypeCSV: {FamilyText, []string{"csv"}, "text/csv; charset=utf-8", "", "CSV", "CSV"},
	TypeTSV: {FamilyText, []string{"tsv", "tab"}, "text/tab-separated-values; charset=utf-8", "", "TSV", "TSV"},

	TypeZIP:      {FamilyArchive, []string{"zip"}, "application/zip", "", "ZIPアーカイブ", "ZIP archive"},
	TypeTAR:      {FamilyArchive, []string{"tar"}, "application/x-tar", TypeZIP, "tarアーカイブ", "tar archive"},
	TypeGZIP:     {FamilyArchive, []string{"gz", "tgz"}, "application/gzip", TypeZIP, "gzip圧縮ファイル", "gzip file"},
	TypeSevenZip: {FamilyArchive, []string{"7z"}, "application/x-7z-compressed", TypeZIP, "7-Zipアーカイブ", "7-Zip archive"},
	TypeRAR:      {FamilyArchive, []string{"rar"}, "application/vnd.rar", TypeZIP, "RARアーカイブ", "RAR archive"},

	TypeHTML: {FamilyHTML, []string{"html", "htm"}, "text/html; charset=utf-8", "", "HTML文書", "HTML document"},
	TypeSVG:  {FamilyHTML, []string{"svg"}, "image/svg+xml", "", "SVG画像", "SVG image"},
	TypeXML:  {FamilyRejected, []string{"xml"}, "application/xml", "", "XML文書", "XML document"},

	TypeEXE:     {FamilyRejected, []string{"exe", "dll", "scr", "com", "sys", "cpl", "ocx"}, "application/vnd.microsoft.portable-executable", "", "実行ファイル", "executable"},
	TypeELF:     {FamilyRejected, nil, "application/x-executable", "", "実行ファイル（ELF）", "executable (ELF)"},
	TypeMachO:   {FamilyRejected, nil, "application/x-mach-binary", "", "実行ファイル（Mach-O）", "executable (Mach-O)"},
	TypeScript:  {FamilyRejected, nil, "text/plain", "", "スクリプト", "script"},
	TypeLNK:     {FamilyRejected, []string{"lnk"}, "application/x-ms-shortcut", "", "ショートカット", "shortcut"},
	TypeHTA:     {FamilyRejected, []string{"hta"}, "application/hta", "", "HTMLアプリケーション", "HTML application"},
	TypeISO:     {FamilyRejected, []string{"iso", "img"}, "application/x-iso9660-image", "", "ディスクイメージ", "disk image"},
	TypeMSI:     {FamilyRejected, []string{"msi", "msp"}, "application/x-msi", "", "インストーラー", "installer"},
	TypeCAB:     {FamilyRejected, []string{"cab"}, "application/vnd.ms-cab-compressed", "", "CABアーカイブ", "cabinet archive"},
	TypeCHM:     {FamilyRejected, []string{"chm"}, "application/vnd.ms-htmlhelp", "", "HTMLヘルプ", "compiled HTML help"},
	TypeJAR:     {FamilyRejected, []string{"jar"}, "application/java-archive", "", "Javaアーカイブ", "Java archive"},
	TypeAPK:     {FamilyRejected, []string{"apk"}, "application/vnd.android.package-archive", "", "Androidアプリ", "Android package"},
	TypeEML:     {FamilyRejected, []string{"eml", "msg", "mbox"}, "message/rfc822", "", "メールファイル（メールゲートウェイで扱います）", "mail message (handled by the mail gateway)"},
	TypeEncoded: {FamilyRejected, []string{"uu", "uue", "hqx"}, "text/plain", "", "エンコードされたバイナリ（uuencode・BinHex）", "encoded binary (uuencode, BinHex)"},
	TypeTNEF:    {FamilyRejected, []string{"dat", "tnef"}, "application/vnd.ms-tnef", "", "Outlook添付（winmail.dat）", "Outlook TNEF attachment (winmail.dat)"},
	TypeBZIP2:   {FamilyRejected, []string{"bz2"}, "application/x-bzip2", "", "bzip2圧縮ファイル（未対応）", "bzip2 file (not supported)"},
	TypeXZ:      {FamilyRejected, []string{"xz"}, "application/x-xz", "", "xz圧縮ファイル（未対応）", "xz file (not supported)"},
	TypeLZH:     {FamilyRejected, []string{"lzh", "lha"}, "application/x-lzh-compressed", "", "LHA圧縮ファイル（未対応）", "LHA archive (not supported)"},
	TypeARJ:     {FamilyRejected, []string{"arj"}, "application/x-arj", "", "ARJ圧縮ファイル（未対応）", "ARJ archive (not supported)"},
	TypeCPIO:    {FamilyRejected, []string{"cpio"}, "application/x-cpio", "", "cpioアーカイブ（未対応）", "cpio archive (not supported)"},
	TypeSZDD:    {FamilyRejected, []string{"ex_", "dl_", "sz_"}, "application/x-ms-compress-szdd", "", "MS圧縮ファイル（未対応）", "MS-compressed file (not supported)"},
	TypeUnknown: {FamilyRejected, nil, "application/octet-stream", "", "不明な形式", "unknown format"},
}

// Info returns what Kakehashi knows about t; unknown types describe themselves
// as TypeUnknown.
func (t Type) Info() TypeInfo {
	if info, ok := typeTable[t]; ok {
		return info
	}
	return typeTable[TypeUnknown]
}

// Family returns the family of t.
func (t Type) Family() Family { return t.Info().Family }

// OutputType is the type of the sanitized file made from t.
func (t Type) OutputType() Type {
	if out := t.Info().Output; out != "" {
		return out
	}
	return t
}

// Ext is the extension (without dot) Kakehashi gives a file of type t, or ""
// when t has none.
func (t Type) Ext() string {
	if exts := t.Info().Exts; len(exts) > 0 {
		return exts[0]
	}
	return ""
}

// Label returns a short human name of t in lang ("ja" or "en").
func (t Type) Label(lang string) string {
	info := t.Info()
	if lang == "en" {
		return info.LabelEN
	}
	return info.LabelJA
}

// Known reports whether t is in the type table.
func (t Type) Known() bool { _, ok := typeTable[t]; return ok }

// AllTypes returns every known type, for documentation and policy checks.
func AllTypes() []Type {
	out := make([]Type, 0, len(typeTable))
	for t := range typeTable {
		out = append(out, t)
	}
	return out
}

// DeclaredExt returns the lower-case extension of a sender-supplied name,
// without the dot ("" when there is none). Only the last element counts, so
// "report.pdf.exe" declares "exe".
func DeclaredExt(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	ext := path.Ext(path.Base(name))
	return strings.ToLower(strings.TrimPrefix(ext, "."))
}

// ExtMatches reports whether ext is a legitimate extension for t.
func (t Type) ExtMatches(ext string) bool {
	for _, e := range t.Info().Exts {
		if e == ext {
			return true
		}
	}
	return false
}

// OutputName returns the name the sanitized file gets: the sender's base name
// with the extension of t's output type, replacing a wrong or macro-enabled
// extension ("invoice.pdf.exe" stays rejected elsewhere; "memo.docm" becomes
// "memo.docx"; "photo.png" holding a JPEG becomes "photo.jpg").
func OutputName(name string, t Type) string {
	name = strings.ReplaceAll(name, "\\", "/")
	base := path.Base(name)
	if base == "." || base == "/" {
		base = "file"
	}
	ext := t.OutputType().Ext()
	stem := strings.TrimSuffix(base, path.Ext(base))
	if e := strings.ToLower(path.Ext(base)); e == ".gz" || e == ".tgz" {
		// "x.tar.gz" becomes one zip, "x.zip", not "x.tar.zip". Keyed on
		// the name, not on t: the engine passes the output type.
		stem = strings.TrimSuffix(stem, ".tar")
		stem = strings.TrimSuffix(stem, ".TAR")
	}
	if stem == "" {
		stem = "file"
	}
	if ext == "" {
		return stem
	}
	return stem + "." + ext
}
