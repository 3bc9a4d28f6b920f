package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/kakehashi/kakehashi"
)

// TestTOTPSignIn enrols a second factor through the account page, then
// signs in with password and code; a code works once, and a half-signed-in
// session reaches nothing but the code page.
func TestTOTPSignIn(t *testing.T) {
	o := newOffice(t)
	lg := o.g.Client(kakehashi.ZoneLGWAN)
	lg.Login(o.recipient)
	page := mustGet(t, lg, "/account")
	m := regexp.MustCompile(`name="secret" value="([A-Z2-7]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no TOTP secret on the account page:\n%s", page)
	}
	secret := m[1]
	code := func(at time.Time) string {
		c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Enrol with the code of the previous step, so the current one is
	// still unused for the sign-in below.
	status, _, body := lg.Post("/account", "/account/totp", url.Values{"secret": {secret}, "code": {code(time.Now().Add(-30 * time.Second))}})
	if status != http.StatusSeeOther {
		t.Fatalf("enrol: %d %s", status, body)
	}

	c := o.g.Client(kakehashi.ZoneLGWAN)
	status, loc, _ := c.Post("/login", "/login", url.Values{"user": {o.recipient.Name}, "password": {o.recipient.Password}})
	if status != http.StatusSeeOther || loc != "/login/mfa" {
		t.Fatalf("password step: %d %s", status, loc)
	}
	if code, _ := c.Get("/"); code != http.StatusSeeOther {
		t.Errorf("home before the code: %d, want a redirect to the code page", code)
	}
	now := code(time.Now())
	wrong := "000000"
	if wrong == now {
		wrong = "111111"
	}
	if status, _, _ := c.Post("/login/mfa", "/login/mfa", url.Values{"code": {wrong}}); status != http.StatusUnauthorized {
		t.Errorf("wrong code: %d", status)
	}
	// Full-width digits, as a Japanese IME types them, are accepted.
	fullWidth := strings.Map(func(r rune) rune { return r - '0' + '０' }, now)
	if status, loc, _ := c.Post("/login/mfa", "/login/mfa", url.Values{"code": {fullWidth}}); status != http.StatusSeeOther || loc != "/" {
		t.Fatalf("right code: %d %s", status, loc)
	}
	if code, _ := c.Get("/"); code != http.StatusOK {
		t.Errorf("home after the code: %d", code)
	}

	// The same code in another session is refused (RFC 6238 §5.2).
	c2 := o.g.Client(kakehashi.ZoneLGWAN)
	c2.Post("/login", "/login", url.Values{"user": {o.recipient.Name}, "password": {o.recipient.Password}})
	if status, _, _ := c2.Post("/login/mfa", "/login/mfa", url.Values{"code": {now}}); status != http.StatusUnauthorized {
		t.Errorf("replayed code: %d, want 401", status)
	}
}
