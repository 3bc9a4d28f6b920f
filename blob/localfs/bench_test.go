package localfs_test

import (
	"bytes"
	"context"
	"io"
	"testing"
)

func BenchmarkPut10MiB(b *testing.B) {
	s := open(b, b.TempDir())
	data := bytes.Repeat([]byte("x"), 10<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := s.Put(context.Background(), bytes.NewReader(data), 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen10MiB(b *testing.B) {
	s := open(b, b.TempDir())
	info, _ := s.Put(context.Background(), bytes.NewReader(bytes.Repeat([]byte("x"), 10<<20)), 0)
	b.SetBytes(info.Size)
	for b.Loop() {
		r, _ := s.Open(context.Background(), info.ID)
		io.Copy(io.Discard, r)
		r.Close()
	}
}
