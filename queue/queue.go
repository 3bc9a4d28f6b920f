// Package queue runs durable background jobs stored by the store: a worker
// claims a due job with a lease, runs its handler outside any transaction,
// then completes it, schedules a retry with backoff, or fails it for good.
// A worker killed mid-job loses nothing: its lease runs out and the job is
// claimed again, so handlers must be idempotent (they check the state of
// the record they work on before acting).
package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/kakehashi/kakehashi/store"
)

// Handler does one job. Returning a Permanent error fails the job for good;
// any other error retries it with backoff until MaxAttempts.
type Handler func(ctx context.Context, job *store.Job) error

// Permanent wraps err so the job is not retried.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Worker claims and runs jobs.
type Worker struct {
	Store       store.Store
	Handlers    map[string]Handler
	Lease       time.Duration // how long a claimed job is ours; longer than the slowest handler
	Poll        time.Duration // how often to look for due jobs when not woken
	MaxAttempts int
	Backoff     func(attempt int) time.Duration
	Now         func() time.Time
	Log         *slog.Logger

	wake chan struct{}
	once sync.Once
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		if w.Lease == 0 {
			w.Lease = 10 * time.Minute
		}
		if w.Poll == 0 {
			w.Poll = 2 * time.Second
		}
		if w.MaxAttempts == 0 {
			w.MaxAttempts = 8
		}
		if w.Backoff == nil {
			w.Backoff = func(attempt int) time.Duration {
				d := time.Duration(1<<min(attempt, 10)) * time.Second
				return min(d, 15*time.Minute)
			}
		}
		if w.Now == nil {
			w.Now = time.Now
		}
		if w.Log == nil {
			w.Log = slog.Default()
		}
	})
}

// Wake makes a sleeping worker look for jobs now (after an enqueue).
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx is cancelled. n workers may run on one store: claims
// are transactions, so each job goes to one of them.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	for {
		ran, err := w.RunOne(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("queue: claiming a job", "err", err)
		}
		if ran {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-time.After(w.Poll):
		}
	}
}

// RunOne claims and runs at most one due job; ran is false when none was due.
func (w *Worker) RunOne(ctx context.Context) (ran bool, err error) {
	w.init()
	var job *store.Job
	now := w.Now()
	err = w.Store.Update(ctx, func(tx store.Tx) (err error) {
		job, err = tx.Claim(now, now.Add(w.Lease))
		return err
	})
	if store.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	h := w.Handlers[job.Kind]
	var herr error
	if h == nil {
		herr = Permanent(fmt.Errorf("no handler for job kind %q", job.Kind))
	} else {
		herr = safely(ctx, h, job)
	}
	log := w.Log.With("job", job.ID, "kind", job.Kind, "ref", job.Ref, "attempt", job.Attempts)
	// The outcome is recorded even when ctx was cancelled mid-job, so a
	// shutdown does not leave the job waiting for its lease to run out.
	rctx := context.WithoutCancel(ctx)
	var perm *permanentError
	switch {
	case herr == nil:
		return true, w.Store.Update(rctx, func(tx store.Tx) error { return tx.Complete(job.ID) })
	case errors.As(herr, &perm) || job.Attempts >= w.MaxAttempts:
		log.Error("job failed for good", "err", herr)
		return true, w.Store.Update(rctx, func(tx store.Tx) error { return tx.Fail(job.ID, herr.Error()) })
	default:
		next := w.Now().Add(w.Backoff(job.Attempts))
		log.Warn("job will be retried", "err", herr, "at", next)
		return true, w.Store.Update(rctx, func(tx store.Tx) error { return tx.Retry(job.ID, next, herr.Error()) })
	}
}

// safely runs h, turning a panic into a permanent failure so one bad job
// cannot stop the worker.
func safely(ctx context.Context, h Handler, job *store.Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = Permanent(fmt.Errorf("handler panicked: %v", r))
		}
	}()
	return h(ctx, job)
}
