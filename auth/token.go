package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// tokenBytes is the entropy of a token: 256 bits, beyond guessing even at
// the rate of every sign-in the gateway could ever serve.
const tokenBytes = 32

// NewToken returns a new random token for a session, an API client, a share
// link or a one-time action, and the form to store. token is 43 characters
// of unpadded base64url (safe in cookies, URLs and headers) and is given to
// the holder only; stored is HashToken(token).
//
// Only the hash is stored, so a database dump or a backup reveals no token
// that can be used (research rule R11: share tokens stored hashed, like
// passwords). A plain SHA-256 suffices, unlike for passwords, because the
// token has 256 bits of entropy: there is nothing to brute-force.
func NewToken() (token string, stored string) {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error (Go ≥ 1.24)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the stored form of token: lower-case hex SHA-256. The
// caller looks a presented token up by this value.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ConstantTimeEqual reports whether a and b are equal, in time that depends
// on neither their contents nor their lengths: both are hashed first, so a
// mismatch in length does not return early the way
// subtle.ConstantTimeCompare does.
func ConstantTimeEqual(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// otpAlphabet leaves out characters people confuse when reading a password
// off a screen or paper: 0/O/o, 1/l/I.
const otpAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"

// OneTimePasswordLen is the length of NewOneTimePassword's result.
const OneTimePasswordLen = 16

// NewOneTimePassword returns a random initial password of
// OneTimePasswordLen characters from an alphabet without look-alikes, for
// `kakehashi quickstart` and `kakehashi user add` to print once. With 56
// symbols it carries about 93 bits and is long enough for
// CheckPasswordPolicy. The account must be made to change it at first
// sign-in.
func NewOneTimePassword() string {
	out := make([]byte, 0, OneTimePasswordLen)
	buf := make([]byte, 2*OneTimePasswordLen)
	// Rejection sampling: bytes at or above the largest multiple of the
	// alphabet size are discarded, so every symbol is equally likely.
	limit := byte(256 - 256%len(otpAlphabet))
	for len(out) < OneTimePasswordLen {
		_, _ = rand.Read(buf)
		for _, b := range buf {
			if b < limit && len(out) < OneTimePasswordLen {
				out = append(out, otpAlphabet[int(b)%len(otpAlphabet)])
			}
		}
	}
	return string(out)
}
