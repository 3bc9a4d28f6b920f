package sanitize

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
)

// headSize is how much of the input detection looks at for magic numbers.
// ISO 9660 puts its signature at 32769, so this covers it.
const headSize = 40 << 10

// Detect returns the type of in from its content. The declared name is used
// only where content cannot tell (a text file that claims to be a script,
// text vs CSV), never to accept what the content denies. Detection is a
// routing hint: the format's Sanitizer validates the file fully and rejects
// it if it is not what it seemed.
func Detect(in Input) Type {
	head := make([]byte, min(in.Size, headSize))
	n, _ := in.R.ReadAt(head, 0)
	head = head[:n]
	if t := detectBinary(head); t != "" {
		switch t {
		case TypeZIP:
			return detectZip(in)
		case TypeCFB:
			return detectCFB(in)
		}
		return t
	}
	return detectText(head, DeclaredExt(in.Name))
}

// detectBinary matches magic numbers at fixed offsets.
func detectBinary(h []byte) Type {
	has := func(off int, magic string) bool {
		return len(h) >= off+len(magic) && string(h[off:off+len(magic)]) == magic
	}
	switch {
	case has(0, "PK\x03\x04"), has(0, "PK\x05\x06"):
		return TypeZIP
	case has(0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		return TypeCFB
	case has(0, "\xFF\xD8\xFF"):
		return TypeJPEG
	case has(0, "\x89PNG\r\n\x1a\n"):
		return TypePNG
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return TypeGIF
	case has(0, "BM") && len(h) >= 26 && h[14] != 0 && h[15] == 0 && h[16] == 0 && h[17] == 0:
		// BITMAPINFOHEADER sizes are 12..124: a small little-endian number
		// at offset 14 keeps "BM" text files out.
		return TypeBMP
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return TypeTIFF
	case has(0, "RIFF") && has(8, "WEBP"):
		return TypeWEBP
	case has(0, "7z\xBC\xAF\x27\x1C"):
		return TypeSevenZip
	case has(0, "\x1F\x8B"):
		return TypeGZIP
	case has(257, "ustar"):
		return TypeTAR
	case has(0, "Rar!\x1A\x07"):
		return TypeRAR
	case has(0, "{\\rtf"):
		return TypeRTF
	case has(0, "MZ"):
		return TypeEXE
	case has(0, "\x7FELF"):
		return TypeELF
	case has(0, "\xFE\xED\xFA\xCE"), has(0, "\xFE\xED\xFA\xCF"), has(0, "\xCE\xFA\xED\xFE"), has(0, "\xCF\xFA\xED\xFE"), has(0, "\xCA\xFE\xBA\xBE"):
		return TypeMachO
	case has(0, "L\x00\x00\x00\x01\x14\x02\x00"):
		return TypeLNK
	case has(0, "MSCF"):
		return TypeCAB
	case has(0, "ITSF"):
		return TypeCHM
	case has(32769, "CD001"), has(34817, "CD001"), has(36865, "CD001"):
		return TypeISO
	case has(0, "dex\n"):
		return TypeAPK
	case has(0, "\x78\x9F\x3E\x22"):
		return TypeTNEF
	case has(0, "BZh") && len(h) > 3 && h[3] >= '1' && h[3] <= '9':
		return TypeBZIP2
	case has(0, "\xFD7zXZ\x00"):
		return TypeXZ
	case has(2, "-lh") && len(h) > 6 && h[6] == '-', has(2, "-lz") && len(h) > 6 && h[6] == '-':
		return TypeLZH
	case has(0, "\x60\xEA"):
		return TypeARJ
	case has(0, "070701"), has(0, "070702"), has(0, "070707"), has(0, "\xC7\x71"), has(0, "\x71\xC7"):
		return TypeCPIO
	case has(0, "SZDD\x88\xF0\x27\x33"):
		return TypeSZDD
	}
	// PDF readers accept the header anywhere in the first KiB, so must we:
	// otherwise junk before %PDF- smuggles a PDF past type checks.
	if i := bytes.Index(h[:min(len(h), 1024)], []byte("%PDF-")); i >= 0 {
		return TypePDF
	}
	return ""
}

// ooxmlMainTypes maps the content type of an OOXML package's main part to its
// Type; the key is matched as a substring of [Content_Types].xml, longest
// (most specific) first via ooxmlOrder.
var ooxmlMainTypes = map[string]Type{
	"application/vnd.ms-word.document.macroEnabled.main+xml":           TypeDOCM,
	"application/vnd.ms-word.template.macroEnabledTemplate.main+xml":   TypeDOTM,
	mimeOOXMLWord + "document.main+xml":                                TypeDOCX,
	mimeOOXMLWord + "template.main+xml":                                TypeDOTX,
	"application/vnd.ms-excel.sheet.macroEnabled.main+xml":             TypeXLSM,
	"application/vnd.ms-excel.template.macroEnabled.main+xml":          TypeXLTM,
	"application/vnd.ms-excel.sheet.binary.macroEnabled.main":          TypeXLSB,
	mimeOOXMLExcel + "sheet.main+xml":                                  TypeXLSX,
	mimeOOXMLExcel + "template.main+xml":                               TypeXLTX,
	"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": TypePPTM,
	"application/vnd.ms-powerpoint.template.macroEnabled.main+xml":     TypePOTM,
	"application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml":    TypePPSM,
	mimeOOXMLPPT + "presentation.main+xml":                             TypePPTX,
	mimeOOXMLPPT + "template.main+xml":                                 TypePOTX,
	mimeOOXMLPPT + "slideshow.main+xml":                                TypePPSX,
}

var odfMimeTypes = map[string]Type{
	"application/vnd.oasis.opendocument.text":         TypeODT,
	"application/vnd.oasis.opendocument.spreadsheet":  TypeODS,
	"application/vnd.oasis.opendocument.presentation": TypeODP,
	"application/vnd.oasis.opendocument.graphics":     TypeODG,
}

// detectZip tells OOXML, ODF, Java and Android packages from plain zips by
// their well-known members. A zip that cannot be opened stays TypeZIP and is
// rejected as malformed by the archive sanitizer, with its reason.
func detectZip(in Input) Type {
	zr, err := zip.NewReader(in.R, in.Size)
	if err != nil {
		return TypeZIP
	}
	byName := map[string]*zip.File{}
	for i, f := range zr.File {
		if i > 100000 {
			break
		}
		byName[f.Name] = f
	}
	if f := byName["[Content_Types].xml"]; f != nil {
		ct := readSmall(f, 1<<20)
		for _, key := range sortedKeysLongestFirst(ooxmlMainTypes) {
			if strings.Contains(ct, key) {
				return ooxmlMainTypes[key]
			}
		}
		return TypeZIP
	}
	if f := byName["mimetype"]; f != nil {
		mt := strings.TrimSpace(readSmall(f, 256))
		if t, ok := odfMimeTypes[mt]; ok {
			return t
		}
	}
	if byName["AndroidManifest.xml"] != nil || byName["classes.dex"] != nil {
		return TypeAPK
	}
	if byName["META-INF/MANIFEST.MF"] != nil {
		for name := range byName {
			if strings.HasSuffix(name, ".class") {
				return TypeJAR
			}
		}
	}
	return TypeZIP
}

func readSmall(f *zip.File, limit int64) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, limit))
	return string(b)
}

func sortedKeysLongestFirst(m map[string]Type) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Longest first, so "…template.macroEnabledTemplate.main+xml" wins over
	// shorter keys it contains; ties broken by name for determinism.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && (len(keys[j]) > len(keys[j-1]) || (len(keys[j]) == len(keys[j-1]) && keys[j] < keys[j-1])); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// detectCFB names the application of an OLE2 compound file from its root
// directory entries. Only the directory is read, not stream contents (mscfb
// has looped on corrupt mini-streams; directory reading is bounded).
func detectCFB(in Input) Type {
	doc, err := mscfb.New(in.R)
	if err != nil {
		return TypeCFB
	}
	seen := map[string]bool{}
	for i := 0; i < 100000; i++ {
		e, err := doc.Next()
		if err != nil || e == nil {
			break
		}
		if len(e.Path) == 0 {
			seen[e.Name] = true
		}
	}
	switch {
	case seen["EncryptionInfo"] && seen["EncryptedPackage"]:
		return TypeEncryptedOOXML
	case seen["WordDocument"]:
		return TypeDOC
	case seen["Workbook"], seen["Book"]:
		return TypeXLS
	case seen["PowerPoint Document"]:
		return TypePPT
	}
	for name := range seen {
		// MSI stores its tables under names encoded into the U+3800–U+4840
		// range; any such name marks an installer.
		for _, r := range name {
			if r >= 0x3800 && r <= 0x4840 {
				return TypeMSI
			}
		}
	}
	return TypeCFB
}

// scriptExts are extensions Windows runs or interprets: a text file that
// claims one of them is a script whatever it contains.
var scriptExts = map[string]bool{
	"js": true, "jse": true, "vbs": true, "vbe": true, "wsf": true, "wsh": true, "wsc": true,
	"bat": true, "cmd": true, "ps1": true, "psm1": true, "psd1": true, "sh": true, "bash": true,
	"py": true, "pl": true, "rb": true, "php": true, "hta": true, "url": true, "scf": true,
	"reg": true, "inf": true, "sct": true, "msc": true, "application": true, "appref-ms": true,
	"settingcontent-ms": true, "library-ms": true, "searchconnector-ms": true, "iqy": true, "slk": true,
}

// detectText classifies inputs with no binary magic: markup, scripts, text.
func detectText(head []byte, ext string) Type {
	if len(head) == 0 {
		return TypeTXT
	}
	body := head
	for _, bom := range [][]byte{{0xEF, 0xBB, 0xBF}, {0xFF, 0xFE}, {0xFE, 0xFF}} {
		body = bytes.TrimPrefix(body, bom)
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		if scriptExts[ext] {
			return TypeScript
		}
		return textKind(ext)
	}
	if !looksLikeText(body) {
		return TypeUnknown
	}
	lower := bytes.ToLower(bytes.TrimLeft(body[:min(len(body), 4096)], " \t\r\n"))
	switch {
	case bytes.HasPrefix(lower, []byte("#!")):
		return TypeScript
	case bytes.Contains(lower, []byte("<hta:application")):
		return TypeHTA
	case scriptExts[ext]:
		return TypeScript
	case isMail(body):
		return TypeEML
	case isEncodedBinary(body):
		return TypeEncoded
	case bytes.Contains(lower, []byte("<svg")) && (bytes.HasPrefix(lower, []byte("<svg")) || bytes.HasPrefix(lower, []byte("<?xml")) || bytes.HasPrefix(lower, []byte("<!--"))):
		return TypeSVG
	case bytes.HasPrefix(lower, []byte("<!doctype html")), bytes.HasPrefix(lower, []byte("<html")),
		bytes.HasPrefix(lower, []byte("<head")), bytes.HasPrefix(lower, []byte("<body")),
		bytes.HasPrefix(lower, []byte("<script")), bytes.HasPrefix(lower, []byte("<iframe")),
		bytes.HasPrefix(lower, []byte("<!--")) && bytes.Contains(lower, []byte("<html")):
		return TypeHTML
	case startsWithHTMLTag(lower):
		return TypeHTML
	case bytes.HasPrefix(lower, []byte("<?xml")):
		if bytes.Contains(lower, []byte("<html")) {
			return TypeHTML
		}
		return TypeXML
	}
	return textKind(ext)
}

// htmlTags are elements that mark a fragment as HTML when the file starts
// with one: browsers and mail clients render such fragments without
// <html>, so they must be sanitized as HTML, not passed as text.
var htmlTags = []string{"a", "abbr", "b", "base", "br", "div", "embed", "font", "form", "h1", "h2", "h3", "h4", "h5", "h6",
	"i", "img", "input", "link", "meta", "object", "p", "pre", "span", "style", "table", "title", "u", "ul", "ol"}

func startsWithHTMLTag(lower []byte) bool {
	if len(lower) < 2 || lower[0] != '<' {
		return false
	}
	for _, tag := range htmlTags {
		rest, ok := bytes.CutPrefix(lower[1:], []byte(tag))
		if ok && len(rest) > 0 && (rest[0] == '>' || rest[0] == ' ' || rest[0] == '/' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r') {
			return true
		}
	}
	return false
}

func textKind(ext string) Type {
	switch ext {
	case "csv":
		return TypeCSV
	case "tsv", "tab":
		return TypeTSV
	}
	return TypeTXT
}

// looksLikeText accepts UTF-8 and the Japanese legacy encodings (Shift_JIS,
// EUC-JP, ISO-2022-JP) by ruling out what none of them contains: NUL and most
// C0 controls. The text sanitizer decodes properly and rejects what fails.
func looksLikeText(b []byte) bool {
	// A multi-byte character may be cut at the end of head.
	if len(b) > 4 {
		b = b[:len(b)-4+trailingCut(b[len(b)-4:])]
	}
	bad := 0
	for _, c := range b {
		switch {
		case c == 0:
			return false
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B && c != 0x1A:
			bad++
		}
	}
	if bad*100 > len(b)+1 {
		return false
	}
	if utf8.Valid(b) {
		return true
	}
	// Shift_JIS and EUC-JP use bytes ≥ 0x80 that are not valid UTF-8; accept
	// them here and leave the real decoding to the text sanitizer.
	return true
}

func trailingCut(tail []byte) int {
	for i := len(tail) - 1; i >= 0; i-- {
		if tail[i] < 0x80 {
			return len(tail)
		}
		if tail[i] >= 0xC0 {
			return i
		}
	}
	return len(tail)
}

// mailHeaders are fields that open an RFC 5322 message or an mbox entry.
var mailHeaders = []string{"from:", "to:", "subject:", "received:", "return-path:", "mime-version:", "message-id:", "date:", "delivered-to:", "content-type:"}

// isMail reports whether text starts like a mail message: an mbox "From "
// line, or a block of at least three header fields of which two are
// well-known, before the first empty line.
func isMail(b []byte) bool {
	if bytes.HasPrefix(b, []byte("From ")) {
		return true
	}
	known, fields := 0, 0
	for _, line := range bytes.SplitN(b[:min(len(b), 8192)], []byte("\n"), 40) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue // folded header
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || bytes.ContainsAny(line[:colon], " \t") {
			return false
		}
		fields++
		name := strings.ToLower(string(line[:colon+1]))
		for _, h := range mailHeaders {
			if name == h {
				known++
			}
		}
	}
	return fields >= 3 && known >= 2
}

// isEncodedBinary finds uuencode ("begin 644 name" followed by an M line)
// and BinHex 4 markers.
func isEncodedBinary(b []byte) bool {
	if bytes.Contains(b, []byte("(This file must be converted with BinHex")) {
		return true
	}
	lines := bytes.Split(b, []byte("\n"))
	for i, line := range lines {
		line = bytes.TrimRight(line, "\r")
		if len(line) > 10 && bytes.HasPrefix(line, []byte("begin ")) &&
			line[6] >= '0' && line[6] <= '7' && line[7] >= '0' && line[7] <= '7' && line[8] >= '0' && line[8] <= '7' && line[9] == ' ' &&
			i+1 < len(lines) && bytes.HasPrefix(lines[i+1], []byte("M")) {
			return true
		}
	}
	return false
}
