package exchange

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/blob"
	"github.com/kakehashi/kakehashi/queue"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/scan"
	"github.com/kakehashi/kakehashi/store"
)

// Process is the queue handler for JobProcess. It is idempotent: each file
// carries its own outcome, so a job re-run after a crash continues with the
// files still pending and never processes a file twice.
func (s *Service) Process(ctx context.Context, job *store.Job) error {
	var t *kakehashi.Transfer
	var files []kakehashi.File
	err := s.Store.View(ctx, func(tx store.Tx) (err error) {
		if t, err = tx.Transfer(job.Ref); err != nil {
			return err
		}
		files, err = tx.Files(t.ID)
		return err
	})
	if store.IsNotFound(err) {
		return queue.Permanent(err)
	}
	if err != nil {
		return err
	}
	if t.State != kakehashi.StateReceived && t.State != kakehashi.StateScanning && t.State != kakehashi.StateSanitizing {
		return nil // already done: a replayed job
	}
	if t.Direction == kakehashi.Outbound {
		return s.routeOutbound(ctx, t, files)
	}
	for i := range files {
		f := &files[i]
		if f.Status != kakehashi.FilePending {
			continue
		}
		if err := s.processInbound(ctx, t, f, job.Attempts); err != nil {
			return err
		}
	}
	return s.finishInbound(ctx, t, files)
}

// setState moves t to state with its audit event, unless it is there.
func (s *Service) setState(tx store.Tx, t *kakehashi.Transfer, to kakehashi.State, code string) error {
	if t.State == to {
		return nil
	}
	now := s.now()
	if err := tx.SetTransferState(t.ID, t.State, to, code, now); err != nil {
		return err
	}
	if _, err := audit.Record(tx, now, audit.Event{Actor: "system", Action: audit.StateChanged, Object: t.ID,
		Detail: map[string]any{"from": t.State, "to": to, "reason": code}}); err != nil {
		return err
	}
	s.log().Info("transfer state", "transfer", t.ID, "from", t.State, "to", to, "reason", code)
	t.State = to
	return nil
}

func (s *Service) processInbound(ctx context.Context, t *kakehashi.Transfer, f *kakehashi.File, attempt int) error {
	if err := s.Store.Update(ctx, func(tx store.Tx) error { return s.setState(tx, t, kakehashi.StateScanning, "") }); err != nil {
		return err
	}
	// Without configured scanners (the embedded quick start) the sanitizer
	// is the only defence; with them, all must answer (マルチスキャン).
	verdict := scan.Clean
	var results []scan.Result
	if len(s.Scanners) > 0 {
		results = scan.Multi(ctx, func() (io.ReadCloser, error) { return s.Blobs.Open(ctx, blob.ID(f.OriginalBlob)) }, f.Size, s.Scanners...)
		f.Scans, _ = json.Marshal(results)
		verdict = scan.Overall(results)
	}
	switch verdict {
	case scan.Infected:
		f.Status, f.Reason = kakehashi.FileInfected, "infected"
		f.ReasonText = "ウイルス対策エンジンがマルウェアを検出しました（" + signatures(results) + "）。原本は隔離されています。"
		return s.saveFile(ctx, t, f, audit.Scanned, map[string]any{"file": f.ID, "verdict": "infected", "signatures": signatures(results)})
	case scan.Failed:
		if attempt < max(s.Policy.ScanAttempts, 1) {
			return fmt.Errorf("scanning %s: %s", f.ID, failures(results))
		}
		f.Status, f.Reason = kakehashi.FileQuarantined, "scanner_unavailable"
		f.ReasonText = "ウイルス検査ができなかったため隔離しています。管理者に連絡してください。"
		return s.saveFile(ctx, t, f, audit.Scanned, map[string]any{"file": f.ID, "verdict": "failed", "detail": failures(results)})
	}
	if err := s.Store.Update(ctx, func(tx store.Tx) error {
		if len(s.Scanners) > 0 {
			if _, err := audit.Record(tx, s.now(), audit.Event{Actor: "system", Action: audit.Scanned, Object: t.ID,
				Detail: map[string]any{"file": f.ID, "verdict": "clean"}}); err != nil {
				return err
			}
		}
		return s.setState(tx, t, kakehashi.StateSanitizing, "")
	}); err != nil {
		return err
	}
	return s.sanitize(ctx, t, f)
}

// sanitize decrypts the original to a private temporary file, has the
// sandboxed child rebuild it, and stores the result as a new blob.
func (s *Service) sanitize(ctx context.Context, t *kakehashi.Transfer, f *kakehashi.File) error {
	dir, err := os.MkdirTemp(s.TempDir, "job-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in")
	if err := s.decryptTo(ctx, f.OriginalBlob, in); err != nil {
		return err
	}
	out := filepath.Join(dir, "out")
	start := time.Now()
	rep, err := s.Sanitizer.Sanitize(ctx, in, out, f.Name)
	if err != nil {
		return fmt.Errorf("sanitizing %s: %w", f.ID, err)
	}
	if s.Observe != nil {
		s.Observe(string(rep.Verdict), time.Since(start))
	}
	f.Report, _ = json.Marshal(rep)
	f.Type = string(rep.Type)
	if rep.Verdict == sanitize.VerdictRejected {
		f.Status, f.Reason, f.ReasonText = kakehashi.FileRejected, string(rep.Reason), rep.Reason.Label("ja")
		return s.saveFile(ctx, t, f, audit.Sanitized, map[string]any{"file": f.ID, "verdict": rep.Verdict, "reason": rep.Reason})
	}
	r, err := os.Open(out)
	if err != nil {
		return err
	}
	defer r.Close()
	info, err := s.Blobs.Put(ctx, r, 0)
	if err != nil {
		return fmt.Errorf("storing the sanitized copy: %w", err)
	}
	f.Status = kakehashi.FileClean
	if rep.Verdict == sanitize.VerdictSanitized {
		f.Status = kakehashi.FileSanitized
	}
	f.SanitizedBlob, f.SanitizedSize, f.SanitizedSHA256 = string(info.ID), info.Size, hex.EncodeToString(info.SHA256[:])
	f.SanitizedName = f.Name
	if rep.OutputName != "" {
		f.SanitizedName = kakehashi.CleanFileName(rep.OutputName)
	}
	err = s.saveFile(ctx, t, f, audit.Sanitized, map[string]any{"file": f.ID, "verdict": rep.Verdict, "type": rep.Type,
		"original_sha256": f.SHA256, "sanitized_sha256": f.SanitizedSHA256, "removed": rep.Totals()})
	if err != nil {
		// The record did not change, so the new blob is not referenced:
		// remove it now rather than leave it to the orphan sweep.
		s.Blobs.Delete(context.WithoutCancel(ctx), info.ID)
	}
	return err
}

func (s *Service) decryptTo(ctx context.Context, id, path string) error {
	r, err := s.Blobs.Open(ctx, blob.ID(id))
	if err != nil {
		return fmt.Errorf("opening the original: %w", err)
	}
	defer r.Close()
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return fmt.Errorf("decrypting the original: %w", err)
	}
	return w.Close()
}

// saveFile records a file's outcome with its audit event.
func (s *Service) saveFile(ctx context.Context, t *kakehashi.Transfer, f *kakehashi.File, action string, detail map[string]any) error {
	return s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.UpdateFile(f); err != nil {
			return err
		}
		outcome := audit.OK
		if !f.Status.Deliverable() {
			outcome = audit.Denied
		}
		_, err := audit.Record(tx, s.now(), audit.Event{Actor: "system", Action: action, Object: t.ID, Outcome: outcome, Detail: detail})
		return err
	})
}

// finishInbound makes the transfer available when at least one file can be
// delivered, and otherwise rejected; recipients are told either way.
func (s *Service) finishInbound(ctx context.Context, t *kakehashi.Transfer, _ []kakehashi.File) error {
	return s.Store.Update(ctx, func(tx store.Tx) error {
		files, err := tx.Files(t.ID)
		if err != nil {
			return err
		}
		to, code := kakehashi.StateRejected, "no_deliverable_file"
		for _, f := range files {
			if f.Status == kakehashi.FilePending {
				return fmt.Errorf("transfer %s: file %s still pending", t.ID, f.ID)
			}
			if f.Status.Deliverable() {
				to, code = kakehashi.StateAvailable, ""
			}
		}
		if err := s.setState(tx, t, to, code); err != nil {
			return err
		}
		_, err = tx.Enqueue(JobNotify, t.ID, s.now())
		return err
	})
}

func signatures(rs []scan.Result) string {
	var out string
	for _, r := range rs {
		if r.Verdict == scan.Infected {
			if out != "" {
				out += ", "
			}
			out += r.Scanner + ": " + r.Signature
		}
	}
	return out
}

func failures(rs []scan.Result) string {
	var out string
	for _, r := range rs {
		if r.Verdict != scan.Clean && r.Verdict != scan.Infected {
			if out != "" {
				out += "; "
			}
			out += r.Scanner + ": " + r.Detail
		}
	}
	if out == "" {
		out = "no scanner answered"
	}
	return out
}
