package ole

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/kakehashi/kakehashi/internal/testtool"
)

// The benign texts every fixture carries; they must survive conversion.
const (
	wordText  = "住民票の写しの交付について（令和6年度）"
	calcText  = "予算執行状況 第2四半期"
	slideText = "議会説明資料 架け橋"
)

const (
	nsOffice = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"`
	odfHead  = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
)

// Flat ODF documents (one XML file each) that LibreOffice turns into the
// legacy fixtures.
var flatODF = map[string]string{
	"benign.fodt": odfHead + `<office:document ` + nsOffice + ` office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text><text:p>` + wordText + `</text:p><text:p>second paragraph</text:p></office:text></office:body></office:document>`,
	"benign.fods": odfHead + `<office:document ` + nsOffice + ` office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>` +
		`<table:table table:name="Data"><table:table-row><table:table-cell office:value-type="string"><text:p>` + calcText + `</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="42"><text:p>42</text:p></table:table-cell></table:table-row></table:table>` +
		`<table:table table:name="Macro1"><table:table-row><table:table-cell office:value-type="string"><text:p>=HALT()</text:p></table:table-cell></table:table-row></table:table>` +
		`</office:spreadsheet></office:body></office:document>`,
	"benign.fodp": odfHead + `<office:document ` + nsOffice + ` office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation"><office:body><office:presentation><draw:page draw:name="p1"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>` + slideText + `</text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document>`,
}

// legacy holds the fixtures made once per test binary: LibreOffice runs
// are 1–3 s each, so every test shares them.
var legacy struct {
	once sync.Once
	dir  string
	err  error
}

// legacyFixtures converts the flat ODF documents to benign.doc, benign.xls
// and benign.ppt with LibreOffice (three runs, default settings) and
// returns their directory.
func legacyFixtures(t testing.TB) string {
	t.Helper()
	soffice := testtool.Require(t, "soffice", "libreoffice")
	legacy.once.Do(func() {
		dir, err := os.MkdirTemp("", "kakehashi-ole-fixtures-*")
		if err != nil {
			legacy.err = err
			return
		}
		legacy.dir = dir
		for name, body := range flatODF {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
				legacy.err = err
				return
			}
		}
		for src, to := range map[string]string{"benign.fodt": "doc", "benign.fods": "xls", "benign.fodp": "ppt"} {
			cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
				"--headless", "--norestore", "--nolockcheck", "--convert-to", to, "--outdir", dir, filepath.Join(dir, src))
			cmd.Env = append(os.Environ(), "HOME="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				legacy.err = &fixtureError{src, string(out), err}
				return
			}
		}
	})
	if legacy.err != nil {
		t.Fatalf("making legacy fixtures: %v", legacy.err)
	}
	return legacy.dir
}

type fixtureError struct {
	src, out string
	err      error
}

func (e *fixtureError) Error() string { return e.src + ": " + e.err.Error() + ": " + e.out }

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(legacyFixtures(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withMacroSheet turns the "Macro1" sheet of a LibreOffice .xls into an
// Excel 4.0 macro sheet by setting its BoundSheet8.dt byte to 1 (MS-XLS
// §2.4.28), in place in the compound file.
func withMacroSheet(t testing.TB, xls []byte) []byte {
	t.Helper()
	out := bytes.Clone(xls)
	// ShortXLUnicodeString "Macro1": cch=6, fHighByte=0.
	i := bytes.Index(out, []byte("\x06\x00Macro1"))
	if i < 10 || binary.LittleEndian.Uint16(out[i-10:]) != biffBoundSheet {
		t.Fatalf("no BoundSheet8 record for Macro1 in the fixture")
	}
	out[i-1] = sheetTypeMacro
	return out
}

// withFilePass renames the Macro1 BoundSheet8 record to FILEPASS: enough
// for inspection to see an encrypted workbook.
func withFilePass(t testing.TB, xls []byte) []byte {
	t.Helper()
	out := bytes.Clone(xls)
	i := bytes.Index(out, []byte("\x06\x00Macro1"))
	if i < 10 {
		t.Fatalf("no BoundSheet8 record for Macro1 in the fixture")
	}
	binary.LittleEndian.PutUint16(out[i-10:], biffFilePass)
	return out
}

// withWordEncrypted sets FibBase.fEncrypted in a .doc (MS-DOC §2.5.2).
func withWordEncrypted(t testing.TB, doc []byte) []byte {
	t.Helper()
	out := bytes.Clone(doc)
	// The WordDocument stream of a small file lives in the mini stream,
	// so the FIB is 64-byte aligned (MS-CFB §2.7).
	for i := 512; i+12 <= len(out); i += 64 {
		if binary.LittleEndian.Uint16(out[i:]) == 0xA5EC {
			out[i+11] |= 0x01
			return out
		}
	}
	t.Fatal("no FIB in the fixture")
	return nil
}

// withPPTEncryptedToken sets the CurrentUserAtom headerToken to the
// encrypted value (MS-PPT §2.3.2).
func withPPTEncryptedToken(t testing.TB, ppt []byte) []byte {
	t.Helper()
	out := bytes.Clone(ppt)
	i := bytes.Index(out, []byte{0x5F, 0xC0, 0x91, 0xE3})
	if i < 0 {
		t.Fatal("no CurrentUserAtom in the fixture")
	}
	binary.LittleEndian.PutUint32(out[i:], pptTokenEncrypted)
	return out
}

// withVBAStorages turns the \x05DocumentSummaryInformation stream of a
// .doc into a "Macros" storage holding an empty "VBA" storage (a free
// directory entry), keeping the tree links (MS-CFB §2.6). The VBA project is
// only a skeleton: there is no OLE writer to make a real one offline, and
// inspection goes by the storage names Word uses (MS-OVBA §2.2.1).
func withVBAStorages(t testing.TB, doc []byte) []byte {
	t.Helper()
	out := bytes.Clone(doc)
	entries := directoryOffsets(t, out)
	macros, vba := -1, -1
	for i, off := range entries {
		switch {
		case out[off+66] == 0 && vba < 0:
			vba = i
		case string(out[off:off+4]) == "\x05\x00D\x00":
			macros = i
		}
	}
	if macros < 0 || vba < 0 {
		t.Fatalf("no DocumentSummaryInformation or no free entry (%d, %d)", macros, vba)
	}
	const none = 0xFFFFFFFF
	e := out[entries[macros]:]
	left, right := binary.LittleEndian.Uint32(e[68:]), binary.LittleEndian.Uint32(e[72:])
	writeEntry(e, "Macros", 1, left, right, uint32(vba))
	writeEntry(out[entries[vba]:], "VBA", 1, none, none, none)
	return out
}

// directoryOffsets follows the directory sector chain of a version 3
// compound file (512-byte sectors, FAT in the header's first DIFAT slots)
// and returns the file offset of every directory entry.
func directoryOffsets(t testing.TB, b []byte) []int {
	t.Helper()
	fat := func(sect uint32) uint32 {
		perSector := uint32(128)
		fatSect := binary.LittleEndian.Uint32(b[76+4*(sect/perSector):])
		return binary.LittleEndian.Uint32(b[int(fatSect+1)*512+int(sect%perSector)*4:])
	}
	var offs []int
	for sect, n := binary.LittleEndian.Uint32(b[48:]), 0; sect < 0xFFFFFFFA && n < 100; sect, n = fat(sect), n+1 {
		for i := 0; i < 4; i++ {
			offs = append(offs, int(sect+1)*512+i*128)
		}
	}
	return offs
}

func writeEntry(e []byte, name string, typ byte, left, right, child uint32) {
	clear(e[:128])
	u := utf16.Encode([]rune(name))
	for i, c := range u {
		binary.LittleEndian.PutUint16(e[2*i:], c)
	}
	binary.LittleEndian.PutUint16(e[64:], uint16(2*len(u)+2))
	e[66], e[67] = typ, 1 // black
	binary.LittleEndian.PutUint32(e[68:], left)
	binary.LittleEndian.PutUint32(e[72:], right)
	binary.LittleEndian.PutUint32(e[76:], child)
	binary.LittleEndian.PutUint32(e[116:], 0xFFFFFFFE) // no sectors
}

// partText returns the text of every part of an OOXML zip whose name has
// prefix, with tags removed, so a run split by the writer still matches.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var updateSeeds = flag.Bool("update-seeds", false, "rewrite testdata/seeds from LibreOffice-made fixtures")

// TestMain removes the shared LibreOffice fixtures after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if legacy.dir != "" {
		os.RemoveAll(legacy.dir)
	}
	os.Exit(code)
}
