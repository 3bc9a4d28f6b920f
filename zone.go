package kakehashi

// Zone is the network segment a listener is bound to (三層分離). What a request
// may do depends on the zone it arrived in as much as on who sent it.
type Zone string

const (
	ZoneInternet Zone = "internet" // インターネット接続系
	ZoneLGWAN    Zone = "lgwan"    // LGWAN接続系
	ZoneMyNumber Zone = "mynumber" // マイナンバー利用事務系: nothing crosses out of it
)

// Zones lists the zones a listener may be bound to.
var Zones = []Zone{ZoneInternet, ZoneLGWAN, ZoneMyNumber}

// Valid reports whether z is a known zone.
func (z Zone) Valid() bool {
	for _, k := range Zones {
		if z == k {
			return true
		}
	}
	return false
}

// Role is what a user may do besides sending and receiving their own files.
// A user holds any set of roles; every signed-in user has RoleUser.
type Role string

const (
	RoleUser     Role = "user"     // sends and receives transfers
	RoleApprover Role = "approver" // 承認者: decides on transfers and releases of originals
	RoleAuditor  Role = "auditor"  // reads and exports the audit log; changes nothing
	RoleAdmin    Role = "admin"    // manages users, departments, exemptions and rules
)

// Roles lists every role, in the order screens show them.
var Roles = []Role{RoleUser, RoleApprover, RoleAuditor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}
