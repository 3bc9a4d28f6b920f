package exchange

import (
	"context"
	"encoding/json"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/approval"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/scan"
	"github.com/kakehashi/kakehashi/store"
)

// RequestRelease asks for the original of an inbound file (原本の取り出し).
// Only a recipient may ask, on LGWAN, with a reason. An infected original
// is never released. When the admin rule AutoReleaseClean covers the file
// it is released at once (and audited as such); otherwise an approval goes
// to the requester's route.
func (s *Service) RequestRelease(ctx context.Context, sub kakehashi.Subject, fileID, reason string) (*kakehashi.Approval, error) {
	if sub.User == nil || sub.Zone != kakehashi.ZoneLGWAN {
		return nil, kakehashi.Errorf(kakehashi.EFORBIDDEN, "原本の申請はLGWAN側からのみできます / originals can be requested only on LGWAN")
	}
	if reason == "" || utf8.RuneCountInString(reason) > kakehashi.MaxNoteLen {
		return nil, kakehashi.Errorf(kakehashi.EINVALID, "申請理由を入力してください / please give a reason")
	}
	var a *kakehashi.Approval
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		f, t, err := s.fileFor(tx, sub, fileID)
		if err != nil {
			return err
		}
		if t.Direction != kakehashi.Inbound || !slices.Contains(t.Recipients, sub.User.ID) {
			return kakehashi.Errorf(kakehashi.EFORBIDDEN, "このファイルの宛先ではありません / you are not a recipient of this file")
		}
		switch {
		case f.OriginalRelease:
			return kakehashi.Errorf(kakehashi.ECONFLICT, "原本はすでに取り出せます / the original is already released")
		case f.Status == kakehashi.FileInfected:
			return kakehashi.Errorf(kakehashi.EFORBIDDEN, "マルウェアが検出されたファイルの原本は取り出せません / the original of an infected file cannot be released")
		case f.Status == kakehashi.FilePending, t.State == kakehashi.StateExpired:
			return kakehashi.Errorf(kakehashi.ECONFLICT, "このファイルはまだ・もう申請できません / this file cannot be requested now")
		}
		pending, err := tx.ListApprovals(store.ApprovalFilter{TransferID: t.ID, State: kakehashi.ApprovalPending})
		if err != nil {
			return err
		}
		for _, p := range pending {
			if p.FileID == f.ID && p.RequesterID == sub.User.ID {
				return kakehashi.Errorf(kakehashi.ECONFLICT, "すでに申請中です / you have already asked for this original")
			}
		}
		now := s.now()
		if s.Policy.AutoReleaseClean && autoReleasable(f) {
			return s.release(tx, sub, t, f, "rule:auto_release_clean", now)
		}
		stages, err := s.Router.RouteFor(tx, sub.User)
		if err != nil {
			return err
		}
		a = &kakehashi.Approval{ID: kakehashi.NewID(), Kind: kakehashi.ApproveRelease, TransferID: t.ID, FileID: f.ID,
			RequesterID: sub.User.ID, Reason: reason, State: kakehashi.ApprovalPending, Stages: stages, Created: now}
		if err := tx.CreateApproval(a); err != nil {
			return err
		}
		if _, err := audit.Record(tx, now, audit.Event{Actor: sub.User.ID, Zone: sub.Zone, IP: sub.IP, Action: audit.ReleaseAsked, Object: t.ID,
			Detail: map[string]any{"approval": a.ID, "kind": a.Kind, "file": f.ID, "reason": reason}}); err != nil {
			return err
		}
		_, err = tx.Enqueue(JobNotify, a.ID, now)
		return err
	})
	if err == nil {
		s.wake()
	}
	return a, err
}

// autoReleasable is the admin rule: every scanner ran and found it clean,
// and the sanitizer accepted it without removing anything.
func autoReleasable(f *kakehashi.File) bool {
	if f.Status != kakehashi.FileClean || len(f.Scans) == 0 {
		return false
	}
	var results []scan.Result
	if json.Unmarshal(f.Scans, &results) != nil || len(results) == 0 {
		return false
	}
	if scan.Overall(results) != scan.Clean {
		return false
	}
	var rep sanitize.Report
	return json.Unmarshal(f.Report, &rep) == nil && rep.Verdict == sanitize.VerdictClean
}

func (s *Service) release(tx store.Tx, sub kakehashi.Subject, t *kakehashi.Transfer, f *kakehashi.File, by string, now time.Time) error {
	f.OriginalRelease = true
	if err := tx.UpdateFile(f); err != nil {
		return err
	}
	_, err := audit.Record(tx, now, audit.Event{Actor: sub.UserID(), Zone: sub.Zone, IP: sub.IP, Action: audit.Released, Object: t.ID,
		Detail: map[string]any{"file": f.ID, "by": by, "sha256": f.SHA256}})
	return err
}

// DecideRequest is an approver's answer.
type DecideRequest struct {
	ApprovalID string
	Approve    bool
	Comment    string
	// ReauthAt is when the approver last re-entered their password; a
	// release of an original needs it within Policy.ReauthWindow.
	ReauthAt time.Time
}

// Decide records an approver's decision and applies a final outcome: an
// approved outbound transfer becomes available on the internet side, a
// rejected one is closed; an approved release makes the original
// downloadable by the requester.
func (s *Service) Decide(ctx context.Context, sub kakehashi.Subject, req DecideRequest) (*approval.Outcome, error) {
	if sub.User == nil || sub.Zone != kakehashi.ZoneLGWAN || !sub.User.Has(kakehashi.RoleApprover) {
		return nil, kakehashi.Errorf(kakehashi.EFORBIDDEN, "承認の権限がありません / you may not decide on requests")
	}
	if utf8.RuneCountInString(req.Comment) > kakehashi.MaxNoteLen {
		return nil, kakehashi.Errorf(kakehashi.EINVALID, "コメントが長すぎます / the comment is too long")
	}
	var out *approval.Outcome
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		a, err := tx.Approval(req.ApprovalID)
		if err != nil {
			return err
		}
		now := s.now()
		if a.Kind == kakehashi.ApproveRelease && req.Approve && (req.ReauthAt.IsZero() || now.Sub(req.ReauthAt) > s.Policy.ReauthWindow) {
			return kakehashi.Errorf(kakehashi.EUNAUTHORIZED, "原本の取り出しを承認するにはパスワードを再入力してください / re-enter your password to release an original")
		}
		out, err = approval.Decide(tx, now, a.ID, sub.User.ID, req.Approve, req.Comment)
		if err != nil {
			return err
		}
		if _, err := audit.Record(tx, now, audit.Event{Actor: sub.User.ID, Zone: sub.Zone, IP: sub.IP, Action: audit.Decided, Object: a.TransferID,
			Detail: map[string]any{"approval": a.ID, "kind": a.Kind, "approve": req.Approve, "comment": req.Comment,
				"stage": out.Decision.Stage, "on_behalf_of": out.Decision.OnBehalfOf, "final": out.Final}}); err != nil {
			return err
		}
		if !out.Final {
			_, err = tx.Enqueue(JobNotify, a.ID, now) // the next stage's approvers
			return err
		}
		t, err := tx.Transfer(a.TransferID)
		if err != nil {
			return err
		}
		switch {
		case a.Kind == kakehashi.ApproveOutbound && req.Approve:
			if err := s.passFiles(tx, t.ID); err != nil {
				return err
			}
			if err := s.setState(tx, t, kakehashi.StateAvailable, ""); err != nil {
				return err
			}
		case a.Kind == kakehashi.ApproveOutbound:
			if err := s.setState(tx, t, kakehashi.StateRejected, "approval_rejected"); err != nil {
				return err
			}
		case a.Kind == kakehashi.ApproveRelease && req.Approve:
			f, err := tx.File(a.FileID)
			if err != nil {
				return err
			}
			if err := s.release(tx, sub, t, f, "approval:"+a.ID, now); err != nil {
				return err
			}
		}
		// The requester hears the outcome: an outbound transfer's own
		// notice says approved or rejected; a release has the approval's.
		ref := a.ID
		if a.Kind == kakehashi.ApproveOutbound {
			ref = t.ID
		}
		_, err = tx.Enqueue(JobNotify, ref, now)
		return err
	})
	if err == nil {
		s.wake()
	}
	return out, err
}

// Delegate lets delegateID decide for the approver between from and until.
func (s *Service) Delegate(ctx context.Context, sub kakehashi.Subject, delegateID string, from, until time.Time) (*kakehashi.Delegation, error) {
	if sub.User == nil || !sub.User.Has(kakehashi.RoleApprover) || sub.Zone != kakehashi.ZoneLGWAN {
		return nil, kakehashi.Errorf(kakehashi.EFORBIDDEN, "代理承認を設定できるのは承認者です / only approvers can delegate")
	}
	if !until.After(from) || delegateID == sub.User.ID {
		return nil, kakehashi.Errorf(kakehashi.EINVALID, "代理人と期間を確認してください / check the delegate and the period")
	}
	d := &kakehashi.Delegation{ID: kakehashi.NewID(), ApproverID: sub.User.ID, DelegateID: delegateID, From: from, Until: until}
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		u, err := tx.User(delegateID)
		if err != nil {
			return kakehashi.Errorf(kakehashi.EINVALID, "代理人が見つかりません / unknown delegate")
		}
		if u.Disabled {
			return kakehashi.Errorf(kakehashi.EINVALID, "代理人が無効です / the delegate is disabled")
		}
		if err := tx.CreateDelegation(d); err != nil {
			return err
		}
		_, err = audit.Record(tx, s.now(), audit.Event{Actor: sub.User.ID, Zone: sub.Zone, IP: sub.IP, Action: audit.DelegationSet, Object: d.ID,
			Detail: map[string]any{"delegate": delegateID, "from": from, "until": until}})
		return err
	})
	return d, err
}
