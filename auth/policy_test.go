package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi"
)

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		name     string
		password string
		user     string
		code     string // "" = accepted
	}{
		{"12 characters", "abcdefghij12", "taro", ""},
		{"11 characters", "abcdefghij1", "taro", CodePasswordTooShort},
		{"12 Japanese characters", "かけはしのパスワードです", "taro", ""},
		{"11 Japanese characters (33 bytes)", "かけはしのパスワード", "taro", CodePasswordTooShort},
		{"empty", "", "taro", CodePasswordEmpty},
		{"1024 bytes", strings.Repeat("ab", 512), "taro", ""},
		{"1025 bytes", strings.Repeat("ab", 512) + "c", "taro", CodePasswordTooLong},
		{"invalid UTF-8", "abcdefghijk\xff", "taro", CodePasswordInvalidUTF8},
		{"equals user name", "administrator", "administrator", CodePasswordHasUserName},
		{"equals user name, other case", "ADMINISTRATOR", "administrator", CodePasswordHasUserName},
		{"contains user name", "my-taro-password", "taro", CodePasswordHasUserName},
		{"contains user name, other case", "my-TARO-password", "taro", CodePasswordHasUserName},
		{"contains mail local part", "hanako-secret-2026", "hanako@city.example", CodePasswordHasUserName},
		{"contains whole mail address", "x-hanako@city.example-x", "hanako@city.example", CodePasswordHasUserName},
		{"2-letter name inside is fine", "abcdefghijklmn", "ab", ""},
		{"3-letter name inside is not", "xxabcxxxxxxxxx", "abc", CodePasswordHasUserName},
		{"no user name given", "abcdefghij12", "", ""},
		{"one character repeated", "aaaaaaaaaaaa", "taro", CodePasswordRepetitive},
		{"one kana repeated", "ああああああああああああ", "taro", CodePasswordRepetitive},
		{"two characters alternating", "abababababab", "taro", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPasswordPolicy(tc.password, tc.user)
			if tc.code == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) || pe.Code != tc.code {
				t.Fatalf("err = %v, want PolicyError %s", err, tc.code)
			}
			if pe.MessageJA == "" || pe.MessageEN == "" {
				t.Errorf("%s lacks a message: %+v", tc.code, pe)
			}
			if kakehashi.ErrorCode(err) != kakehashi.EINVALID {
				t.Errorf("ErrorCode = %q, want %q", kakehashi.ErrorCode(err), kakehashi.EINVALID)
			}
		})
	}
}

func TestPolicyMessagesComplete(t *testing.T) {
	for _, code := range []string{CodePasswordEmpty, CodePasswordTooLong, CodePasswordTooShort,
		CodePasswordHasUserName, CodePasswordRepetitive, CodePasswordInvalidUTF8} {
		m := policyMessages[code]
		if m[0] == "" || m[1] == "" {
			t.Errorf("%s has no Japanese or English message", code)
		}
	}
}
