package archive

import (
	"archive/zip"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
	"github.com/kakehashi/kakehashi/sanitize/text"
)

// writeMixedZip writes a ZIP of about size bytes to path: half text members
// (deflated), half incompressible binary members (stored, dropped by the
// engine as unknown), 1 MiB each, in folders.
func writeMixedZip(b *testing.B, path string, size int) int {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("議事録 会議 予算 承認 住民 申請 minutes meeting item approved budget report council resident office 2026 section")
	var tb strings.Builder
	for tb.Len() < 1<<20 {
		tb.WriteString(words[rng.IntN(len(words))])
		if rng.IntN(12) == 0 {
			tb.WriteString(sprintf(" %d.\n", rng.IntN(100000)))
		} else {
			tb.WriteByte(' ')
		}
	}
	text := []byte(tb.String())
	bin := make([]byte, 1<<20)
	n := 0
	for i := 0; n < size; i++ {
		method, body := zip.Deflate, text
		if i%2 == 1 {
			for j := range bin {
				bin[j] = byte(rng.Uint32())
			}
			method, body = zip.Store, bin
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: sprintf("dir%02d/member%04d.txt", i%10, i), Method: method})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			b.Fatal(err)
		}
		n += len(body)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	return int(st.Size())
}

// BenchmarkZip measures throughput and peak heap for mixed archives of
// 10 MB and 100 MB: the peak must stay flat as the archive grows, because
// members are spilled to disk one at a time.
func BenchmarkZip(b *testing.B) {
	for _, mb := range []int{10, 100} {
		b.Run(sprintf("%dMB", mb), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "mixed.zip")
			size := writeMixedZip(b, path, mb<<20)
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			e := &engine.Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{
				sanitize.FamilyArchive: &Sanitizer{}, sanitize.FamilyText: &text.Sanitizer{},
			}, TempDir: b.TempDir()}
			peak := watchHeap()
			b.SetBytes(int64(size))
			b.ResetTimer()
			members := 0
			for b.Loop() {
				rep, err := e.Sanitize(context.Background(), sanitize.Input{R: f, Size: int64(size), Name: "mixed.zip"}, io.Discard, engine.Options{})
				if err != nil || rep.Verdict == sanitize.VerdictRejected {
					b.Fatalf("%v %s %s", err, rep.Reason, rep.Detail)
				}
				members += len(rep.Members)
			}
			b.StopTimer()
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(members)/b.Elapsed().Seconds(), "members/s")
		})
	}
}

// watchHeap samples the heap in use until the returned function is called,
// which reports the peak.
func watchHeap() func() uint64 {
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	return func() uint64 { close(stop); wg.Wait(); return peak.Load() }
}
