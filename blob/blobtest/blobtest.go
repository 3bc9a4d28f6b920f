// Package blobtest is the conformance suite every blob.Store passes.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand"
	"runtime"
	"sync"
	"testing"

	"github.com/kakehashi/kakehashi/blob"
)

// Run runs the suite; open returns a new, empty store.
func Run(t *testing.T, open func(t *testing.T) blob.Store) {
	ctx := context.Background()
	t.Run("round-trip", func(t *testing.T) {
		s := open(t)
		for _, n := range []int{0, 1, 1<<20 + 1} {
			data := make([]byte, n)
			rand.New(rand.NewSource(int64(n))).Read(data)
			info, err := s.Put(ctx, bytes.NewReader(data), 0)
			if err != nil {
				t.Fatal(err)
			}
			if info.Size != int64(n) || info.SHA256 != sha256.Sum256(data) || !blob.ValidID(string(info.ID)) {
				t.Errorf("%d bytes: info %+v", n, info)
			}
			got := read(t, s, info.ID)
			if !bytes.Equal(got, data) {
				t.Errorf("%d bytes: read back %d different bytes", n, len(got))
			}
		}
	})
	t.Run("not-found", func(t *testing.T) {
		s := open(t)
		for _, id := range []blob.ID{blob.NewID(), "../../etc/passwd", "", "aa/../bb"} {
			if _, err := s.Open(ctx, id); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Open(%q) = %v, want ErrNotFound", id, err)
			}
		}
	})
	t.Run("delete-idempotent-and-list", func(t *testing.T) {
		s := open(t)
		a, _ := s.Put(ctx, bytes.NewReader([]byte("a")), 0)
		b, _ := s.Put(ctx, bytes.NewReader([]byte("b")), 0)
		if got := list(t, s); len(got) != 2 || !got[a.ID] || !got[b.ID] {
			t.Errorf("List = %v", got)
		}
		for i := 0; i < 2; i++ {
			if err := s.Delete(ctx, a.ID); err != nil {
				t.Errorf("Delete #%d: %v", i+1, err)
			}
		}
		if got := list(t, s); len(got) != 1 || !got[b.ID] {
			t.Errorf("List after delete = %v", got)
		}
	})
	t.Run("too-large-leaves-nothing", func(t *testing.T) {
		s := open(t)
		_, err := s.Put(ctx, bytes.NewReader(make([]byte, 1001)), 1000)
		if !errors.Is(err, blob.ErrTooLarge) {
			t.Errorf("Put over the limit: %v", err)
		}
		if _, err := s.Put(ctx, bytes.NewReader(make([]byte, 1000)), 1000); err != nil {
			t.Errorf("Put at the limit: %v", err)
		}
		if got := list(t, s); len(got) != 1 {
			t.Errorf("List = %v, want only the blob at the limit", got)
		}
	})
	t.Run("reader-error-leaves-nothing", func(t *testing.T) {
		s := open(t)
		r := io.MultiReader(bytes.NewReader(make([]byte, 200<<10)), errReader{})
		if _, err := s.Put(ctx, r, 0); err == nil {
			t.Error("Put of a failing reader succeeded")
		}
		if got := list(t, s); len(got) != 0 {
			t.Errorf("List = %v after a failed Put", got)
		}
	})
	t.Run("cancelled-leaves-nothing", func(t *testing.T) {
		s := open(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Put(cctx, bytes.NewReader(make([]byte, 10)), 0); err == nil {
			t.Error("Put with a cancelled context succeeded")
		}
		if got := list(t, s); len(got) != 0 {
			t.Errorf("List = %v", got)
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		s := open(t)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				data := bytes.Repeat([]byte{byte(i)}, 100<<10)
				info, err := s.Put(ctx, bytes.NewReader(data), 0)
				if err != nil {
					t.Error(err)
					return
				}
				if got := read(t, s, info.ID); !bytes.Equal(got, data) {
					t.Errorf("blob %d read back wrong", i)
				}
			}(i)
		}
		wg.Wait()
	})
	t.Run("memory-flat-in-size", func(t *testing.T) {
		s := open(t)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		info, err := s.Put(ctx, io.LimitReader(zeros{}, 64<<20), 0)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Open(ctx, info.ID)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, r)
		r.Close()
		if err != nil || n != 64<<20 {
			t.Fatalf("read %d, %v", n, err)
		}
		runtime.ReadMemStats(&after)
		if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 16<<20 {
			t.Errorf("heap grew by %d MiB for a 64 MiB blob", grew>>20)
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func read(t *testing.T, s blob.Store, id blob.ID) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func list(t *testing.T, s blob.Store) map[blob.ID]bool {
	t.Helper()
	out := map[blob.ID]bool{}
	if err := s.List(context.Background(), func(id blob.ID) error { out[id] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}
