package auth

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi"
)

func TestHashPasswordRoundTrip(t *testing.T) {
	tests := []struct {
		name, password, wrong string
	}{
		{"ascii", "correct horse battery staple", "correct horse battery stapl"},
		{"japanese", "かけはし・橋渡し・二〇二六年", "かけはし・橋渡し・二〇二六"},
		{"one byte", "x", "y"},
		{"longest allowed", strings.Repeat("ab", MaxPasswordBytes/2), strings.Repeat("ab", MaxPasswordBytes/2-1) + "aa"},
		{"spaces matter", "pass word", "password"},
		{"case matters", "Password", "password"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := HashPassword(tc.password, TestParams)
			if err != nil {
				t.Fatal(err)
			}
			ok, rehash, err := verifyPassword(h, tc.password, TestParams, hashLimits)
			if !ok || rehash || err != nil {
				t.Errorf("verify(right) = %v, %v, %v; want true, false, nil", ok, rehash, err)
			}
			ok, rehash, err = verifyPassword(h, tc.wrong, TestParams, hashLimits)
			if ok || rehash || err != nil {
				t.Errorf("verify(wrong) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
			// The exported entry point compares with DefaultParams.
			ok, rehash, err = VerifyPassword(h, tc.password)
			if !ok || !rehash || err != nil {
				t.Errorf("VerifyPassword(TestParams hash) = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
		})
	}
}

func TestHashPasswordDefaultParams(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB argon2id")
	}
	h, err := HashPassword("correct horse battery staple", DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash = %q, want the RFC 9106 second option with p=2", h)
	}
	ok, rehash, err := VerifyPassword(h, "correct horse battery staple")
	if !ok || rehash || err != nil {
		t.Errorf("VerifyPassword = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestHashPasswordFormat(t *testing.T) {
	h, err := HashPassword("correct horse battery staple", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(h) {
		t.Errorf("hash %q does not match %s", h, re)
	}
	h2, _ := HashPassword("correct horse battery staple", TestParams)
	if h == h2 {
		t.Error("two hashes of one password are equal: salt is not random")
	}
}

func TestHashPasswordRefuses(t *testing.T) {
	tests := []struct {
		name     string
		password string
		params   Params
		code     string // a PolicyError code, or "" for a parameter error
	}{
		{"empty password", "", TestParams, CodePasswordEmpty},
		{"password one byte too long", strings.Repeat("a", MaxPasswordBytes+1), TestParams, CodePasswordTooLong},
		{"zero params", "pw", Params{}, ""},
		{"t=0", "pw", Params{Memory: 64, Time: 0, Threads: 1, KeyLen: 32}, ""},
		{"t=11", "pw", Params{Memory: 64, Time: 11, Threads: 1, KeyLen: 32}, ""},
		{"p=0", "pw", Params{Memory: 64, Time: 1, Threads: 0, KeyLen: 32}, ""},
		{"p=17", "pw", Params{Memory: 256, Time: 1, Threads: 17, KeyLen: 32}, ""},
		{"m below 8p", "pw", Params{Memory: 15, Time: 1, Threads: 2, KeyLen: 32}, ""},
		{"m above 1 GiB", "pw", Params{Memory: 1<<20 + 1, Time: 1, Threads: 1, KeyLen: 32}, ""},
		{"key 15 bytes", "pw", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 15}, ""},
		{"key 65 bytes", "pw", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 65}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := HashPassword(tc.password, tc.params)
			if err == nil {
				t.Fatalf("HashPassword = %q, want an error", h)
			}
			var pe *PolicyError
			if tc.code != "" && (!errors.As(err, &pe) || pe.Code != tc.code) {
				t.Errorf("err = %v, want PolicyError %s", err, tc.code)
			}
		})
	}
	// The boundaries themselves are accepted.
	for _, p := range []Params{
		{Memory: 8, Time: 1, Threads: 1, KeyLen: 16},
		{Memory: 128, Time: 1, Threads: 16, KeyLen: 64},
	} {
		if _, err := HashPassword("pw", p); err != nil {
			t.Errorf("HashPassword(%+v) = %v, want success", p, err)
		}
	}
	if _, err := HashPassword(strings.Repeat("a", MaxPasswordBytes), TestParams); err != nil {
		t.Errorf("HashPassword(%d bytes) = %v, want success", MaxPasswordBytes, err)
	}
}

func TestVerifyPasswordNeedsRehash(t *testing.T) {
	salt16 := []byte("0123456789abcdef")
	tests := []struct {
		name   string
		made   Params
		salt   []byte
		want   Params
		rehash bool
	}{
		{"same", TestParams, salt16, TestParams, false},
		{"memory differs", Params{Memory: 128, Time: 1, Threads: 1, KeyLen: 32}, salt16, TestParams, true},
		{"time differs", Params{Memory: 64, Time: 2, Threads: 1, KeyLen: 32}, salt16, TestParams, true},
		{"threads differ", Params{Memory: 64, Time: 1, Threads: 2, KeyLen: 32}, salt16, TestParams, true},
		{"key length differs", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 16}, salt16, TestParams, true},
		{"short salt", TestParams, salt16[:8], TestParams, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := hashWithSalt("pw", tc.salt, tc.made)
			ok, rehash, err := verifyPassword(h, "pw", tc.want, hashLimits)
			if !ok || err != nil || rehash != tc.rehash {
				t.Errorf("verify = %v, %v, %v; want true, %v, nil", ok, rehash, err, tc.rehash)
			}
			// A wrong password never asks for a rehash: there is nothing
			// to hash.
			if _, rehash, _ := verifyPassword(h, "wrong", tc.want, hashLimits); rehash {
				t.Error("needsRehash with a wrong password")
			}
		})
	}
}

func TestVerifyPasswordRefusesOverlongOrEmpty(t *testing.T) {
	h := hashWithSalt("pw", []byte("0123456789abcdef"), TestParams)
	for name, pw := range map[string]string{
		"empty":    "",
		"overlong": "pw" + strings.Repeat("\x00", MaxPasswordBytes),
	} {
		if ok, _, err := VerifyPassword(h, pw); ok || err != nil {
			t.Errorf("%s: VerifyPassword = %v, %v; want false, nil", name, ok, err)
		}
	}
}

// malformedHashes are PHC strings VerifyPassword must refuse with
// ErrMalformedHash. They also seed FuzzVerifyPassword.
func malformedHashes() []struct{ name, encoded string } {
	b64 := base64.RawStdEncoding.EncodeToString
	salt := b64([]byte("0123456789abcdef"))
	key := b64(make([]byte, 32))
	valid := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key
	with := func(params string) string { return "$argon2id$v=19$" + params + "$" + salt + "$" + key }
	return []struct{ name, encoded string }{
		{"empty", ""},
		{"plain text", "correct horse battery staple"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", strings.Replace(valid, "argon2id", "argon2i", 1)},
		{"argon2d", strings.Replace(valid, "argon2id", "argon2d", 1)},
		{"upper-case algorithm", strings.Replace(valid, "argon2id", "ARGON2ID", 1)},
		{"version 16", strings.Replace(valid, "v=19", "v=16", 1)},
		{"version missing", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"leading garbage", "x" + valid},
		{"trailing newline", valid + "\n"},
		{"leading space", " " + valid},
		{"extra field", valid + "$" + key},
		{"hash missing", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"hash empty", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$"},
		{"salt empty", "$argon2id$v=19$m=64,t=1,p=1$$" + key},
		{"params swapped", with("t=1,m=64,p=1")},
		{"params missing p", with("m=64,t=1")},
		{"params with data", with("m=64,t=1,p=1,data=YWJj")},
		{"params with keyid", with("m=64,t=1,p=1,keyid=YWJj")},
		{"params with spaces", with("m=64, t=1, p=1")},
		{"m leading zero", with("m=064,t=1,p=1")},
		{"m plus sign", with("m=+64,t=1,p=1")},
		{"m negative", with("m=-64,t=1,p=1")},
		{"m empty", with("m=,t=1,p=1")},
		{"m hex", with("m=0x40,t=1,p=1")},
		{"m below 8p", with("m=7,t=1,p=1")},
		{"m one above 1 GiB", with("m=1048577,t=1,p=1")},
		{"m 4 GiB", with("m=4194304,t=1,p=1")},
		{"m wraps uint32 to 64", with("m=4294967360,t=1,p=1")},
		{"m twenty digits", with("m=18446744073709551616,t=1,p=1")},
		{"t zero", with("m=64,t=0,p=1")},
		{"t eleven", with("m=64,t=11,p=1")},
		{"t wraps uint32 to 1", with("m=64,t=4294967297,p=1")},
		{"p zero", with("m=64,t=1,p=0")},
		{"p seventeen", with("m=256,t=1,p=17")},
		{"p wraps uint8 to 1", with("m=64,t=1,p=257")},
		{"salt padded", "$argon2id$v=19$m=64,t=1,p=1$" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef")) + "$" + key},
		{"salt url alphabet", "$argon2id$v=19$m=64,t=1,p=1$" + b64([]byte{0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe, 0xfb, 0xff, 0xfe}) + "_-$" + key},
		{"salt not canonical", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:len(salt)-1] + "B$" + key},
		{"salt 7 bytes", "$argon2id$v=19$m=64,t=1,p=1$" + b64(make([]byte, 7)) + "$" + key},
		{"salt 65 bytes", "$argon2id$v=19$m=64,t=1,p=1$" + b64(make([]byte, 65)) + "$" + key},
		{"hash 15 bytes", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + b64(make([]byte, 15))},
		{"hash 65 bytes", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + b64(make([]byte, 65))},
		{"hash with NUL", valid[:len(valid)-1] + "\x00"},
		{"too long", valid + strings.Repeat("A", maxEncodedLen)},
		{"only dollars", "$$$$$"},
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	for _, tc := range malformedHashes() {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(tc.encoded, "correct horse battery staple")
			if ok || rehash || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("VerifyPassword = %v, %v, %v; want false, false, ErrMalformedHash", ok, rehash, err)
			}
		})
	}
}

// TestParsePHCBounds checks the largest parameters a stored hash may have
// are accepted by the parser. Only parsing: computing them would take 1 GiB.
func TestParsePHCBounds(t *testing.T) {
	tests := []struct {
		name string
		p    Params
		salt int
	}{
		{"largest memory", Params{Memory: 1 << 20, Time: 1, Threads: 1, KeyLen: 32}, 16},
		{"most passes", Params{Memory: 64, Time: 10, Threads: 1, KeyLen: 32}, 16},
		{"most lanes", Params{Memory: 128, Time: 1, Threads: 16, KeyLen: 32}, 16},
		{"smallest memory", Params{Memory: 8, Time: 1, Threads: 1, KeyLen: 32}, 16},
		{"shortest salt and hash", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 16}, 8},
		{"longest salt and hash", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 64}, 64},
		{"defaults", DefaultParams, 16},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc := encodePHC(tc.p, make([]byte, tc.salt), make([]byte, tc.p.KeyLen))
			p, salt, key, err := parsePHC(enc, hashLimits)
			if err != nil {
				t.Fatalf("parsePHC(%q) = %v", enc, err)
			}
			if p != tc.p || len(salt) != tc.salt || len(key) != int(tc.p.KeyLen) {
				t.Errorf("parsePHC = %+v, %d-byte salt, %d-byte key", p, len(salt), len(key))
			}
		})
	}
}

func TestPolicyErrorCode(t *testing.T) {
	_, err := HashPassword("", TestParams)
	if got := kakehashi.ErrorCode(err); got != kakehashi.EINVALID {
		t.Errorf("ErrorCode = %q, want %q", got, kakehashi.EINVALID)
	}
}
