package exchange

import (
	"context"
	"os"
	"path/filepath"
	"slices"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/store"
)

// routeOutbound detects the type of each file (for exemptions and for the
// approver's screen), then either applies an exemption or asks for 上長承認.
func (s *Service) routeOutbound(ctx context.Context, t *kakehashi.Transfer, files []kakehashi.File) error {
	for i := range files {
		f := &files[i]
		if f.Type != "" {
			continue
		}
		typ, err := s.detect(ctx, f)
		if err != nil {
			return err
		}
		f.Type = string(typ)
		if err := s.Store.Update(ctx, func(tx store.Tx) error { return tx.UpdateFile(f) }); err != nil {
			return err
		}
	}
	return s.Store.Update(ctx, func(tx store.Tx) error {
		if t.State != kakehashi.StateReceived {
			return nil
		}
		sender, err := tx.User(t.SenderID)
		if err != nil {
			return err
		}
		ex, err := s.exemptionFor(tx, sender, files)
		if err != nil {
			return err
		}
		now := s.now()
		if ex != nil {
			if err := s.passFiles(tx, t.ID); err != nil {
				return err
			}
			if _, err := audit.Record(tx, now, audit.Event{Actor: "system", Action: audit.Exempted, Object: t.ID,
				Detail: map[string]any{"exemption": ex.ID, "kind": ex.Kind, "value": ex.Value}}); err != nil {
				return err
			}
			if err := s.setState(tx, t, kakehashi.StateAvailable, ""); err != nil {
				return err
			}
			_, err = tx.Enqueue(JobNotify, t.ID, now)
			return err
		}
		stages, err := s.Router.RouteFor(tx, sender)
		if err != nil {
			return s.setState(tx, t, kakehashi.StateRejected, "no_approver")
		}
		a := &kakehashi.Approval{ID: kakehashi.NewID(), Kind: kakehashi.ApproveOutbound, TransferID: t.ID, RequesterID: sender.ID,
			Reason: t.Reason, State: kakehashi.ApprovalPending, Stages: stages, Created: now}
		if err := tx.CreateApproval(a); err != nil {
			return err
		}
		if _, err := audit.Record(tx, now, audit.Event{Actor: sender.ID, Action: audit.ReleaseAsked, Object: t.ID,
			Detail: map[string]any{"approval": a.ID, "kind": a.Kind, "approvers": stages[0].Approvers}}); err != nil {
			return err
		}
		if err := s.setState(tx, t, kakehashi.StateAwaitingApproval, ""); err != nil {
			return err
		}
		_, err = tx.Enqueue(JobNotify, a.ID, now)
		return err
	})
}

// passFiles marks every file of an approved outbound transfer deliverable
// as uploaded (outbound files are not rebuilt: they leave as written).
func (s *Service) passFiles(tx store.Tx, transferID string) error {
	files, err := tx.Files(transferID)
	if err != nil {
		return err
	}
	for i := range files {
		files[i].Status = kakehashi.FilePassed
		if err := tx.UpdateFile(&files[i]); err != nil {
			return err
		}
	}
	return nil
}

// exemptionFor returns the first exemption that covers the transfer: the
// sender's department, or a type every file has.
func (s *Service) exemptionFor(tx store.Tx, sender *kakehashi.User, files []kakehashi.File) (*kakehashi.Exemption, error) {
	exs, err := tx.ListExemptions()
	if err != nil {
		return nil, err
	}
	for _, e := range exs {
		switch e.Kind {
		case "department":
			if e.Value == sender.DepartmentID {
				return &e, nil
			}
		case "type":
			if len(files) > 0 && !slices.ContainsFunc(files, func(f kakehashi.File) bool { return f.Type != e.Value }) {
				return &e, nil
			}
		}
	}
	return nil, nil
}

// detect reads the file's type from its content, as the sanitizer would.
func (s *Service) detect(ctx context.Context, f *kakehashi.File) (sanitize.Type, error) {
	dir, err := os.MkdirTemp(s.TempDir, "detect-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "in")
	if err := s.decryptTo(ctx, f.OriginalBlob, path); err != nil {
		return "", err
	}
	r, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer r.Close()
	return sanitize.Detect(sanitize.Input{R: r, Size: f.Size, Name: f.Name}), nil
}
