package scan_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/kakehashi/kakehashi/scan"
	"github.com/kakehashi/kakehashi/scan/scantest"
)

func TestOverall(t *testing.T) {
	t.Parallel()
	clean := scan.Result{Scanner: "a", Verdict: scan.Clean}
	infected := scan.Result{Scanner: "b", Verdict: scan.Infected, Signature: "X"}
	failed := scan.Result{Scanner: "c", Verdict: scan.Failed, Detail: "down"}
	cases := []struct {
		name    string
		results []scan.Result
		want    scan.Verdict
	}{
		{"no-scanners", nil, scan.Failed},
		{"one-clean", []scan.Result{clean}, scan.Clean},
		{"all-clean", []scan.Result{clean, clean}, scan.Clean},
		{"clean-and-failed", []scan.Result{clean, failed}, scan.Failed},
		{"failed-and-infected", []scan.Result{failed, infected}, scan.Infected},
		{"infected-and-clean", []scan.Result{infected, clean}, scan.Infected},
		{"zero-verdict", []scan.Result{clean, {Scanner: "d"}}, scan.Failed},
		{"unknown-verdict", []scan.Result{{Scanner: "e", Verdict: 42}}, scan.Failed},
	}
	for _, tc := range cases {
		if got := scan.Overall(tc.results); got != tc.want {
			t.Errorf("%s: Overall = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestMulti scans one file with a real clamd and an unreachable ICAP
// server at once.
func TestMulti(t *testing.T) {
	t.Parallel()
	srv := scantest.StartClamd(t)
	down := &scan.ICAP{Label: "icap-down", Address: scantest.ClosedAddr(t), Service: "avscan"}
	cases := []struct {
		name     string
		data     []byte
		scanners []scan.Scanner
		want     []scan.Verdict
		overall  scan.Verdict
	}{
		{"clean", []byte("hello"), []scan.Scanner{srv.Scanner("unix"), srv.Scanner("tcp")}, []scan.Verdict{scan.Clean, scan.Clean}, scan.Clean},
		{"clean-one-down", []byte("hello"), []scan.Scanner{srv.Scanner("unix"), down}, []scan.Verdict{scan.Clean, scan.Failed}, scan.Failed},
		{"infected-one-down", scantest.Payload(), []scan.Scanner{down, srv.Scanner("tcp")}, []scan.Verdict{scan.Failed, scan.Infected}, scan.Infected},
		{"none", []byte("hello"), nil, nil, scan.Failed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var opened atomic.Int32
			open := func() (io.ReadCloser, error) {
				opened.Add(1)
				return io.NopCloser(bytes.NewReader(tc.data)), nil
			}
			results := scan.Multi(context.Background(), open, int64(len(tc.data)), tc.scanners...)
			if len(results) != len(tc.want) {
				t.Fatalf("%d results for %d scanners", len(results), len(tc.want))
			}
			for i, r := range results {
				if r.Verdict != tc.want[i] || r.Scanner != tc.scanners[i].Name() {
					t.Errorf("result %d = %v, want %s: %v", i, r, tc.scanners[i].Name(), tc.want[i])
				}
			}
			if got := scan.Overall(results); got != tc.overall {
				t.Errorf("Overall = %v, want %v (%v)", got, tc.overall, results)
			}
			if int(opened.Load()) != len(tc.scanners) {
				t.Errorf("opened %d times for %d scanners", opened.Load(), len(tc.scanners))
			}
		})
	}
}

// TestMultiFailures checks that a broken source or scanner fails only its
// own result.
func TestMultiFailures(t *testing.T) {
	t.Parallel()
	ok := stubScanner{name: "stub", res: scan.Result{Verdict: scan.Clean}}
	t.Run("open-error", func(t *testing.T) {
		t.Parallel()
		open := func() (io.ReadCloser, error) { return nil, errors.New("blob missing") }
		res := scan.Multi(context.Background(), open, 5, ok)
		if res[0].Verdict != scan.Failed || res[0].Scanner != "stub" {
			t.Errorf("got %v", res[0])
		}
	})
	t.Run("close-error", func(t *testing.T) {
		t.Parallel()
		open := func() (io.ReadCloser, error) { return badCloser{bytes.NewReader([]byte("hello"))}, nil }
		res := scan.Multi(context.Background(), open, 5, ok)
		if res[0].Verdict != scan.Failed {
			t.Errorf("got %v", res[0])
		}
	})
	t.Run("panic", func(t *testing.T) {
		t.Parallel()
		open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(nil)), nil }
		res := scan.Multi(context.Background(), open, 0, stubScanner{name: "boom", panic: true}, ok)
		if res[0].Verdict != scan.Failed || res[0].Scanner != "boom" || res[1].Verdict != scan.Clean {
			t.Errorf("got %v", res)
		}
	})
}

type stubScanner struct {
	name  string
	res   scan.Result
	panic bool
}

func (s stubScanner) Name() string { return s.name }

func (s stubScanner) Scan(_ context.Context, r io.Reader, _ int64) scan.Result {
	if s.panic {
		panic("scanner bug")
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return scan.Result{Scanner: s.name, Verdict: scan.Failed, Detail: err.Error()}
	}
	res := s.res
	res.Scanner = s.name
	return res
}

type badCloser struct{ io.Reader }

func (badCloser) Close() error { return errors.New("close failed") }
