package ole

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"hash"
	"io"
	"strconv"
	"unicode/utf16"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/safexml"
)

// Agile encryption, MS-OFFCRYPTO §2.3.4.10–§2.3.4.15. Only what a password
// needs is implemented: the password key encryptor, AES in CBC mode and the
// SHA-1/SHA-2 hashes Office writes. Certificate key encryptors are not
// supported. The dataIntegrity HMAC (§2.3.4.14) is checked when present, so a
// package altered after encryption is refused rather than sanitized.

const (
	nsEncryption = "http://schemas.microsoft.com/office/2006/encryption"
	nsPassword   = "http://schemas.microsoft.com/office/2006/keyEncryptor/password"
	// maxSpinCount is the largest spinCount the schema allows
	// (MS-OFFCRYPTO §2.3.4.10, ST_SpinCount); it also bounds the CPU a
	// hostile EncryptionInfo can demand.
	maxSpinCount = 10_000_000
	// segmentSize is the EncryptedPackage segment length (§2.3.4.15).
	segmentSize = 4096
)

// Block keys of §2.3.4.13 (password verifier and key) and §2.3.4.15.
var (
	blockVerifierInput = []byte{0xfe, 0xa7, 0xd2, 0x76, 0x3b, 0x4b, 0x9e, 0x79}
	blockVerifierValue = []byte{0xd7, 0xaa, 0x0f, 0x6d, 0x30, 0x61, 0x34, 0x4e}
	blockKeyValue      = []byte{0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0, 0xd6}
	blockHmacKey       = []byte{0x5f, 0xb2, 0xad, 0x01, 0x0c, 0xb9, 0xe1, 0xf6}
	blockHmacValue     = []byte{0xa0, 0x67, 0x7f, 0x02, 0xb2, 0x2c, 0x84, 0x33}
)

// cipherParams are the attributes shared by keyData and encryptedKey
// (CT_KeyData, CT_PasswordKeyEncryptor).
type cipherParams struct {
	salt      []byte
	saltSize  int
	blockSize int
	keyBits   int
	hashSize  int
	newHash   func() hash.Hash
	spinCount int
	// Password key encryptor only.
	verifierInput, verifierValue, keyValue []byte
}

// agileKeys are the parsed XML descriptor of an agile EncryptionInfo.
type agileKeys struct {
	keyData  cipherParams
	password cipherParams
	// encrypted HMAC key and value of dataIntegrity; nil when absent.
	hmacKey, hmacValue []byte
}

// parseAgile reads the XML that follows the 8-byte version and reserved
// fields of an agile EncryptionInfo stream (§2.3.4.10).
func parseAgile(descriptor []byte) (*agileKeys, error) {
	r := safexml.NewReader(bytes.NewReader(descriptor), sanitize.Limits{MaxXMLPartBytes: 1 << 20, MaxXMLDepth: 16})
	var k agileKeys
	var haveData, havePassword bool
	for {
		tok, err := r.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		uri := r.URI(se.Name.Space)
		switch {
		case uri == nsEncryption && se.Name.Local == "keyData" && !haveData:
			if k.keyData, err = cipherAttrs(se, false); err != nil {
				return nil, err
			}
			haveData = true
		case uri == nsEncryption && se.Name.Local == "dataIntegrity" && k.hmacKey == nil:
			if k.hmacKey, k.hmacValue, err = integrityAttrs(se); err != nil {
				return nil, err
			}
		case uri == nsPassword && se.Name.Local == "encryptedKey" && !havePassword:
			if k.password, err = cipherAttrs(se, true); err != nil {
				return nil, err
			}
			havePassword = true
		}
	}
	if !haveData || !havePassword {
		return nil, sanitize.Reject(sanitize.ReasonEncrypted, "the file is encrypted without a password key encryptor (certificate encryption is not supported)")
	}
	return &k, nil
}

// cipherAttrs checks and decodes the attributes of one key element. Only
// AES-CBC with a 16-byte block and SHA-1/SHA-2 is accepted; anything else is
// refused rather than guessed at.
func cipherAttrs(se xml.StartElement, password bool) (cipherParams, error) {
	attr := map[string]string{}
	for _, a := range se.Attr {
		if a.Name.Space == "" {
			attr[a.Name.Local] = a.Value
		}
	}
	bad := func(what string) (cipherParams, error) {
		return cipherParams{}, sanitize.Reject(sanitize.ReasonMalformed, "EncryptionInfo %s: %s %q is not supported", se.Name.Local, what, attr[what])
	}
	var p cipherParams
	var ok bool
	if attr["cipherAlgorithm"] != "AES" {
		return bad("cipherAlgorithm")
	}
	if attr["cipherChaining"] != "ChainingModeCBC" {
		return bad("cipherChaining")
	}
	if p.newHash, p.hashSize, ok = hashByName(attr["hashAlgorithm"]); !ok {
		return bad("hashAlgorithm")
	}
	if p.blockSize, ok = intAttr(attr, "blockSize", 16, 16); !ok {
		return bad("blockSize")
	}
	if p.keyBits, ok = intAttr(attr, "keyBits", 128, 256); !ok || p.keyBits%64 != 0 {
		return bad("keyBits")
	}
	if p.saltSize, ok = intAttr(attr, "saltSize", 1, 65536); !ok {
		return bad("saltSize")
	}
	if n, ok := intAttr(attr, "hashSize", 1, 64); !ok || n != p.hashSize {
		return bad("hashSize")
	}
	var err error
	if p.salt, err = b64(attr, "saltValue"); err != nil || len(p.salt) != p.saltSize {
		return bad("saltValue")
	}
	if !password {
		return p, nil
	}
	if p.spinCount, ok = intAttr(attr, "spinCount", 0, maxSpinCount); !ok {
		return bad("spinCount")
	}
	for _, f := range []struct {
		name string
		dst  *[]byte
	}{{"encryptedVerifierHashInput", &p.verifierInput}, {"encryptedVerifierHashValue", &p.verifierValue}, {"encryptedKeyValue", &p.keyValue}} {
		if *f.dst, err = b64(attr, f.name); err != nil || len(*f.dst) == 0 || len(*f.dst)%p.blockSize != 0 {
			return bad(f.name)
		}
	}
	if len(p.verifierInput) < p.saltSize || len(p.verifierValue) < p.hashSize || len(p.keyValue) < p.keyBits/8 {
		return bad("encryptedKeyValue")
	}
	return p, nil
}

// integrityAttrs decodes CT_DataIntegrity (§2.3.4.10).
func integrityAttrs(se xml.StartElement) (key, value []byte, err error) {
	attr := map[string]string{}
	for _, a := range se.Attr {
		if a.Name.Space == "" {
			attr[a.Name.Local] = a.Value
		}
	}
	key, err1 := b64(attr, "encryptedHmacKey")
	value, err2 := b64(attr, "encryptedHmacValue")
	if err1 != nil || err2 != nil || len(key) == 0 || len(value) == 0 {
		return nil, nil, sanitize.Reject(sanitize.ReasonMalformed, "EncryptionInfo dataIntegrity is not valid base64")
	}
	return key, value, nil
}

func hashByName(name string) (func() hash.Hash, int, bool) {
	switch name {
	case "SHA1":
		return sha1.New, sha1.Size, true
	case "SHA256":
		return sha256.New, sha256.Size, true
	case "SHA384":
		return sha512.New384, sha512.Size384, true
	case "SHA512":
		return sha512.New, sha512.Size, true
	}
	return nil, 0, false
}

func intAttr(attr map[string]string, name string, lo, hi int) (int, bool) {
	n, err := strconv.Atoi(attr[name])
	return n, err == nil && n >= lo && n <= hi
}

func b64(attr map[string]string, name string) ([]byte, error) {
	return base64.StdEncoding.DecodeString(attr[name])
}

// secretKey derives the password keys and returns the package key, or
// ReasonWrongPassword when the verifier does not match (§2.3.4.13).
func (k *agileKeys) secretKey(password string) ([]byte, error) {
	p := &k.password
	spun := spinHash(p.newHash, p.salt, password, p.spinCount)
	iv := resize(p.salt, p.blockSize, 0x36)
	decrypt := func(block, data []byte) ([]byte, error) {
		return cbcDecrypt(finalKey(p.newHash, spun, block, p.keyBits/8), iv, data)
	}
	input, err := decrypt(blockVerifierInput, p.verifierInput)
	if err != nil {
		return nil, err
	}
	value, err := decrypt(blockVerifierValue, p.verifierValue)
	if err != nil {
		return nil, err
	}
	h := p.newHash()
	h.Write(input[:p.saltSize])
	if subtle.ConstantTimeCompare(h.Sum(nil), value[:p.hashSize]) != 1 {
		return nil, sanitize.Reject(sanitize.ReasonWrongPassword, "the password does not open the encrypted Office file")
	}
	key, err := decrypt(blockKeyValue, p.keyValue)
	if err != nil {
		return nil, err
	}
	return key[:p.keyBits/8], nil
}

// spinHash is H0 = H(salt + password as UTF-16LE), then spinCount rounds of
// Hn = H(iterator as uint32 LE + Hn-1) (§2.3.4.11).
func spinHash(newHash func() hash.Hash, salt []byte, password string, spin int) []byte {
	h := newHash()
	h.Write(salt)
	h.Write(utf16le(password))
	sum := h.Sum(nil)
	var it [4]byte
	for i := 0; i < spin; i++ {
		binary.LittleEndian.PutUint32(it[:], uint32(i))
		h.Reset()
		h.Write(it[:])
		h.Write(sum)
		sum = h.Sum(sum[:0])
	}
	return sum
}

// finalKey is H(Hn + blockKey) cut or padded with 0x36 to the key length
// (§2.3.4.11).
func finalKey(newHash func() hash.Hash, spun, block []byte, keyBytes int) []byte {
	h := newHash()
	h.Write(spun)
	h.Write(block)
	return resize(h.Sum(nil), keyBytes, 0x36)
}

// resize cuts b to n bytes or pads it with pad (§2.3.4.11, §2.3.4.12).
func resize(b []byte, n int, pad byte) []byte {
	out := make([]byte, n)
	copy(out, b)
	for i := len(b); i < n; i++ {
		out[i] = pad
	}
	return out
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func cbcDecrypt(key, iv, data []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "EncryptionInfo: %v", err)
	}
	if len(data)%block.BlockSize() != 0 {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "encrypted data is not a whole number of AES blocks")
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	return out, nil
}

// segmentIV is H(keyData salt + segment index as uint32 LE) resized to the
// block size (§2.3.4.15).
func (k *agileKeys) segmentIV(i uint32) []byte {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], i)
	return k.dataIV(b[:])
}

// dataIV is H(keyData salt + block) resized to the block size.
func (k *agileKeys) dataIV(block []byte) []byte {
	h := k.keyData.newHash()
	h.Write(k.keyData.salt)
	h.Write(block)
	return resize(h.Sum(nil), k.keyData.blockSize, 0x36)
}

// integrity returns a fresh HMAC over the EncryptedPackage stream and the
// value it must end with (§2.3.4.14), or nil when the file has no
// dataIntegrity element.
func (k *agileKeys) integrity(secret []byte) (hash.Hash, []byte, error) {
	if k.hmacKey == nil {
		return nil, nil, nil
	}
	n := k.keyData.hashSize
	key, err := cbcDecrypt(secret, k.dataIV(blockHmacKey), k.hmacKey)
	if err != nil {
		return nil, nil, err
	}
	want, err := cbcDecrypt(secret, k.dataIV(blockHmacValue), k.hmacValue)
	if err != nil {
		return nil, nil, err
	}
	if len(key) < n || len(want) < n {
		return nil, nil, sanitize.Reject(sanitize.ReasonMalformed, "EncryptionInfo dataIntegrity is too short")
	}
	return hmac.New(k.keyData.newHash, key[:n]), want[:n], nil
}

// decryptPackage decrypts an EncryptedPackage stream (StreamSize, then
// 4096-byte AES-CBC segments) to w, one segment at a time.
func (k *agileKeys) decryptPackage(key []byte, r io.Reader, size int64, w io.Writer) error {
	if len(key) != k.keyData.keyBits/8 {
		return sanitize.Reject(sanitize.ReasonMalformed, "EncryptionInfo: key sizes disagree")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "EncryptionInfo: %v", err)
	}
	buf := make([]byte, segmentSize)
	for i := uint32(0); size > 0; i++ {
		n, err := io.ReadFull(r, buf)
		if err != nil && err != io.ErrUnexpectedEOF {
			return streamError("EncryptedPackage", err)
		}
		if n%block.BlockSize() != 0 || int64(n) < min(size, segmentSize) {
			return sanitize.Reject(sanitize.ReasonMalformed, "EncryptedPackage is shorter than its declared size")
		}
		cipher.NewCBCDecrypter(block, k.segmentIV(i)).CryptBlocks(buf[:n], buf[:n])
		m := min(int64(n), size)
		if _, err := w.Write(buf[:m]); err != nil {
			return err
		}
		size -= m
	}
	return nil
}
