// Package auth owns the pure primitives of authentication: password hashing
// (argon2id, RFC 9106) and the password policy, TOTP second factors with
// replay protection (RFC 6238), random tokens for sessions, API access and
// one-time passwords together with the hashed form in which they are stored,
// CSRF tokens bound to a session and a form, lockout and rate limiting of
// failed sign-ins, and the Authenticator seam behind which identity providers
// (the local user table now, LDAP and OIDC later) check a user name and a
// password.
//
// The package holds no storage and speaks no protocol. It does not persist
// sessions, TOTP secrets or the last accepted TOTP step (the store does, with
// compare-and-set where replay matters), it does not set or read cookies or
// headers (web does), and it does not decide who may do what in which zone.
// Clocks and lookups are passed in, so every function is deterministic under
// test and safe to call from any transport: the web UI, the API, the SMTP
// submission listener and the proxy all authenticate through the same code,
// so a negative case fixed for one protocol is fixed for all of them.
//
// Everything here treats its input as hostile. A stored password hash is
// parsed with bounded parameters, so a tampered row cannot make a sign-in
// allocate gigabytes; tokens are compared in constant time; an unknown user,
// a wrong password and a disabled account produce the same error after the
// same amount of work, so neither the answer nor its timing reveals which
// user names exist.
package auth
