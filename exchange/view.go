package exchange

import (
	"context"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/approval"
	"github.com/kakehashi/kakehashi/store"
)

// Detail is everything a screen shows about one transfer.
type Detail struct {
	Transfer  kakehashi.Transfer
	Files     []kakehashi.File
	Approvals []ApprovalView
	Sender    kakehashi.User
}

// ApprovalView is an approval with its decisions and whether the viewer
// may decide it now.
type ApprovalView struct {
	kakehashi.Approval
	Decisions []kakehashi.Decision
	CanDecide bool
}

// Get returns a transfer the subject may see; any other ID is "not found".
func (s *Service) Get(ctx context.Context, sub kakehashi.Subject, id string) (*Detail, error) {
	var d Detail
	err := s.Store.View(ctx, func(tx store.Tx) error {
		notFound := kakehashi.Errorf(kakehashi.ENOTFOUND, "見つかりません / not found")
		if !kakehashi.ValidID(id) {
			return notFound
		}
		t, err := tx.Transfer(id)
		if store.IsNotFound(err) || err == nil && !s.canSee(tx, sub, t) {
			return notFound
		}
		if err != nil {
			return err
		}
		d.Transfer = *t
		if d.Files, err = tx.Files(id); err != nil {
			return err
		}
		if sender, err := tx.User(t.SenderID); err == nil {
			d.Sender = *sender
		}
		as, err := tx.ListApprovals(store.ApprovalFilter{TransferID: id})
		if err != nil {
			return err
		}
		for _, a := range as {
			ds, err := tx.Decisions(a.ID)
			if err != nil {
				return err
			}
			d.Approvals = append(d.Approvals, ApprovalView{Approval: a, Decisions: ds,
				CanDecide: sub.Zone == kakehashi.ZoneLGWAN && sub.User.Has(kakehashi.RoleApprover) && approval.CanDecide(tx, s.now(), &a, sub.User.ID)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Lists is what the home screen shows a user.
type Lists struct {
	Inbox    []kakehashi.Transfer // inbound, addressed to me
	Sent     []kakehashi.Transfer // sent by me
	ToDecide []ApprovalView       // waiting for my decision (own or delegated)
}

// List returns the subject's transfers and pending decisions. On the
// internet side the inbox is empty: received files are delivered only on
// LGWAN.
func (s *Service) List(ctx context.Context, sub kakehashi.Subject) (*Lists, error) {
	var l Lists
	if sub.User == nil {
		return nil, kakehashi.Errorf(kakehashi.EUNAUTHORIZED, "サインインしてください / please sign in")
	}
	err := s.Store.View(ctx, func(tx store.Tx) (err error) {
		if l.Sent, err = tx.ListTransfers(store.TransferFilter{SenderID: sub.User.ID, Limit: 200}); err != nil {
			return err
		}
		if sub.Zone != kakehashi.ZoneLGWAN {
			return nil
		}
		if l.Inbox, err = tx.ListTransfers(store.TransferFilter{RecipientID: sub.User.ID, Direction: kakehashi.Inbound, Limit: 200}); err != nil {
			return err
		}
		if !sub.User.Has(kakehashi.RoleApprover) {
			return nil
		}
		as, err := tx.ListApprovals(store.ApprovalFilter{ApproverID: sub.User.ID, State: kakehashi.ApprovalPending, At: s.now()})
		if err != nil {
			return err
		}
		for _, a := range as {
			l.ToDecide = append(l.ToDecide, ApprovalView{Approval: a, CanDecide: approval.CanDecide(tx, s.now(), &a, sub.User.ID)})
		}
		return nil
	})
	return &l, err
}
