package archive

import (
	"archive/zip"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"golang.org/x/text/encoding/japanese"
)

// Traditional PKWARE encryption ("ZipCrypto"), APPNOTE.TXT §6.1. It is weak
// (known-plaintext attacks), but it is what PPAP mails carry, so the gateway
// must open it when the clerk supplies the password.

// zipCryptoHeaderLen is the encryption header before each member's data
// (§6.1.6): 11 random bytes and one check byte.
const zipCryptoHeaderLen = 12

var errWrongPassword = errors.New("password check value does not match")

// zipCryptoKeys are the three 32-bit keys of §6.1.5.
type zipCryptoKeys [3]uint32

func newZipCryptoKeys(password []byte) *zipCryptoKeys {
	k := &zipCryptoKeys{0x12345678, 0x23456789, 0x34567890}
	for _, b := range password {
		k.update(b)
	}
	return k
}

// crc32Byte is the CRC-32 step §6.1.5 calls crc32(old, char).
func crc32Byte(crc uint32, b byte) uint32 {
	return crc32.IEEETable[byte(crc)^b] ^ (crc >> 8)
}

func (k *zipCryptoKeys) update(b byte) {
	k[0] = crc32Byte(k[0], b)
	k[1] = (k[1]+k[0]&0xFF)*134775813 + 1
	k[2] = crc32Byte(k[2], byte(k[1]>>24))
}

// decrypt returns the plaintext byte of c (§6.1.7 decrypt_byte, then
// update_keys with the plaintext).
func (k *zipCryptoKeys) decrypt(c byte) byte {
	t := uint32(uint16(k[2] | 2))
	p := c ^ byte((t*(t^1))>>8)
	k.update(p)
	return p
}

type zipCryptoReader struct {
	r    io.Reader
	keys *zipCryptoKeys
}

func (z *zipCryptoReader) Read(b []byte) (int, error) {
	n, err := z.r.Read(b)
	for i := range b[:n] {
		b[i] = z.keys.decrypt(b[i])
	}
	return n, err
}

// newZipCryptoReader reads the encryption header and returns a reader of
// the member's compressed data, decrypted with the first candidate password
// whose check byte matches. The check byte is one byte of the CRC-32, or,
// with a data descriptor (bit 3), of the DOS time (§6.1.6; Info-ZIP writes
// the time): so one wrong password in 256 passes here and is caught by the
// CRC-32 at the end.
func newZipCryptoReader(raw io.Reader, f *zip.File, candidates [][]byte) (io.Reader, error) {
	var hdr [zipCryptoHeaderLen]byte
	if _, err := io.ReadFull(raw, hdr[:]); err != nil {
		return nil, fmt.Errorf("reading encryption header: %w", err)
	}
	for _, pw := range candidates {
		keys := newZipCryptoKeys(pw)
		var last byte
		for _, c := range hdr {
			last = keys.decrypt(c)
		}
		crcCheck := byte(f.CRC32 >> 24)
		timeCheck := byte(f.ModifiedTime >> 8)
		if last == crcCheck || (f.Flags&flagDataDescriptor != 0 && last == timeCheck) {
			return &zipCryptoReader{r: raw, keys: keys}, nil
		}
	}
	return nil, errWrongPassword
}

// passwordCandidates is the password as UTF-8 (7-Zip, macOS, WinZip AES)
// and, when it differs, as CP932, which Japanese Windows uses for
// ZipCrypto passwords typed with non-ASCII characters.
func passwordCandidates(password string) [][]byte {
	out := [][]byte{[]byte(password)}
	if sj, err := japanese.ShiftJIS.NewEncoder().String(password); err == nil && sj != password {
		out = append(out, []byte(sj))
	}
	return out
}
