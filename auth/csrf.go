package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// csrfLabel separates CSRF MACs from any other use of the same session
// secret (domain separation), and versions the scheme.
const csrfLabel = "kakehashi csrf v1\x00"

// CSRFToken returns the token web embeds in a form that posts to formAction:
// HMAC-SHA256 over formAction keyed with the session's own secret, in
// unpadded base64url.
//
// This is the HMAC "synchronizer token" of the OWASP CSRF cheat sheet: an
// attacker's page can make the browser send the session cookie but cannot
// read the page that holds the token, nor compute it without the secret.
// Binding the token to the action means a token leaked from one form (say,
// in a Referer or a log) does not authorise another one.
//
// sessionSecret must be random, per session and known only to the server
// and the session's holder, e.g. the raw session token (never its stored
// hash, which a database reader would have). formAction is the method and
// path the form posts to, e.g. "POST /transfers/01H.../approve", normalised
// the same way when the token is made and when it is checked.
func CSRFToken(sessionSecret []byte, formAction string) string {
	return base64.RawURLEncoding.EncodeToString(csrfMAC(sessionSecret, formAction))
}

// CheckCSRF reports whether token is CSRFToken(sessionSecret, formAction),
// comparing in constant time. An empty secret never validates, so a request
// without a session cannot pass with a token computed under the empty key.
func CheckCSRF(sessionSecret []byte, formAction, token string) bool {
	if len(sessionSecret) == 0 || len(token) != base64.RawURLEncoding.EncodedLen(sha256.Size) {
		return false
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	return hmac.Equal(got, csrfMAC(sessionSecret, formAction))
}

func csrfMAC(secret []byte, formAction string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(csrfLabel))
	m.Write([]byte(formAction))
	return m.Sum(nil)
}
