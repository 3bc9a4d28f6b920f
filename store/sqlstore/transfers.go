package sqlstore

import (
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

func (t *tx) CreateTransfer(tr *kakehashi.Transfer) error {
	_, err := t.exec(`INSERT INTO transfers (id, direction, state, sender_id, note, destination, reason, reject_code, created, updated, expires, via, external_sender)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tr.ID, string(tr.Direction), string(tr.State), tr.SenderID, tr.Note, tr.Destination, tr.Reason, tr.RejectCode,
		nanos(tr.Created), nanos(tr.Updated), nanos(tr.Expires), tr.Via, tr.ExternalSender)
	if err != nil {
		return mapErr(err)
	}
	for _, r := range tr.Recipients {
		if _, err := t.exec(`INSERT OR IGNORE INTO transfer_recipients (transfer_id, user_id) VALUES (?, ?)`, tr.ID, r); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

const transferColumns = `id, direction, state, sender_id, note, destination, reason, reject_code, created, updated, expires, via, external_sender`

func (t *tx) scanTransfer(sc interface{ Scan(...any) error }) (*kakehashi.Transfer, error) {
	var tr kakehashi.Transfer
	var dir, state string
	var created, updated, expires int64
	if err := sc.Scan(&tr.ID, &dir, &state, &tr.SenderID, &tr.Note, &tr.Destination, &tr.Reason, &tr.RejectCode, &created, &updated, &expires, &tr.Via, &tr.ExternalSender); err != nil {
		return nil, mapErr(err)
	}
	tr.Direction, tr.State = kakehashi.Direction(dir), kakehashi.State(state)
	tr.Created, tr.Updated, tr.Expires = fromNanos(created), fromNanos(updated), fromNanos(expires)
	return &tr, nil
}

func (t *tx) recipients(id string) ([]string, error) {
	rows, err := t.query(`SELECT user_id FROM transfer_recipients WHERE transfer_id = ? ORDER BY user_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (t *tx) Transfer(id string) (*kakehashi.Transfer, error) {
	tr, err := t.scanTransfer(t.row(`SELECT `+transferColumns+` FROM transfers WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	if tr.Recipients, err = t.recipients(id); err != nil {
		return nil, err
	}
	return tr, nil
}

// ListTransfers filters with fixed SQL: every condition is always present
// and disabled by its parameter (” or 0 means "any"), so no query text is
// ever assembled from the filter.
func (t *tx) ListTransfers(f store.TransferFilter) ([]kakehashi.Transfer, error) {
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := t.query(`SELECT `+transferColumns+` FROM transfers t
		WHERE (? = '' OR sender_id = ?)
		  AND (? = '' OR EXISTS (SELECT 1 FROM transfer_recipients r WHERE r.transfer_id = t.id AND r.user_id = ?))
		  AND (? = '' OR direction = ?)
		  AND (? = '' OR state = ?)
		  AND (? = 0 OR (expires < ? AND state != 'expired'))
		ORDER BY created DESC, id LIMIT ?`,
		f.SenderID, f.SenderID, f.RecipientID, f.RecipientID, string(f.Direction), string(f.Direction),
		string(f.State), string(f.State), nanos(f.ExpiredAt), nanos(f.ExpiredAt), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.Transfer
	for rows.Next() {
		tr, err := t.scanTransfer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *tr)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		if out[i].Recipients, err = t.recipients(out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) SetTransferState(id string, from, to kakehashi.State, rejectCode string, now time.Time) error {
	res, err := t.exec(`UPDATE transfers SET state = ?, reject_code = ?, updated = ? WHERE id = ? AND state = ?`,
		string(to), rejectCode, nanos(now), id, string(from))
	return mustAffect(res, err, store.ErrConflict)
}

const fileColumns = `id, transfer_id, name, size, sha256, original_blob, type, status, reason, reason_text,
	sanitized_blob, sanitized_name, sanitized_size, sanitized_sha256, report, scans, original_release`

func scanFile(sc interface{ Scan(...any) error }) (*kakehashi.File, error) {
	var f kakehashi.File
	var status string
	if err := sc.Scan(&f.ID, &f.TransferID, &f.Name, &f.Size, &f.SHA256, &f.OriginalBlob, &f.Type, &status, &f.Reason, &f.ReasonText,
		&f.SanitizedBlob, &f.SanitizedName, &f.SanitizedSize, &f.SanitizedSHA256, &f.Report, &f.Scans, &f.OriginalRelease); err != nil {
		return nil, mapErr(err)
	}
	f.Status = kakehashi.FileStatus(status)
	return &f, nil
}

func (t *tx) AddFile(f *kakehashi.File) error {
	_, err := t.exec(`INSERT INTO files (id, transfer_id, seq, name, size, sha256, original_blob, type, status, reason, reason_text,
			sanitized_blob, sanitized_name, sanitized_size, sanitized_sha256, report, scans, original_release)
		VALUES (?, ?, (SELECT count(*) FROM files WHERE transfer_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.TransferID, f.TransferID, f.Name, f.Size, f.SHA256, f.OriginalBlob, f.Type, string(f.Status), f.Reason, f.ReasonText,
		f.SanitizedBlob, f.SanitizedName, f.SanitizedSize, f.SanitizedSHA256, f.Report, f.Scans, boolInt(f.OriginalRelease))
	return mapErr(err)
}

func (t *tx) File(id string) (*kakehashi.File, error) {
	return scanFile(t.row(`SELECT `+fileColumns+` FROM files WHERE id = ?`, id))
}

func (t *tx) Files(transferID string) ([]kakehashi.File, error) {
	rows, err := t.query(`SELECT `+fileColumns+` FROM files WHERE transfer_id = ? ORDER BY seq`, transferID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.File
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

func (t *tx) UpdateFile(f *kakehashi.File) error {
	res, err := t.exec(`UPDATE files SET type = ?, status = ?, reason = ?, reason_text = ?, sanitized_blob = ?, sanitized_name = ?,
			sanitized_size = ?, sanitized_sha256 = ?, report = ?, scans = ?, original_release = ?, original_blob = ?
		WHERE id = ?`,
		f.Type, string(f.Status), f.Reason, f.ReasonText, f.SanitizedBlob, f.SanitizedName, f.SanitizedSize, f.SanitizedSHA256,
		f.Report, f.Scans, boolInt(f.OriginalRelease), f.OriginalBlob, f.ID)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) BlobReferenced(blobID string) (bool, error) {
	var n int
	err := t.row(`SELECT count(*) FROM files WHERE original_blob = ? OR sanitized_blob = ?`, blobID, blobID).Scan(&n)
	return n > 0, err
}
