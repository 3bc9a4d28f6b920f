package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi"
)

// TestFormsOnFirstVisit: on a browser's very first page (no cookie yet)
// every form of the page must work, the header's display and language
// switches included. Each form used to mint its own pre-sign-in secret,
// and only the last Set-Cookie survived, so the accessible-display switch
// on the sign-in page answered "the form expired" (found by the browser
// test).
func TestFormsOnFirstVisit(t *testing.T) {
	s := New(Config{Zone: kakehashi.ZoneInternet})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/login", nil))
	var pre []*http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == preCookie {
			pre = append(pre, c)
		}
	}
	if len(pre) != 1 {
		t.Fatalf("the sign-in page sets %d %s cookies, want 1", len(pre), preCookie)
	}
	body := rec.Body.String()
	for _, action := range []string{"/prefs", "/login"} {
		m := regexp.MustCompile(`action="` + action + `"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no form for %s on the sign-in page", action)
		}
		r := httptest.NewRequest("POST", action, strings.NewReader(url.Values{"csrf": {m[1]}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(pre[0])
		if !s.csrfOK(r, nil) {
			t.Errorf("the token of the %s form does not verify", action)
		}
	}
}
