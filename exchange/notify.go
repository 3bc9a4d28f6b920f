package exchange

import (
	"context"
	"fmt"
	"strings"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/queue"
	"github.com/kakehashi/kakehashi/store"
)

// Notify is the queue handler for JobNotify. Its ref is a transfer ID (tell
// the people concerned about the transfer's state) or an approval ID (tell
// the approvers of the current stage, or the requester once decided). The
// mail is built from the records at send time, so a retried job never
// describes a state that has since changed.
func (s *Service) Notify(ctx context.Context, job *store.Job) error {
	var to []string
	var subject, body string
	err := s.Store.View(ctx, func(tx store.Tx) error {
		t, err := tx.Transfer(job.Ref)
		if err == nil {
			to, subject, body, err = s.transferNotice(tx, t)
			return err
		}
		if !store.IsNotFound(err) {
			return err
		}
		a, err := tx.Approval(job.Ref)
		if err != nil {
			return err
		}
		to, subject, body, err = s.approvalNotice(tx, a)
		return err
	})
	if store.IsNotFound(err) {
		return queue.Permanent(err)
	}
	if err != nil {
		return err
	}
	if len(to) == 0 {
		return nil
	}
	if s.Mailer == nil {
		s.log().Info("notification (no mail relay configured)", "ref", job.Ref, "recipients", len(to), "subject", subject)
		return nil
	}
	if err := s.Mailer.Send(ctx, to, subject, body); err != nil {
		return fmt.Errorf("sending notification: %w", err)
	}
	s.log().Info("notification sent", "ref", job.Ref, "recipients", len(to))
	return nil
}

func emails(tx store.Tx, ids ...string) []string {
	var out []string
	for _, id := range ids {
		if u, err := tx.User(id); err == nil && u.Email != "" && !u.Disabled {
			out = append(out, u.Email)
		}
	}
	return out
}

func (s *Service) link(path string) string {
	return strings.TrimRight(s.Policy.PublicURL, "/") + path
}

func (s *Service) transferNotice(tx store.Tx, t *kakehashi.Transfer) (to []string, subject, body string, err error) {
	sender, err := tx.User(t.SenderID)
	if err != nil {
		return nil, "", "", err
	}
	url := s.link("/transfers/" + t.ID)
	switch {
	case t.Direction == kakehashi.Inbound && t.State == kakehashi.StateAvailable:
		return emails(tx, t.Recipients...), "[架け橋] ファイルが届きました / Files have arrived",
			fmt.Sprintf("%s さんからインターネット側経由でファイルが届きました。無害化済みのファイルを LGWAN 側で受け取れます。\n%s\n\n%s sent you files from the internet side. The sanitized copies are ready on LGWAN.\n%s\n",
				sender.DisplayName, url, sender.DisplayName, url), nil
	case t.Direction == kakehashi.Inbound && t.State == kakehashi.StateRejected:
		return emails(tx, append(t.Recipients, t.SenderID)...), "[架け橋] ファイルを受け付けられませんでした / Files were refused",
			fmt.Sprintf("%s さんからのファイルは、無害化または検査で拒否されました。理由は次の画面で確認できます。\n%s\n\nThe files from %s were refused by sanitization or scanning. See why:\n%s\n",
				sender.DisplayName, url, sender.DisplayName, url), nil
	case t.Direction == kakehashi.Outbound && t.State == kakehashi.StateAvailable:
		return emails(tx, t.SenderID), "[架け橋] 持ち出しが承認されました / Your outbound transfer is approved",
			"持ち出し申請が承認されました。インターネット側でダウンロードできます。\nYour outbound transfer was approved; download it on the internet side.\n", nil
	case t.Direction == kakehashi.Outbound && t.State == kakehashi.StateRejected:
		return emails(tx, t.SenderID), "[架け橋] 持ち出しが却下されました / Your outbound transfer was rejected",
			fmt.Sprintf("持ち出し申請は却下されました。\n%s\n\nYour outbound transfer was rejected.\n%s\n", url, url), nil
	}
	return nil, "", "", nil
}

func (s *Service) approvalNotice(tx store.Tx, a *kakehashi.Approval) (to []string, subject, body string, err error) {
	url := s.link("/transfers/" + a.TransferID)
	what := "持ち出し申請 / outbound transfer"
	if a.Kind == kakehashi.ApproveRelease {
		what = "原本の取り出し申請 / request for an original"
	}
	switch a.State {
	case kakehashi.ApprovalPending:
		ids := append([]string(nil), a.Stages[a.Stage].Approvers...)
		for _, approver := range a.Stages[a.Stage].Approvers {
			ds, err := tx.Delegations(approver)
			if err != nil {
				return nil, "", "", err
			}
			for _, d := range ds {
				if d.Active(s.now()) {
					ids = append(ids, d.DelegateID)
				}
			}
		}
		return emails(tx, ids...), "[架け橋] 承認依頼: " + what,
			fmt.Sprintf("承認をお願いします（%s）。\n%s\n\nYour decision is requested (%s).\n%s\n", what, url, what, url), nil
	case kakehashi.ApprovalApproved, kakehashi.ApprovalRejected:
		if a.Kind != kakehashi.ApproveRelease {
			return nil, "", "", nil // the transfer's own notice covers outbound
		}
		result := "承認されました / approved"
		if a.State == kakehashi.ApprovalRejected {
			result = "却下されました / rejected"
		}
		return emails(tx, a.RequesterID), "[架け橋] 原本の取り出し申請が" + result,
			fmt.Sprintf("原本の取り出し申請が%s。\n%s\n", result, url), nil
	}
	return nil, "", "", nil
}
