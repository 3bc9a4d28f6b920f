// Package exchange owns the life of a transfer across the boundary:
// 持ち込み (inbound: stored as an encrypted original, scanned, sanitized,
// delivered, the original released only on approval) and 持ち出し (outbound:
// released to the internet side only on 上長承認 or an audited exemption),
// downloads with their audit records, and retention.
//
// It talks to storage, blobs, scanners, the sanitizer and mail only through
// the interfaces in its Service, and knows nothing of HTTP. Every change of
// state is one store transaction with its audit event; background work goes
// through the durable queue, so a crash at any point loses no accepted file
// and no decision.
package exchange

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/approval"
	"github.com/kakehashi/kakehashi/blob"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/scan"
	"github.com/kakehashi/kakehashi/store"
)

// Job kinds this package handles.
const (
	JobProcess = "transfer.process" // scan, sanitize or route one transfer
	JobNotify  = "transfer.notify"  // send the mail a transfer's state calls for
	JobSweep   = "transfer.sweep"   // retention
)

// Sanitizer rebuilds one file (in production: the sandboxed child process).
// A rejection is a report with VerdictRejected, not an error; an error
// means the sanitizer could not run and the job should be retried.
type Sanitizer interface {
	Sanitize(ctx context.Context, inputPath, outputPath, name string) (*sanitize.Report, error)
}

// Mailer sends one plain-text notification.
type Mailer interface {
	Send(ctx context.Context, to []string, subject, body string) error
}

// Policy is what the administrator decided about transfers.
type Policy struct {
	MaxFileBytes      int64         // largest accepted file
	InboundRetention  time.Duration // how long inbound files stay available
	OutboundRetention time.Duration // how long outbound files stay available
	// AutoReleaseClean releases an original without approval when every
	// scanner found it clean and the sanitizer removed nothing (admin rule).
	AutoReleaseClean bool
	// ScanAttempts is how many times a file is retried while a scanner is
	// failing before it is quarantined for an administrator (fail closed).
	ScanAttempts int
	// ReauthWindow is how recent a password re-entry must be to release an
	// original.
	ReauthWindow time.Duration
	// PublicURL is the LGWAN-side base URL used in notification mail.
	PublicURL string
}

// Service runs the exchange.
type Service struct {
	Store     store.Store
	Blobs     blob.Store
	Scanners  []scan.Scanner
	Sanitizer Sanitizer
	Mailer    Mailer // nil: notifications are only logged
	Router    approval.Router
	Policy    Policy
	TempDir   string // decrypted working copies, removed after each job
	Now       func() time.Time
	Log       *slog.Logger
	Wake      func() // tells the queue there is work; may be nil
	Observe   func(verdict string, d time.Duration)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Service) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// Upload is one stored file waiting to become part of a transfer.
type Upload struct {
	Name string
	Blob blob.Info
}

// StoreFile streams r into the blob store as an encrypted original. The
// caller passes the result to Submit, or to Discard when the request fails.
func (s *Service) StoreFile(ctx context.Context, r io.Reader) (blob.Info, error) {
	info, err := s.Blobs.Put(ctx, r, s.Policy.MaxFileBytes)
	if err != nil {
		if isTooLarge(err) {
			return info, kakehashi.Errorf(kakehashi.ETOOLARGE, "ファイルが大きすぎます（上限 %s） / the file is too large (limit %s)", humanBytes(s.Policy.MaxFileBytes), humanBytes(s.Policy.MaxFileBytes))
		}
		return info, err
	}
	return info, nil
}

// Discard deletes stored uploads of a request that did not complete, so an
// interrupted upload leaves nothing behind.
func (s *Service) Discard(ctx context.Context, uploads []Upload) {
	for _, u := range uploads {
		if err := s.Blobs.Delete(context.WithoutCancel(ctx), u.Blob.ID); err != nil {
			s.log().Error("discarding an upload", "blob", u.Blob.ID, "err", err)
		}
	}
}
