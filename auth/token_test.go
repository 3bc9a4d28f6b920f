package auth

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		tok, stored := NewToken()
		if len(tok) != 43 {
			t.Fatalf("token %q has %d characters, want 43", tok, len(tok))
		}
		raw, err := base64.RawURLEncoding.Strict().DecodeString(tok)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token %q is not 32 bytes of base64url: %v", tok, err)
		}
		if stored != HashToken(tok) || len(stored) != 64 || stored == tok {
			t.Fatalf("stored %q is not HashToken(token)", stored)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct{ name, in, want string }{
		// FIPS 180-2 Appendix B.1 "abc".
		{"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	for _, tc := range tests {
		// Called twice: the stored form must not depend on anything but
		// the token.
		for range 2 {
			if got := HashToken(tc.in); got != tc.want {
				t.Errorf("%s: HashToken = %s, want %s", tc.name, got, tc.want)
			}
		}
	}
}

func TestConstantTimeEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"equal", "token", "token", true},
		{"both empty", "", "", true},
		{"differ in last byte", "token", "tokem", false},
		{"prefix", "token", "toke", false},
		{"one empty", "token", "", false},
		{"case", "Token", "token", false},
	}
	for _, tc := range tests {
		if got := ConstantTimeEqual(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: ConstantTimeEqual(%q, %q) = %v", tc.name, tc.a, tc.b, got)
		}
	}
}

func TestNewOneTimePassword(t *testing.T) {
	seen := make(map[string]bool)
	counts := make(map[rune]int)
	for range 2000 {
		pw := NewOneTimePassword()
		if len(pw) != OneTimePasswordLen {
			t.Fatalf("%q has length %d", pw, len(pw))
		}
		if strings.ContainsAny(pw, "0Oo1lI") {
			t.Fatalf("%q contains a look-alike", pw)
		}
		for _, r := range pw {
			if !strings.ContainsRune(otpAlphabet, r) {
				t.Fatalf("%q contains %q, not in the alphabet", pw, r)
			}
			counts[r]++
		}
		if err := CheckPasswordPolicy(pw, "admin"); err != nil {
			t.Fatalf("%q fails the policy: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("%q repeated", pw)
		}
		seen[pw] = true
	}
	// 32000 symbols over 56: every symbol appears (expected ~571 each).
	if len(counts) != len(otpAlphabet) {
		t.Errorf("%d of %d symbols used", len(counts), len(otpAlphabet))
	}
}
