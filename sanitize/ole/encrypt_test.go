package ole

import (
	"archive/zip"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

// No tool on Debian encrypts OOXML (msoffcrypto-tool 5.0 only decrypts,
// LibreOffice 7.4 ignores the password filter option of --convert-to), so the
// tests encrypt their own workbook here, as Office does (MS-OFFCRYPTO §2.3.4.10
// agile encryption, AES-256, SHA-512), and TestAgileFixtureOpensInMsoffcrypto
// proves the result with msoffcrypto-tool, an independent implementation.
const agilePassword = "Kakehashi-2026"

var agileOnce = sync.OnceValues(func() ([]byte, []byte) {
	plain := plainWorkbook()
	return encryptAgile(plain, agilePassword), plain
})

// agileEncrypted returns the encrypted workbook; agilePlain the package in it.
func agileEncrypted(tb testing.TB) []byte { tb.Helper(); enc, _ := agileOnce(); return enc }
func agilePlain(tb testing.TB) []byte     { tb.Helper(); _, p := agileOnce(); return p }

// plainWorkbook is a small valid xlsx, stored uncompressed so the encrypted
// package exceeds the 4096-byte mini-stream cutoff (the test CFB writer has
// no mini stream).
func plainWorkbook() []byte {
	var rows strings.Builder
	for i := 1; i <= 120; i++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>予算 %d</t></is></c><c r="B%d"><v>%d</v></c></row>`, i, i, i, i, i*1000)
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="予算" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows.String() + `</sheetData></worksheet>`},
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Store})
		if err != nil {
			panic(err)
		}
		w.Write([]byte(p.body))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Block keys of MS-OFFCRYPTO §2.3.4.11–14.
var (
	bkVerifierInput = []byte{0xfe, 0xa7, 0xd2, 0x76, 0x3b, 0x4b, 0x9e, 0x79}
	bkVerifierHash  = []byte{0xd7, 0xaa, 0x0f, 0x6d, 0x30, 0x61, 0x34, 0x4e}
	bkKeyValue      = []byte{0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0, 0xd6}
	bkHMACKey       = []byte{0x5f, 0xb2, 0xad, 0x01, 0x0c, 0xb9, 0xe1, 0xf6}
	bkHMACValue     = []byte{0xa0, 0x67, 0x7f, 0x02, 0xb2, 0x2c, 0x84, 0x33}
)

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func sum512(parts ...[]byte) []byte {
	h := sha512.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// passwordKey derives the key for one block key (§2.3.4.11).
func passwordKey(password string, salt []byte, spin int, block []byte) []byte {
	var pw []byte
	for _, r := range password {
		pw = binary.LittleEndian.AppendUint16(pw, uint16(r))
	}
	h := sum512(salt, pw)
	for i := 0; i < spin; i++ {
		h = sum512(binary.LittleEndian.AppendUint32(nil, uint32(i)), h)
	}
	return sum512(h, block)[:32]
}

func cbc(key, iv, data []byte) []byte {
	c, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	padded := append(bytes.Clone(data), make([]byte, (16-len(data)%16)%16)...)
	out := make([]byte, len(padded))
	cipher.NewCBCEncrypter(c, iv[:16]).CryptBlocks(out, padded)
	return out
}

func encryptAgile(plain []byte, password string) []byte {
	const spin = 100000
	keySalt, pwSalt, secret := random(16), random(16), random(32)
	verifier := random(16)

	pkg := binary.LittleEndian.AppendUint64(nil, uint64(len(plain)))
	for i := 0; i*4096 < len(plain); i++ {
		seg := plain[i*4096 : min(len(plain), (i+1)*4096)]
		pkg = append(pkg, cbc(secret, sum512(keySalt, binary.LittleEndian.AppendUint32(nil, uint32(i))), seg)...)
	}
	hmacKey := random(64)
	mac := hmac.New(sha512.New, hmacKey)
	mac.Write(pkg)

	b64 := base64.StdEncoding.EncodeToString
	attrs := `saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"`
	xmlDesc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
		`<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">` +
		`<keyData ` + attrs + ` saltValue="` + b64(keySalt) + `"/>` +
		`<dataIntegrity encryptedHmacKey="` + b64(cbc(secret, sum512(keySalt, bkHMACKey), hmacKey)) +
		`" encryptedHmacValue="` + b64(cbc(secret, sum512(keySalt, bkHMACValue), mac.Sum(nil))) + `"/>` +
		`<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password"><p:encryptedKey spinCount="100000" ` + attrs +
		` saltValue="` + b64(pwSalt) +
		`" encryptedVerifierHashInput="` + b64(cbc(passwordKey(password, pwSalt, spin, bkVerifierInput), pwSalt, verifier)) +
		`" encryptedVerifierHashValue="` + b64(cbc(passwordKey(password, pwSalt, spin, bkVerifierHash), pwSalt, sum512(verifier))) +
		`" encryptedKeyValue="` + b64(cbc(passwordKey(password, pwSalt, spin, bkKeyValue), pwSalt, secret)) +
		`"/></keyEncryptor></keyEncryptors></encryption>`
	// Whitespace after the root keeps the stream above the mini-stream
	// cutoff, so the compound file needs no mini stream.
	if len(xmlDesc) < 4200 {
		xmlDesc += strings.Repeat(" ", 4200-len(xmlDesc))
	}
	info := append([]byte{4, 0, 4, 0, 0x40, 0, 0, 0}, xmlDesc...)
	return compoundFile([]cfbStream{{"EncryptionInfo", info}, {"EncryptedPackage", pkg}})
}

type cfbStream struct {
	name string
	data []byte // at least 4096 bytes: no mini stream
}

// compoundFile writes a version 3 compound file (MS-CFB) holding two streams
// in the root storage: header, FAT sectors, one directory sector, then the
// streams, each in a contiguous chain.
func compoundFile(streams []cfbStream) []byte {
	const (
		sector     = 512
		endOfChain = 0xFFFFFFFE
		freeSect   = 0xFFFFFFFF
		fatSect    = 0xFFFFFFFD
		noStream   = 0xFFFFFFFF
	)
	sectors := func(n int) int { return (n + sector - 1) / sector }
	dataSectors := 1 // the directory
	for _, s := range streams {
		dataSectors += sectors(len(s.data))
	}
	nFAT := 1
	for nFAT*128 < nFAT+dataSectors {
		nFAT++
	}
	fat := make([]uint32, nFAT*128)
	for i := range fat {
		fat[i] = freeSect
	}
	for i := 0; i < nFAT; i++ {
		fat[i] = fatSect
	}
	dirSector := nFAT
	fat[dirSector] = endOfChain
	starts := make([]int, len(streams))
	next := dirSector + 1
	for i, s := range streams {
		starts[i] = next
		n := sectors(len(s.data))
		for j := 0; j < n; j++ {
			fat[next+j] = uint32(next + j + 1)
		}
		fat[next+n-1] = endOfChain
		next += n
	}

	le := binary.LittleEndian
	hdr := make([]byte, sector)
	copy(hdr, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
	le.PutUint16(hdr[24:], 0x003E)
	le.PutUint16(hdr[26:], 3)
	le.PutUint16(hdr[28:], 0xFFFE)
	le.PutUint16(hdr[30:], 9)
	le.PutUint16(hdr[32:], 6)
	le.PutUint32(hdr[44:], uint32(nFAT))
	le.PutUint32(hdr[48:], uint32(dirSector))
	le.PutUint32(hdr[56:], 4096)
	le.PutUint32(hdr[60:], endOfChain)
	le.PutUint32(hdr[68:], endOfChain)
	for i := 0; i < 109; i++ {
		v := uint32(freeSect)
		if i < nFAT {
			v = uint32(i)
		}
		le.PutUint32(hdr[76+4*i:], v)
	}

	entry := func(name string, typ byte, left, right, child uint32, start int, size int) []byte {
		e := make([]byte, 128)
		u := []uint16{}
		for _, r := range name {
			u = append(u, uint16(r))
		}
		for i, c := range u {
			le.PutUint16(e[2*i:], c)
		}
		if name != "" {
			le.PutUint16(e[64:], uint16(2*len(u)+2))
		}
		e[66], e[67] = typ, 1 // black
		le.PutUint32(e[68:], left)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], uint32(start))
		le.PutUint64(e[120:], uint64(size))
		return e
	}
	// Siblings are ordered by name length, then by upper-cased name
	// (MS-CFB §2.6.4): "EncryptionInfo" (14) < "EncryptedPackage" (16).
	dir := entry("Root Entry", 5, noStream, noStream, 1, endOfChain, 0)
	dir = append(dir, entry(streams[0].name, 2, noStream, 2, noStream, starts[0], len(streams[0].data))...)
	dir = append(dir, entry(streams[1].name, 2, noStream, noStream, noStream, starts[1], len(streams[1].data))...)
	dir = append(dir, entry("", 0, noStream, noStream, noStream, 0, 0)...)

	out := bytes.NewBuffer(hdr)
	for _, v := range fat {
		binary.Write(out, le, v)
	}
	out.Write(dir)
	for _, s := range streams {
		out.Write(s.data)
		out.Write(make([]byte, sectors(len(s.data))*sector-len(s.data)))
	}
	return out.Bytes()
}

// TestAgileFixtureOpensInMsoffcrypto checks the test encryptor against an
// independent implementation: msoffcrypto-tool must recover the workbook.
func TestAgileFixtureOpensInMsoffcrypto(t *testing.T) {
	tool := testtool.Require(t, "msoffcrypto-tool", "python3-msoffcrypto-tool")
	dir := t.TempDir()
	enc := filepath.Join(dir, "enc.xlsx")
	if err := os.WriteFile(enc, agileEncrypted(t), 0o644); err != nil {
		t.Fatal(err)
	}
	dec := filepath.Join(dir, "dec.xlsx")
	if out, err := exec.Command(tool, "-p", agilePassword, enc, dec).CombinedOutput(); err != nil {
		t.Fatalf("msoffcrypto-tool cannot decrypt the fixture: %v: %s", err, out)
	}
	got, err := os.ReadFile(dec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, agilePlain(t)) {
		t.Fatalf("msoffcrypto-tool recovered %d bytes, want the %d-byte workbook", len(got), len(agilePlain(t)))
	}
	if out, _ := exec.Command(tool, "-p", "wrong", enc, filepath.Join(dir, "x")).CombinedOutput(); !bytes.Contains(bytes.ToLower(out), []byte("password")) && !bytes.Contains(bytes.ToLower(out), []byte("key")) {
		t.Logf("msoffcrypto-tool with a wrong password said: %s", out)
	}
}

var _ = sanitize.TypeEncryptedOOXML
