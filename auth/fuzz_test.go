package auth

import (
	"errors"
	"testing"
)

// FuzzVerifyPassword feeds hostile PHC strings and passwords to the
// verifier. Properties beyond "does not panic":
//
//   - an error is never accompanied by ok or needsRehash, and is always
//     ErrMalformedHash;
//   - ok only for a pair HashPassword produced: every accepted string has
//     one spelling (parsePHC insists on the canonical form), so any change
//     to a real hash either fails to parse or changes what is computed;
//   - parameters accepted under the production limits never exceed them,
//     so a stored hash cannot make a sign-in allocate more than 1 GiB.
//
// The argon2 work runs under tighter limits than production so that each
// iteration is cheap; the production limits are checked by parsing alone.
func FuzzVerifyPassword(f *testing.F) {
	// Fixed salts keep the known hashes the same in every run, so inputs
	// the fuzzer saved in an earlier run are judged against the same set.
	type pair struct{ encoded, password string }
	known := []pair{
		{hashWithSalt("correct horse battery staple", []byte("0123456789abcdef"), TestParams), "correct horse battery staple"},
		{hashWithSalt("かけはし", []byte("saltsalt"), Params{Memory: 128, Time: 2, Threads: 2, KeyLen: 16}), "かけはし"},
	}
	for _, k := range known {
		f.Add(k.encoded, k.password)
		f.Add(k.encoded, k.password+"x")
		f.Add(k.encoded, "")
	}
	for _, m := range malformedHashes() {
		f.Add(m.encoded, "correct horse battery staple")
	}
	fuzzLimits := limits{memory: 1024, time: 3, threads: 4}

	f.Fuzz(func(t *testing.T, encoded, password string) {
		ok, rehash, err := verifyPassword(encoded, password, TestParams, fuzzLimits)
		if err != nil && (ok || rehash || !errors.Is(err, ErrMalformedHash)) {
			t.Fatalf("verify = %v, %v, %v: an error must come alone and be ErrMalformedHash", ok, rehash, err)
		}
		if ok {
			found := false
			for _, k := range known {
				found = found || (k.encoded == encoded && k.password == password)
			}
			if !found {
				t.Fatalf("verify(%q, %q) = ok for a pair HashPassword did not produce", encoded, password)
			}
		}
		if p, salt, key, err := parsePHC(encoded, hashLimits); err == nil {
			if p.check(hashLimits) != nil || len(salt) > maxSaltLen || len(key) > maxKeyLen {
				t.Fatalf("parsePHC accepted %+v with %d-byte salt beyond the limits", p, len(salt))
			}
			if encodePHC(p, salt, key) != encoded {
				t.Fatalf("parsePHC accepted a non-canonical %q", encoded)
			}
		}
	})
}
