package ole

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

func testdataFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecryptAgile decrypts the agile-encrypted workbook (whose encryption
// msoffcrypto-tool confirms in TestAgileFixtureOpensInMsoffcrypto) and
// compares the plain package byte for byte.
func TestDecryptAgile(t *testing.T) {
	enc := agileEncrypted(t)
	wantBytes := agilePlain(t)
	f, err := Inspect(inputOf(enc, "enc.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	env := &sanitize.Env{Budget: sanitize.NewBudget(sanitize.DefaultLimits())}
	if err := decryptOOXML(f, agilePassword, env, &got); err != nil {
		t.Fatalf("decrypt: %v", err)
	}
	if !bytes.Equal(got.Bytes(), wantBytes) {
		t.Fatalf("decrypted %d bytes differ from msoffcrypto-tool's %d", got.Len(), len(wantBytes))
	}
	if !bytes.HasPrefix(got.Bytes(), []byte("PK\x03\x04")) {
		t.Fatal("decrypted package is not a zip")
	}
}

func TestDecryptAgileRejects(t *testing.T) {
	enc := agileEncrypted(t)
	tests := []struct {
		name     string
		password string
		budget   int64
		want     sanitize.Reason
	}{
		{"wrong password", "kakehashi-2026", 0, sanitize.ReasonWrongPassword},
		{"empty password", "", 0, sanitize.ReasonWrongPassword},
		{"budget smaller than the package", agilePassword, 100, sanitize.ReasonTooLarge},
	}
	tampered := tamperHMAC(t, enc)
	tests = append(tests, struct {
		name     string
		password string
		budget   int64
		want     sanitize.Reason
	}{"integrity check fails", agilePassword, 0, sanitize.ReasonMalformed})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := enc
			if tt.name == "integrity check fails" {
				in = tampered
			}
			f, err := Inspect(inputOf(in, "enc.xlsx"))
			if err != nil {
				t.Fatal(err)
			}
			lim := sanitize.DefaultLimits()
			if tt.budget > 0 {
				lim.MaxExpandedBytes = tt.budget
			}
			err = decryptOOXML(f, tt.password, &sanitize.Env{Budget: sanitize.NewBudget(lim)}, &bytes.Buffer{})
			rej, ok := sanitize.AsRejection(err)
			if !ok || rej.Reason != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
			if tt.name == "integrity check fails" && !strings.Contains(rej.Detail, "integrity check") {
				t.Fatalf("tampered file refused for another reason: %v", err)
			}
		})
	}
}

// TestParseAgileRejects feeds descriptors Office never writes: each must be
// refused, not guessed at.
func TestParseAgileRejects(t *testing.T) {
	const key = `<keyData saltSize="16" blockSize="16" keyBits="128" hashSize="20" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA1" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>`
	pw := func(attrs string) string {
		return `<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password"><p:encryptedKey ` + attrs + `/></keyEncryptor></keyEncryptors>`
	}
	good := `saltSize="16" blockSize="16" keyBits="128" hashSize="20" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA1" saltValue="AAAAAAAAAAAAAAAAAAAAAA==" encryptedVerifierHashInput="AAAAAAAAAAAAAAAAAAAAAA==" encryptedVerifierHashValue="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" encryptedKeyValue="AAAAAAAAAAAAAAAAAAAAAA=="`
	doc := func(body string) []byte {
		return []byte(`<?xml version="1.0"?><encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">` + body + `</encryption>`)
	}
	tests := []struct {
		name string
		xml  []byte
		want sanitize.Reason
	}{
		{"spinCount above the schema maximum", doc(key + pw(good+` spinCount="10000001"`)), sanitize.ReasonMalformed},
		{"RC4", doc(key + pw(`spinCount="1" `+replace(good, `"AES"`, `"RC4"`))), sanitize.ReasonMalformed},
		{"CFB chaining", doc(key + pw(`spinCount="1" `+replace(good, "ChainingModeCBC", "ChainingModeCFB"))), sanitize.ReasonMalformed},
		{"MD5", doc(key + pw(`spinCount="1" `+replace(good, `"SHA1"`, `"MD5"`))), sanitize.ReasonMalformed},
		{"salt shorter than saltSize", doc(key + pw(`spinCount="1" `+replace(good, `saltSize="16"`, `saltSize="32"`))), sanitize.ReasonMalformed},
		{"no password key encryptor", doc(key), sanitize.ReasonEncrypted},
		{"DOCTYPE", append([]byte(`<!DOCTYPE x [<!ENTITY a "b">]>`), doc(key)...), sanitize.ReasonXMLDoctype},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseAgile(tt.xml)
			if rej, ok := sanitize.AsRejection(err); !ok || rej.Reason != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
		})
	}
	if _, err := parseAgile(doc(key + pw(`spinCount="1" `+good))); err != nil {
		t.Fatalf("the well-formed descriptor was refused: %v", err)
	}
}

func replace(s, old, new string) string {
	return string(bytes.ReplaceAll([]byte(s), []byte(old), []byte(new)))
}

// tamperHMAC changes one base64 character of encryptedHmacValue in the raw
// compound file: the package still decrypts, but no longer matches its HMAC.
func tamperHMAC(t *testing.T, enc []byte) []byte {
	t.Helper()
	out := bytes.Clone(enc)
	i := bytes.Index(out, []byte(`encryptedHmacValue="`))
	if i < 0 {
		t.Fatal("no encryptedHmacValue in the fixture")
	}
	j := i + len(`encryptedHmacValue="`) + 2
	if out[j] == 'A' {
		out[j] = 'B'
	} else {
		out[j] = 'A'
	}
	return out
}
