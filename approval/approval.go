// Package approval owns 上長承認: who must approve a request (the route),
// and what one approver's decision does to it (stages, any/all, delegation,
// separation of duties). It works inside a store transaction and decides
// nothing about files; package exchange acts on the outcome.
package approval

import (
	"fmt"
	"slices"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

// Route is an administrator-defined approval route for a department.
type Route struct {
	DepartmentID string
	Stages       []kakehashi.Stage
}

// Router finds the approval route for a requester.
type Router struct {
	// Routes by department ID; a department without one inherits its
	// parent's, and without any the default route applies.
	Routes map[string][]kakehashi.Stage
}

// RouteFor returns the stages for requester: the configured route of their
// department or its nearest ancestor; otherwise their supervisor (上長);
// otherwise any approver of their department or its nearest ancestor. The
// requester is removed from every stage (no one approves their own
// transfer); a stage left empty makes the route unusable and is an error,
// so a request never waits for nobody.
func (r Router) RouteFor(tx store.Tx, requester *kakehashi.User) ([]kakehashi.Stage, error) {
	var stages []kakehashi.Stage
	for dept, seen := requester.DepartmentID, 0; dept != "" && seen < 32 && stages == nil; seen++ {
		stages = r.Routes[dept]
		d, err := tx.Department(dept)
		if err != nil {
			break
		}
		dept = d.ParentID
	}
	if stages == nil && requester.SupervisorID != "" && requester.SupervisorID != requester.ID {
		stages = []kakehashi.Stage{{Mode: kakehashi.ModeAny, Approvers: []string{requester.SupervisorID}}}
	}
	if stages == nil {
		approvers, err := departmentApprovers(tx, requester)
		if err != nil {
			return nil, err
		}
		if len(approvers) > 0 {
			stages = []kakehashi.Stage{{Mode: kakehashi.ModeAny, Approvers: approvers}}
		}
	}
	out := make([]kakehashi.Stage, 0, len(stages))
	for _, s := range stages {
		approvers := slices.DeleteFunc(slices.Clone(s.Approvers), func(id string) bool { return id == requester.ID })
		if len(approvers) == 0 {
			return nil, kakehashi.Errorf(kakehashi.ECONFLICT, "承認者が設定されていません。管理者に連絡してください / no approver is configured for you; contact an administrator")
		}
		out = append(out, kakehashi.Stage{Mode: s.Mode, Approvers: approvers})
	}
	if len(out) == 0 {
		return nil, kakehashi.Errorf(kakehashi.ECONFLICT, "承認者が設定されていません。管理者に連絡してください / no approver is configured for you; contact an administrator")
	}
	return out, nil
}

// departmentApprovers returns the enabled approvers of the requester's
// department, walking up to the parent when a department has none.
func departmentApprovers(tx store.Tx, requester *kakehashi.User) ([]string, error) {
	users, err := tx.ListUsers()
	if err != nil {
		return nil, err
	}
	for dept, seen := requester.DepartmentID, 0; dept != "" && seen < 32; seen++ {
		var ids []string
		for _, u := range users {
			if u.DepartmentID == dept && u.Has(kakehashi.RoleApprover) && !u.Disabled && u.ID != requester.ID {
				ids = append(ids, u.ID)
			}
		}
		if len(ids) > 0 {
			return ids, nil
		}
		d, err := tx.Department(dept)
		if err != nil {
			return nil, nil
		}
		dept = d.ParentID
	}
	return nil, nil
}

// Outcome is what a decision did.
type Outcome struct {
	Approval *kakehashi.Approval
	Decision kakehashi.Decision
	Final    bool // the approval reached approved or rejected
}

// Decide records actorID's decision on the approval with id at now. The
// actor must be an approver of the current stage, or a delegate of one
// (代理承認) whose delegation is active; they may never be the requester,
// and may decide once per stage. A rejection ends the request; an approval
// advances it when the stage's mode is satisfied.
func Decide(tx store.Tx, now time.Time, id, actorID string, approve bool, comment string) (*Outcome, error) {
	a, err := tx.Approval(id)
	if err != nil {
		return nil, err
	}
	if a.State != kakehashi.ApprovalPending {
		return nil, kakehashi.Errorf(kakehashi.ECONFLICT, "この申請はすでに決定済みです / this request has already been decided")
	}
	if actorID == a.RequesterID {
		return nil, kakehashi.Errorf(kakehashi.EFORBIDDEN, "自分の申請は承認できません / you cannot decide on your own request")
	}
	if a.Stage >= len(a.Stages) {
		return nil, fmt.Errorf("approval %s: stage %d of %d", a.ID, a.Stage, len(a.Stages))
	}
	stage := a.Stages[a.Stage]
	onBehalf, err := standingFor(tx, now, stage, actorID)
	if err != nil {
		return nil, err
	}
	if onBehalf == a.RequesterID {
		return nil, kakehashi.Errorf(kakehashi.EFORBIDDEN, "自分の申請は承認できません / you cannot decide on your own request")
	}
	decisions, err := tx.Decisions(a.ID)
	if err != nil {
		return nil, err
	}
	approvedBy := map[string]bool{}
	for _, d := range decisions {
		if d.Stage != a.Stage {
			continue
		}
		who := d.ApproverID
		if d.OnBehalfOf != "" {
			who = d.OnBehalfOf
		}
		if who == onBehalf || who == actorID && onBehalf == "" {
			return nil, kakehashi.Errorf(kakehashi.ECONFLICT, "この段階ではすでに判断済みです / you have already decided at this stage")
		}
		if d.Approve {
			approvedBy[who] = true
		}
	}
	d := kakehashi.Decision{ApprovalID: a.ID, Stage: a.Stage, ApproverID: actorID, Approve: approve, Comment: comment, At: now}
	who := actorID
	if onBehalf != "" {
		d.OnBehalfOf, who = onBehalf, onBehalf
	}
	if err := tx.AddDecision(&d); err != nil {
		return nil, err
	}
	out := &Outcome{Approval: a, Decision: d}
	switch {
	case !approve:
		a.State, a.Decided, out.Final = kakehashi.ApprovalRejected, now, true
	default:
		approvedBy[who] = true
		if stage.Mode == kakehashi.ModeAll && len(approvedBy) < len(stage.Approvers) {
			break
		}
		a.Stage++
		if a.Stage == len(a.Stages) {
			a.State, a.Decided, out.Final = kakehashi.ApprovalApproved, now, true
		}
	}
	if err := tx.UpdateApproval(a); err != nil {
		return nil, err
	}
	return out, nil
}

// standingFor returns "" when actorID is an approver of stage in their own
// right, or the approver they stand in for by an active delegation.
func standingFor(tx store.Tx, now time.Time, stage kakehashi.Stage, actorID string) (string, error) {
	if slices.Contains(stage.Approvers, actorID) {
		return "", nil
	}
	delegators, err := tx.DelegatorsOf(actorID, now)
	if err != nil {
		return "", err
	}
	for _, approver := range stage.Approvers {
		if slices.Contains(delegators, approver) {
			return approver, nil
		}
	}
	return "", kakehashi.Errorf(kakehashi.EFORBIDDEN, "この申請の承認者ではありません / you are not an approver of this request")
}

// CanDecide reports whether actorID may decide approval a now, without
// recording anything (used to show or hide the buttons).
func CanDecide(tx store.Tx, now time.Time, a *kakehashi.Approval, actorID string) bool {
	if a.State != kakehashi.ApprovalPending || actorID == a.RequesterID || a.Stage >= len(a.Stages) {
		return false
	}
	onBehalf, err := standingFor(tx, now, a.Stages[a.Stage], actorID)
	return err == nil && onBehalf != a.RequesterID
}
