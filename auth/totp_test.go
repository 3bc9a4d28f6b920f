package auth

import (
	"encoding/base32"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp"
)

// rfcSecret is the SHA1 seed of RFC 6238 Appendix B, the 20 ASCII bytes
// "12345678901234567890", in base32 as an app would hold it.
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

// TestTOTPRFC6238Vectors checks the SHA1 rows of RFC 6238 Appendix B: the
// eight-digit codes directly, and VerifyTOTP with their last six digits
// (a six-digit code is the same value mod 10^6, RFC 4226 §5.3).
func TestTOTPRFC6238Vectors(t *testing.T) {
	tests := []struct {
		name string
		unix int64
		step int64 // T in hex in the RFC table
		code string
	}{
		{"1970-01-01 00:00:59", 59, 0x1, "94287082"},
		{"2005-03-18 01:58:29", 1111111109, 0x23523EC, "07081804"},
		{"2005-03-18 01:58:31", 1111111111, 0x23523ED, "14050471"},
		{"2009-02-13 23:31:30", 1234567890, 0x273EF07, "89005924"},
		{"2033-05-18 03:33:20", 2000000000, 0x3F940AA, "69279037"},
		{"2603-10-11 11:33:20", 20000000000, 0x27BC86AA, "65353130"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Unix(tc.unix, 0)
			if got := TOTPStep(now); got != tc.step {
				t.Fatalf("TOTPStep = %#x, want %#x", got, tc.step)
			}
			got, err := totpCode(rfcSecret, tc.step, otp.DigitsEight)
			if err != nil || got != tc.code {
				t.Errorf("8-digit code = %q, %v; want %q", got, err, tc.code)
			}
			step, ok := VerifyTOTP(rfcSecret, tc.code[2:], now, 0)
			if !ok || step != tc.step {
				t.Errorf("VerifyTOTP(%s) = %#x, %v; want %#x, true", tc.code[2:], step, ok, tc.step)
			}
		})
	}
}

func TestVerifyTOTPReplay(t *testing.T) {
	// A fixed secret keeps the test deterministic: with a random one the
	// codes of two steps collide once in a million runs.
	secret := rfcSecret
	now := time.Date(2026, 4, 1, 9, 0, 10, 0, time.UTC)
	cur := TOTPStep(now)
	code := func(s int64) string {
		t.Helper()
		c, err := totpCode(secret, s, otp.DigitsSix)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// Each step is a sign-in attempt; last carries over, as the store would.
	steps := []struct {
		name   string
		code   string
		ok     bool
		stored int64 // lastStep afterwards
	}{
		{"code of 2 steps ago refused", code(cur - 2), false, 0},
		{"code of 2 steps ahead refused", code(cur + 2), false, 0},
		{"previous step accepted", code(cur - 1), true, cur - 1},
		{"previous step again refused", code(cur - 1), false, cur - 1},
		{"current step accepted", code(cur), true, cur},
		{"current step again refused", code(cur), false, cur},
		{"previous step after current refused", code(cur - 1), false, cur},
		{"next step accepted", code(cur + 1), true, cur + 1},
		{"next step again refused", code(cur + 1), false, cur + 1},
		{"current step after next refused", code(cur), false, cur + 1},
	}
	last := int64(0)
	for _, s := range steps {
		step, ok := VerifyTOTP(secret, s.code, now, last)
		if ok != s.ok {
			t.Fatalf("%s: ok = %v, want %v", s.name, ok, s.ok)
		}
		if ok {
			last = step
		}
		if last != s.stored {
			t.Fatalf("%s: stored step = %d, want %d", s.name, last, s.stored)
		}
	}
}

func TestVerifyTOTPRefusesMalformedCodes(t *testing.T) {
	now := time.Unix(1234567890, 0)
	good := "005924" // RFC 6238 vector at this time
	if _, ok := VerifyTOTP(rfcSecret, good, now, 0); !ok {
		t.Fatal("the RFC vector itself is refused")
	}
	tests := []struct{ name, code string }{
		{"empty", ""},
		{"5 digits", good[:5]},
		{"7 digits", good + "0"},
		{"8-digit RFC code", "89005924"},
		{"letter", "00592a"},
		{"leading space", " " + good[1:]},
		{"inner space", "005 924"},
		{"trailing newline", good + "\n"},
		{"plus sign", "+05924"},
		{"minus sign", "-05924"},
		{"full-width digits", "００５９２４"},
		{"arabic-indic digits", "٠٠٥٩٢٤"},
		{"NUL", good[:5] + "\x00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if step, ok := VerifyTOTP(rfcSecret, tc.code, now, 0); ok {
				t.Errorf("VerifyTOTP(%q) = %d, true; want refused", tc.code, step)
			}
		})
	}
}

func TestVerifyTOTPSecrets(t *testing.T) {
	now := time.Unix(1234567890, 0)
	code := "005924"
	tests := []struct {
		name   string
		secret string
		ok     bool
	}{
		{"canonical", rfcSecret, true},
		{"lower case", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", true},
		{"surrounding spaces", " " + rfcSecret + " ", true},
		{"empty", "", false},
		{"not base32", "1234567890!@#$%^&*()", false},
		{"80 bits", base32.StdEncoding.EncodeToString([]byte("1234567890")), false},
		{"120 bits", base32.StdEncoding.EncodeToString([]byte("123456789012345")), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := VerifyTOTP(tc.secret, code, now, 0); ok != tc.ok {
				t.Errorf("ok = %v, want %v", ok, tc.ok)
			}
		})
	}
}

func TestTOTPStep(t *testing.T) {
	tests := []struct {
		unix, step int64
	}{
		{0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2}, {-1, -1}, {-30, -1}, {-31, -2},
	}
	for _, tc := range tests {
		if got := TOTPStep(time.Unix(tc.unix, 999_999_999)); got != tc.step {
			t.Errorf("TOTPStep(%d) = %d, want %d", tc.unix, got, tc.step)
		}
	}
}

func TestNewTOTPSecret(t *testing.T) {
	secret, u, err := NewTOTPSecret("Kakehashi 掛橋市", "taro@city.example")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := decodeTOTPSecret(secret)
	if err != nil || len(raw) != totpSecretBytes {
		t.Errorf("secret %q: %d bytes, %v; want %d bytes", secret, len(raw), err, totpSecretBytes)
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	if pu.Scheme != "otpauth" || pu.Host != "totp" || pu.Path != "/Kakehashi 掛橋市:taro@city.example" {
		t.Errorf("URL %q: wrong scheme, type or label", u)
	}
	q := pu.Query()
	for k, want := range map[string]string{
		"secret": secret, "issuer": "Kakehashi 掛橋市", "digits": "6", "period": "30", "algorithm": "SHA1",
	} {
		if q.Get(k) != want {
			t.Errorf("URL %s = %q, want %q", k, q.Get(k), want)
		}
	}
	other, _, _ := NewTOTPSecret("Kakehashi", "taro")
	if other == secret {
		t.Error("two secrets are equal")
	}

	for _, bad := range []struct{ name, issuer, account string }{
		{"no issuer", "", "taro"},
		{"no account", "Kakehashi", ""},
		{"colon in issuer", "Kake:hashi", "taro"},
		{"colon in account", "Kakehashi", "ta:ro"},
	} {
		if _, _, err := NewTOTPSecret(bad.issuer, bad.account); err == nil {
			t.Errorf("%s: NewTOTPSecret succeeded", bad.name)
		}
	}
}
