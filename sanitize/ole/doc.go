// Package ole sanitizes legacy (OLE2 / Compound File Binary) Office files:
// Word 97–2003 .doc, Excel 97–2003 .xls, PowerPoint 97–2003 .ppt, and OOXML
// packages encrypted with a password (MS-OFFCRYPTO EncryptionInfo +
// EncryptedPackage).
//
// Go has no OLE2 writer, so a legacy file is not rebuilt in place. Instead:
//
//  1. The compound file is inspected, read-only and bounded (inspect.go): VBA
//     projects (Macros, _VBA_PROJECT_CUR, VBA/PROJECT streams, PowerPoint's
//     VBAInfoAtom), embedded OLE objects (ObjectPool, MBD* storages,
//     \x01Ole10Native, PowerPoint ExOleEmbed), Excel 4.0 macro sheets
//     (BoundSheet8 records, biff.go) and encryption (Word FIB fEncrypted,
//     Excel FILEPASS, PowerPoint CurrentUser token / EncryptedSummary). What
//     the original held is recorded in the report, so the clerk learns it
//     even though conversion drops it.
//  2. LibreOffice converts the file to OOXML in a fresh profile whose VBA
//     import/export is off and whose macro security is "very high"
//     (convert.go), run with an argument vector, never a shell.
//  3. The converted package is sanitized as OOXML through env.Nested (the
//     OOXML allow-list removes what LibreOffice keeps, such as embedded OLE
//     objects), and its report is merged into this one; a kind already
//     recorded from the original is not counted again, because it is the
//     same object carried over.
//
// Encrypted OOXML packages are decrypted with the password the sender gave
// and the plain package goes to env.Nested. agile.go implements MS-OFFCRYPTO
// agile key derivation by hand: the module proxy has no maintained Go
// package for it. Standard (Office 2007) and Extensible encryption are
// refused: no file encrypted that way by a real Office was available to test
// against. Encrypted legacy files are rejected: LibreOffice cannot take a
// password on its command line, and decrypting RC4 CryptoAPI streams
// ourselves would mean rewriting the CFB, for which Go has no writer.
//
// Inspection also costs memory: mscfb holds every directory entry, about
// 300 bytes per 128 bytes of directory, so the sandbox's memory limit is
// what bounds a file made of directory sectors.
//
// The compound file reader is github.com/richardlehane/mscfb, which has
// looped and exhausted memory on corrupt mini streams: every stream read
// here is bounded by the input size (a stream cannot be larger than the
// file holding it) and by io.LimitReader, and record walks are bounded by
// counts. CPU is bounded by the sandbox the engine runs in.
package ole
