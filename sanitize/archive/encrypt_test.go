package archive

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

const testPassword = "Kakehashi-2026"

// plainText is long enough for many AES blocks and deflate blocks.
func plainText() string {
	var b strings.Builder
	for i := range 4000 {
		b.WriteString(sprintf("行 %d: 議事録の本文です。line %d of the minutes.\n", i, i*7919%10007))
	}
	return b.String()
}

// makeWithTool writes a.txt into a temp dir, runs the tool there with args
// and returns the archive it made (out, relative to the dir; "-" = stdout).
func makeWithTool(t *testing.T, tool string, out string, args ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte(plainText()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, stderr.String())
	}
	if out == "-" {
		return stdout.Bytes()
	}
	data, err := os.ReadFile(filepath.Join(dir, out))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestZipEncrypted(t *testing.T) {
	sevenZ := testtool.Require(t, "7z", "p7zip-full")
	zipTool := testtool.Require(t, "zip", "zip")
	fixtures := map[string]func(t *testing.T) []byte{
		"ZipCrypto by 7z": func(t *testing.T) []byte {
			return makeWithTool(t, sevenZ, "x.zip", "a", "-tzip", "-p"+testPassword, "x.zip", "a.txt")
		},
		"AES-256 by 7z": func(t *testing.T) []byte {
			return makeWithTool(t, sevenZ, "x.zip", "a", "-tzip", "-mem=AES256", "-p"+testPassword, "x.zip", "a.txt")
		},
		"AES-128 by 7z": func(t *testing.T) []byte {
			return makeWithTool(t, sevenZ, "x.zip", "a", "-tzip", "-mem=AES128", "-p"+testPassword, "x.zip", "a.txt")
		},
		"AES-256 stored by 7z": func(t *testing.T) []byte {
			return makeWithTool(t, sevenZ, "x.zip", "a", "-tzip", "-mx0", "-mem=AES256", "-p"+testPassword, "x.zip", "a.txt")
		},
		"ZipCrypto by zip -P": func(t *testing.T) []byte {
			return makeWithTool(t, zipTool, "x.zip", "-q", "-P", testPassword, "x.zip", "a.txt")
		},
		"ZipCrypto by zip -P, streamed (data descriptor)": func(t *testing.T) []byte {
			return makeWithTool(t, "sh", "-", "-c", zipTool+" -q -P "+testPassword+" - a.txt")
		},
	}
	for name, make := range fixtures {
		t.Run(name, func(t *testing.T) {
			data := make(t)
			t.Run("no password", func(t *testing.T) {
				run(t, "x.zip", data, "").wantReject(t, sanitize.ReasonEncrypted)
			})
			t.Run("wrong password", func(t *testing.T) {
				run(t, "x.zip", data, testPassword+"x").wantReject(t, sanitize.ReasonWrongPassword)
			})
			t.Run("right password", func(t *testing.T) {
				r := run(t, "x.zip", data, testPassword)
				if got := r.files(t); got["a.txt"] != plainText() {
					t.Fatalf("a.txt: %d bytes, want %d", len(got["a.txt"]), len(plainText()))
				}
				if bytes.Contains(r.out, []byte(testPassword)) {
					t.Error("password in the output")
				}
			})
		})
	}
}

// TestZipAESAuthentication alters one ciphertext byte of a stored AE-2
// member (whose CRC is zero by design): only the HMAC can notice.
func TestZipAESAuthentication(t *testing.T) {
	sevenZ := testtool.Require(t, "7z", "p7zip-full")
	data := makeWithTool(t, sevenZ, "x.zip", "a", "-tzip", "-mx0", "-mem=AES256", "-p"+testPassword, "x.zip", "a.txt")
	data = forceAE2(t, data)
	if got := run(t, "x.zip", data, testPassword).files(t); got["a.txt"] != plainText() {
		t.Fatal("AE-2 form does not decrypt")
	}
	start := 30 + int(le16(data[26:])) + int(le16(data[28:]))
	data[start+16+2+1000] ^= 0x01
	r := run(t, "x.zip", data, testPassword)
	r.wantReject(t, sanitize.ReasonWrongPassword)
	if !strings.Contains(r.rep.Detail, "authentication code") {
		t.Errorf("detail %q", r.rep.Detail)
	}
}

// forceAE2 rewrites the AES extra fields to AE-2 and zeroes the CRC-32 in
// every header, as AE-2 writers do.
func forceAE2(t *testing.T, data []byte) []byte {
	t.Helper()
	out := bytes.ReplaceAll(data, []byte("\x01\x99\x07\x00\x01\x00AE"), []byte("\x01\x99\x07\x00\x02\x00AE"))
	for _, sig := range []struct {
		magic  string
		crcOff int
	}{{"PK\x03\x04", 14}, {"PK\x01\x02", 16}} {
		for i := 0; ; {
			j := bytes.Index(out[i:], []byte(sig.magic))
			if j < 0 {
				break
			}
			i += j
			binary.LittleEndian.PutUint32(out[i+sig.crcOff:], 0)
			i += 4
		}
	}
	return out
}

func TestZipCryptoPrimitives(t *testing.T) {
	// Keys after "password" and 12 bytes of the test vector computed by
	// hand from APPNOTE.TXT §6.1.5: the initial keys must not move for an
	// empty password, and decrypting must invert encrypting.
	k := newZipCryptoKeys(nil)
	if *k != (zipCryptoKeys{0x12345678, 0x23456789, 0x34567890}) {
		t.Fatalf("initial keys %08x", *k)
	}
	enc, dec := newZipCryptoKeys([]byte("pw")), newZipCryptoKeys([]byte("pw"))
	for _, p := range []byte("plain text") {
		tt := uint32(uint16(enc[2] | 2))
		c := p ^ byte((tt*(tt^1))>>8)
		enc.update(p)
		if got := dec.decrypt(c); got != p {
			t.Fatalf("decrypt(%#x) = %#x, want %#x", c, got, p)
		}
	}
}

func TestPasswordCandidates(t *testing.T) {
	if got := passwordCandidates("abc"); len(got) != 1 {
		t.Errorf("ASCII password: %d candidates", len(got))
	}
	got := passwordCandidates("ひみつ")
	if len(got) != 2 || string(got[1]) != "\x82\xd0\x82\xdd\x82\xc2" {
		t.Errorf("Japanese password candidates %q", got)
	}
}
