package sqlstore

import (
	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

func (t *tx) AppendAudit(ev *kakehashi.AuditEvent) error {
	_, err := t.exec(`INSERT INTO audit (seq, at, actor, zone, ip, action, object, outcome, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.Seq, nanos(ev.At), ev.Actor, string(ev.Zone), ev.IP, ev.Action, ev.Object, ev.Outcome, ev.Detail, ev.Prev, ev.Hash)
	return mapErr(err)
}

const auditColumns = `seq, at, actor, zone, ip, action, object, outcome, detail, prev, hash`

func scanAudit(sc interface{ Scan(...any) error }) (*kakehashi.AuditEvent, error) {
	var ev kakehashi.AuditEvent
	var at int64
	var zone string
	if err := sc.Scan(&ev.Seq, &at, &ev.Actor, &zone, &ev.IP, &ev.Action, &ev.Object, &ev.Outcome, &ev.Detail, &ev.Prev, &ev.Hash); err != nil {
		return nil, mapErr(err)
	}
	ev.At, ev.Zone = fromNanos(at), kakehashi.Zone(zone)
	return &ev, nil
}

func (t *tx) LastAudit() (*kakehashi.AuditEvent, error) {
	return scanAudit(t.row(`SELECT ` + auditColumns + ` FROM audit ORDER BY seq DESC LIMIT 1`))
}

// ListAudit streams matching events. The order is chosen by a parameter
// between two fixed statements, never by text built from input.
func (t *tx) ListAudit(f store.AuditFilter, fn func(*kakehashi.AuditEvent) error) error {
	const where = ` FROM audit
		WHERE (? = 0 OR at >= ?) AND (? = 0 OR at < ?)
		  AND (? = '' OR actor = ?) AND (? = '' OR action = ?) AND (? = '' OR object = ?)
		  AND (? = '' OR instr(detail, ?) > 0 OR instr(action, ?) > 0 OR instr(object, ?) > 0)
		  AND seq > ?`
	limit := int64(f.Limit)
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	q := `SELECT ` + auditColumns + where + ` ORDER BY seq ASC LIMIT ?`
	if f.Desc {
		q = `SELECT ` + auditColumns + where + ` ORDER BY seq DESC LIMIT ?`
	}
	rows, err := t.query(q, nanos(f.Since), nanos(f.Since), nanos(f.Until), nanos(f.Until),
		f.Actor, f.Actor, f.Action, f.Action, f.Object, f.Object, f.Text, f.Text, f.Text, f.Text, f.AfterSeq, limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		ev, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	return rows.Err()
}
