package ole

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/richardlehane/mscfb"

	"github.com/kakehashi/kakehashi/sanitize"
)

// maxEntries bounds the directory entries of one compound file. Office files
// have tens to a few hundred; more is an attack on the reader.
const maxEntries = 1 << 16

// Findings is what inspection found in one compound file: the active content
// of the original, and what the conversion step needs to know.
type Findings struct {
	Type sanitize.Type
	// VBA lists the storages holding a VBA project ("Macros",
	// "_VBA_PROJECT_CUR", "PowerPoint Document: VBAInfoAtom").
	VBA []string
	// OLEObjects lists embedded or linked OLE objects by location.
	OLEObjects []string
	// ActiveX lists ActiveX controls (PowerPoint ExControl records).
	ActiveX []string
	// XLMSheets counts Excel 4.0 macro sheets (BoundSheet8 dt = 1).
	XLMSheets int
	// Encrypted is set when the application's own encryption is on; Why
	// names the marker (FIB fEncrypted, FILEPASS, …).
	Encrypted bool
	Why       string
	// WordFib is the FIB nFib of a Word file: below 0x00C1 it is Word 6/95.
	WordFib uint16
	// BIFF5 is set for Excel 5/95 workbooks (a "Book" stream).
	BIFF5 bool
	// LargestStream is the largest stream size the directory claims; it is
	// never more than the input size (inspection rejects such files).
	LargestStream int64

	encInfo, encPackage *mscfb.File // EncryptionInfo and EncryptedPackage of an encrypted OOXML package
}

// Inspect reads the directory of the compound file in and the few streams
// that tell its active content and encryption. It never reads more than the
// input size from any stream. Errors are *sanitize.Rejection.
func Inspect(in sanitize.Input) (f *Findings, err error) {
	// mscfb indexes slices from header fields; a corrupt file has made it
	// panic, and a panic must become a verdict, not a crash.
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, sanitize.Reject(sanitize.ReasonMalformed, "compound file: reader failed: %v", p)
		}
	}()
	doc, err := mscfb.New(io.NewSectionReader(in.R, 0, in.Size))
	if err != nil {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "compound file: %v", err)
	}
	w := walker{in: in, f: &Findings{}, roots: map[string]*mscfb.File{}, vba: map[string]bool{}}
	if err := w.directory(doc); err != nil {
		return nil, err
	}
	if err := w.streams(); err != nil {
		return nil, err
	}
	sort.Strings(w.f.OLEObjects)
	for root := range w.vba {
		w.f.VBA = append(w.f.VBA, root)
	}
	sort.Strings(w.f.VBA)
	return w.f, nil
}

type walker struct {
	in    sanitize.Input
	f     *Findings
	roots map[string]*mscfb.File // root-level entries by name
	vba   map[string]bool        // VBA project roots by path
}

// directory walks every entry once, recording VBA and OLE storages by name.
func (w *walker) directory(doc *mscfb.Reader) error {
	for n := 0; ; n++ {
		e, err := doc.Next()
		if errors.Is(err, io.EOF) || e == nil {
			return nil
		}
		if err != nil {
			return sanitize.Reject(sanitize.ReasonMalformed, "compound file directory: %v", err)
		}
		if n >= maxEntries {
			return sanitize.Reject(sanitize.ReasonTooManyMembers, "compound file has more than %d entries", maxEntries)
		}
		isDir := e.FileInfo().IsDir()
		if !isDir {
			if e.Size > w.in.Size {
				return sanitize.Reject(sanitize.ReasonMalformed, "stream %q claims %d bytes in a %d-byte file", cleanName(e.Name), e.Size, w.in.Size)
			}
			w.f.LargestStream = max(w.f.LargestStream, e.Size)
		}
		if len(e.Path) == 0 {
			w.roots[e.Name] = e
		}
		w.classify(e, isDir)
	}
}

// classify records one entry that marks a VBA project or an OLE object.
// Names are those of MS-OVBA §2.2 (project storage layout), MS-DOC §2.1
// (ObjectPool), MS-XLS §2.1.1 (MBD storages, _VBA_PROJECT_CUR) and
// MS-OLEDS §2.3.6 (\x01Ole10Native; mscfb drops the leading \x01).
func (w *walker) classify(e *mscfb.File, isDir bool) {
	parent := e.Path
	switch {
	case isDir && (e.Name == "Macros" || e.Name == "_VBA_PROJECT_CUR"):
		w.vba[location(append(clonePath(parent), e.Name))] = true
	case isDir && e.Name == "VBA":
		w.vba[projectRoot(parent)] = true
	case !isDir && (e.Name == "_VBA_PROJECT" || e.Name == "PROJECT" || e.Name == "PROJECTwm"):
		if len(parent) > 0 && parent[len(parent)-1] == "VBA" {
			parent = parent[:len(parent)-1]
		}
		w.vba[projectRoot(parent)] = true
	case isDir && len(parent) > 0 && parent[len(parent)-1] == "ObjectPool":
		w.f.OLEObjects = append(w.f.OLEObjects, location(append(clonePath(parent), e.Name)))
	case isDir && len(parent) == 0 && strings.HasPrefix(e.Name, "MBD"):
		w.f.OLEObjects = append(w.f.OLEObjects, location([]string{e.Name}))
	case !isDir && e.Initial == 1 && e.Name == "Ole10Native" && !insideObject(parent):
		w.f.OLEObjects = append(w.f.OLEObjects, location(append(clonePath(parent), "\x01Ole10Native")))
	}
}

// projectRoot names the storage that holds a VBA project; a project at the
// root of the file is called "VBA".
func projectRoot(path []string) string {
	if len(path) == 0 {
		return "VBA"
	}
	return location(path)
}

// insideObject reports whether path is inside an object already counted.
func insideObject(path []string) bool {
	for i, p := range path {
		if p == "ObjectPool" || (i == 0 && strings.HasPrefix(p, "MBD")) {
			return true
		}
	}
	return false
}

func clonePath(p []string) []string { return append([]string(nil), p...) }

// location joins a storage path for the report. Names come from the file:
// control characters are dropped and each element is cut to 64 runes.
func location(path []string) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = cleanName(p)
	}
	return strings.Join(parts, "/")
}

func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 64 {
		s = string(r[:64])
	}
	return s
}

// streams reads the application streams that tell the type, encryption and
// macro sheets.
func (w *walker) streams() error {
	r := w.roots
	switch {
	case r["EncryptionInfo"] != nil && r["EncryptedPackage"] != nil:
		w.f.Type = sanitize.TypeEncryptedOOXML
		w.f.encInfo, w.f.encPackage = r["EncryptionInfo"], r["EncryptedPackage"]
		return nil
	case r["WordDocument"] != nil:
		w.f.Type = sanitize.TypeDOC
		return w.word(r["WordDocument"])
	case r["Workbook"] != nil:
		w.f.Type = sanitize.TypeXLS
		return w.workbook(r["Workbook"], "Workbook")
	case r["Book"] != nil:
		w.f.Type, w.f.BIFF5 = sanitize.TypeXLS, true
		return w.workbook(r["Book"], "Book")
	case r["PowerPoint Document"] != nil:
		w.f.Type = sanitize.TypePPT
		return w.powerpoint(r["PowerPoint Document"], r["Current User"], r["EncryptedSummary"] != nil)
	}
	w.f.Type = sanitize.TypeCFB
	return nil
}

// open returns a bounded, buffered reader over one stream, from its start.
func open(e *mscfb.File) *bufio.Reader {
	if e.Size > 0 {
		// Rewind: a stream may have been read before (Findings is
		// reused); mscfb rejects seeks only past the end.
		_, _ = e.Seek(0, io.SeekStart)
	}
	return bufio.NewReaderSize(io.LimitReader(e, e.Size), 4096)
}

// streamError turns a read failure inside a stream into a rejection.
func streamError(name string, err error) error {
	if _, ok := sanitize.AsRejection(err); ok {
		return err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return sanitize.Reject(sanitize.ReasonMalformed, "%s stream is truncated", name)
	}
	return sanitize.Reject(sanitize.ReasonMalformed, "reading %s stream: %v", name, err)
}

// word reads the FibBase (MS-DOC §2.5.2): wIdent, nFib and the flag word
// whose bit 8 is fEncrypted (set for both RC4 and XOR obfuscation).
func (w *walker) word(e *mscfb.File) error {
	var fib [12]byte
	if _, err := io.ReadFull(open(e), fib[:]); err != nil {
		return streamError("WordDocument", err)
	}
	// 0xA5EC is Word 97 and later; 0xA5DC is Word 6.0/95, whose FIB
	// starts with the same fields.
	if ident := binary.LittleEndian.Uint16(fib[0:]); ident != 0xA5EC && ident != 0xA5DC {
		return sanitize.Reject(sanitize.ReasonMalformed, "WordDocument: FIB wIdent is %#04x, not a Word 6–2003 FIB", ident)
	}
	w.f.WordFib = binary.LittleEndian.Uint16(fib[2:])
	const fEncrypted = 0x0100
	if binary.LittleEndian.Uint16(fib[10:])&fEncrypted != 0 {
		w.f.Encrypted, w.f.Why = true, "Word FIB fEncrypted"
	}
	return nil
}

func (f *Findings) String() string {
	return fmt.Sprintf("%s vba=%v ole=%v activex=%v xlm=%d encrypted=%v(%s)", f.Type, f.VBA, f.OLEObjects, f.ActiveX, f.XLMSheets, f.Encrypted, f.Why)
}
