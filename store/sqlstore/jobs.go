package sqlstore

import (
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

// Job states in the jobs table.
const (
	jobReady  = "ready"  // due at run_at; also "leased" when lease_until is in the future
	jobFailed = "failed" // given up; kept for the operator
)

func (t *tx) Enqueue(kind, ref string, runAt time.Time) (string, error) {
	id := kakehashi.NewID()
	_, err := t.exec(`INSERT INTO jobs (id, kind, ref, state, run_at) VALUES (?, ?, ?, ?, ?)`, id, kind, ref, jobReady, nanos(runAt))
	return id, mapErr(err)
}

// Claim takes the oldest due job whose lease (if any) has run out. A job
// whose worker died mid-way is claimed again once its lease expires, so a
// crash delays work but never loses it.
func (t *tx) Claim(now, leaseUntil time.Time) (*store.Job, error) {
	var j store.Job
	var runAt int64
	err := t.row(`SELECT id, kind, ref, attempts, run_at, last_error FROM jobs
		WHERE state = ? AND run_at <= ? AND lease_until <= ? ORDER BY run_at, id LIMIT 1`,
		jobReady, nanos(now), nanos(now)).Scan(&j.ID, &j.Kind, &j.Ref, &j.Attempts, &runAt, &j.LastErr)
	if err != nil {
		return nil, mapErr(err)
	}
	j.RunAt = fromNanos(runAt)
	j.Attempts++
	res, err := t.exec(`UPDATE jobs SET lease_until = ?, attempts = ? WHERE id = ?`, nanos(leaseUntil), j.Attempts, j.ID)
	if err := mustAffect(res, err, store.ErrConflict); err != nil {
		return nil, err
	}
	return &j, nil
}

func (t *tx) Complete(id string) error {
	res, err := t.exec(`DELETE FROM jobs WHERE id = ?`, id)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) Retry(id string, runAt time.Time, reason string) error {
	res, err := t.exec(`UPDATE jobs SET run_at = ?, lease_until = 0, last_error = ? WHERE id = ?`, nanos(runAt), reason, id)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) Fail(id string, reason string) error {
	res, err := t.exec(`UPDATE jobs SET state = ?, lease_until = 0, last_error = ? WHERE id = ?`, jobFailed, reason, id)
	return mustAffect(res, err, store.ErrNotFound)
}

func (t *tx) CountJobs() (due int, failed int, err error) {
	err = t.row(`SELECT coalesce(sum(state = ?), 0), coalesce(sum(state = ?), 0) FROM jobs`, jobReady, jobFailed).Scan(&due, &failed)
	return due, failed, err
}

func (t *tx) ReleaseLeases() (int, error) {
	res, err := t.exec(`UPDATE jobs SET lease_until = 0 WHERE state = ? AND lease_until > 0`, jobReady)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
