package blob

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"io"
)

// ID identifies a blob: 26 characters of lower-case base32 (RFC 4648
// alphabet, no padding) encoding 128 random bits. It is opaque: nothing about
// the content or the uploader can be read from it.
//
// The format belongs to this package rather than reusing the root package's
// record IDs on purpose: IDs become file names and object keys, so changing
// the format would orphan every stored blob. It must stay stable even if
// record IDs change.
type ID string

// idAlphabet is lower-case base32. It has no '/', '.', '\\' or NUL, so an ID
// that passes ValidID is always a single, harmless path element.
const idAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// IDLen is the length of every ID: 128 bits in 5-bit characters.
const IDLen = 26

var idEncoding = base32.NewEncoding(idAlphabet).WithPadding(base32.NoPadding)

// NewID returns a fresh random ID from crypto/rand. 128 bits make a
// collision negligible, so a Store may treat a new ID as unused.
func NewID() ID {
	var b [16]byte
	// crypto/rand.Read never returns an error since Go 1.24: if the kernel
	// cannot supply randomness the program crashes rather than hand out a
	// predictable ID.
	_, _ = rand.Read(b[:])
	return ID(idEncoding.EncodeToString(b[:]))
}

// ValidID reports whether s has the form of an ID made by NewID. Every Store
// checks it before an ID reaches a path or a key, and treats an invalid ID
// as naming no blob; callers holding an ID from a URL or a form can use it
// to reject the request early.
func ValidID(s string) bool {
	if len(s) != IDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// String returns the ID as text, for logs and keys.
func (id ID) String() string { return string(id) }

// Info describes a stored blob.
type Info struct {
	ID     ID
	Size   int64    // plaintext bytes
	SHA256 [32]byte // of the plaintext, computed while streaming
}

// Errors every implementation returns (possibly wrapped: test with
// errors.Is).
var (
	// ErrNotFound: no blob has this ID (or the ID is not ValidID).
	ErrNotFound = errors.New("blob: not found")
	// ErrTooLarge: Put's input exceeded its maxSize.
	ErrTooLarge = errors.New("blob: larger than allowed")
)

// Store holds blobs. Implementations are safe for concurrent use. The
// conformance suite blob/blobtest checks every guarantee below.
type Store interface {
	// Put streams r into a new blob under a new ID and returns its Info.
	//
	// Put is atomic: on any error (r failing, ctx done, maxSize exceeded,
	// storage failing) nothing is left behind and List never shows the
	// blob; once Put returns nil the blob survives a crash. An error from r
	// or ctx is returned wrapped, so errors.Is finds it.
	//
	// Memory use does not grow with the size of r. If maxSize > 0, reading
	// more than maxSize bytes from r fails with an error wrapping
	// ErrTooLarge; r is read at most a buffer (under 1 MiB) past the
	// limit, so an endless stream cannot hold Put. If ctx is done before
	// Put returns, even after r's last byte, Put fails: the caller gave up
	// and would not record the blob.
	Put(ctx context.Context, r io.Reader, maxSize int64) (Info, error)

	// Open returns the plaintext of the blob id, or ErrNotFound when it is
	// absent or id is not ValidID. Open fails if ctx is already done, and
	// reads may fail once it is.
	//
	// Reading verifies integrity: a changed, truncated or swapped blob
	// yields a read error, never wrong bytes. Bytes already returned before
	// such an error are authentic, but the caller must treat the error as
	// fatal for the whole blob (abort the download, reject the scan).
	Open(ctx context.Context, id ID) (io.ReadCloser, error)

	// Delete removes the blob id. Deleting an absent blob, or an id that
	// is not ValidID, returns nil, so retries and the retention sweeper
	// need no special case. Once Delete returns nil the blob stays deleted
	// after a crash.
	Delete(ctx context.Context, id ID) error

	// List calls fn with the ID of every stored blob, in no particular
	// order; it never reports a Put in progress or one that failed. An
	// error from fn stops List and is returned wrapped. Blobs put or
	// deleted while List runs may or may not be reported.
	List(ctx context.Context, fn func(ID) error) error
}
