package web

import (
	"net/http"
	"slices"

	"github.com/kakehashi/kakehashi"
)

// access says who may call a route.
type access int

const (
	public   access = iota // no sign-in (sign-in page, static files, health)
	signedIn               // any signed-in user (MFA done)
	partial                // signed in with password, second factor pending
)

// route is one entry of the route table.
type route struct {
	method, path string
	zones        []kakehashi.Zone
	access       access
	roles        []kakehashi.Role // any of these; empty = any signed-in user
	scope        string           // API token scope needed ("" = browser only for non-API routes)
	api          bool             // JSON in and out, bearer tokens accepted
	handle       func(s *Server, w http.ResponseWriter, r *http.Request)
}

var (
	both     = []kakehashi.Zone{kakehashi.ZoneInternet, kakehashi.ZoneLGWAN}
	lgwan    = []kakehashi.Zone{kakehashi.ZoneLGWAN}
	approver = []kakehashi.Role{kakehashi.RoleApprover}
	auditor  = []kakehashi.Role{kakehashi.RoleAuditor}
	admin    = []kakehashi.Role{kakehashi.RoleAdmin}
)

// Scopes an API token can hold.
const (
	ScopeTransfersRead  = "transfers:read"
	ScopeTransfersWrite = "transfers:write"
	ScopeApprovals      = "approvals:write"
	ScopeAudit          = "audit:read"
	ScopeAdmin          = "admin"
)

// Scopes lists every API scope.
var Scopes = []string{ScopeTransfersRead, ScopeTransfersWrite, ScopeApprovals, ScopeAudit, ScopeAdmin}

// routes is the whole surface of the gateway. The internet zone gets only
// what a user there needs: sign in, send files in, fetch approved outbound
// files, their own list. Everything about approving, auditing and
// administering exists on LGWAN only.
var routes = []route{
	{method: "GET", path: "/healthz", zones: both, access: public, handle: (*Server).health},
	{method: "GET", path: "/static/{file}", zones: both, access: public, handle: (*Server).static},
	{method: "GET", path: "/login", zones: both, access: public, handle: (*Server).loginForm},
	{method: "POST", path: "/login", zones: both, access: public, handle: (*Server).login},
	{method: "GET", path: "/login/mfa", zones: both, access: partial, handle: (*Server).mfaForm},
	{method: "POST", path: "/login/mfa", zones: both, access: partial, handle: (*Server).mfa},
	{method: "POST", path: "/logout", zones: both, access: partial, handle: (*Server).logout},
	{method: "POST", path: "/prefs", zones: both, access: public, handle: (*Server).prefs},

	{method: "GET", path: "/{$}", zones: both, access: signedIn, handle: (*Server).home},
	{method: "GET", path: "/send", zones: both, access: signedIn, handle: (*Server).sendForm},
	{method: "POST", path: "/send", zones: both, access: signedIn, handle: (*Server).send},
	{method: "GET", path: "/transfers/{id}", zones: both, access: signedIn, handle: (*Server).transfer},
	{method: "GET", path: "/files/{id}/{copy}", zones: both, access: signedIn, handle: (*Server).download},
	{method: "POST", path: "/files/{id}/release", zones: lgwan, access: signedIn, handle: (*Server).requestRelease},
	{method: "GET", path: "/account", zones: both, access: signedIn, handle: (*Server).account},
	{method: "POST", path: "/account/password", zones: both, access: signedIn, handle: (*Server).changePassword},
	{method: "POST", path: "/account/totp", zones: lgwan, access: signedIn, handle: (*Server).enrollTOTP},
	{method: "POST", path: "/account/tokens", zones: lgwan, access: signedIn, handle: (*Server).createToken},

	{method: "POST", path: "/approvals/{id}", zones: lgwan, access: signedIn, roles: approver, handle: (*Server).decide},
	{method: "POST", path: "/delegations", zones: lgwan, access: signedIn, roles: approver, handle: (*Server).delegate},

	{method: "GET", path: "/audit", zones: lgwan, access: signedIn, roles: auditor, handle: (*Server).auditSearch},
	{method: "GET", path: "/audit/export", zones: lgwan, access: signedIn, roles: auditor, handle: (*Server).auditExport},

	{method: "GET", path: "/admin", zones: lgwan, access: signedIn, roles: admin, handle: (*Server).adminHome},
	{method: "POST", path: "/admin/users", zones: lgwan, access: signedIn, roles: admin, handle: (*Server).adminCreateUser},
	{method: "POST", path: "/admin/users/{id}", zones: lgwan, access: signedIn, roles: admin, handle: (*Server).adminUpdateUser},
	{method: "POST", path: "/admin/departments", zones: lgwan, access: signedIn, roles: admin, handle: (*Server).adminCreateDepartment},
	{method: "POST", path: "/admin/exemptions", zones: lgwan, access: signedIn, roles: admin, handle: (*Server).adminCreateExemption},
	{method: "POST", path: "/admin/exemptions/{id}/delete", zones: lgwan, access: signedIn, roles: admin, handle: (*Server).adminDeleteExemption},

	// REST API (openapi.yaml). Bearer API tokens or a browser session.
	{method: "GET", path: "/api/v1/openapi.yaml", zones: both, access: public, api: true, handle: (*Server).openapi},
	{method: "GET", path: "/api/v1/me", zones: both, access: signedIn, api: true, scope: ScopeTransfersRead, handle: (*Server).apiMe},
	{method: "GET", path: "/api/v1/users", zones: both, access: signedIn, api: true, scope: ScopeTransfersRead, handle: (*Server).apiUsers},
	{method: "GET", path: "/api/v1/transfers", zones: both, access: signedIn, api: true, scope: ScopeTransfersRead, handle: (*Server).apiListTransfers},
	{method: "POST", path: "/api/v1/transfers", zones: both, access: signedIn, api: true, scope: ScopeTransfersWrite, handle: (*Server).apiSend},
	{method: "GET", path: "/api/v1/transfers/{id}", zones: both, access: signedIn, api: true, scope: ScopeTransfersRead, handle: (*Server).apiTransfer},
	{method: "GET", path: "/api/v1/files/{id}/{copy}", zones: both, access: signedIn, api: true, scope: ScopeTransfersRead, handle: (*Server).download},
	{method: "POST", path: "/api/v1/files/{id}/release", zones: lgwan, access: signedIn, api: true, scope: ScopeTransfersWrite, handle: (*Server).apiRequestRelease},
	{method: "GET", path: "/api/v1/approvals", zones: lgwan, access: signedIn, roles: approver, api: true, scope: ScopeApprovals, handle: (*Server).apiApprovals},
	{method: "POST", path: "/api/v1/approvals/{id}", zones: lgwan, access: signedIn, roles: approver, api: true, scope: ScopeApprovals, handle: (*Server).apiDecide},
	{method: "GET", path: "/api/v1/audit", zones: lgwan, access: signedIn, roles: auditor, api: true, scope: ScopeAudit, handle: (*Server).auditExport},
	{method: "POST", path: "/api/v1/users", zones: lgwan, access: signedIn, roles: admin, api: true, scope: ScopeAdmin, handle: (*Server).apiCreateUser},
	{method: "POST", path: "/api/v1/exemptions", zones: lgwan, access: signedIn, roles: admin, api: true, scope: ScopeAdmin, handle: (*Server).apiCreateExemption},
}

// RouteInfo describes a route for tests and documentation.
type RouteInfo struct {
	Method, Path string
	Zones        []kakehashi.Zone
	Public       bool
	Roles        []kakehashi.Role
	Scope        string
	API          bool
}

// Routes returns the route table.
func Routes() []RouteInfo {
	out := make([]RouteInfo, len(routes))
	for i, r := range routes {
		out[i] = RouteInfo{Method: r.method, Path: r.path, Zones: r.zones, Public: r.access == public, Roles: r.roles, Scope: r.scope, API: r.api}
	}
	return out
}

// RoutesIn returns the routes a listener in zone serves.
func RoutesIn(zone kakehashi.Zone) []RouteInfo {
	var out []RouteInfo
	for _, r := range Routes() {
		if slices.Contains(r.Zones, zone) {
			out = append(out, r)
		}
	}
	return out
}

// allows reports whether u may use r (roles only; zone is checked by
// registration, sign-in by the access level).
func (r *route) allows(u *kakehashi.User) bool {
	if len(r.roles) == 0 {
		return true
	}
	for _, role := range r.roles {
		if u.Has(role) {
			return true
		}
	}
	return false
}
