package account

import (
	"context"
	"crypto/rand"
	"slices"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/auth"
	"github.com/kakehashi/kakehashi/store"
)

// NewUser is what an administrator (or `kakehashi user add`) provides.
type NewUser struct {
	Name         string
	DisplayName  string
	Email        string
	DepartmentID string
	SupervisorID string
	Roles        []kakehashi.Role
}

// CreateUser adds an account with a one-time password that must be changed
// at first sign-in; the password is returned once and stored only hashed.
// actor is the administrator's subject, or a Subject with a nil User for
// the command line (the only way to create the first admin: there is no
// setup page).
func (s *Service) CreateUser(ctx context.Context, actor kakehashi.Subject, nu NewUser) (*kakehashi.User, string, error) {
	if actor.User != nil && !actor.User.Has(kakehashi.RoleAdmin) {
		return nil, "", kakehashi.Errorf(kakehashi.EFORBIDDEN, "管理者のみ操作できます / administrators only")
	}
	if err := kakehashi.ValidateUserName(nu.Name); err != nil {
		return nil, "", err
	}
	for _, r := range nu.Roles {
		if !r.Valid() {
			return nil, "", kakehashi.Errorf(kakehashi.EINVALID, "不明な役割です / unknown role %q", r)
		}
	}
	if nu.DisplayName == "" {
		nu.DisplayName = nu.Name
	}
	otp := auth.NewOneTimePassword()
	hash, err := auth.HashPassword(otp, s.Params)
	if err != nil {
		return nil, "", err
	}
	u := &kakehashi.User{ID: kakehashi.NewID(), Name: nu.Name, DisplayName: nu.DisplayName, Email: nu.Email,
		DepartmentID: nu.DepartmentID, SupervisorID: nu.SupervisorID, Roles: slices.Compact(slices.Sorted(slices.Values(nu.Roles))), Created: s.Now()}
	err = s.Store.Update(ctx, func(tx store.Tx) error {
		if u.DepartmentID != "" {
			if _, err := tx.Department(u.DepartmentID); err != nil {
				return kakehashi.Errorf(kakehashi.EINVALID, "部署が見つかりません / unknown department")
			}
		}
		if u.SupervisorID != "" {
			if _, err := tx.User(u.SupervisorID); err != nil {
				return kakehashi.Errorf(kakehashi.EINVALID, "上長が見つかりません / unknown supervisor")
			}
		}
		if err := tx.CreateUser(u, store.Credentials{PasswordHash: hash, MustChangePassword: true}); err != nil {
			if kakehashi.ErrorCode(err) == kakehashi.ECONFLICT {
				return kakehashi.Errorf(kakehashi.ECONFLICT, "そのユーザー名は使われています / that user name is taken")
			}
			return err
		}
		_, err := audit.Record(tx, s.Now(), audit.Event{Actor: actorID(actor), Zone: actor.Zone, IP: actor.IP, Action: audit.UserCreated, Object: u.ID,
			Detail: map[string]any{"name": u.Name, "roles": u.Roles, "department": u.DepartmentID}})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return u, otp, nil
}

func actorID(sub kakehashi.Subject) string {
	if sub.User == nil {
		return "cli"
	}
	return sub.User.ID
}

// UpdateUser changes an account's roles, department, supervisor or
// enabled state. An administrator cannot remove their own admin role or
// disable themself, so the gateway never loses its last way in by a click.
func (s *Service) UpdateUser(ctx context.Context, actor kakehashi.Subject, u *kakehashi.User) error {
	if actor.User != nil && !actor.User.Has(kakehashi.RoleAdmin) {
		return kakehashi.Errorf(kakehashi.EFORBIDDEN, "管理者のみ操作できます / administrators only")
	}
	if actor.User != nil && actor.User.ID == u.ID && (u.Disabled || !u.Has(kakehashi.RoleAdmin)) {
		return kakehashi.Errorf(kakehashi.ECONFLICT, "自分の管理者権限は外せません / you cannot remove your own administrator rights")
	}
	return s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		_, err := audit.Record(tx, s.Now(), audit.Event{Actor: actorID(actor), Zone: actor.Zone, IP: actor.IP, Action: audit.UserChanged, Object: u.ID,
			Detail: map[string]any{"roles": u.Roles, "disabled": u.Disabled, "department": u.DepartmentID, "supervisor": u.SupervisorID}})
		return err
	})
}

// ResetPassword gives a user a new one-time password (command line or
// admin), ending none of their sessions' audit trail.
func (s *Service) ResetPassword(ctx context.Context, actor kakehashi.Subject, userID string) (string, error) {
	otp := auth.NewOneTimePassword()
	hash, err := auth.HashPassword(otp, s.Params)
	if err != nil {
		return "", err
	}
	err = s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.SetPassword(userID, hash, true); err != nil {
			return err
		}
		_, err := audit.Record(tx, s.Now(), audit.Event{Actor: actorID(actor), Zone: actor.Zone, IP: actor.IP, Action: audit.PasswordChanged, Object: userID,
			Detail: map[string]any{"reset": true}})
		return err
	})
	return otp, err
}

// ChangePassword sets a new password after checking the current one and
// the password policy.
func (s *Service) ChangePassword(ctx context.Context, sess *Session, ip, current, next string) error {
	if _, _, err := s.SignInCheck(ctx, sess.User.Name, current); err != nil {
		return err
	}
	if err := auth.CheckPasswordPolicy(next, sess.User.Name); err != nil {
		return kakehashi.Errorf(kakehashi.EINVALID, "%s", err.Error())
	}
	if current == next {
		return kakehashi.Errorf(kakehashi.EINVALID, "新しいパスワードは現在のものと変えてください / choose a password different from the current one")
	}
	hash, err := auth.HashPassword(next, s.Params)
	if err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.SetPassword(sess.UserID, hash, false); err != nil {
			return err
		}
		_, err := audit.Record(tx, s.Now(), audit.Event{Actor: sess.UserID, Zone: sess.Zone, IP: ip, Action: audit.PasswordChanged, Object: sess.UserID})
		return err
	})
}

// MustChangePassword reports whether the user still has a one-time password.
func (s *Service) MustChangePassword(ctx context.Context, userID string) bool {
	var must bool
	s.Store.View(ctx, func(tx store.Tx) error {
		c, err := tx.Credentials(userID)
		must = err == nil && c.MustChangePassword
		return err
	})
	return must
}

// BeginTOTP makes a new secret for the user to add to an authenticator
// app. Nothing is stored until ConfirmTOTP proves the app works.
func (s *Service) BeginTOTP(u *kakehashi.User) (secret, url string, err error) {
	return auth.NewTOTPSecret(s.Issuer, u.Name)
}

// ConfirmTOTP stores secret as the user's second factor once a code from
// it verifies.
func (s *Service) ConfirmTOTP(ctx context.Context, sess *Session, ip, secret, code string) error {
	now := s.Now()
	step, ok := auth.VerifyTOTP(secret, code, now, 0)
	if !ok {
		return errBadCode
	}
	return s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.SetTOTPSecret(sess.UserID, secret); err != nil {
			return err
		}
		if err := tx.AdvanceTOTPStep(sess.UserID, step); err != nil {
			return err
		}
		_, err := audit.Record(tx, now, audit.Event{Actor: sess.UserID, Zone: sess.Zone, IP: ip, Action: audit.MFAEnrolled, Object: sess.UserID})
		return err
	})
}

// TokenRequest describes an API token to issue.
type TokenRequest struct {
	Name   string
	Scopes []string
	// Zone is the listener zone the token works on; "" means the zone of
	// the issuing session. Tokens are issued on LGWAN, also for systems
	// that hand inbound files over on the internet side.
	Zone kakehashi.Zone
	TTL  time.Duration // 0: 90 days; at most a year
}

// CreateAPIToken issues a bearer token for the REST API with scopes from
// known. The token is shown once; only its hash is stored.
func (s *Service) CreateAPIToken(ctx context.Context, sess *Session, ip string, req TokenRequest, known []string) (string, error) {
	name, scopes, ttl, zone := req.Name, req.Scopes, req.TTL, req.Zone
	if zone == "" {
		zone = sess.Zone
	}
	if zone != kakehashi.ZoneInternet && zone != kakehashi.ZoneLGWAN {
		return "", kakehashi.Errorf(kakehashi.EINVALID, "ゾーンが不正です / unknown zone")
	}
	if name == "" || len(name) > 100 || len(scopes) == 0 {
		return "", kakehashi.Errorf(kakehashi.EINVALID, "名前と権限を指定してください / give a name and at least one scope")
	}
	for _, sc := range scopes {
		if !slices.Contains(known, sc) {
			return "", kakehashi.Errorf(kakehashi.EINVALID, "不明な権限です / unknown scope %q", sc)
		}
	}
	if ttl <= 0 || ttl > 366*24*time.Hour {
		ttl = 90 * 24 * time.Hour
	}
	token, stored := auth.NewToken()
	secret := make([]byte, 32)
	rand.Read(secret)
	now := s.Now()
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateSession(&store.Session{TokenHash: stored, UserID: sess.UserID, Zone: zone, API: true, Name: name, Scopes: scopes,
			CSRFSecret: secret, MFADone: true, Created: now, Expires: now.Add(ttl)}); err != nil {
			return err
		}
		_, err := audit.Record(tx, now, audit.Event{Actor: sess.UserID, Zone: sess.Zone, IP: ip, Action: audit.TokenCreated, Object: sess.UserID,
			Detail: map[string]any{"name": name, "scopes": scopes, "zone": zone, "expires": now.Add(ttl)}})
		return err
	})
	return token, err
}

// CreateDepartment adds a 部/課/係.
func (s *Service) CreateDepartment(ctx context.Context, actor kakehashi.Subject, name, parentID string) (*kakehashi.Department, error) {
	if actor.User != nil && !actor.User.Has(kakehashi.RoleAdmin) {
		return nil, kakehashi.Errorf(kakehashi.EFORBIDDEN, "管理者のみ操作できます / administrators only")
	}
	if name == "" || len(name) > 200 {
		return nil, kakehashi.Errorf(kakehashi.EINVALID, "部署名を入力してください / give a department name")
	}
	d := &kakehashi.Department{ID: kakehashi.NewID(), Name: name, ParentID: parentID}
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		if parentID != "" {
			if _, err := tx.Department(parentID); err != nil {
				return kakehashi.Errorf(kakehashi.EINVALID, "上位の部署が見つかりません / unknown parent department")
			}
		}
		if err := tx.CreateDepartment(d); err != nil {
			return err
		}
		_, err := audit.Record(tx, s.Now(), audit.Event{Actor: actorID(actor), Zone: actor.Zone, IP: actor.IP, Action: audit.DeptCreated, Object: d.ID,
			Detail: map[string]any{"name": name, "parent": parentID}})
		return err
	})
	return d, err
}
