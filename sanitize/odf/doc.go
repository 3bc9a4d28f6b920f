// Package odf sanitizes OpenDocument files (family odf: odt, ods, odp, odg;
// OASIS ODF 1.2/1.3).
//
// A new package is written from an allow-list of parts: the mimetype (first,
// stored, as Part 3 §3.3 requires), content.xml, styles.xml, meta.xml,
// settings.xml, pictures and thumbnails (raw copies, no recompression), and
// a manifest rewritten to list only what was kept. Everything else is left
// out and reported: Basic/, Scripts/ and Dialogs/ (macros), "Object N"
// sub-documents and OLE objects (their ObjectReplacements picture stays),
// signatures (invalid after any change), unknown parts.
//
// In the XML parts, read through sanitize/safexml (no DOCTYPE, bounded),
// these are removed: office:scripts and every event listener (office,
// script, presentation); draw:object, draw:object-ole, applets, plugins and
// floating frames (a sibling draw:image preview stays); DDE connections and
// sources; linked sections and tables; images linked to outside addresses;
// and any xlink:href to vnd.sun.star.script: or macro:. Hyperlinks (http,
// https, mailto) stay unless the policy removes them; other schemes go.
// Printer setups in settings.xml go, and personal metadata when the policy
// says so. A manifest with encryption data means a password-protected
// document: rejected as encrypted.
package odf
