package kakehashi

import (
	"strings"
	"time"
)

// Department is a unit of the organisation (部/課/係). Departments form a
// tree through ParentID; approval routes and exemptions name departments.
type Department struct {
	ID       string
	Name     string
	ParentID string // "" for a top-level 部
}

// User is a person who signs in. Password and TOTP secrets are stored by the
// store and never leave it in this type.
type User struct {
	ID           string
	Name         string // sign-in name
	DisplayName  string
	Email        string
	DepartmentID string
	Roles        []Role
	SupervisorID string // 上長: approves this user's requests when set
	Disabled     bool
	MFA          bool // a TOTP secret is enrolled
	Created      time.Time
}

// Has reports whether the user holds role r. Every user holds RoleUser.
func (u *User) Has(r Role) bool {
	if r == RoleUser {
		return true
	}
	for _, k := range u.Roles {
		if k == r {
			return true
		}
	}
	return false
}

// ValidateUserName checks a sign-in name: ASCII letters, digits, '.', '-',
// '_' and '@', 1–64 characters, so names are unambiguous in logs and mail.
func ValidateUserName(name string) error {
	if name == "" || len(name) > 64 {
		return Errorf(EINVALID, "ユーザー名は1〜64文字です / a user name has 1 to 64 characters")
	}
	if strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@") != "" {
		return Errorf(EINVALID, "ユーザー名には英数字と . - _ @ のみ使えます / a user name may contain only letters, digits and . - _ @")
	}
	return nil
}
