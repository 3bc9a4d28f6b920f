package localfs_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/blob"
	"github.com/kakehashi/kakehashi/blob/blobtest"
	"github.com/kakehashi/kakehashi/blob/localfs"
)

func open(t testing.TB, dir string) *localfs.Store {
	t.Helper()
	s, err := localfs.Open(filepath.Join(dir, "blobs"), filepath.Join(dir, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return open(t, t.TempDir()) })
}

var marker = []byte("マイナンバー 1234-5678-9012 KAKEHASHI-PLAINTEXT-MARKER")

func put(t *testing.T, s *localfs.Store) blob.Info {
	t.Helper()
	info, err := s.Put(context.Background(), bytes.NewReader(bytes.Repeat(marker, 1000)), 0)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func stored(dir string, id blob.ID) string {
	return filepath.Join(dir, "blobs", string(id[:2]), string(id))
}

func TestEncryptedAtRest(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	info := put(t, s)
	raw, err := os.ReadFile(stored(dir, info.ID))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("KAKEHASHI-PLAINTEXT-MARKER")) {
		t.Fatal("the stored file holds the plaintext")
	}
	if st, _ := os.Stat(filepath.Join(dir, "master.key")); st.Mode().Perm() != 0o600 || !s.CreatedKey {
		t.Errorf("master key mode %v, created %v", st.Mode().Perm(), s.CreatedKey)
	}
}

func readAll(s *localfs.Store, id blob.ID) error {
	r, err := s.Open(context.Background(), id)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.ReadAll(r)
	return err
}

func TestTamperingIsDetected(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
	}{
		{"flip-a-byte", func(b []byte) []byte { b[len(b)/2] ^= 1; return b }},
		{"truncate", func(b []byte) []byte { return b[:len(b)-100] }},
		{"cut-last-chunk", func(b []byte) []byte { return b[:len(b)/2] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			info := put(t, s)
			p := stored(dir, info.ID)
			raw, _ := os.ReadFile(p)
			os.WriteFile(p, tc.edit(raw), 0o600)
			if err := readAll(s, info.ID); err == nil {
				t.Error("reading a tampered blob succeeded")
			}
		})
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	info := put(t, s)
	s.Close()

	t.Run("reopen-reads", func(t *testing.T) {
		s2 := open(t, dir)
		if s2.CreatedKey || readAll(s2, info.ID) != nil {
			t.Error("reopened store cannot read its blob")
		}
	})
	t.Run("world-readable-key-refused", func(t *testing.T) {
		os.Chmod(filepath.Join(dir, "master.key"), 0o644)
		defer os.Chmod(filepath.Join(dir, "master.key"), 0o600)
		_, err := localfs.Open(filepath.Join(dir, "blobs"), filepath.Join(dir, "master.key"))
		if err == nil || !strings.Contains(err.Error(), "readable by others") {
			t.Errorf("Open with a 0644 key: %v", err)
		}
	})
	t.Run("other-key-cannot-read", func(t *testing.T) {
		other := t.TempDir()
		s3, err := localfs.Open(filepath.Join(dir, "blobs"), filepath.Join(other, "master.key"))
		if err != nil {
			t.Fatal(err)
		}
		defer s3.Close()
		if readAll(s3, info.ID) == nil {
			t.Error("a store with another master key read the blob")
		}
	})
}

func TestStaleTempRemoved(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	s.Close()
	leftover := filepath.Join(dir, "blobs", "tmp", "aaaaaaaaaaaaaaaaaaaaaaaaaa")
	if err := os.WriteFile(leftover, []byte("half an upload"), 0o600); err != nil {
		t.Fatal(err)
	}
	open(t, dir)
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("stale temp file survived Open: %v", err)
	}
}
