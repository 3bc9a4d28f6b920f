package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters (RFC 9106 §3.1). They are written
// into every hash, so changing DefaultParams does not invalidate existing
// hashes: VerifyPassword reports needsRehash and the caller re-hashes the
// password it has just verified.
type Params struct {
	Memory  uint32 // m: memory in KiB
	Time    uint32 // t: number of passes
	Threads uint8  // p: degree of parallelism (lanes)
	KeyLen  uint32 // length of the derived hash in bytes
}

// DefaultParams follow the second recommended option of RFC 9106 §4
// (memory-constrained environments): 64 MiB and three passes, with a 128-bit
// salt and a 256-bit tag. RFC 9106 names four lanes; we use two because the
// gateway typically runs on two cores and a sign-in should not occupy more
// than the machine has. Treat this as a constant.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2, KeyLen: 32}

// TestParams are deliberately cheap parameters for tests only. A hash made
// with them is easy to brute-force; never use them for real accounts.
var TestParams = Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32}

// MaxPasswordBytes bounds a password's length. argon2 hashes any length, but
// an unbounded input lets a client make us hash megabytes per request.
const MaxPasswordBytes = 1024

const (
	saltLen = 16 // 128 bits, RFC 9106 §4

	// Bounds for parameters, checked when hashing and again when parsing a
	// stored hash. A stored hash is input too: a tampered or corrupted row
	// must not ask for 4 GiB of memory or a billion passes on every sign-in.
	maxMemory     = 1 << 20 // KiB, = 1 GiB
	maxTime       = 10
	maxThreads    = 16
	minKeyLen     = 16
	maxKeyLen     = 64
	minSaltLen    = 8 // RFC 9106 §3.1 allows 8 bytes; we write 16
	maxSaltLen    = 64
	maxEncodedLen = 512 // far above the longest string the bounds allow
)

// ErrMalformedHash is wrapped by VerifyPassword's error when the stored hash
// is not a PHC argon2id string within our parameter bounds.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// limits are the parameter bounds a parsed hash must satisfy. Production
// code uses hashLimits; the fuzz target uses tighter ones so that each
// iteration stays cheap while still exercising the checks.
type limits struct {
	memory, time uint32
	threads      uint8
}

var hashLimits = limits{memory: maxMemory, time: maxTime, threads: maxThreads}

func (p Params) check(lim limits) error {
	switch {
	case p.Time < 1 || p.Time > lim.time:
		return fmt.Errorf("t=%d outside 1..%d", p.Time, lim.time)
	case p.Threads < 1 || p.Threads > lim.threads:
		return fmt.Errorf("p=%d outside 1..%d", p.Threads, lim.threads)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > lim.memory:
		// RFC 9106 §3.1: m ≥ 8·p. x/crypto silently raises a smaller m,
		// which would make the stored m a lie; refuse it instead.
		return fmt.Errorf("m=%d outside %d..%d", p.Memory, 8*uint32(p.Threads), lim.memory)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("hash length %d outside %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// HashPassword returns the argon2id hash of password with a fresh random
// salt, in the PHC string format
//
//	$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>
//
// with salt and hash in unpadded standard base64. It refuses an empty
// password and one longer than MaxPasswordBytes with a *PolicyError, and
// parameters outside the bounds VerifyPassword accepts.
func HashPassword(password string, p Params) (string, error) {
	if err := checkPasswordLength(password); err != nil {
		return "", err
	}
	if err := p.check(hashLimits); err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never returns an error (Go ≥ 1.24)
	return hashWithSalt(password, salt, p), nil
}

func hashWithSalt(password string, salt []byte, p Params) string {
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodePHC(p, salt, key)
}

func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// VerifyPassword reports whether password matches the PHC string encoded,
// comparing in constant time. needsRehash is true when the hash was made
// with parameters other than DefaultParams (or a shorter salt): the caller
// should then hash the password again and store the new hash.
//
// A malformed hash, or one whose parameters exceed our bounds, yields an
// error wrapping ErrMalformedHash and never ok. A password that is empty or
// longer than MaxPasswordBytes is simply not ok.
func VerifyPassword(encoded, password string) (ok bool, needsRehash bool, err error) {
	return verifyPassword(encoded, password, DefaultParams, hashLimits)
}

func verifyPassword(encoded, password string, want Params, lim limits) (ok, needsRehash bool, err error) {
	p, salt, key, err := parsePHC(encoded, lim)
	if err != nil {
		return false, false, err
	}
	if checkPasswordLength(password) != nil {
		return false, false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, p != want || len(salt) < saltLen, nil
}

// parsePHC parses an argon2id PHC string strictly: only the exact form
// encodePHC writes is accepted, so that every accepted string has exactly
// one spelling (no leading zeros, padding or non-canonical base64), and
// every parameter is within lim before anything is allocated for it.
func parsePHC(encoded string, lim limits) (p Params, salt, key []byte, err error) {
	fail := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, why)
	}
	if len(encoded) > maxEncodedLen {
		return fail("too long")
	}
	f := strings.Split(encoded, "$")
	if len(f) != 6 || f[0] != "" {
		return fail("not a PHC string")
	}
	if f[1] != "argon2id" {
		return fail("algorithm is not argon2id")
	}
	if f[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported version")
	}
	var m, t, threads uint64
	if m, t, threads, err = parseParams(f[3]); err != nil {
		return fail(err.Error())
	}
	// Bound each value before narrowing, so 2^32+1 cannot wrap to 1.
	if m > uint64(lim.memory) || t > uint64(lim.time) || threads > uint64(lim.threads) {
		return fail("parameters above limits")
	}
	p = Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(threads)}
	enc := base64.RawStdEncoding.Strict()
	if len(f[4]) > enc.EncodedLen(maxSaltLen) || len(f[5]) > enc.EncodedLen(maxKeyLen) {
		return fail("salt or hash too long")
	}
	if salt, err = enc.DecodeString(f[4]); err != nil {
		return fail("salt is not base64")
	}
	if key, err = enc.DecodeString(f[5]); err != nil {
		return fail("hash is not base64")
	}
	if len(salt) < minSaltLen {
		return fail("salt too short")
	}
	p.KeyLen = uint32(len(key))
	if err := p.check(lim); err != nil {
		return fail(err.Error())
	}
	if encodePHC(p, salt, key) != encoded {
		return fail("not in canonical form")
	}
	return p, salt, key, nil
}

// parseParams parses "m=<m>,t=<t>,p=<p>" in exactly that order.
func parseParams(s string) (m, t, p uint64, err error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return 0, 0, 0, errors.New("want m=,t=,p=")
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(parts[i], name)
		if !ok || v == "" || len(v) > 10 {
			return 0, 0, 0, errors.New("want m=,t=,p=")
		}
		if vals[i], err = strconv.ParseUint(v, 10, 64); err != nil {
			return 0, 0, 0, errors.New("parameter is not a number")
		}
	}
	return vals[0], vals[1], vals[2], nil
}

// checkPasswordLength is the part of the policy that also applies when
// verifying: it bounds the work a request can cause.
func checkPasswordLength(password string) error {
	switch {
	case password == "":
		return policyError(CodePasswordEmpty)
	case len(password) > MaxPasswordBytes:
		return policyError(CodePasswordTooLong)
	}
	return nil
}
