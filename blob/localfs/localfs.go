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
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/kakehashi/kakehashi/blob"
)

// tmpDir holds Puts in progress; it is not a valid shard name (three
// letters), so List can never mistake it for one.
const tmpDir = "tmp"

// Store is a blob.Store on a local directory. It is safe for concurrent use.
type Store struct {
	root      *os.Root
	identity  *age.X25519Identity
	recipient *age.X25519Recipient

	// CreatedKey is true when Open created a new master key file, so the
	// caller can log it (and remind the operator to back it up).
	CreatedKey bool
}

var _ blob.Store = (*Store)(nil)

// Open opens the blob directory dir, creating it (mode 0700) if needed, with
// the master key in keyFile, creating a new key if keyFile does not exist.
// It refuses a key file that group or others may access, and one inside dir
// (a copy of the directory would then carry its own key). Temporary files
// left by a crashed Put are removed.
func Open(dir, keyFile string) (*Store, error) {
	if inside, err := isInside(keyFile, dir); err != nil {
		return nil, err
	} else if inside {
		return nil, fmt.Errorf("localfs: master key %s must not be inside the blob directory %s", keyFile, dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("localfs: creating the blob directory: %w", err)
	}
	id, created, err := loadOrCreateKey(keyFile)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("localfs: opening the blob directory: %w", err)
	}
	s := &Store{root: root, identity: id, recipient: id.Recipient(), CreatedKey: created}
	if err := s.prepareTmp(); err != nil {
		return nil, errors.Join(err, root.Close())
	}
	return s, nil
}

// Close releases the directory. Readers returned by Open stay usable.
func (s *Store) Close() error { return s.root.Close() }

// isInside reports whether file lies under dir, comparing cleaned absolute
// paths. It is a guard against a configuration mistake, not a security
// boundary, so it does not resolve symbolic links.
func isInside(file, dir string) (bool, error) {
	af, err := filepath.Abs(file)
	if err != nil {
		return false, fmt.Errorf("localfs: master key path: %w", err)
	}
	ad, err := filepath.Abs(dir)
	if err != nil {
		return false, fmt.Errorf("localfs: blob directory path: %w", err)
	}
	rel, err := filepath.Rel(ad, af)
	return err == nil && filepath.IsLocal(rel), nil
}

// prepareTmp creates tmp/ and removes what crashed Puts left there. A file
// whose lock another process holds belongs to a Put in progress and stays.
func (s *Store) prepareTmp() error {
	if err := s.root.Mkdir(tmpDir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("localfs: creating %s: %w", tmpDir, err)
	}
	d, err := s.root.Open(tmpDir)
	if err != nil {
		return fmt.Errorf("localfs: opening %s: %w", tmpDir, err)
	}
	defer d.Close()
	for {
		ents, err := d.ReadDir(256)
		for _, e := range ents {
			if err := s.removeStale(e); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("localfs: listing %s: %w", tmpDir, err)
		}
	}
}

func (s *Store) removeStale(e fs.DirEntry) error {
	if !e.Type().IsRegular() {
		return nil // not ours; leave it for the operator
	}
	name := path.Join(tmpDir, e.Name())
	f, err := s.root.OpenFile(name, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // its Put finished or failed meanwhile
	}
	if err != nil {
		return fmt.Errorf("localfs: opening a temporary file: %w", err)
	}
	defer f.Close()
	if ok, err := tryLock(f); err != nil {
		return fmt.Errorf("localfs: locking a temporary file: %w", err)
	} else if !ok {
		return nil // a live Put in another process
	}
	if err := s.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("localfs: removing a stale temporary file: %w", err)
	}
	return nil
}

// header is the first plaintext line of a blob; it binds the file to its ID
// (see the package doc).
func header(id blob.ID) string { return "kakehashi-blob/v1 " + string(id) + "\n" }

func shardOf(id blob.ID) string { return string(id[:2]) }

// pathOf is where blob id lives. Only ValidID values reach it.
func pathOf(id blob.ID) string { return path.Join(shardOf(id), string(id)) }

// Put implements blob.Store.
func (s *Store) Put(ctx context.Context, r io.Reader, maxSize int64) (blob.Info, error) {
	if err := ctx.Err(); err != nil {
		return blob.Info{}, fmt.Errorf("localfs: put: %w", err)
	}
	f, id, err := s.createTemp()
	if err != nil {
		return blob.Info{}, err
	}
	tmp := path.Join(tmpDir, string(id))
	// From here every failure removes what was written. The cleanup does
	// not use ctx: it must run even when ctx is the reason for failing.
	// commit renames while f is still open, so the lock keeps another
	// process's Open from taking the file for a crash leftover.
	size, sum, err := s.write(ctx, f, id, r, maxSize)
	if err == nil {
		err = s.commit(tmp, id)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("localfs: closing: %w", cerr)
	}
	if err != nil {
		// If the blob was already renamed into place, removing it without
		// a directory sync may be undone by a crash; the retention sweep
		// then finds it as an orphan.
		for _, name := range []string{tmp, pathOf(id)} {
			if rerr := s.root.Remove(name); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
				err = errors.Join(err, fmt.Errorf("localfs: cleaning up: %w", rerr))
			}
		}
		return blob.Info{}, err
	}
	return blob.Info{ID: id, Size: size, SHA256: sum}, nil
}

// createTemp creates and locks tmp/<id> for a new ID. The lock tells
// another process's Open that the file is in use; the kernel drops it with
// the descriptor, also when the process dies.
//
// Between creating and locking, another process's Open may take the file
// for a crash leftover and remove it. createTemp checks the name still
// leads to its file and otherwise starts again: nothing has been read from
// the caller yet, so a retry is free.
func (s *Store) createTemp() (*os.File, blob.ID, error) {
	for range 3 {
		id := blob.NewID()
		tmp := path.Join(tmpDir, string(id))
		f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, "", fmt.Errorf("localfs: creating a temporary file: %w", err)
		}
		ok, err := tryLock(f)
		if err == nil && ok {
			var mine, named os.FileInfo
			if mine, err = f.Stat(); err == nil {
				named, err = s.root.Lstat(tmp)
			}
			if err == nil && os.SameFile(mine, named) {
				return f, id, nil
			}
			if errors.Is(err, fs.ErrNotExist) {
				err = nil // removed under us: try again
			}
		}
		err = errors.Join(err, f.Close())
		if err != nil {
			return nil, "", fmt.Errorf("localfs: locking a temporary file: %w", err)
		}
	}
	return nil, "", errors.New("localfs: temporary files keep disappearing; is another process cleaning tmp/?")
}

// write encrypts r into f and fsyncs it, returning the plaintext size and
// SHA-256.
func (s *Store) write(ctx context.Context, f *os.File, id blob.ID, r io.Reader, maxSize int64) (int64, [32]byte, error) {
	w, err := age.Encrypt(f, s.recipient)
	if err != nil {
		return 0, [32]byte{}, fmt.Errorf("localfs: encrypting: %w", err)
	}
	if _, err := io.WriteString(w, header(id)); err != nil {
		return 0, [32]byte{}, fmt.Errorf("localfs: writing: %w", err)
	}
	h := sha256.New()
	in := &guard{ctx: ctx, r: r, max: maxSize}
	// The hash sees exactly the bytes the encrypter sees; both run in this
	// goroutine over io.Copy's fixed buffer, so memory stays flat.
	n, err := io.Copy(io.MultiWriter(w, h), in)
	if err != nil {
		return 0, [32]byte{}, fmt.Errorf("localfs: writing: %w", err)
	}
	if err := w.Close(); err != nil { // seals the last chunk
		return 0, [32]byte{}, fmt.Errorf("localfs: encrypting: %w", err)
	}
	if err := f.Sync(); err != nil {
		return 0, [32]byte{}, fmt.Errorf("localfs: syncing: %w", err)
	}
	// A ctx ended after the last read still means the caller gave up: do
	// not commit a blob nobody will record.
	if err := ctx.Err(); err != nil {
		return 0, [32]byte{}, fmt.Errorf("localfs: put: %w", err)
	}
	return n, [32]byte(h.Sum(nil)), nil
}

// commit renames the finished temporary file into its shard and makes the
// rename durable. On error Put removes the blob again.
func (s *Store) commit(tmp string, id blob.ID) error {
	shard := shardOf(id)
	switch err := s.root.Mkdir(shard, 0o700); {
	case err == nil:
		// A new directory entry in the root: make it durable too.
		if err := s.syncDir("."); err != nil {
			return err
		}
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("localfs: creating a shard: %w", err)
	}
	// IDs are 128 random bits, so the target cannot exist; Rename would
	// replace it silently, but a collision is not a practical concern.
	if err := s.root.Rename(tmp, pathOf(id)); err != nil {
		return fmt.Errorf("localfs: moving the blob into place: %w", err)
	}
	return s.syncDir(shard)
}

// syncDir fsyncs a directory, making the entries created, renamed or
// removed in it durable.
func (s *Store) syncDir(name string) error {
	d, err := s.root.Open(name)
	if err != nil {
		return fmt.Errorf("localfs: opening a directory to sync: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("localfs: syncing a directory: %w", err)
	}
	return nil
}

// guard is the reader Put consumes: it stops at ctx's end and at maxSize,
// counting as it goes. It asks r for at most one byte past the limit, so an
// endless or oversized upload is cut off without being read further.
type guard struct {
	ctx context.Context
	r   io.Reader
	max int64 // 0: no limit
	n   int64
}

func (g *guard) Read(p []byte) (int, error) {
	if err := g.ctx.Err(); err != nil {
		return 0, err
	}
	if g.max > 0 {
		if left := g.max - g.n; left < int64(len(p))-1 {
			p = p[:left+1]
		}
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	if g.max > 0 && g.n > g.max {
		return 0, fmt.Errorf("%w: more than %d bytes", blob.ErrTooLarge, g.max)
	}
	return n, err
}

// Open implements blob.Store. The reader must be closed.
func (s *Store) Open(ctx context.Context, id blob.ID) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("localfs: open: %w", err)
	}
	if !blob.ValidID(string(id)) {
		return nil, blob.ErrNotFound
	}
	f, err := s.root.Open(pathOf(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("localfs: opening blob %s: %w", id, err)
	}
	r, err := s.decrypt(f, id)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("localfs: blob %s: %w", id, err), f.Close())
	}
	return &reader{ctx: ctx, r: r, f: f}, nil
}

// decrypt unwraps the file key (failing for another master key) and checks
// the ID line, which also authenticates the first chunk.
func (s *Store) decrypt(f *os.File, id blob.ID) (io.Reader, error) {
	r, err := age.Decrypt(f, s.identity)
	if err != nil {
		return nil, fmt.Errorf("decrypting: %w", err)
	}
	want := header(id)
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r, got); err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	if string(got) != want {
		// Authentic content under the wrong name: a swapped or copied
		// file. Say so without echoing it.
		return nil, errors.New("the file holds another blob (swapped or copied on disk)")
	}
	return r, nil
}

// reader is a blob being read: age's authenticated plaintext, stopped by
// ctx.
type reader struct {
	ctx context.Context
	r   io.Reader
	f   *os.File
}

func (r *reader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

func (r *reader) Close() error { return r.f.Close() }

// Delete implements blob.Store. It does not stop for ctx: cleanup after a
// cancelled request must still run.
func (s *Store) Delete(_ context.Context, id blob.ID) error {
	if !blob.ValidID(string(id)) {
		return nil // names no blob
	}
	err := s.root.Remove(pathOf(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("localfs: deleting blob %s: %w", id, err)
	}
	// A deleted original must not come back after a crash.
	return s.syncDir(shardOf(id))
}

// List implements blob.Store. It reads directories in batches, so memory
// does not grow with the number of blobs. Files that are not blobs (a
// name that is not ValidID, or in the wrong shard) are skipped.
func (s *Store) List(ctx context.Context, fn func(blob.ID) error) error {
	return s.eachEntry(ctx, ".", func(e fs.DirEntry) error {
		shard := e.Name()
		if !e.IsDir() || len(shard) != 2 || !blob.ValidID(shard+strings.Repeat("a", blob.IDLen-2)) {
			return nil // tmp/ and anything not ours
		}
		return s.eachEntry(ctx, shard, func(e fs.DirEntry) error {
			name := e.Name()
			if !e.Type().IsRegular() || !blob.ValidID(name) || name[:2] != shard {
				return nil
			}
			if err := fn(blob.ID(name)); err != nil {
				return fmt.Errorf("localfs: list: %w", err)
			}
			return nil
		})
	})
}

// eachEntry calls fn for the entries of directory dir, 256 at a time.
func (s *Store) eachEntry(ctx context.Context, dir string, fn func(fs.DirEntry) error) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return fmt.Errorf("localfs: list: %w", err)
	}
	defer d.Close()
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("localfs: list: %w", err)
		}
		ents, err := d.ReadDir(256)
		for _, e := range ents {
			if err := fn(e); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("localfs: list: %w", err)
		}
	}
}
