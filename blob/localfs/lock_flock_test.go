//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package localfs_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/blob"
)

// TestOpenKeepsLiveTemp: a second process (here a second Store) opening the
// directory while a Put is streaming must not take the Put's temporary file
// for a crash leftover.
func TestOpenKeepsLiveTemp(t *testing.T) {
	e := newEnv(t)
	s := e.open(t)
	pr, pw := io.Pipe()
	type result struct {
		info blob.Info
		err  error
	}
	done := make(chan result, 1)
	go func() {
		info, err := s.Put(context.Background(), pr, 0)
		done <- result{info, err}
	}()
	if _, err := pw.Write(secret); err != nil { // returns once Put has read it all
		t.Fatal(err)
	}
	tmp := waitForOneFile(t, filepath.Join(e.blobs, "tmp"))

	second := e.open(t)
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("a second Open removed the temporary file of a live Put: %v", err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.err != nil {
		t.Fatalf("Put: %v", res.err)
	}
	if got, err := readAll(second, res.info.ID); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("the second store reads the blob wrong: %v", err)
	}
}

// waitForOneFile polls until dir holds exactly one entry and returns its
// path. It waits for an event, not a duration: the deadline only stops a
// hung test.
func waitForOneFile(t *testing.T, dir string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) == 1 {
			return filepath.Join(dir, ents[0].Name())
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s holds %d entries, want 1", dir, len(ents))
		}
		time.Sleep(time.Millisecond)
	}
}
