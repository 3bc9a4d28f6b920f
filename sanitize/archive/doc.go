// Package archive sanitizes archives (ZIP, tar, gzip, 7z, RAR): it opens the
// container, checks every member's name, kind and size, hands each member to
// the whole engine through env.Nested (detection, policy, dispatch, depth),
// and re-packs what came back clean into a fresh ZIP with UTF-8 names. The
// output is always a ZIP and never encrypted.
//
// It does not sanitize member content itself (the engine dispatches members
// to their format's sanitizer), nor does it decide depth (Nested enforces
// Limits.MaxDepth). It owns the archive-level attacks:
//
//   - zip-slip: "..", absolute names, drive letters, backslash traversal,
//     NUL and control characters, Windows device names → ReasonUnsafePath;
//   - duplicate names, exact and after path cleaning, Unicode NFC and case
//     folding (what Windows and macOS treat as one file) → ReasonDuplicateName;
//   - symbolic and hard links, reparse points → ReasonLink;
//   - bombs: member count (Budget.Member), total expanded bytes
//     (Budget.Expand, charged as bytes are actually read), and the ratio of
//     uncompressed to compressed bytes, checked from headers before reading
//     AND counted while reading, because headers lie, per member and for
//     the archive as a whole (members under the 1 MiB ratio floor add up);
//     overlapping ZIP entries (Fifield's non-recursive bomb) →
//     ReasonCompressionBomb;
//   - encryption without a password → ReasonEncrypted; a wrong one →
//     ReasonWrongPassword.
//
// Members are spilled to env.TempDir one at a time, so memory does not grow
// with archive size. A member the engine rejects is dropped and recorded as
// sanitize.RemovedMember, or rejects the archive, as
// Policy.ArchiveMemberRejected says; every member's report is kept in
// Report.Members, with OutputName set to its path in the output ZIP (after
// renames such as "dir/memo.docm" → "dir/memo.docx", and " (2)" when a
// rename collides).
//
// Names: ZIPs made on Japanese Windows store CP932 (Shift_JIS) names without
// the UTF-8 flag (APPNOTE.TXT §4.4.4 bit 11). A name without the flag that is
// not valid UTF-8 is decoded as CP932; a name that is valid UTF-8 is kept,
// because real Shift_JIS text is almost never valid UTF-8 while UTF-8 text
// very often "decodes" as Shift_JIS garbage. Decoding happens before any path
// check, since CP932 trail bytes include 0x5C ("表" is 0x95 0x5C), which a
// byte-level check would mistake for a backslash. An Info-ZIP Unicode Path
// extra field (0x7075) whose CRC still matches the header name wins over
// both.
//
// ZIP decryption (traditional PKWARE encryption, APPNOTE.TXT §6.1, and WinZip
// AES, AE-1/AE-2) is hand-written in zipcrypto.go and zipaes.go: the standard
// library has none (golang/go#12081) and the Go module proxy refuses the
// existing packages (yeka/zip, alexmullins/zip). Both are small streaming
// decrypters over archive/zip's raw member reader; AES members are accepted
// only after their HMAC-SHA1 authentication code verifies.
//
// RAR uses github.com/nwaples/rardecode/v2 (read-only). 7z uses
// github.com/bodgit/sevenzip, which links net/http through adapters it does
// not use here (spf13/afero, andybalholm/brotli, go4.org/readerutil); the
// import rule names each of them (imports_test.go), and the sandbox's network
// namespace is the runtime control. The standard archive/zip returns zip-slip names unless
// GODEBUG=zipinsecurepath=0, so this package does its own checks regardless.
package archive
