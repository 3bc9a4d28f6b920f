package exchange

import (
	"context"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/blob"
	"github.com/kakehashi/kakehashi/store"
)

// Sweep expires transfers past their retention: their blobs (originals and
// sanitized copies) are deleted and the transfer is marked expired with an
// audit event. The audit log itself is not touched. Blob deletion happens
// after the state change commits, so a crash in between leaves unreferenced
// blobs for SweepOrphans rather than records pointing at missing files.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	var due []kakehashi.Transfer
	if err := s.Store.View(ctx, func(tx store.Tx) (err error) {
		due, err = tx.ListTransfers(store.TransferFilter{ExpiredAt: now, Limit: 500})
		return err
	}); err != nil {
		return 0, err
	}
	n := 0
	for i := range due {
		t := &due[i]
		var files []kakehashi.File
		err := s.Store.Update(ctx, func(tx store.Tx) (err error) {
			if files, err = tx.Files(t.ID); err != nil {
				return err
			}
			if err := tx.SetTransferState(t.ID, t.State, kakehashi.StateExpired, "", now); err != nil {
				return err
			}
			_, err = audit.Record(tx, now, audit.Event{Actor: "system", Action: audit.Expired, Object: t.ID,
				Detail: map[string]any{"files": len(files), "expires": t.Expires}})
			return err
		})
		if store.IsNotFound(err) || kakehashi.ErrorCode(err) == kakehashi.ECONFLICT {
			continue // changed meanwhile; the next sweep looks again
		}
		if err != nil {
			return n, err
		}
		for _, f := range files {
			for _, id := range []string{f.OriginalBlob, f.SanitizedBlob} {
				if id == "" {
					continue
				}
				if err := s.Blobs.Delete(ctx, blob.ID(id)); err != nil {
					s.log().Error("deleting an expired blob", "blob", id, "err", err)
				}
			}
		}
		s.log().Info("transfer expired", "transfer", t.ID, "files", len(files))
		n++
	}
	return n, nil
}

// SweepJob is the queue handler for JobSweep; it schedules itself again.
func (s *Service) SweepJob(ctx context.Context, job *store.Job) error {
	if _, err := s.Sweep(ctx); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx store.Tx) error {
		_, err := tx.Enqueue(JobSweep, "", s.now().Add(sweepEvery))
		return err
	})
}

const sweepEvery = 15 * time.Minute

// SweepOrphans deletes blobs no file record names: uploads cut off by a
// crash between storing and recording, and sanitized copies whose record
// never committed. It must run only while nothing is uploading (at start,
// before the listeners open), since an upload in flight is an orphan too.
func (s *Service) SweepOrphans(ctx context.Context) (int, error) {
	var orphans []blob.ID
	err := s.Blobs.List(ctx, func(id blob.ID) error {
		return s.Store.View(ctx, func(tx store.Tx) error {
			ok, err := tx.BlobReferenced(string(id))
			if err == nil && !ok {
				orphans = append(orphans, id)
			}
			return err
		})
	})
	if err != nil {
		return 0, err
	}
	for _, id := range orphans {
		if err := s.Blobs.Delete(ctx, id); err != nil {
			return 0, err
		}
	}
	if len(orphans) > 0 {
		s.log().Info("removed unreferenced blobs", "count", len(orphans))
	}
	return len(orphans), nil
}
