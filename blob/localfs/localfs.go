// Package localfs stores blobs as files in one directory, encrypted at
// rest. It is the default blob store of the embedded quick start.
//
// Encryption is age (filippo.io/age): every file gets its own random file
// key, wrapped for the gateway's X25519 master identity, and the content is
// sealed in 64 KiB ChaCha20-Poly1305 chunks (STREAM), so files are written
// and read streaming, any change or truncation fails authentication, and
// the format is audited and documented rather than home-made. The master
// identity lives in a key file outside the database (mode 0600, created on
// first run): a copy of the database or of the blob directory alone
// exposes no file.
//
// The directory is reached only through os.Root, so no path outside it can
// be opened even by mistake, and blob IDs are checked by blob.ValidID
// before they become file names.
package localfs

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"filippo.io/age"

	"github.com/kakehashi/kakehashi/blob"
)

// Store is a blob.Store on a local directory.
type Store struct {
	root     *os.Root
	dir      string
	identity *age.X25519Identity
	// CreatedKey is true when Open made a new master key.
	CreatedKey bool
}

var _ blob.Store = (*Store)(nil)

// Open opens (creating) the blob directory and the master key file. Stale
// temporary files of a crashed Put are removed.
func Open(dir, keyFile string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating blob directory: %w", err)
	}
	id, created, err := loadOrCreateKey(keyFile)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening blob directory: %w", err)
	}
	s := &Store{root: root, dir: dir, identity: id, CreatedKey: created}
	if err := root.Mkdir("tmp", 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	if err := s.removeStale(); err != nil {
		return nil, err
	}
	return s, nil
}

// Close releases the directory.
func (s *Store) Close() error { return s.root.Close() }

func loadOrCreateKey(keyFile string) (*age.X25519Identity, bool, error) {
	b, err := os.ReadFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, false, err
		}
		f, err := os.OpenFile(keyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("creating master key: %w", err)
		}
		_, werr := f.WriteString("# Kakehashi blob master key. Losing it makes every stored file unreadable.\n" + id.String() + "\n")
		serr := f.Sync()
		if err := errors.Join(werr, serr, f.Close()); err != nil {
			return nil, false, fmt.Errorf("writing master key: %w", err)
		}
		return id, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading master key: %w", err)
	}
	st, err := os.Stat(keyFile)
	if err != nil {
		return nil, false, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("master key %s is readable by others (mode %v); run chmod 600", keyFile, st.Mode().Perm())
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "AGE-SECRET-KEY-") {
			id, err := age.ParseX25519Identity(strings.TrimSpace(line))
			if err != nil {
				return nil, false, fmt.Errorf("master key: %w", err)
			}
			return id, false, nil
		}
	}
	return nil, false, fmt.Errorf("master key %s holds no key", keyFile)
}

func (s *Store) removeStale() error {
	d, err := s.root.Open("tmp")
	if err != nil {
		return err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return err
	}
	for _, n := range names {
		if err := s.root.Remove(path.Join("tmp", n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func pathOf(id blob.ID) string { return path.Join(string(id[:2]), string(id)) }

// Put implements blob.Store.
func (s *Store) Put(ctx context.Context, r io.Reader, maxSize int64) (info blob.Info, err error) {
	id := blob.NewID()
	tmp := path.Join("tmp", string(id))
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return info, err
	}
	defer func() {
		if err != nil {
			f.Close()
			s.root.Remove(tmp)
		}
	}()
	w, err := age.Encrypt(f, s.identity.Recipient())
	if err != nil {
		return info, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), &limited{ctx: ctx, r: r, max: maxSize})
	if err != nil {
		return info, err
	}
	if err := w.Close(); err != nil {
		return info, err
	}
	if err := f.Sync(); err != nil {
		return info, err
	}
	if err := f.Close(); err != nil {
		return info, err
	}
	dir := string(id[:2])
	if err := s.root.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return info, err
	}
	if err := s.root.Rename(tmp, pathOf(id)); err != nil {
		return info, err
	}
	if err := s.syncDir(dir); err != nil {
		return info, err
	}
	info = blob.Info{ID: id, Size: n}
	copy(info.SHA256[:], h.Sum(nil))
	return info, nil
}


// syncDir makes the rename durable.
func (s *Store) syncDir(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// limited stops a copy at max bytes or when ctx ends.
type limited struct {
	ctx context.Context
	r   io.Reader
	max int64
	n   int64
}

func (l *limited) Read(p []byte) (int, error) {
	if err := l.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.max > 0 && l.n > l.max {
		return 0, blob.ErrTooLarge
	}
	return n, err
}

// Open implements blob.Store.
func (s *Store) Open(ctx context.Context, id blob.ID) (io.ReadCloser, error) {
	if !blob.ValidID(string(id)) {
		return nil, blob.ErrNotFound
	}
	f, err := s.root.Open(pathOf(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r, err := age.Decrypt(f, s.identity)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("blob %s: %w", id, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{r, f}, nil
}

// Delete implements blob.Store.
func (s *Store) Delete(ctx context.Context, id blob.ID) error {
	if !blob.ValidID(string(id)) {
		return nil
	}
	err := s.root.Remove(pathOf(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// List implements blob.Store.
func (s *Store) List(ctx context.Context, fn func(blob.ID) error) error {
	return fs.WalkDir(s.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == "tmp" {
				return fs.SkipDir
			}
			return nil
		}
		if name := path.Base(p); blob.ValidID(name) && path.Dir(p) == name[:2] {
			return fn(blob.ID(name))
		}
		return nil
	})
}
