package sqlstore

import (
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

func (t *tx) CreateDepartment(d *kakehashi.Department) error {
	_, err := t.exec(`INSERT INTO departments (id, name, parent_id) VALUES (?, ?, ?)`, d.ID, d.Name, d.ParentID)
	return mapErr(err)
}

func (t *tx) Department(id string) (*kakehashi.Department, error) {
	var d kakehashi.Department
	err := t.row(`SELECT id, name, parent_id FROM departments WHERE id = ?`, id).Scan(&d.ID, &d.Name, &d.ParentID)
	if err != nil {
		return nil, mapErr(err)
	}
	return &d, nil
}

func (t *tx) ListDepartments() ([]kakehashi.Department, error) {
	rows, err := t.query(`SELECT id, name, parent_id FROM departments ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.Department
	for rows.Next() {
		var d kakehashi.Department
		if err := rows.Scan(&d.ID, &d.Name, &d.ParentID); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

const userColumns = `id, name, display_name, email, department_id, roles, supervisor_id, disabled, totp_secret != '', created`

func scanUser(sc interface{ Scan(...any) error }) (*kakehashi.User, error) {
	var u kakehashi.User
	var roles string
	var created int64
	if err := sc.Scan(&u.ID, &u.Name, &u.DisplayName, &u.Email, &u.DepartmentID, &roles, &u.SupervisorID, &u.Disabled, &u.MFA, &created); err != nil {
		return nil, mapErr(err)
	}
	u.Roles = splitList[kakehashi.Role](roles)
	u.Created = fromNanos(created)
	return &u, nil
}

func (t *tx) CreateUser(u *kakehashi.User, c store.Credentials) error {
	_, err := t.exec(`INSERT INTO users (id, name, display_name, email, department_id, roles, supervisor_id, disabled, password_hash, must_change, totp_secret, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Name, u.DisplayName, u.Email, u.DepartmentID, joinList(u.Roles), u.SupervisorID, boolInt(u.Disabled),
		c.PasswordHash, boolInt(c.MustChangePassword), c.TOTPSecret, nanos(u.Created))
	return mapErr(err)
}

func (t *tx) User(id string) (*kakehashi.User, error) {
	return scanUser(t.row(`SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

func (t *tx) UserByName(name string) (*kakehashi.User, error) {
	return scanUser(t.row(`SELECT `+userColumns+` FROM users WHERE name = ?`, name))
}

func (t *tx) ListUsers() ([]kakehashi.User, error) {
	rows, err := t.query(`SELECT ` + userColumns + ` FROM users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

func (t *tx) UpdateUser(u *kakehashi.User) error {
	res, err := t.exec(`UPDATE users SET display_name = ?, email = ?, department_id = ?, roles = ?, supervisor_id = ?, disabled = ? WHERE id = ?`,
		u.DisplayName, u.Email, u.DepartmentID, joinList(u.Roles), u.SupervisorID, boolInt(u.Disabled), u.ID)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) Credentials(userID string) (store.Credentials, error) {
	var c store.Credentials
	err := t.row(`SELECT password_hash, must_change, totp_secret, totp_last_step FROM users WHERE id = ?`, userID).
		Scan(&c.PasswordHash, &c.MustChangePassword, &c.TOTPSecret, &c.TOTPLastStep)
	return c, mapErr(err)
}

func (t *tx) SetPassword(userID, hash string, mustChange bool) error {
	res, err := t.exec(`UPDATE users SET password_hash = ?, must_change = ? WHERE id = ?`, hash, boolInt(mustChange), userID)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) SetTOTPSecret(userID, secret string) error {
	res, err := t.exec(`UPDATE users SET totp_secret = ?, totp_last_step = 0 WHERE id = ?`, secret, userID)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) AdvanceTOTPStep(userID string, step int64) error {
	res, err := t.exec(`UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	return mustAffect(res, err, store.ErrConflict)
}

func (t *tx) CountUsers() (int, error) {
	var n int
	err := t.row(`SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

func (t *tx) CreateSession(s *store.Session) error {
	_, err := t.exec(`INSERT INTO sessions (token_hash, user_id, zone, api, name, scopes, csrf_secret, mfa_done, reauth_at, created, expires)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.UserID, string(s.Zone), boolInt(s.API), s.Name, joinList(s.Scopes), s.CSRFSecret, boolInt(s.MFADone),
		nanos(s.ReauthAt), nanos(s.Created), nanos(s.Expires))
	return mapErr(err)
}

func (t *tx) Session(tokenHash string) (*store.Session, error) {
	var s store.Session
	var zone, scopes string
	var reauth, created, expires int64
	err := t.row(`SELECT token_hash, user_id, zone, api, name, scopes, csrf_secret, mfa_done, reauth_at, created, expires FROM sessions WHERE token_hash = ?`, tokenHash).
		Scan(&s.TokenHash, &s.UserID, &zone, &s.API, &s.Name, &scopes, &s.CSRFSecret, &s.MFADone, &reauth, &created, &expires)
	if err != nil {
		return nil, mapErr(err)
	}
	s.Zone = kakehashi.Zone(zone)
	s.Scopes = splitList[string](scopes)
	s.ReauthAt, s.Created, s.Expires = fromNanos(reauth), fromNanos(created), fromNanos(expires)
	return &s, nil
}

func (t *tx) UpdateSession(s *store.Session) error {
	res, err := t.exec(`UPDATE sessions SET mfa_done = ?, reauth_at = ?, expires = ? WHERE token_hash = ?`,
		boolInt(s.MFADone), nanos(s.ReauthAt), nanos(s.Expires), s.TokenHash)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) DeleteSession(tokenHash string) error {
	_, err := t.exec(`DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

func (t *tx) DeleteExpiredSessions(now time.Time) (int, error) {
	res, err := t.exec(`DELETE FROM sessions WHERE expires < ?`, nanos(now))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
