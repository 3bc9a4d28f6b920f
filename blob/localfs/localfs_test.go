package localfs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/kakehashi/kakehashi/blob"
	"github.com/kakehashi/kakehashi/blob/blobtest"
	"github.com/kakehashi/kakehashi/blob/localfs"
)

// env is one test's blob directory and key file, side by side in a
// temporary directory, the way a deployment keeps them apart.
type env struct {
	dir, blobs, key string
}

func newEnv(t testing.TB) env {
	dir := t.TempDir()
	return env{dir: dir, blobs: filepath.Join(dir, "blobs"), key: filepath.Join(dir, "master.key")}
}

func (e env) open(t testing.TB) *localfs.Store {
	t.Helper()
	s, err := localfs.Open(e.blobs, e.key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// file is where the blob id is stored (the layout the package doc names).
func (e env) file(id blob.ID) string {
	return filepath.Join(e.blobs, string(id[:2]), string(id))
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return newEnv(t).open(t) })
}

// marker stands for personal data that must never be on disk in clear.
var marker = []byte("マイナンバー 1234-5678-9012 KAKEHASHI-PLAINTEXT-MARKER ")

// secret is several chunks of marker, so tampering can hit any chunk.
var secret = bytes.Repeat(marker, 200<<10/len(marker))

func put(t *testing.T, s *localfs.Store, data []byte) blob.Info {
	t.Helper()
	info, err := s.Put(context.Background(), bytes.NewReader(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// readAll opens and reads a blob, returning the first error of either.
func readAll(s *localfs.Store, id blob.ID) ([]byte, error) {
	r, err := s.Open(context.Background(), id)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(r)
	return b, errors.Join(err, r.Close())
}

// regularFiles lists every regular file under dir, relative to it.
func regularFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEncryptedAtRest(t *testing.T) {
	e := newEnv(t)
	s := e.open(t)
	info := put(t, s, secret)
	for _, name := range regularFiles(t, e.blobs) {
		raw, err := os.ReadFile(filepath.Join(e.blobs, name))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("KAKEHASHI-PLAINTEXT-MARKER")) {
			t.Errorf("%s holds the plaintext", name)
		}
	}
	raw, err := os.ReadFile(e.file(info.ID))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("age-encryption.org/v1\n")) {
		t.Errorf("stored file starts %q, want an age header", raw[:min(len(raw), 30)])
	}
	if st, err := os.Stat(e.file(info.ID)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("blob file mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
}

// payloadStart is the offset of the first STREAM chunk in an age file: after
// the header's "---" line and the 16-byte nonce.
func payloadStart(t *testing.T, raw []byte) int {
	t.Helper()
	i := bytes.Index(raw, []byte("\n--- "))
	if i < 0 {
		t.Fatal("no age header end")
	}
	return i + 1 + bytes.IndexByte(raw[i+1:], '\n') + 1 + 16
}

func TestTamperingIsDetected(t *testing.T) {
	const chunk = 64<<10 + 16 // sealed chunk size
	for _, tc := range []struct {
		name string
		edit func(raw []byte, payload int) []byte
	}{
		{"flip-header-byte", func(b []byte, _ int) []byte { b[30] ^= 1; return b }},
		{"flip-nonce-byte", func(b []byte, p int) []byte { b[p-1] ^= 1; return b }},
		{"flip-first-chunk", func(b []byte, p int) []byte { b[p+10] ^= 1; return b }},
		{"flip-middle-chunk", func(b []byte, p int) []byte { b[p+chunk+100] ^= 0x80; return b }},
		{"flip-last-byte", func(b []byte, _ int) []byte { b[len(b)-1] ^= 1; return b }},
		{"truncate-one-byte", func(b []byte, _ int) []byte { return b[:len(b)-1] }},
		// Dropping whole chunks leaves a well-formed prefix; only the
		// last-chunk flag in STREAM can tell.
		{"truncate-at-chunk-boundary", func(b []byte, p int) []byte { return b[:p+2*chunk] }},
		{"truncate-to-header", func(b []byte, p int) []byte { return b[:p] }},
		{"append-byte", func(b []byte, _ int) []byte { return append(b, 0) }},
		{"empty", func([]byte, int) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			s := e.open(t)
			info := put(t, s, secret)
			raw, err := os.ReadFile(e.file(info.ID))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(e.file(info.ID), tc.edit(raw, payloadStart(t, raw)), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(s, info.ID)
			if err == nil {
				t.Fatalf("reading a tampered blob succeeded (%d bytes)", len(got))
			}
			if errors.Is(err, blob.ErrNotFound) {
				t.Errorf("tampering reported as ErrNotFound: %v", err)
			}
			if !bytes.HasPrefix(secret, got) {
				t.Error("bytes returned before the error are not a prefix of the original")
			}
		})
	}
}

// TestSwappedFilesAreDetected: age authenticates content, not names; the ID
// line inside the ciphertext makes a file moved to another ID fail.
func TestSwappedFilesAreDetected(t *testing.T) {
	e := newEnv(t)
	s := e.open(t)
	a := put(t, s, []byte("transfer A: for the approver"))
	b := put(t, s, []byte("transfer B: someone else's"))
	if err := os.MkdirAll(filepath.Dir(e.file(a.ID)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(e.file(b.ID), e.file(a.ID)); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(s, a.ID)
	if err == nil || len(got) != 0 {
		t.Errorf("Open of a swapped file: %q, %v; want an error and no bytes", got, err)
	}
}

func TestKeyFileCreated(t *testing.T) {
	e := newEnv(t)
	s := e.open(t)
	if !s.CreatedKey {
		t.Error("CreatedKey is false for a new key")
	}
	st, err := os.Stat(e.key)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", st.Mode().Perm())
	}
	b, err := os.ReadFile(e.key)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "#") || strings.Count(string(b), "AGE-SECRET-KEY-1") != 1 {
		t.Errorf("key file is not a commented age identity file:\n%s", b)
	}

	info := put(t, s, secret)
	again := e.open(t)
	if again.CreatedKey {
		t.Error("CreatedKey is true for an existing key")
	}
	if got, err := readAll(again, info.ID); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("a reopened store cannot read its blob: %v", err)
	}
}

func TestKeyFileMode(t *testing.T) {
	for _, tc := range []struct {
		mode os.FileMode
		ok   bool
	}{
		{0o600, true},
		{0o400, true},
		{0o640, false},
		{0o604, false},
		{0o644, false},
		{0o601, false},
		{0o610, false},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			e := newEnv(t)
			e.open(t) // creates the key
			if err := os.Chmod(e.key, tc.mode); err != nil {
				t.Fatal(err)
			}
			s, err := localfs.Open(e.blobs, e.key)
			if err == nil {
				s.Close()
			}
			if tc.ok && err != nil {
				t.Errorf("Open with key mode %v: %v", tc.mode, err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "chmod 600")) {
				t.Errorf("Open with key mode %v = %v, want a refusal naming chmod 600", tc.mode, err)
			}
		})
	}
}

func TestBadKeyFile(t *testing.T) {
	id1, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	id2, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, content string
	}{
		{"empty", ""},
		{"comments-only", "# nothing here\n"},
		{"garbage", "hello\n"},
		{"public-key", id1.Recipient().String() + "\n"},
		{"truncated-key", id1.String()[:40] + "\n"},
		{"two-keys", id1.String() + "\n" + id2.String() + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if err := os.WriteFile(e.key, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := localfs.Open(e.blobs, e.key)
			if err == nil {
				s.Close()
				t.Fatal("Open with a bad key file succeeded")
			}
			// The file is never replaced: a new key would orphan every blob.
			if b, _ := os.ReadFile(e.key); string(b) != tc.content {
				t.Error("Open changed a bad key file")
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		e := newEnv(t)
		if err := os.Mkdir(e.key, 0o700); err != nil {
			t.Fatal(err)
		}
		if s, err := localfs.Open(e.blobs, e.key); err == nil {
			s.Close()
			t.Fatal("Open with a directory as key file succeeded")
		}
	})
}

func TestKeyInsideBlobDirRefused(t *testing.T) {
	e := newEnv(t)
	for _, key := range []string{filepath.Join(e.blobs, "master.key"), filepath.Join(e.blobs, "sub", "..", "k")} {
		if s, err := localfs.Open(e.blobs, key); err == nil {
			s.Close()
			t.Errorf("Open with the key at %s succeeded", key)
		}
	}
}

func TestOtherKeyCannotRead(t *testing.T) {
	e := newEnv(t)
	info := put(t, e.open(t), secret)
	other, err := localfs.Open(e.blobs, filepath.Join(t.TempDir(), "other.key"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	got, err := readAll(other, info.ID)
	if err == nil || errors.Is(err, blob.ErrNotFound) || len(got) != 0 {
		t.Errorf("another master key: %d bytes, %v; want a decryption error", len(got), err)
	}
}

// TestDeletedKeyMakesBlobsUnreadable is the other side of encryption at
// rest: without the key file, the blob directory is useless. A new Open
// creates a new key, which cannot read the old blobs.
func TestDeletedKeyMakesBlobsUnreadable(t *testing.T) {
	e := newEnv(t)
	info := put(t, e.open(t), secret)
	if err := os.Remove(e.key); err != nil {
		t.Fatal(err)
	}
	s := e.open(t)
	if !s.CreatedKey {
		t.Fatal("no new key was created")
	}
	if _, err := readAll(s, info.ID); err == nil {
		t.Error("a blob was readable after its key was deleted")
	}
}

func TestStaleTempRemoved(t *testing.T) {
	e := newEnv(t)
	s := e.open(t)
	info := put(t, s, secret)
	// A crash after writing but before the rename leaves a complete
	// encrypted file in tmp/; one mid-write leaves a partial one.
	raw, err := os.ReadFile(e.file(info.ID))
	if err != nil {
		t.Fatal(err)
	}
	complete := filepath.Join(e.blobs, "tmp", string(blob.NewID()))
	partial := filepath.Join(e.blobs, "tmp", string(blob.NewID()))
	for name, data := range map[string][]byte{complete: raw, partial: raw[:len(raw)/3]} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var listed []blob.ID
	if err := s.List(context.Background(), func(id blob.ID) error { listed = append(listed, id); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0] != info.ID {
		t.Errorf("List = %v, want only %s (temporary files are not blobs)", listed, info.ID)
	}

	e.open(t) // the restart after the crash
	for _, name := range []string{complete, partial} {
		if _, err := os.Stat(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stale %s survived Open: %v", filepath.Base(name), err)
		}
	}
	if got, err := readAll(s, info.ID); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("the committed blob is damaged: %v", err)
	}
}

// TestFailedPutLeavesNoFile looks below List: not even a temporary file may
// remain after a failed Put.
func TestFailedPutLeavesNoFile(t *testing.T) {
	e := newEnv(t)
	s := e.open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, put := range map[string]func() error{
		"too-large": func() error {
			_, err := s.Put(context.Background(), bytes.NewReader(secret), 1000)
			return err
		},
		"reader-error": func() error {
			_, err := s.Put(context.Background(), io.MultiReader(bytes.NewReader(secret), failing{}), 0)
			return err
		},
		"cancelled": func() error {
			_, err := s.Put(ctx, bytes.NewReader(secret), 0)
			return err
		},
	} {
		if err := put(); err == nil {
			t.Errorf("%s: Put succeeded", name)
		}
	}
	if files := regularFiles(t, e.blobs); len(files) != 0 {
		t.Errorf("files left after failed Puts: %v", files)
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestNoEscape: IDs are checked before they become names, and os.Root stops
// a link planted in the directory from leading outside it.
func TestNoEscape(t *testing.T) {
	e := newEnv(t)
	s := e.open(t)
	outside := filepath.Join(e.dir, "x")
	if err := os.WriteFile(outside, []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, id := range []blob.ID{"../x", "tmp/../../x", "../" + blob.ID(strings.Repeat("a", blob.IDLen-3))} {
		if err := s.Delete(context.Background(), id); err != nil {
			t.Errorf("Delete(%q): %v", id, err)
		}
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("a file outside the blob directory was touched: %v", err)
	}

	id := blob.NewID()
	if err := os.MkdirAll(filepath.Dir(e.file(id)), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{outside, "../../x"} {
		if err := os.Remove(e.file(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if err := os.Symlink(target, e.file(id)); err != nil {
			t.Fatal(err)
		}
		if got, err := readAll(s, id); err == nil || bytes.Contains(got, []byte("outside")) {
			t.Errorf("a link to %s was followed: %q, %v", target, got, err)
		}
	}
}

func TestListSkipsForeignFiles(t *testing.T) {
	e := newEnv(t)
	s := e.open(t)
	info := put(t, s, []byte("the only blob"))
	other := blob.NewID()
	wrongShard := "zz"
	if other[:2] == "zz" {
		wrongShard = "aa"
	}
	for _, name := range []string{
		"README",
		filepath.Join(string(info.ID[:2]), "notes.txt"),
		filepath.Join(string(info.ID[:2]), strings.ToUpper(string(other))),
		filepath.Join(wrongShard, string(other)), // valid ID, wrong shard: unreachable by Open
		filepath.Join("tmp", string(other)),
		filepath.Join("xyz", string(other)),
	} {
		p := filepath.Join(e.blobs, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("junk"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var got []blob.ID
	if err := s.List(context.Background(), func(id blob.ID) error { got = append(got, id); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != info.ID {
		t.Errorf("List = %v, want only %s", got, info.ID)
	}
}
