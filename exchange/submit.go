package exchange

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/blob"
	"github.com/kakehashi/kakehashi/store"
)

// SubmitRequest is what a sender fills in.
type SubmitRequest struct {
	Direction   kakehashi.Direction
	Recipients  []string // inbound: user IDs; the sender may name themself
	Note        string
	Destination string // outbound
	Reason      string // outbound
	Files       []Upload
}

// Submit creates a transfer from stored uploads in one transaction with
// its audit event and processing job. Inbound transfers may only start on
// the internet side and outbound ones only on LGWAN: the zone, not the
// client, decides the direction a file may travel.
func (s *Service) Submit(ctx context.Context, sub kakehashi.Subject, req SubmitRequest) (*kakehashi.Transfer, error) {
	if sub.User == nil {
		return nil, kakehashi.Errorf(kakehashi.EUNAUTHORIZED, "サインインしてください / please sign in")
	}
	switch {
	case req.Direction == kakehashi.Inbound && sub.Zone != kakehashi.ZoneInternet,
		req.Direction == kakehashi.Outbound && sub.Zone != kakehashi.ZoneLGWAN:
		return nil, kakehashi.Errorf(kakehashi.EFORBIDDEN, "このネットワークからはこの方向に送れません / transfers in this direction cannot start from this network")
	}
	if len(req.Files) == 0 {
		return nil, kakehashi.Errorf(kakehashi.EINVALID, "ファイルを選んでください / choose at least one file")
	}
	if len(req.Files) > kakehashi.MaxFilesPer {
		return nil, kakehashi.Errorf(kakehashi.ETOOLARGE, "一度に送れるファイルは%d個までです / at most %d files per transfer", kakehashi.MaxFilesPer, kakehashi.MaxFilesPer)
	}
	now := s.now()
	t := &kakehashi.Transfer{
		ID: kakehashi.NewID(), Direction: req.Direction, State: kakehashi.StateReceived, SenderID: sub.User.ID,
		Note: req.Note, Destination: req.Destination, Reason: req.Reason, Created: now, Updated: now,
	}
	if req.Direction == kakehashi.Inbound {
		t.Recipients = dedupe(req.Recipients)
		t.Expires = now.Add(s.Policy.InboundRetention)
	} else {
		t.Expires = now.Add(s.Policy.OutboundRetention)
	}
	if err := kakehashi.ValidateTransfer(t); err != nil {
		return nil, err
	}
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		for _, id := range t.Recipients {
			u, err := tx.User(id)
			if store.IsNotFound(err) || err == nil && u.Disabled {
				return kakehashi.Errorf(kakehashi.EINVALID, "宛先が見つかりません / unknown recipient")
			}
			if err != nil {
				return err
			}
		}
		if err := tx.CreateTransfer(t); err != nil {
			return err
		}
		names := make([]string, 0, len(req.Files))
		for _, up := range req.Files {
			f := &kakehashi.File{
				ID: kakehashi.NewID(), TransferID: t.ID, Name: kakehashi.CleanFileName(up.Name), Size: up.Blob.Size,
				SHA256: hex.EncodeToString(up.Blob.SHA256[:]), OriginalBlob: string(up.Blob.ID), Status: kakehashi.FilePending,
			}
			if err := tx.AddFile(f); err != nil {
				return err
			}
			names = append(names, f.Name)
		}
		if _, err := audit.Record(tx, now, audit.Event{
			Actor: sub.UserID(), Zone: sub.Zone, IP: sub.IP, Action: audit.Upload, Object: t.ID,
			Detail: map[string]any{"direction": t.Direction, "files": names, "recipients": t.Recipients, "destination": t.Destination},
		}); err != nil {
			return err
		}
		_, err := tx.Enqueue(JobProcess, t.ID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log().Info("transfer received", "transfer", t.ID, "direction", t.Direction, "files", len(req.Files), "user", sub.UserID())
	s.wake()
	return t, nil
}

func dedupe(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

func isTooLarge(err error) bool { return errors.Is(err, blob.ErrTooLarge) }

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
