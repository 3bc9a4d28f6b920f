package localfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"filippo.io/age"
)

// keyFileText is the content of a new master key file: comments for the
// operator who finds it, then the identity in age's own key-file format, so
// `age -d -i <keyfile>` can decrypt a blob in an emergency.
const keyFileText = `# Kakehashi blob master key (age X25519 identity).
# public key: %s
# Every stored file is encrypted for this key: losing this file makes all of
# them unreadable. Back it up apart from the blob directory and the database,
# and keep it mode 0600.
%s
`

// maxKeyFile bounds what is read from the key file; a real one is ~400 bytes.
const maxKeyFile = 64 << 10

// loadOrCreateKey reads the master identity from file, or creates file with
// a new identity if it does not exist; created reports the latter.
func loadOrCreateKey(file string) (id *age.X25519Identity, created bool, err error) {
	id, err = loadKey(file)
	if !errors.Is(err, fs.ErrNotExist) {
		return id, false, err
	}
	id, err = createKey(file)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it between our two attempts: use theirs.
		id, err = loadKey(file)
		return id, false, err
	}
	return id, err == nil, err
}

// loadKey reads the identity. It checks the mode on the open descriptor, so
// what is checked is what is read.
func loadKey(file string) (*age.X25519Identity, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("localfs: opening the master key: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("localfs: master key: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("localfs: master key %s is not a regular file", file)
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("localfs: master key %s has mode %04o, so group or others may read it; run chmod 600 %s", file, perm, file)
	}
	// age's parser never puts key material in its errors.
	ids, err := age.ParseIdentities(io.LimitReader(f, maxKeyFile))
	if err != nil {
		return nil, fmt.Errorf("localfs: master key %s: %w", file, err)
	}
	id, ok := ids[0].(*age.X25519Identity)
	if len(ids) != 1 || !ok {
		return nil, fmt.Errorf("localfs: master key %s must hold exactly one X25519 identity (AGE-SECRET-KEY-1…)", file)
	}
	return id, nil
}

// createKey writes a new identity to file with O_EXCL (never replacing a
// key, which would make every blob unreadable), mode 0600, and fsyncs the
// file and its directory before the key is used for any blob.
func createKey(file string) (*age.X25519Identity, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("localfs: generating the master key: %w", err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("localfs: creating the master key: %w", err)
	}
	_, werr := fmt.Fprintf(f, keyFileText, id.Recipient(), id)
	err = errors.Join(werr, f.Sync(), f.Close())
	if err == nil {
		err = syncPath(filepath.Dir(file))
	}
	if err != nil {
		// A half-written key must not be found by the next start.
		return nil, errors.Join(fmt.Errorf("localfs: writing the master key: %w", err), os.Remove(file))
	}
	return id, nil
}

// syncPath fsyncs the directory dir (outside the blob root).
func syncPath(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}
