package archive

import (
	"archive/zip"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"sort"

	"github.com/kakehashi/kakehashi/sanitize"
)

// ZIP constants from APPNOTE.TXT 6.3.10.
const (
	flagEncrypted      = 0x1 // §4.4.4 bit 0
	flagDataDescriptor = 0x8 // §4.4.4 bit 3: sizes and CRC follow the data
	// §4.4.4 bit 6: PKWARE's patented strong encryption (§7), which no
	// free tool writes and this package does not decrypt.
	flagStrongEncryption = 0x40
	methodAES            = 99 // WinZip AES (AE-1/AE-2)
	creatorUnix          = 3  // §4.4.2 "version made by" upper byte
	// FILE_ATTRIBUTE_REPARSE_POINT in the MS-DOS attributes: a Windows
	// symbolic link or junction.
	dosReparsePoint = 0x400
	unixTypeMask    = 0xF000 // S_IFMT in the upper 16 bits of the external attributes
	unixSymlink     = 0xA000
	unicodePathID   = 0x7075 // Info-ZIP Unicode Path extra field
)

// methodNames makes rejection details readable for the methods that do
// occur in the wild but that this package does not decode.
var methodNames = map[uint16]string{1: "Shrink", 6: "Implode", 9: "Deflate64", 12: "BZIP2", 14: "LZMA", 93: "Zstandard", 95: "XZ", 98: "PPMd"}

// sanitizeZip checks the whole central directory before reading any member
// data, then sanitizes the members in order.
func sanitizeZip(p *packer, in sanitize.Input) error {
	zr, err := zip.NewReader(in.R, in.Size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return sanitize.Reject(sanitize.ReasonMalformed, "opening zip: %v", err)
	}
	// ErrInsecurePath (GODEBUG=zipinsecurepath=0) still returns the
	// reader; cleanName below judges every name itself.
	members := make([]*member, 0, min(len(zr.File), 1024))
	for _, f := range zr.File {
		m := zipMember(f, p.env.Password)
		if err := p.check(m); err != nil {
			return err
		}
		members = append(members, m)
	}
	if err := checkOverlap(zr.File); err != nil {
		return err
	}
	for _, m := range members {
		if err := p.process(m); err != nil {
			return err
		}
	}
	return nil
}

func zipMember(f *zip.File, password string) *member {
	m := &member{
		raw:       zipName(f),
		dir:       f.Mode().IsDir(),
		link:      isZipLink(f),
		size:      int64(min(f.UncompressedSize64, 1<<62)),
		packed:    int64(min(f.CompressedSize64, 1<<62)),
		modified:  f.Modified,
		encrypted: f.Flags&flagEncrypted != 0,
	}
	if m.encrypted && f.Method == methodAES {
		// The sizes include the salt, verifier and authentication code;
		// close enough for a ratio.
		if _, err := parseAESExtra(f.Extra); err != nil {
			m.unreadable = err
		}
	}
	if f.Flags&flagStrongEncryption != 0 {
		m.unreadable = sanitize.Reject(sanitize.ReasonUnsupported, "PKWARE strong encryption is not supported")
	}
	if method := dataMethod(f); method != zip.Store && method != zip.Deflate {
		name := methodNames[method]
		if name == "" {
			name = "unknown"
		}
		m.unreadable = sanitize.Reject(sanitize.ReasonUnsupported, "compression method %d (%s) is not supported; re-pack the archive with Deflate", method, name)
	}
	m.open = func() (io.ReadCloser, error) { return openZipMember(f, password) }
	return m
}

// zipName decodes a member name: the Info-ZIP Unicode Path extra field
// (0x7075, APPNOTE.TXT §4.6.9) when present and still matching the header
// name, else the name bytes by the UTF-8 flag or as CP932.
func zipName(f *zip.File) string {
	extra := f.Extra
	for len(extra) >= 4 {
		id, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		extra = extra[4:]
		if size > len(extra) {
			break
		}
		field := extra[:size]
		extra = extra[size:]
		// Version 1, then the CRC-32 of the header name: a tool that
		// renamed the member without updating the field is caught here.
		if id == unicodePathID && size > 5 && field[0] == 1 &&
			binary.LittleEndian.Uint32(field[1:]) == crc32.ChecksumIEEE([]byte(f.Name)) {
			return decodeName(string(field[5:]), true)
		}
	}
	return decodeName(f.Name, f.Flags&utf8NameFlag != 0)
}

// isZipLink finds symbolic links the way extractors do: Unix mode bits
// from a Unix creator, or the reparse-point attribute from Windows.
func isZipLink(f *zip.File) bool {
	if f.Mode()&fs.ModeSymlink != 0 {
		return true
	}
	if f.CreatorVersion>>8 == creatorUnix && (f.ExternalAttrs>>16)&unixTypeMask == unixSymlink {
		return true
	}
	return f.ExternalAttrs&dosReparsePoint != 0
}

// dataMethod is the compression method of the member's plaintext: for AES
// members it is stored in the 0x9901 extra field.
func dataMethod(f *zip.File) uint16 {
	if f.Method == methodAES {
		if ae, err := parseAESExtra(f.Extra); err == nil {
			return ae.method
		}
	}
	return f.Method
}

// checkOverlap rejects members whose data overlaps another's: that is how
// a non-recursive zip bomb (D. Fifield, "A better zip bomb", 2019) makes a
// few kilobytes expand to gigabytes, each entry re-reading the same kernel.
// No legitimate writer shares data between entries.
func checkOverlap(files []*zip.File) error {
	type span struct{ start, end int64 }
	spans := make([]span, 0, len(files))
	for _, f := range files {
		if f.CompressedSize64 == 0 {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			return sanitize.Reject(sanitize.ReasonMalformed, "zip member %q: %v", clip(f.Name), err)
		}
		spans = append(spans, span{off, off + int64(min(f.CompressedSize64, 1<<62))})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return sanitize.Reject(sanitize.ReasonCompressionBomb, "zip members share compressed data (overlapping entries)")
		}
	}
	return nil
}

// openZipMember returns the member's plaintext: raw bytes, decrypted when
// encrypted, inflated, and checked against the declared size and CRC-32.
func openZipMember(f *zip.File, password string) (io.ReadCloser, error) {
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, err
	}
	var (
		data     io.Reader = raw
		checkCRC           = true
	)
	if f.Flags&flagEncrypted != 0 {
		if f.Method == methodAES {
			ae, err := parseAESExtra(f.Extra)
			if err != nil {
				return nil, err
			}
			if data, err = newAESReader(raw, f.CompressedSize64, ae, passwordCandidates(password)); err != nil {
				return nil, err
			}
			// AE-2 zeroes the CRC: the authentication code protects
			// the data instead (WinZip AES specification, "CRC value").
			checkCRC = ae.version == 1
		} else if data, err = newZipCryptoReader(raw, f, passwordCandidates(password)); err != nil {
			return nil, err
		}
	}
	var rc io.ReadCloser = io.NopCloser(data)
	if dataMethod(f) == zip.Deflate {
		rc = flate.NewReader(data)
	}
	return &checkedReader{rc: rc, tail: data, crc: crc32.NewIEEE(), want: f.CRC32, checkCRC: checkCRC}, nil
}

// checkedReader verifies the CRC-32 at the end of the member and drains
// the stream below the decompressor, so that an AES authentication code
// after the last deflate block is read and verified too.
type checkedReader struct {
	rc       io.ReadCloser
	tail     io.Reader
	crc      hash.Hash32
	want     uint32
	checkCRC bool
}

var errCRC = errors.New("CRC-32 mismatch")

func (c *checkedReader) Read(b []byte) (int, error) {
	n, err := c.rc.Read(b)
	c.crc.Write(b[:n])
	if err == io.EOF {
		if _, derr := io.Copy(io.Discard, c.tail); derr != nil {
			return n, derr
		}
		if c.checkCRC && c.crc.Sum32() != c.want {
			return n, errCRC
		}
	}
	return n, err
}

func (c *checkedReader) Close() error { return c.rc.Close() }
