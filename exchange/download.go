package exchange

import (
	"context"
	"io"
	"slices"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/approval"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/blob"
	"github.com/kakehashi/kakehashi/store"
)

// Which copy of a file is asked for.
const (
	CopySanitized = "sanitized"
	CopyOriginal  = "original"
)

// Download is an open file to stream to the client. The caller must call
// Done with the number of bytes sent, which records the audit event (who
// got which bytes when: the question the FileZen incident could not answer).
type Download struct {
	io.ReadCloser
	Name   string
	Size   int64
	SHA256 string
	Done   func(sent int64, complete bool)
}

// fileFor loads a file and its transfer; an ID that does not exist and one
// the subject may not see give the same answer.
func (s *Service) fileFor(tx store.Tx, sub kakehashi.Subject, fileID string) (*kakehashi.File, *kakehashi.Transfer, error) {
	notFound := kakehashi.Errorf(kakehashi.ENOTFOUND, "ファイルが見つかりません / file not found")
	if !kakehashi.ValidID(fileID) {
		return nil, nil, notFound
	}
	f, err := tx.File(fileID)
	if store.IsNotFound(err) {
		return nil, nil, notFound
	}
	if err != nil {
		return nil, nil, err
	}
	t, err := tx.Transfer(f.TransferID)
	if err != nil {
		return nil, nil, err
	}
	if !s.canSee(tx, sub, t) {
		return nil, nil, notFound
	}
	return f, t, nil
}

// canSee is who may see a transfer at all: its sender, its recipients, and
// on LGWAN the approvers who have (or had) it on their desk.
func (s *Service) canSee(tx store.Tx, sub kakehashi.Subject, t *kakehashi.Transfer) bool {
	if sub.User == nil {
		return false
	}
	if t.SenderID == sub.User.ID || slices.Contains(t.Recipients, sub.User.ID) {
		return true
	}
	if sub.Zone != kakehashi.ZoneLGWAN || !sub.User.Has(kakehashi.RoleApprover) {
		return false
	}
	as, err := tx.ListApprovals(store.ApprovalFilter{TransferID: t.ID})
	if err != nil {
		return false
	}
	for _, a := range as {
		for _, st := range a.Stages {
			if slices.Contains(st.Approvers, sub.User.ID) {
				return true
			}
		}
		if approval.CanDecide(tx, s.now(), &a, sub.User.ID) {
			return true
		}
	}
	return false
}

// Open checks that the subject may have this copy of the file here, and
// opens it:
//   - inbound, sanitized copy: recipients and the sender, on LGWAN;
//   - inbound, original: recipients on LGWAN, after release;
//   - outbound: the sender on the internet side once approved, and the
//     approvers of the transfer on LGWAN (to check what they approve).
func (s *Service) Open(ctx context.Context, sub kakehashi.Subject, fileID, which string) (*Download, error) {
	var f *kakehashi.File
	var t *kakehashi.Transfer
	err := s.Store.View(ctx, func(tx store.Tx) (err error) {
		f, t, err = s.fileFor(tx, sub, fileID)
		if err != nil {
			return err
		}
		return s.mayDownload(tx, sub, t, f, which)
	})
	if err != nil {
		s.auditDenied(ctx, sub, fileID, which, err)
		return nil, err
	}
	id, name, size, sum := f.OriginalBlob, f.Name, f.Size, f.SHA256
	if t.Direction == kakehashi.Inbound && which == CopySanitized {
		id, name, size, sum = f.SanitizedBlob, f.SanitizedName, f.SanitizedSize, f.SanitizedSHA256
	}
	r, err := s.Blobs.Open(ctx, blob.ID(id))
	if err != nil {
		return nil, err
	}
	d := &Download{ReadCloser: r, Name: name, Size: size, SHA256: sum}
	d.Done = func(sent int64, complete bool) {
		err := s.Store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
			outcome := audit.OK
			if !complete {
				outcome = audit.Failed
			}
			_, err := audit.Record(tx, s.now(), audit.Event{Actor: sub.UserID(), Zone: sub.Zone, IP: sub.IP, Action: audit.Download, Object: t.ID, Outcome: outcome,
				Detail: map[string]any{"file": f.ID, "copy": which, "bytes": sent, "size": size, "sha256": sum, "name": name}})
			return err
		})
		if err != nil {
			s.log().Error("recording a download", "file", f.ID, "err", err)
		}
		s.log().Info("download", "transfer", t.ID, "file", f.ID, "copy", which, "bytes", sent, "complete", complete, "user", sub.UserID(), "ip", sub.IP)
	}
	return d, nil
}

func (s *Service) mayDownload(tx store.Tx, sub kakehashi.Subject, t *kakehashi.Transfer, f *kakehashi.File, which string) error {
	forbidden := kakehashi.Errorf(kakehashi.EFORBIDDEN, "このファイルはここではダウンロードできません / this file cannot be downloaded here")
	if t.State == kakehashi.StateExpired {
		return kakehashi.Errorf(kakehashi.ENOTFOUND, "保存期間が過ぎました / the file has expired")
	}
	me := sub.User.ID
	switch {
	case t.Direction == kakehashi.Inbound && which == CopySanitized:
		if sub.Zone == kakehashi.ZoneLGWAN && (slices.Contains(t.Recipients, me) || t.SenderID == me) && f.Status.Deliverable() && f.SanitizedBlob != "" {
			return nil
		}
	case t.Direction == kakehashi.Inbound && which == CopyOriginal:
		if sub.Zone == kakehashi.ZoneLGWAN && slices.Contains(t.Recipients, me) && f.OriginalRelease {
			return nil
		}
	case t.Direction == kakehashi.Outbound && which == CopyOriginal:
		if sub.Zone == kakehashi.ZoneInternet && t.SenderID == me && t.State == kakehashi.StateAvailable && f.Status == kakehashi.FilePassed {
			return nil
		}
		if sub.Zone == kakehashi.ZoneLGWAN && t.SenderID != me && sub.User.Has(kakehashi.RoleApprover) {
			return nil // canSee already checked they are on the route
		}
	}
	return forbidden
}

func (s *Service) auditDenied(ctx context.Context, sub kakehashi.Subject, fileID, which string, cause error) {
	if kakehashi.ErrorCode(cause) == kakehashi.EINTERNAL {
		return
	}
	object := fileID
	if !kakehashi.ValidID(fileID) {
		object = "invalid-id"
	}
	s.Store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
		_, err := audit.Record(tx, s.now(), audit.Event{Actor: sub.UserID(), Zone: sub.Zone, IP: sub.IP, Action: audit.Download, Object: object,
			Outcome: audit.Denied, Detail: map[string]any{"copy": which, "code": kakehashi.ErrorCode(cause)}})
		return err
	})
}
