package auth

import (
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: those of Google Authenticator and every common app
// (RFC 6238 §4 with the defaults of §5.2): HMAC-SHA1, six digits, 30-second
// steps.
const (
	TOTPPeriod = 30 * time.Second
	TOTPDigits = 6

	// totpSkew is how many steps either side of now we accept, for clock
	// drift and the time a person needs to type (RFC 6238 §5.2 recommends
	// at most one step of network delay).
	totpSkew = 1

	// totpSecretBytes is the size of a new secret: 160 bits, the length
	// RFC 4226 §4 (R6) recommends.
	totpSecretBytes = 20

	// minTOTPSecretBytes is the shortest secret VerifyTOTP accepts:
	// RFC 4226 §4 (R6) requires at least 128 bits. It also keeps a missing
	// secret ("") from matching codes computed with an empty key.
	minTOTPSecretBytes = 16
)

// NewTOTPSecret makes a new random TOTP secret for account at issuer. It
// returns the secret in base32 (to store, encrypted, with the user and to
// show for manual entry) and the otpauth:// URL an authenticator app reads
// from a QR code. Neither issuer nor account may be empty or contain ':',
// which the otpauth label uses as its separator.
func NewTOTPSecret(issuer, account string) (secret string, otpauthURL string, err error) {
	if issuer == "" || account == "" || strings.Contains(issuer, ":") || strings.Contains(account, ":") {
		return "", "", errors.New("auth: new totp secret: issuer and account must be non-empty and contain no ':'")
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      uint(TOTPPeriod / time.Second),
		SecretSize:  totpSecretBytes,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", fmt.Errorf("auth: new totp secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// TOTPStep returns the RFC 6238 time step (T in §4.2) that contains t.
func TOTPStep(t time.Time) int64 {
	s := t.Unix()
	period := int64(TOTPPeriod / time.Second)
	if s < 0 { // floor, not truncation, before 1970
		return (s - period + 1) / period
	}
	return s / period
}

// VerifyTOTP checks a six-digit code against secret at time now, allowing
// one step of skew either way. It accepts a code only for a step greater
// than lastStep, the step the caller stored at the user's previous
// successful verification (0 if none), and returns that step so the caller
// can store it.
//
// This is the one-time use RFC 6238 §5.2 requires ("the verifier MUST NOT
// accept the second attempt of the OTP after the successful validation has
// been issued for the first OTP"): without it a code seen over a shoulder or
// in a proxy log works for 90 seconds. The caller must store step with
// compare-and-set (update only if the stored value is still lastStep), or
// two concurrent sign-ins could both succeed with the same code.
//
// code must be exactly six ASCII digits; the web layer normalises input
// such as full-width digits from an IME or spaces before calling.
func VerifyTOTP(secret, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	if !isDigits(code, TOTPDigits) {
		return 0, false
	}
	if _, err := decodeTOTPSecret(secret); err != nil {
		return 0, false
	}
	cur := TOTPStep(now)
	// Check every candidate step without stopping early, and take the
	// latest that matches: if a code happens to match two steps, storing the
	// later one refuses it at both.
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if s <= lastStep || s < 0 {
			continue
		}
		want, err := totpCode(secret, s, otp.DigitsSix)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}

// totpCode computes the code for one time step: TOTP is HOTP with the step
// as counter (RFC 6238 §4.2).
func totpCode(secret string, step int64, digits otp.Digits) (string, error) {
	return hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{
		Digits:    digits,
		Algorithm: otp.AlgorithmSHA1,
	})
}

// decodeTOTPSecret decodes a base32 secret the way authenticator apps read
// it (case-insensitive, padding optional) and checks its length.
func decodeTOTPSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.TrimSpace(secret))
	s = strings.TrimRight(s, "=")
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("auth: totp secret is not base32: %w", err)
	}
	if len(b) < minTOTPSecretBytes {
		return nil, errors.New("auth: totp secret shorter than 128 bits")
	}
	return b, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
