package app_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/app/apptest"
	"github.com/kakehashi/kakehashi/auth"
	"github.com/kakehashi/kakehashi/web"
)

// TestAuthorizationMatrix walks the route table: every route × listener
// zone × subject (anonymous, each role) over real HTTP, and checks the
// outcome the table promises. It is generated from web.Routes(), so a new
// route is covered the moment it is added.
func TestAuthorizationMatrix(t *testing.T) {
	o := newOffice(t)
	g := o.g
	subjects := []struct {
		name string
		user *apptest.User
	}{{"anonymous", nil}, {"user", o.clerk}, {"approver", o.boss}, {"auditor", o.auditor}, {"admin", o.admin}}
	const fakeID = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
	for _, zone := range []kakehashi.Zone{kakehashi.ZoneInternet, kakehashi.ZoneLGWAN} {
		base := g.URL(zone)
		for _, rt := range web.Routes() {
			path := strings.NewReplacer("{id}", fakeID, "{file}", "app.css", "{copy}", "sanitized", "{$}", "").Replace(rt.Path)
			for _, sub := range subjects {
				name := string(zone) + "/" + rt.Method + " " + rt.Path + "/" + sub.name
				req, _ := http.NewRequest(rt.Method, base+path, nil)
				if rt.Method == "POST" {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Body = io.NopCloser(strings.NewReader(""))
				}
				if sub.user != nil {
					token, sess, err := g.Accounts.SignIn(context.Background(), zone, "127.0.0.1", sub.user.Name, sub.user.Password)
					if err != nil {
						t.Fatal(err)
					}
					if rt.API {
						req.Header.Set("Authorization", "Bearer "+apiTokenFor(t, g, sess))
					} else {
						req.AddCookie(&http.Cookie{Name: "kakehashi_session", Value: token})
						req.Header.Set("X-CSRF-Token", auth.CSRFToken(sess.CSRFSecret, path))
					}
				}
				resp, err := noRedirect.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				check(t, name, rt, zone, sub.user, resp, string(body))
			}
		}
	}
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func check(t *testing.T, name string, rt web.RouteInfo, zone kakehashi.Zone, sub *apptest.User, resp *http.Response, body string) {
	t.Helper()
	status := resp.StatusCode
	unregistered := (status == http.StatusNotFound && strings.HasPrefix(body, "404 page not found")) || status == http.StatusMethodNotAllowed
	loc := resp.Header.Get("Location")
	// "Sign in first": a redirect to the sign-in page, or for the API a 401
	// with a challenge. A 401 page without one is a wrong password in the
	// form, which the route was allowed to check.
	loginRedirect := status == http.StatusSeeOther && (loc == "/login" || strings.HasPrefix(loc, "/login?next="))
	challenged := status == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") != ""
	roleDenied := status == http.StatusForbidden && strings.Contains(body, "権限がありません")
	switch {
	case !slices.Contains(rt.Zones, zone):
		if !unregistered {
			t.Errorf("%s: route not in this zone answered %d (must not exist here)", name, status)
		}
	case rt.Public:
		if unregistered || challenged || roleDenied {
			t.Errorf("%s: public route answered %d", name, status)
		}
	case sub == nil:
		if rt.API && !challenged || !rt.API && !loginRedirect {
			t.Errorf("%s: anonymous got %d %s, want sign-in", name, status, resp.Header.Get("Location"))
		}
	case len(rt.Roles) > 0 && !hasAny(sub.User, rt.Roles):
		if !roleDenied {
			t.Errorf("%s: got %d, want 403 for a user without %v", name, status, rt.Roles)
		}
	default:
		if unregistered || loginRedirect || roleDenied || challenged {
			t.Errorf("%s: allowed subject got %d %s %.80q", name, status, resp.Header.Get("Location"), body)
		}
	}
}

func hasAny(u *kakehashi.User, roles []kakehashi.Role) bool {
	for _, r := range roles {
		if u.Has(r) {
			return true
		}
	}
	return false
}

func apiTokenFor(t *testing.T, g *apptest.Gateway, sess *account.Session) string {
	t.Helper()
	token, err := g.Accounts.CreateAPIToken(context.Background(), sess, "127.0.0.1", account.TokenRequest{Name: "matrix", Scopes: web.Scopes, TTL: time.Hour}, web.Scopes)
	if err != nil {
		t.Fatal(err)
	}
	return token
}
