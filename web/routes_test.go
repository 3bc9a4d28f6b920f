package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi"
)

// TestInternetRouteSet pins the exact surface of the internet-zone
// listener. Adding a route there must be a deliberate change to this list
// (GoAnywhere's forgotten setup page, FileZen's reachable admin login).
func TestInternetRouteSet(t *testing.T) {
	want := []string{
		"GET /healthz", "GET /static/{file}", "GET /login", "POST /login", "GET /login/mfa", "POST /login/mfa", "POST /logout", "POST /prefs",
		"GET /{$}", "GET /send", "POST /send", "GET /transfers/{id}", "GET /files/{id}/{copy}",
		"GET /account", "POST /account/password",
		"GET /api/v1/openapi.yaml", "GET /api/v1/me", "GET /api/v1/users", "GET /api/v1/transfers", "POST /api/v1/transfers",
		"GET /api/v1/transfers/{id}", "GET /api/v1/files/{id}/{copy}",
	}
	var got []string
	for _, r := range RoutesIn(kakehashi.ZoneInternet) {
		got = append(got, r.Method+" "+r.Path)
		if len(r.Roles) > 0 {
			t.Errorf("%s %s needs a role on the internet side: role-restricted screens belong on LGWAN", r.Method, r.Path)
		}
		if strings.Contains(r.Path, "admin") || strings.Contains(r.Path, "audit") || strings.Contains(r.Path, "approval") {
			t.Errorf("%s %s is on the internet side", r.Method, r.Path)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("internet routes:\n got  %q\n want %q", got, want)
	}
}

// TestNoRouteInMyNumberZone: nothing crosses out of マイナンバー利用事務系.
func TestNoRouteInMyNumberZone(t *testing.T) {
	if rs := RoutesIn(kakehashi.ZoneMyNumber); len(rs) != 0 {
		t.Errorf("routes in the mynumber zone: %v", rs)
	}
}

// TestEveryAPIRouteDocumented keeps openapi.yaml and the route table in step.
func TestEveryAPIRouteDocumented(t *testing.T) {
	doc := string(OpenAPI())
	for _, r := range Routes() {
		if !r.API {
			continue
		}
		p := strings.TrimPrefix(r.Path, "/api/v1")
		if !strings.Contains(doc, "\n  "+p+":") {
			t.Errorf("%s %s is not in openapi.yaml", r.Method, r.Path)
			continue
		}
		section := doc[strings.Index(doc, "\n  "+p+":"):]
		if next := strings.Index(section[1:], "\n  /"); next > 0 {
			section = section[:next+1]
		}
		if !strings.Contains(section, "\n    "+strings.ToLower(r.Method)+":") {
			t.Errorf("%s %s: method not documented", r.Method, r.Path)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"ascii", "report.pdf", `attachment; filename="report.pdf"`},
		{"japanese", "議事録.docx", `attachment; filename="___.docx"; filename*=utf-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.docx`},
		{"quote-and-semicolon", `a";b.txt`, `attachment; filename="a__b.txt"; filename*=utf-8''a%22%3Bb.txt`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ContentDisposition(tc.in); got != tc.want {
				t.Errorf("ContentDisposition(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/transfers/x": "/transfers/x", "//evil.example/": "/", "https://evil.example/": "/", "/\\evil": "/", "": "/", "/a\r\nSet-Cookie: x": "/", "/\t/evil.example": "/", "/a\\b": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSensitiveRoutesNeedRoles pins who may reach the powerful routes, so
// dropping a role from the table is a failing test, not a quiet change
// (the authorisation matrix checks the server obeys the table; this checks
// the table).
func TestSensitiveRoutesNeedRoles(t *testing.T) {
	need := map[string]kakehashi.Role{
		"/audit": kakehashi.RoleAuditor, "/api/v1/audit": kakehashi.RoleAuditor,
		"/admin": kakehashi.RoleAdmin, "/api/v1/exemptions": kakehashi.RoleAdmin,
		"/approvals": kakehashi.RoleApprover, "/api/v1/approvals": kakehashi.RoleApprover, "/delegations": kakehashi.RoleApprover,
	}
	for _, r := range Routes() {
		for prefix, role := range need {
			if r.Path == prefix || strings.HasPrefix(r.Path, prefix+"/") {
				if !slices.Equal(r.Roles, []kakehashi.Role{role}) || !slices.Equal(r.Zones, []kakehashi.Zone{kakehashi.ZoneLGWAN}) {
					t.Errorf("%s %s: roles %v zones %v, want only %s on lgwan", r.Method, r.Path, r.Roles, r.Zones, role)
				}
			}
		}
		if r.Method == "POST" && r.Path == "/api/v1/users" && !slices.Equal(r.Roles, []kakehashi.Role{kakehashi.RoleAdmin}) {
			t.Errorf("POST /api/v1/users: roles %v, want admin", r.Roles)
		}
	}
}
