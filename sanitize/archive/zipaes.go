package archive

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// WinZip AES encryption (AE-1 and AE-2), as specified in WinZip's "AES
// Encryption Information: Encryption Specification AE-1 and AE-2":
// compression method 99, extra field 0x9901, a salt, a 2-byte password
// verifier, AES in CTR mode with a little-endian counter starting at 1,
// and a 10-byte HMAC-SHA1 authentication code over the ciphertext.

const (
	aesExtraID      = 0x9901
	aesIterations   = 1000 // PBKDF2-HMAC-SHA1 iterations fixed by the spec
	aesVerifierLen  = 2
	aesAuthCodeLen  = 10
	aesExtraDataLen = 7
)

// aesExtra is the 0x9901 extra field.
type aesExtra struct {
	version  uint16 // 1 = AE-1 (CRC kept), 2 = AE-2 (CRC zero)
	strength byte   // 1, 2, 3 = AES-128, -192, -256
	method   uint16 // the compression method of the plaintext
}

func (a aesExtra) keyLen() int  { return 8 + 8*int(a.strength) }
func (a aesExtra) saltLen() int { return 4 + 4*int(a.strength) }

// parseAESExtra finds and checks the 0x9901 field in a member's extra data
// (APPNOTE.TXT §4.5: id, size, data, little-endian).
func parseAESExtra(extra []byte) (aesExtra, error) {
	for len(extra) >= 4 {
		id := binary.LittleEndian.Uint16(extra)
		size := int(binary.LittleEndian.Uint16(extra[2:]))
		extra = extra[4:]
		if size > len(extra) {
			break
		}
		if id == aesExtraID && size == aesExtraDataLen {
			a := aesExtra{
				version:  binary.LittleEndian.Uint16(extra),
				strength: extra[4],
				method:   binary.LittleEndian.Uint16(extra[5:]),
			}
			if string(extra[2:4]) != "AE" || a.version < 1 || a.version > 2 || a.strength < 1 || a.strength > 3 {
				return aesExtra{}, sanitize.Reject(sanitize.ReasonMalformed, "invalid WinZip AES extra field")
			}
			return a, nil
		}
		extra = extra[size:]
	}
	return aesExtra{}, sanitize.Reject(sanitize.ReasonMalformed, "AES-encrypted member without its 0x9901 extra field")
}

// newAESReader reads salt and verifier, derives the keys from the first
// candidate password whose verifier matches, and returns a reader of the
// decrypted data that fails at its end unless the authentication code
// verifies. compressed is the member's whole stored size.
func newAESReader(raw io.Reader, compressed uint64, a aesExtra, candidates [][]byte) (io.Reader, error) {
	kl, sl := a.keyLen(), a.saltLen()
	overhead := uint64(sl + aesVerifierLen + aesAuthCodeLen)
	if compressed < overhead {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "AES member shorter than its salt and authentication code")
	}
	head := make([]byte, sl+aesVerifierLen)
	if _, err := io.ReadFull(raw, head); err != nil {
		return nil, fmt.Errorf("reading AES salt: %w", err)
	}
	salt, verifier := head[:sl], head[sl:]
	for _, pw := range candidates {
		keys, err := pbkdf2.Key(sha1.New, string(pw), salt, aesIterations, 2*kl+aesVerifierLen)
		if err != nil {
			return nil, fmt.Errorf("deriving AES key: %w", err)
		}
		if subtle.ConstantTimeCompare(keys[2*kl:], verifier) != 1 {
			continue
		}
		block, err := aes.NewCipher(keys[:kl])
		if err != nil {
			return nil, fmt.Errorf("making AES cipher: %w", err)
		}
		return &aesReader{
			raw:   raw,
			data:  io.LimitReader(raw, int64(compressed-overhead)),
			block: block,
			mac:   hmac.New(sha1.New, keys[kl:2*kl]),
			pos:   aes.BlockSize,
		}, nil
	}
	return nil, errWrongPassword
}

var errAuthCode = errors.New("AES authentication code does not match (wrong password or altered data)")

// aesReader decrypts AES-CTR with the little-endian counter WinZip uses
// (the standard library's CTR counts big-endian, hence by hand).
type aesReader struct {
	raw      io.Reader // positioned after the ciphertext at the end
	data     io.Reader // the ciphertext
	block    cipher.Block
	mac      hash.Hash
	counter  [aes.BlockSize]byte
	stream   [aes.BlockSize]byte
	pos      int
	verified bool
}

func (a *aesReader) Read(b []byte) (int, error) {
	n, err := a.data.Read(b)
	a.mac.Write(b[:n])
	for i := range b[:n] {
		if a.pos == aes.BlockSize {
			a.nextBlock()
		}
		b[i] ^= a.stream[a.pos]
		a.pos++
	}
	if err == io.EOF && !a.verified {
		if verr := a.verify(); verr != nil {
			return n, verr
		}
	}
	return n, err
}

func (a *aesReader) nextBlock() {
	for i := range a.counter {
		a.counter[i]++
		if a.counter[i] != 0 {
			break
		}
	}
	a.block.Encrypt(a.stream[:], a.counter[:])
	a.pos = 0
}

func (a *aesReader) verify() error {
	var code [aesAuthCodeLen]byte
	if _, err := io.ReadFull(a.raw, code[:]); err != nil {
		return fmt.Errorf("reading AES authentication code: %w", err)
	}
	if !hmac.Equal(a.mac.Sum(nil)[:aesAuthCodeLen], code[:]) {
		return errAuthCode
	}
	a.verified = true
	return nil
}
