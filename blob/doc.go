// Package blob is the contract for file contents: a Store streams opaque
// blobs in (Put) and out (Open), deletes them and lists them, and reports
// the size and SHA-256 of the plaintext it stored. Originals (原本), sanitized
// results and held mail bodies all live in a Store; the database keeps only
// their IDs and hashes.
//
// The package owns the blob ID format (ID, NewID, ValidID), the Store
// interface with its guarantees, and the sentinel errors. It does not own
// file names, transfer records or retention decisions: the exchange keeps a
// file's display name in its records and decides when a blob may go, and the
// retention sweeper uses List to find blobs no record refers to.
//
// IDs are made by the server, never derived from anything a client sent,
// and every implementation checks ValidID before an ID becomes part of a
// path or an object key, so a name like "../../etc/passwd" can never reach a
// file system (the FileZen path-traversal lesson, DESIGN §5).
//
// Implementations live in subpackages: localfs (the default, a local
// directory encrypted at rest) and, later, s3. Each must pass the
// conformance suite in blob/blobtest.
package blob
