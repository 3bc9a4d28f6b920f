package auth

import (
	"strings"
	"unicode/utf8"

	"github.com/kakehashi/kakehashi"
)

// MinPasswordChars is the shortest password CheckPasswordPolicy accepts,
// counted in characters (runes), so a Japanese passphrase counts the way a
// person reads it.
const MinPasswordChars = 12

// Codes of the password policy errors.
const (
	CodePasswordEmpty       = "password_empty"
	CodePasswordTooLong     = "password_too_long"
	CodePasswordTooShort    = "password_too_short"
	CodePasswordHasUserName = "password_contains_user_name"
	CodePasswordRepetitive  = "password_repetitive"
	CodePasswordInvalidUTF8 = "password_invalid_utf8"
)

const minNameLenForContainment = 3

// PolicyError says why a password was refused, in words a user can act on.
// The messages name no secret, so web may show them as they are.
type PolicyError struct {
	Code      string // one of the CodePassword constants
	MessageJA string
	MessageEN string
}

func (e *PolicyError) Error() string {
	return "auth: " + e.Code + ": " + e.MessageJA + " / " + e.MessageEN
}

// Unwrap lets kakehashi.ErrorCode classify a policy error as EINVALID, so the
// transports map it without knowing this type.
func (e *PolicyError) Unwrap() error {
	return &kakehashi.Error{Code: kakehashi.EINVALID, Message: e.MessageJA + " / " + e.MessageEN}
}

var policyMessages = map[string][2]string{
	CodePasswordEmpty:   {"パスワードを入力してください", "enter a password"},
	CodePasswordTooLong: {"パスワードが長すぎます(1024バイトまで)", "the password is too long (at most 1024 bytes)"},
	CodePasswordTooShort: {"パスワードは12文字以上にしてください",
		"a password needs at least 12 characters"},
	CodePasswordHasUserName: {"パスワードにユーザー名を含めないでください",
		"a password must not contain the user name"},
	CodePasswordRepetitive: {"同じ文字だけのパスワードは使えません",
		"a password must not repeat a single character"},
	CodePasswordInvalidUTF8: {"パスワードに使えない文字が含まれています",
		"the password contains invalid characters"},
}

func policyError(code string) *PolicyError {
	m := policyMessages[code]
	return &PolicyError{Code: code, MessageJA: m[0], MessageEN: m[1]}
}

// CheckPasswordPolicy checks a new password chosen by userName. It returns
// a *PolicyError for a password that is empty, longer than
// MaxPasswordBytes, not valid UTF-8, shorter than MinPasswordChars, equal to
// or containing the user name (compared without case; also the part before
// an '@'), or one character repeated.
//
// The rules follow NIST SP 800-63B §3.1.1.2: length over composition rules,
// and refusing passwords derived from the account name. Containment is only
// checked for names of at least three characters, because refusing every
// password that contains "a" for a user named "a" protects nothing.
func CheckPasswordPolicy(password string, userName string) error {
	if err := checkPasswordLength(password); err != nil {
		return err
	}
	if !utf8.ValidString(password) {
		return policyError(CodePasswordInvalidUTF8)
	}
	if utf8.RuneCountInString(password) < MinPasswordChars {
		return policyError(CodePasswordTooShort)
	}
	if containsUserName(password, userName) {
		return policyError(CodePasswordHasUserName)
	}
	first, _ := utf8.DecodeRuneInString(password)
	if strings.Trim(password, string(first)) == "" {
		return policyError(CodePasswordRepetitive)
	}
	return nil
}

func containsUserName(password, userName string) bool {
	pw := strings.ToLower(password)
	names := []string{strings.ToLower(userName)}
	if local, _, ok := strings.Cut(names[0], "@"); ok {
		names = append(names, local)
	}
	for _, n := range names {
		if n == "" {
			continue
		}
		if pw == n || (utf8.RuneCountInString(n) >= minNameLenForContainment && strings.Contains(pw, n)) {
			return true
		}
	}
	return false
}
