// Package blob is the contract for file contents: streaming Put, Open and
// Delete of opaque blobs under server-generated IDs, with the SHA-256 and
// size of what was stored. Implementations live in subpackages (localfs,
// the default; S3 later) and must pass the suite in blob/blobtest.
//
// A client-supplied name never reaches a blob store: the exchange keeps the
// display name in its records, and only an ID passing ValidID becomes part
// of a path or key (the FileZen traversal lesson).
package blob

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"io"
	"strings"
)

// ID identifies a blob: 26 characters of lower-case base32 (128 random
// bits).
type ID string

var enc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a fresh random ID.
func NewID() ID {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("blob: no randomness: " + err.Error())
	}
	return ID(enc.EncodeToString(b[:]))
}

// ValidID reports whether s can be a blob ID; nothing else is ever used to
// build a path or key.
func ValidID(s string) bool {
	return len(s) == 26 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz234567") == ""
}

// Info describes a stored blob.
type Info struct {
	ID     ID
	Size   int64    // plaintext bytes
	SHA256 [32]byte // of the plaintext
}

// Errors every implementation returns.
var (
	ErrNotFound = errors.New("blob: not found")
	ErrTooLarge = errors.New("blob: larger than allowed")
)

// Store holds blobs.
type Store interface {
	// Put streams r into a new blob. It is atomic: on any error (r failing,
	// ctx cancelled, maxSize exceeded) nothing is left behind, and once it
	// returns nil the blob survives a crash. Memory does not grow with the
	// size of r. maxSize > 0 bounds the size (ErrTooLarge).
	Put(ctx context.Context, r io.Reader, maxSize int64) (Info, error)
	// Open returns the content. Reading verifies it: a changed or
	// truncated blob gives a read error, never wrong bytes.
	Open(ctx context.Context, id ID) (io.ReadCloser, error)
	// Delete removes a blob; deleting an absent one is not an error.
	Delete(ctx context.Context, id ID) error
	// List calls fn with every stored ID.
	List(ctx context.Context, fn func(ID) error) error
}
