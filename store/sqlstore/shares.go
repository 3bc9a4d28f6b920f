package sqlstore

import (
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

const shareColumns = `id, transfer_id, sender_id, recipients, expires, max_downloads, downloads, password_hash != '', require_otp, allowed_ips, notify_first, revoked, created, first_use`

func scanShare(sc interface{ Scan(...any) error }, extra ...any) (*kakehashi.Share, error) {
	var s kakehashi.Share
	var recipients, ips string
	var expires, created, first int64
	dest := append([]any{&s.ID, &s.TransferID, &s.SenderID, &recipients, &expires, &s.MaxDownloads, &s.Downloads, &s.HasPassword,
		&s.RequireOTP, &ips, &s.NotifyFirst, &s.Revoked, &created, &first}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, mapErr(err)
	}
	s.Recipients, s.AllowedIPs = splitList[string](recipients), splitList[string](ips)
	s.Expires, s.Created, s.FirstUse = fromNanos(expires), fromNanos(created), fromNanos(first)
	return &s, nil
}

func (t *tx) CreateShare(s *kakehashi.Share, sec store.ShareSecrets) error {
	_, err := t.exec(`INSERT INTO shares (id, token_hash, transfer_id, sender_id, recipients, expires, max_downloads, password_hash, require_otp, allowed_ips, notify_first, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, sec.TokenHash, s.TransferID, s.SenderID, joinList(s.Recipients), nanos(s.Expires), s.MaxDownloads, sec.PasswordHash,
		boolInt(s.RequireOTP), joinList(s.AllowedIPs), boolInt(s.NotifyFirst), nanos(s.Created))
	return mapErr(err)
}

func (t *tx) Share(id string) (*kakehashi.Share, error) {
	return scanShare(t.row(`SELECT `+shareColumns+` FROM shares WHERE id = ?`, id))
}

func (t *tx) ShareByToken(tokenHash string) (*kakehashi.Share, store.ShareSecrets, error) {
	sec := store.ShareSecrets{TokenHash: tokenHash}
	s, err := scanShare(t.row(`SELECT `+shareColumns+`, password_hash FROM shares WHERE token_hash = ?`, tokenHash), &sec.PasswordHash)
	return s, sec, err
}

func (t *tx) ListShares(senderID string) ([]kakehashi.Share, error) {
	rows, err := t.query(`SELECT `+shareColumns+` FROM shares WHERE sender_id = ? ORDER BY created DESC LIMIT 500`, senderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.Share
	for rows.Next() {
		s, err := scanShare(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

func (t *tx) RevokeShare(id string) error {
	res, err := t.exec(`UPDATE shares SET revoked = 1 WHERE id = ?`, id)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) CountShareDownload(id string, at time.Time) error {
	res, err := t.exec(`UPDATE shares SET downloads = downloads + 1, first_use = CASE WHEN first_use = 0 THEN ? ELSE first_use END
		WHERE id = ? AND (max_downloads = 0 OR downloads < max_downloads)`, nanos(at), id)
	return mustAffect(res, err, store.ErrConflict)
}

func (t *tx) SetShareCode(shareID, email, codeHash string, expires time.Time) error {
	_, err := t.exec(`INSERT INTO share_codes (share_id, email, code_hash, expires, attempts) VALUES (?, ?, ?, ?, 0)
		ON CONFLICT (share_id, email) DO UPDATE SET code_hash = excluded.code_hash, expires = excluded.expires, attempts = 0`,
		shareID, email, codeHash, nanos(expires))
	return mapErr(err)
}

func (t *tx) ShareCode(shareID, email string) (string, time.Time, int, error) {
	var hash string
	var expires int64
	var attempts int
	err := t.row(`UPDATE share_codes SET attempts = attempts + 1 WHERE share_id = ? AND email = ? RETURNING code_hash, expires, attempts`, shareID, email).
		Scan(&hash, &expires, &attempts)
	return hash, fromNanos(expires), attempts, mapErr(err)
}

func (t *tx) DeleteShareCode(shareID, email string) error {
	_, err := t.exec(`DELETE FROM share_codes WHERE share_id = ? AND email = ?`, shareID, email)
	return err
}

func (t *tx) CreateShareSession(s *store.ShareSession) error {
	_, err := t.exec(`INSERT INTO share_sessions (token_hash, share_id, email, password_ok, otp_ok, expires) VALUES (?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.ShareID, s.Email, boolInt(s.PasswordOK), boolInt(s.OTPOK), nanos(s.Expires))
	return mapErr(err)
}

func (t *tx) ShareSession(tokenHash string) (*store.ShareSession, error) {
	var s store.ShareSession
	var expires int64
	err := t.row(`SELECT token_hash, share_id, email, password_ok, otp_ok, expires FROM share_sessions WHERE token_hash = ?`, tokenHash).
		Scan(&s.TokenHash, &s.ShareID, &s.Email, &s.PasswordOK, &s.OTPOK, &expires)
	if err != nil {
		return nil, mapErr(err)
	}
	s.Expires = fromNanos(expires)
	return &s, nil
}

func (t *tx) UpdateShareSession(s *store.ShareSession) error {
	res, err := t.exec(`UPDATE share_sessions SET email = ?, password_ok = ?, otp_ok = ? WHERE token_hash = ?`,
		s.Email, boolInt(s.PasswordOK), boolInt(s.OTPOK), s.TokenHash)
	return mustAffect(res, err, store.ErrNotFound)
}

const uploadRequestColumns = `id, requester_id, note, expires, max_files, max_bytes, files, code_hash != '', revoked, created`

func scanUploadRequest(sc interface{ Scan(...any) error }, extra ...any) (*kakehashi.UploadRequest, error) {
	var u kakehashi.UploadRequest
	var expires, created int64
	dest := append([]any{&u.ID, &u.RequesterID, &u.Note, &expires, &u.MaxFiles, &u.MaxBytes, &u.Files, &u.HasCode, &u.Revoked, &created}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, mapErr(err)
	}
	u.Expires, u.Created = fromNanos(expires), fromNanos(created)
	return &u, nil
}

func (t *tx) CreateUploadRequest(u *kakehashi.UploadRequest, tokenHash, codeHash string) error {
	_, err := t.exec(`INSERT INTO upload_requests (id, token_hash, requester_id, note, expires, max_files, max_bytes, code_hash, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, tokenHash, u.RequesterID, u.Note, nanos(u.Expires), u.MaxFiles, u.MaxBytes, codeHash, nanos(u.Created))
	return mapErr(err)
}

func (t *tx) UploadRequest(id string) (*kakehashi.UploadRequest, error) {
	return scanUploadRequest(t.row(`SELECT `+uploadRequestColumns+` FROM upload_requests WHERE id = ?`, id))
}

func (t *tx) UploadRequestByToken(tokenHash string) (*kakehashi.UploadRequest, string, error) {
	var code string
	u, err := scanUploadRequest(t.row(`SELECT `+uploadRequestColumns+`, code_hash FROM upload_requests WHERE token_hash = ?`, tokenHash), &code)
	return u, code, err
}

func (t *tx) ListUploadRequests(requesterID string) ([]kakehashi.UploadRequest, error) {
	rows, err := t.query(`SELECT `+uploadRequestColumns+` FROM upload_requests WHERE requester_id = ? ORDER BY created DESC LIMIT 500`, requesterID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.UploadRequest
	for rows.Next() {
		u, err := scanUploadRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

func (t *tx) RevokeUploadRequest(id string) error {
	res, err := t.exec(`UPDATE upload_requests SET revoked = 1 WHERE id = ?`, id)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) CountUploadRequestFiles(id string, n int) error {
	res, err := t.exec(`UPDATE upload_requests SET files = files + ? WHERE id = ? AND files + ? <= max_files`, n, id, n)
	return mustAffect(res, err, store.ErrConflict)
}
