package localfs_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"testing"
)

const benchSize = 10 << 20

func benchData() []byte {
	b := make([]byte, benchSize)
	_, _ = rand.NewChaCha8([32]byte{}).Read(b)
	return b
}

// BenchmarkPut measures a 10 MiB Put: encryption, hashing, and the file and
// directory fsyncs, so the number depends on the disk as much as the CPU.
func BenchmarkPut(b *testing.B) {
	s := newEnv(b).open(b)
	data := benchData()
	ctx := context.Background()
	b.SetBytes(benchSize)
	for b.Loop() {
		info, err := s.Put(ctx, bytes.NewReader(data), 0)
		if err != nil {
			b.Fatal(err)
		}
		// Keep the directory small; deleting is not what is measured.
		b.StopTimer()
		if err := s.Delete(ctx, info.ID); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkOpen measures reading a 10 MiB blob: decryption and
// authentication of every chunk.
func BenchmarkOpen(b *testing.B) {
	s := newEnv(b).open(b)
	ctx := context.Background()
	info, err := s.Put(ctx, bytes.NewReader(benchData()), 0)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size)
	for b.Loop() {
		r, err := s.Open(ctx, info.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
