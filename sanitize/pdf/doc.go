// Package pdf sanitizes PDF files (family pdf).
//
// The file is parsed with pdfcpu, every object is walked, and what can act
// is removed (ISO 32000-1 §12.6 actions, §12.5 annotations, §7.11 file
// specifications, §12.7.8 XFA):
//
//   - JavaScript: the /JavaScript name tree and every JavaScript action.
//   - Actions that run or fetch something: Launch, ImportData, SubmitForm,
//     GoToR, GoToE, Thread to another file, RichMediaExecute, Sound, Movie,
//     Rendition, GoTo3DView — wherever an action is held (/A, /OpenAction,
//     /Next chains). URI actions only when the policy removes hyperlinks.
//   - Trigger dictionaries (/AA) on the catalog, pages, annotations and form
//     fields: every entry of one is an action run without a click.
//   - Embedded files: the /EmbeddedFiles name tree, /EF streams of file
//     specifications, FileAttachment annotations; and RichMedia, Screen,
//     Movie, Sound and 3D annotations.
//   - XFA forms (the /XFA entry of /AcroForm and /NeedsRendering); ordinary
//     form fields stay.
//
// An OpenAction that is a destination ("open at page 1") stays. The output
// is written by pdfcpu from the document root, so objects no longer
// referenced — the removed scripts, earlier revisions kept by incremental
// updates — are not written at all ("unlinking is not removing"). Encrypted
// files are opened with the given password and written unencrypted; without
// it they are rejected. The written file is parsed again and walked with the
// same rules, and anything still found rejects it (fail closed).
//
// pdfcpu is strict and has panicked on fuzzed input (research/cdr.md §2).
// When it refuses a file, Ghostscript rebuilds it (pdfwrite with annotations
// and embedded files dropped, which costs links and form fields) and the
// rebuild goes through the same strip and verification. Without Ghostscript
// such a file is rejected.
package pdf
