// Package blobtest is the conformance suite for blob.Store: every
// implementation (localfs, s3, test fakes) runs Run against fresh stores, so
// the guarantees written on the interface are checked once, in one place.
//
// It owns only behaviour visible through the interface. What an
// implementation does on its medium (encryption on disk, temporary files,
// key handling) is tested by that implementation's own tests.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/kakehashi/kakehashi/blob"
)

// Run runs the suite. newStore returns a new, empty store for one subtest
// and arranges its cleanup with t.Cleanup.
//
// The subtests do not call t.Parallel: one of them measures the heap of the
// whole process, which other tests running at the same time would disturb.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("FreshIDs", func(t *testing.T) { testFreshIDs(t, newStore(t)) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, newStore(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newStore(t)) })
	t.Run("List", func(t *testing.T) { testList(t, newStore(t)) })
	t.Run("TooLarge", func(t *testing.T) { testTooLarge(t, newStore(t)) })
	t.Run("ReaderError", func(t *testing.T) { testReaderError(t, newStore(t)) })
	t.Run("Cancelled", func(t *testing.T) { testCancelled(t, newStore(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, newStore(t)) })
	t.Run("MemoryFlat", func(t *testing.T) { testMemoryFlat(t, newStore(t)) })
}

// chunk is the 64 KiB unit of age's STREAM; sizes around it catch
// off-by-one errors at chunk boundaries in any chunked implementation.
const chunk = 64 << 10

func testRoundTrip(t *testing.T, s blob.Store) {
	for _, n := range []int{0, 1, chunk - 1, chunk, chunk + 1, 1<<20 + 1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			data := random(n)
			info := put(t, s, data)
			if info.Size != int64(n) {
				t.Errorf("Size = %d, want %d", info.Size, n)
			}
			if info.SHA256 != sha256.Sum256(data) {
				t.Errorf("SHA256 = %x, want %x", info.SHA256, sha256.Sum256(data))
			}
			if !blob.ValidID(string(info.ID)) {
				t.Errorf("ID %q is not ValidID", info.ID)
			}
			if got := read(t, s, info.ID); !bytes.Equal(got, data) {
				t.Errorf("read back %d bytes that differ from the %d put", len(got), n)
			}
		})
	}
}

// testFreshIDs checks that IDs come from the server, not from the content:
// equal uploads get distinct blobs, so deleting one never touches another.
func testFreshIDs(t *testing.T, s blob.Store) {
	a := put(t, s, []byte("same"))
	b := put(t, s, []byte("same"))
	if a.ID == b.ID {
		t.Fatalf("two Puts share the ID %q", a.ID)
	}
	del(t, s, a.ID)
	if got := read(t, s, b.ID); string(got) != "same" {
		t.Errorf("after deleting its twin, blob reads %q", got)
	}
}

// invalidIDs are values a hostile request could carry; a store must treat
// each as naming no blob and never let it reach a path or key.
func invalidIDs() []blob.ID {
	good := string(blob.NewID())
	return []blob.ID{
		"", ".", "..", "../x", "aa/../bb", "/etc/passwd", "tmp",
		"../" + blob.ID(good[3:]),
		blob.ID(good[:2] + "/" + good[3:]),
		blob.ID(strings.ToUpper(good)),
		blob.ID(good + "a"),
		blob.ID(good[:blob.IDLen-1] + "\x00"),
	}
}

func testNotFound(t *testing.T, s blob.Store) {
	ctx := context.Background()
	put(t, s, []byte("a neighbour that must stay invisible"))
	for _, id := range append(invalidIDs(), blob.NewID()) {
		r, err := s.Open(ctx, id)
		if !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open(%q) = %v, want ErrNotFound", id, err)
		}
		if r != nil {
			r.Close()
			t.Errorf("Open(%q) returned a reader with its error", id)
		}
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := context.Background()
	a := put(t, s, []byte("a"))
	b := put(t, s, []byte("b"))
	for i := range 2 {
		if err := s.Delete(ctx, a.ID); err != nil {
			t.Errorf("Delete #%d: %v", i+1, err)
		}
	}
	if _, err := s.Open(ctx, a.ID); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open after Delete = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, blob.NewID()); err != nil {
		t.Errorf("Delete of a never-stored ID: %v", err)
	}
	for _, id := range invalidIDs() {
		if err := s.Delete(ctx, id); err != nil {
			t.Errorf("Delete(%q) = %v, want nil", id, err)
		}
	}
	if got := read(t, s, b.ID); string(got) != "b" {
		t.Errorf("the other blob reads %q after the deletes", got)
	}
	wantList(t, s, b.ID)
}

func testList(t *testing.T, s blob.Store) {
	wantList(t, s)
	var ids []blob.ID
	for i := range 5 {
		ids = append(ids, put(t, s, []byte{byte(i)}).ID)
	}
	del(t, s, ids[2])
	wantList(t, s, ids[0], ids[1], ids[3], ids[4])

	stop := errors.New("stop")
	calls := 0
	err := s.List(context.Background(), func(blob.ID) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("List with a failing fn: %d calls, %v; want 1 call and the error", calls, err)
	}
}

func testTooLarge(t *testing.T, s blob.Store) {
	ctx := context.Background()
	const limit = 1000
	if _, err := s.Put(ctx, bytes.NewReader(make([]byte, limit+1)), limit); !errors.Is(err, blob.ErrTooLarge) {
		t.Errorf("Put of limit+1 bytes = %v, want ErrTooLarge", err)
	}
	// An endless stream must be cut off while streaming, not read to its
	// end first: flood fails once read 1 MiB past the limit.
	if _, err := s.Put(ctx, &flood{cap: 2 << 20}, 1<<20); !errors.Is(err, blob.ErrTooLarge) {
		t.Errorf("Put of an endless stream = %v, want ErrTooLarge", err)
	}
	wantList(t, s)
	at, err := s.Put(ctx, bytes.NewReader(make([]byte, limit)), limit)
	if err != nil {
		t.Fatalf("Put of exactly the limit: %v", err)
	}
	wantList(t, s, at.ID)
}

var errConnReset = errors.New("connection reset by peer")

func testReaderError(t *testing.T, s blob.Store) {
	for _, n := range []int{0, 1, 3*chunk + 7} {
		r := io.MultiReader(bytes.NewReader(random(n)), failing{})
		if _, err := s.Put(context.Background(), r, 0); !errors.Is(err, errConnReset) {
			t.Errorf("Put failing after %d bytes = %v, want the reader's error", n, err)
		}
	}
	wantList(t, s)
}

func testCancelled(t *testing.T, s blob.Store) {
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Put(ctx, bytes.NewReader([]byte("x")), 0); !errors.Is(err, context.Canceled) {
			t.Errorf("Put with a cancelled context = %v, want context.Canceled", err)
		}
		wantList(t, s)
	})
	t.Run("mid-stream", func(t *testing.T) {
		// The client disconnects after 200 KiB while the reader keeps
		// producing data: Put must notice ctx, not the reader.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := &cancelAfter{r: &flood{cap: 64 << 20}, n: 200 << 10, cancel: cancel}
		if _, err := s.Put(ctx, r, 0); !errors.Is(err, context.Canceled) {
			t.Errorf("Put cancelled mid-stream = %v, want context.Canceled", err)
		}
		wantList(t, s)
	})
	t.Run("at-end", func(t *testing.T) {
		// The caller gives up just as the last byte arrives: Put has
		// everything, but nobody will record the blob.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := &cancelAfter{r: bytes.NewReader(random(3 * chunk)), n: 3*chunk + 1, cancel: cancel}
		if _, err := s.Put(ctx, r, 0); !errors.Is(err, context.Canceled) {
			t.Errorf("Put cancelled at EOF = %v, want context.Canceled", err)
		}
		wantList(t, s)
	})
	t.Run("open", func(t *testing.T) {
		info := put(t, s, []byte("x"))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r, err := s.Open(ctx, info.ID)
		if err == nil {
			r.Close()
			t.Error("Open with a cancelled context succeeded")
		}
		del(t, s, info.ID)
	})
}

func testConcurrent(t *testing.T, s blob.Store) {
	const n = 8
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		ids []blob.ID
	)
	for i := range n {
		wg.Go(func() {
			data := bytes.Repeat([]byte{byte(i)}, 100<<10+i)
			info, err := s.Put(context.Background(), bytes.NewReader(data), 0)
			if err != nil {
				t.Errorf("Put #%d: %v", i, err)
				return
			}
			mu.Lock()
			ids = append(ids, info.ID)
			mu.Unlock()
			r, err := s.Open(context.Background(), info.ID)
			if err != nil {
				t.Errorf("Open #%d: %v", i, err)
				return
			}
			defer r.Close()
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("blob #%d read back wrong (%d bytes, %v)", i, len(got), err)
			}
		})
	}
	wg.Wait()
	wantList(t, s, ids...)
}

// testMemoryFlat streams 64 MiB in and out and samples the heap every few
// MiB on the way: a store that buffers the blob, or leaks per chunk, grows
// by far more than the bound. This is a memory bound, not a timing
// assertion.
func testMemoryFlat(t *testing.T, s blob.Store) {
	const (
		size  = 64 << 20
		bound = 16 << 20
	)
	ctx := context.Background()
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	peak := &heapPeak{}

	gen := newGenerator(size, peak)
	info, err := s.Put(ctx, gen, 0)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != size || info.SHA256 != gen.sum() {
		t.Errorf("Info = {Size: %d, SHA256: %x}, want {%d, %x}", info.Size, info.SHA256, size, gen.sum())
	}

	r, err := s.Open(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(h, &sampler{peak: peak}), r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil || n != size {
		t.Fatalf("read back %d bytes, %v", n, err)
	}
	if [32]byte(h.Sum(nil)) != info.SHA256 {
		t.Error("read back different bytes")
	}
	if grew := int64(peak.max) - int64(base.HeapInuse); grew > bound {
		t.Errorf("heap in use grew by %d MiB while streaming a %d MiB blob (bound %d MiB)", grew>>20, size>>20, bound>>20)
	}
	t.Logf("heap in use: %d KiB before, %d KiB at peak", base.HeapInuse>>10, peak.max>>10)
}

// heapPeak records the largest HeapInuse seen. ReadMemStats stops the world,
// so it is sampled once per MiB, not per Read.
type heapPeak struct {
	max      uint64
	sinceMiB int
}

func (p *heapPeak) add(n int) {
	p.sinceMiB += n
	if p.sinceMiB < 1<<20 {
		return
	}
	p.sinceMiB = 0
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	p.max = max(p.max, m.HeapInuse)
}

// sampler is the writer side of heapPeak, for the read direction.
type sampler struct{ peak *heapPeak }

func (s *sampler) Write(p []byte) (int, error) {
	s.peak.add(len(p))
	return len(p), nil
}

// generator yields size pseudo-random bytes without holding them, hashing
// what it yields so the test knows the expected SHA-256.
type generator struct {
	rng  *rand.ChaCha8
	left int64
	hash interface {
		io.Writer
		Sum([]byte) []byte
	}
	peak *heapPeak
}

func newGenerator(size int64, peak *heapPeak) *generator {
	return &generator{rng: rand.NewChaCha8([32]byte{'k', 'k'}), left: size, hash: sha256.New(), peak: peak}
}

func (g *generator) Read(p []byte) (int, error) {
	if g.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	_, _ = g.rng.Read(p) // ChaCha8.Read never fails
	_, _ = g.hash.Write(p)
	g.left -= int64(len(p))
	g.peak.add(len(p))
	return len(p), nil
}

func (g *generator) sum() [32]byte { return [32]byte(g.hash.Sum(nil)) }

// errFlooded means a store kept reading a stream it should have cut off.
var errFlooded = errors.New("blobtest: the store read far past where it should have stopped")

// flood yields zeros as if endless. It fails with errFlooded after cap
// bytes, so a store that ignores its limit or ctx fails the test instead of
// hanging it.
type flood struct{ n, cap int }

func (f *flood) Read(p []byte) (int, error) {
	if f.n >= f.cap {
		return 0, errFlooded
	}
	p = p[:min(len(p), f.cap-f.n)]
	clear(p)
	f.n += len(p)
	return len(p), nil
}

// failing fails like a dropped connection.
type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errConnReset }

// cancelAfter cancels its context once n bytes have been read (or at EOF,
// if n is larger than the stream), then keeps reading.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n -= n; c.n <= 0 || err != nil {
		c.cancel()
	}
	return n, err
}

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{byte(n), byte(n >> 8), byte(n >> 16)}).Read(b)
	return b
}

func put(t *testing.T, s blob.Store, data []byte) blob.Info {
	t.Helper()
	info, err := s.Put(context.Background(), bytes.NewReader(data), 0)
	if err != nil {
		t.Fatalf("Put of %d bytes: %v", len(data), err)
	}
	return info
}

func del(t *testing.T, s blob.Store, id blob.ID) {
	t.Helper()
	if err := s.Delete(context.Background(), id); err != nil {
		t.Fatalf("Delete(%q): %v", id, err)
	}
}

func read(t *testing.T, s blob.Store, id blob.ID) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), id)
	if err != nil {
		t.Fatalf("Open(%q): %v", id, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("reading %q: %v", id, err)
	}
	return b
}

// wantList fails unless List reports exactly want, each once.
func wantList(t *testing.T, s blob.Store, want ...blob.ID) {
	t.Helper()
	got := map[blob.ID]int{}
	if err := s.List(context.Background(), func(id blob.ID) error { got[id]++; return nil }); err != nil {
		t.Fatalf("List: %v", err)
	}
	ok := len(got) == len(want)
	for _, id := range want {
		ok = ok && got[id] == 1
	}
	if !ok {
		t.Errorf("List = %v, want exactly %v", got, want)
	}
}
