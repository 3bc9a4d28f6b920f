package queue_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/queue"
	"github.com/kakehashi/kakehashi/store"
	"github.com/kakehashi/kakehashi/store/sqlstore"
)

func newStore(t *testing.T) store.Store {
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func enqueue(t *testing.T, s store.Store, kind string, at time.Time) {
	t.Helper()
	if err := s.Update(context.Background(), func(tx store.Tx) error { _, err := tx.Enqueue(kind, "ref", at); return err }); err != nil {
		t.Fatal(err)
	}
}

func counts(t *testing.T, s store.Store) (due, failed int) {
	s.View(context.Background(), func(tx store.Tx) (err error) { due, failed, err = tx.CountJobs(); return err })
	return
}

func TestOutcomes(t *testing.T) {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	for _, tc := range []struct {
		name        string
		handler     queue.Handler
		wantDue     int
		wantFailed  int
		wantRetryAt bool
	}{
		{"success-completes", func(context.Context, *store.Job) error { return nil }, 0, 0, false},
		{"error-retries", func(context.Context, *store.Job) error { return errors.New("scanner down") }, 1, 0, true},
		{"permanent-fails", func(context.Context, *store.Job) error { return queue.Permanent(errors.New("bad")) }, 0, 1, false},
		{"panic-fails", func(context.Context, *store.Job) error { panic("boom") }, 0, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			enqueue(t, s, "k", now)
			w := &queue.Worker{Store: s, Handlers: map[string]queue.Handler{"k": tc.handler}, Now: clock}
			ran, err := w.RunOne(context.Background())
			if !ran || err != nil {
				t.Fatalf("RunOne = %v, %v", ran, err)
			}
			if due, failed := counts(t, s); due != tc.wantDue || failed != tc.wantFailed {
				t.Errorf("due %d failed %d, want %d %d", due, failed, tc.wantDue, tc.wantFailed)
			}
			ran, _ = w.RunOne(context.Background())
			if ran {
				t.Error("a job ran again at once; a retry must wait for its backoff")
			}
		})
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	s := newStore(t)
	enqueue(t, s, "k", now)
	w := &queue.Worker{Store: s, MaxAttempts: 3, Now: func() time.Time { return now },
		Handlers: map[string]queue.Handler{"k": func(context.Context, *store.Job) error { return errors.New("down") }}}
	for i := 0; i < 3; i++ {
		if ran, err := w.RunOne(context.Background()); !ran || err != nil {
			t.Fatalf("attempt %d: %v %v", i+1, ran, err)
		}
		now = now.Add(time.Hour)
	}
	if due, failed := counts(t, s); due != 0 || failed != 1 {
		t.Errorf("after 3 attempts: due %d failed %d", due, failed)
	}
}

func TestUnknownKindFails(t *testing.T) {
	s := newStore(t)
	enqueue(t, s, "mystery", time.Now())
	w := &queue.Worker{Store: s}
	w.RunOne(context.Background())
	if _, failed := counts(t, s); failed != 1 {
		t.Error("a job of unknown kind was not failed")
	}
}

func TestRunWakes(t *testing.T) {
	s := newStore(t)
	done := make(chan struct{})
	w := &queue.Worker{Store: s, Poll: time.Hour, Handlers: map[string]queue.Handler{"k": func(context.Context, *store.Job) error { close(done); return nil }}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	enqueue(t, s, "k", time.Now())
	w.Wake()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the worker did not wake for a new job")
	}
}
