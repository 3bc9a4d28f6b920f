// Package localfs is the default blob.Store: blobs are files in one local
// directory, encrypted at rest under a master key kept in a separate key
// file. It owns the directory layout, the on-disk format and the master key
// file; it does not own retention (the exchange decides what to delete) or
// backups.
//
// # Encryption
//
// Every blob is an age file (filippo.io/age, https://age-encryption.org/v1).
// age was chosen over a home-made AES-GCM framing, and over minio/sio, for
// three reasons:
//
//   - Per-file keys: each file gets a fresh random 128-bit file key, wrapped
//     in the file's header for the gateway's X25519 master identity. No two
//     files share a content key, and there is no nonce bookkeeping.
//   - Streaming: content is sealed in 64 KiB ChaCha20-Poly1305 chunks
//     (STREAM), so Put and Open use constant memory for any file size, and a
//     reader gets each chunk only after it was authenticated. A changed
//     byte, a dropped tail chunk or appended data is a read error.
//   - An audited, specified format with a maintained Go implementation,
//     readable by the standard age tool in an emergency.
//
// The first bytes of each blob's plaintext are a line naming its own ID
// ("kakehashi-blob/v1 <id>\n"), checked by Open and hidden from the caller.
// age authenticates a file but not its name, so without this line someone
// able to write the directory could swap two blobs' files and Open would
// return the wrong, though authentic, content.
//
// The master identity lives in the key file, mode 0600, created on first
// Open (Store.CreatedKey reports it so the caller can log it once). Neither
// a database dump nor a copy of the blob directory exposes any file; losing
// the key file makes every blob unreadable, so it belongs in the backup plan,
// stored apart from the blob backups.
//
// # Layout and crash safety
//
// The directory is reached only through os.Root, and only IDs that pass
// blob.ValidID become file names: a client's file name never reaches the file
// system. A blob with ID "abcd…" lives at "ab/abcd…" (1024 shards at most,
// so no directory grows huge). Put writes "tmp/<id>", fsyncs it, renames it
// into its shard and fsyncs the shard, so a crash leaves either the whole
// blob or only a temporary file. Open removes temporary files no running Put
// holds (each Put keeps an advisory lock on its temporary file), so a second
// process sharing the directory, such as a worker, does not destroy uploads
// in flight.
package localfs
