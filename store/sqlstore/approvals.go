package sqlstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

// stageJSON is the stored form of an approval route: a fixed struct, so
// decoding it can only ever produce data.
type stageJSON struct {
	Mode      string   `json:"mode"`
	Approvers []string `json:"approvers"`
}

func encodeStages(stages []kakehashi.Stage) (string, error) {
	out := make([]stageJSON, len(stages))
	for i, s := range stages {
		out[i] = stageJSON{Mode: string(s.Mode), Approvers: s.Approvers}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func decodeStages(s string) ([]kakehashi.Stage, error) {
	var in []stageJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("stored approval route: %w", err)
	}
	out := make([]kakehashi.Stage, len(in))
	for i, s := range in {
		out[i] = kakehashi.Stage{Mode: kakehashi.StageMode(s.Mode), Approvers: s.Approvers}
	}
	return out, nil
}

func (t *tx) CreateApproval(a *kakehashi.Approval) error {
	stages, err := encodeStages(a.Stages)
	if err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO approvals (id, kind, transfer_id, file_id, requester_id, reason, state, stage, stages, created, decided)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, string(a.Kind), a.TransferID, a.FileID, a.RequesterID, a.Reason, string(a.State), a.Stage, stages,
		nanos(a.Created), nanos(a.Decided)); err != nil {
		return mapErr(err)
	}
	return t.indexApprovers(a)
}

// indexApprovers keeps approval_approvers equal to the approvers of every
// stage, so listing what a user may decide needs no JSON in SQL.
func (t *tx) indexApprovers(a *kakehashi.Approval) error {
	if _, err := t.exec(`DELETE FROM approval_approvers WHERE approval_id = ?`, a.ID); err != nil {
		return err
	}
	for i, s := range a.Stages {
		for _, u := range s.Approvers {
			if _, err := t.exec(`INSERT OR IGNORE INTO approval_approvers (approval_id, stage, approver_id) VALUES (?, ?, ?)`, a.ID, i, u); err != nil {
				return err
			}
		}
	}
	return nil
}

const approvalColumns = `id, kind, transfer_id, file_id, requester_id, reason, state, stage, stages, created, decided`

func scanApproval(sc interface{ Scan(...any) error }) (*kakehashi.Approval, error) {
	var a kakehashi.Approval
	var kind, state, stages string
	var created, decided int64
	if err := sc.Scan(&a.ID, &kind, &a.TransferID, &a.FileID, &a.RequesterID, &a.Reason, &state, &a.Stage, &stages, &created, &decided); err != nil {
		return nil, mapErr(err)
	}
	var err error
	if a.Stages, err = decodeStages(stages); err != nil {
		return nil, err
	}
	a.Kind, a.State = kakehashi.ApprovalKind(kind), kakehashi.ApprovalState(state)
	a.Created, a.Decided = fromNanos(created), fromNanos(decided)
	return &a, nil
}

func (t *tx) Approval(id string) (*kakehashi.Approval, error) {
	return scanApproval(t.row(`SELECT `+approvalColumns+` FROM approvals WHERE id = ?`, id))
}

// ListApprovals with ApproverID set returns the approvals whose current
// stage names the user, or names someone who delegated to the user at f.At.
func (t *tx) ListApprovals(f store.ApprovalFilter) ([]kakehashi.Approval, error) {
	at := f.At
	if at.IsZero() {
		at = time.Now()
	}
	rows, err := t.query(`SELECT `+approvalColumns+` FROM approvals a
		WHERE (? = '' OR transfer_id = ?)
		  AND (? = '' OR state = ?)
		  AND (? = '' OR EXISTS (SELECT 1 FROM approval_approvers x WHERE x.approval_id = a.id AND x.stage = a.stage
		        AND (x.approver_id = ? OR x.approver_id IN
		             (SELECT approver_id FROM delegations WHERE delegate_id = ? AND starts <= ? AND ends > ?))))
		ORDER BY created DESC, id LIMIT 1000`,
		f.TransferID, f.TransferID, string(f.State), string(f.State), f.ApproverID, f.ApproverID, f.ApproverID, nanos(at), nanos(at))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.Approval
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

func (t *tx) UpdateApproval(a *kakehashi.Approval) error {
	stages, err := encodeStages(a.Stages)
	if err != nil {
		return err
	}
	res, err := t.exec(`UPDATE approvals SET state = ?, stage = ?, stages = ?, decided = ? WHERE id = ?`,
		string(a.State), a.Stage, stages, nanos(a.Decided), a.ID)
	if err := mustAffect(res, err, store.ErrNotFound); err != nil {
		return err
	}
	return t.indexApprovers(a)
}

func (t *tx) AddDecision(d *kakehashi.Decision) error {
	_, err := t.exec(`INSERT INTO decisions (approval_id, stage, approver_id, on_behalf_of, approve, comment, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d.ApprovalID, d.Stage, d.ApproverID, d.OnBehalfOf, boolInt(d.Approve), d.Comment, nanos(d.At))
	return mapErr(err)
}

func (t *tx) Decisions(approvalID string) ([]kakehashi.Decision, error) {
	rows, err := t.query(`SELECT approval_id, stage, approver_id, on_behalf_of, approve, comment, at FROM decisions WHERE approval_id = ? ORDER BY at, rowid`, approvalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.Decision
	for rows.Next() {
		var d kakehashi.Decision
		var at int64
		if err := rows.Scan(&d.ApprovalID, &d.Stage, &d.ApproverID, &d.OnBehalfOf, &d.Approve, &d.Comment, &at); err != nil {
			return nil, err
		}
		d.At = fromNanos(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

func (t *tx) CreateDelegation(d *kakehashi.Delegation) error {
	_, err := t.exec(`INSERT INTO delegations (id, approver_id, delegate_id, starts, ends) VALUES (?, ?, ?, ?, ?)`,
		d.ID, d.ApproverID, d.DelegateID, nanos(d.From), nanos(d.Until))
	return mapErr(err)
}

func (t *tx) Delegations(approverID string) ([]kakehashi.Delegation, error) {
	rows, err := t.query(`SELECT id, approver_id, delegate_id, starts, ends FROM delegations WHERE approver_id = ? ORDER BY starts`, approverID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.Delegation
	for rows.Next() {
		var d kakehashi.Delegation
		var from, until int64
		if err := rows.Scan(&d.ID, &d.ApproverID, &d.DelegateID, &from, &until); err != nil {
			return nil, err
		}
		d.From, d.Until = fromNanos(from), fromNanos(until)
		out = append(out, d)
	}
	return out, rows.Err()
}

func (t *tx) DelegatorsOf(delegateID string, at time.Time) ([]string, error) {
	rows, err := t.query(`SELECT DISTINCT approver_id FROM delegations WHERE delegate_id = ? AND starts <= ? AND ends > ? ORDER BY approver_id`,
		delegateID, nanos(at), nanos(at))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (t *tx) CreateExemption(e *kakehashi.Exemption) error {
	_, err := t.exec(`INSERT INTO exemptions (id, kind, value, note, created_by, created) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, e.Kind, e.Value, e.Note, e.CreatedBy, nanos(e.Created))
	return mapErr(err)
}

func (t *tx) ListExemptions() ([]kakehashi.Exemption, error) {
	rows, err := t.query(`SELECT id, kind, value, note, created_by, created FROM exemptions ORDER BY created`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kakehashi.Exemption
	for rows.Next() {
		var e kakehashi.Exemption
		var created int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.Value, &e.Note, &e.CreatedBy, &created); err != nil {
			return nil, err
		}
		e.Created = fromNanos(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t *tx) DeleteExemption(id string) error {
	res, err := t.exec(`DELETE FROM exemptions WHERE id = ?`, id)
	return mustAffect(res, err, store.ErrNotFound)
}
