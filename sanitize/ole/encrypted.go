package ole

import (
	"crypto/hmac"
	"encoding/binary"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// maxEncryptionInfo bounds the EncryptionInfo stream; Office writes about
// 1 KiB of XML.
const maxEncryptionInfo = 1 << 20

// decryptOOXML decrypts the EncryptedPackage of f with password into w
// (MS-OFFCRYPTO §2.3.4.10–§2.3.4.15, agile encryption). The plain package
// size counts against the expansion budget before anything is decrypted.
func decryptOOXML(f *Findings, password string, env *sanitize.Env, w io.Writer) error {
	if f.encInfo.Size > maxEncryptionInfo {
		return sanitize.Reject(sanitize.ReasonMalformed, "EncryptionInfo is %d bytes", f.encInfo.Size)
	}
	info, err := io.ReadAll(open(f.encInfo))
	if err != nil {
		return streamError("EncryptionInfo", err)
	}
	if len(info) < 8 {
		return sanitize.Reject(sanitize.ReasonMalformed, "EncryptionInfo is truncated")
	}
	major, minor := binary.LittleEndian.Uint16(info[0:]), binary.LittleEndian.Uint16(info[2:])
	if major != 4 || minor != 4 {
		// 2.2/3.2/4.2 are Standard (Office 2007) and 3.3/4.3 Extensible
		// encryption (§2.3.4.5, §2.3.4.6): not implemented.
		return sanitize.Reject(sanitize.ReasonEncrypted, "EncryptionInfo version %d.%d (Standard or Extensible encryption) is not supported; save the file with a current Office or remove the password", major, minor)
	}
	keys, err := parseAgile(info[8:])
	if err != nil {
		return err
	}
	key, err := keys.secretKey(password)
	if err != nil {
		return err
	}
	r := open(f.encPackage)
	var hdr [8]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return streamError("EncryptedPackage", err)
	}
	size := binary.LittleEndian.Uint64(hdr[:])
	// The plain text cannot be longer than the cipher text after the
	// StreamSize field.
	if size > uint64(f.encPackage.Size-8) {
		return sanitize.Reject(sanitize.ReasonMalformed, "EncryptedPackage declares %d bytes in a %d-byte stream", size, f.encPackage.Size)
	}
	if env.Budget != nil {
		if err := env.Budget.Expand(int64(size)); err != nil {
			return err
		}
	}
	mac, want, err := keys.integrity(key)
	if err != nil {
		return err
	}
	if mac == nil {
		return keys.decryptPackage(key, r, int64(size), w)
	}
	// The HMAC covers the whole stream, StreamSize included, and any
	// padding after the last segment (§2.3.4.14).
	mac.Write(hdr[:])
	if err := keys.decryptPackage(key, io.TeeReader(r, mac), int64(size), w); err != nil {
		return err
	}
	if _, err := io.Copy(mac, r); err != nil {
		return streamError("EncryptedPackage", err)
	}
	if !hmac.Equal(mac.Sum(nil), want) {
		return sanitize.Reject(sanitize.ReasonMalformed, "EncryptedPackage fails its integrity check (altered after encryption)")
	}
	return nil
}
