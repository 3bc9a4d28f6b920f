// Package ooxml rebuilds Office Open XML packages (ECMA-376 / ISO/IEC 29500:
// docx, xlsx, pptx, their templates and slide shows, and the macro-enabled
// docm, xlsm, pptm, dotm, xltm, potm, ppsm) for Kakehashi's CDR engine
// (family sanitize.FamilyOOXML). A macro-enabled input always comes out as its
// macro-free type with a corrected [Content_Types].xml.
//
// The rebuild is an allow-list over the Open Packaging Conventions (ECMA-376
// Part 2): a part is copied only when its content type is known to be inert
// (contentTypes) AND it is reached from the package root through
// relationships whose types are known to be inert (relTypes). Everything else
// is left out and reported: VBA projects, XLM macro sheets and dialog sheets,
// ActiveX, embedded OLE objects and packages, external links and data
// connections, ribbon customisation, printer settings, add-ins, and unknown
// parts. Relationships to the outside (TargetMode="External") are kept only
// for ordinary web and mail hyperlinks, and only when the policy keeps
// hyperlinks. Inside the kept XML parts the filters remove what points at
// removed parts (dangling r:id), DDE/DDEAUTO/INCLUDE*/LINK fields (keeping the
// field's cached result so the document still reads), o:OLEObject and
// controls (keeping the preview picture), XLM auto-run defined names, and,
// when the policy asks, document properties.
//
// It owns the package; it does not own images inside it (they are copied
// after a magic-number check, not re-encoded), nor legacy binary Office
// (sanitize/ole), nor xlsb (rejected by type).
//
// Speed comes from copying untouched members raw: the original compressed
// bytes and CRC go to the new zip (zip.File.OpenRaw + zip.Writer.CreateRaw),
// so a 10 MB docx of photos costs a few XML parses and one inflate into
// io.Discard (which makes archive/zip check each picture's CRC), not a
// recompression, and memory does not grow with the size of media parts.
// Pictures are checked by magic number, not re-encoded: a polyglot picture
// keeps its trailing bytes (re-encoding through sanitize/image is left to a
// later policy switch, because it costs the speed above). An XML part is parsed
// once to check it (hostile-XML rules of sanitize/safexml: any DOCTYPE is
// rejected); only when the filter changes something is it parsed a second
// time and written, deflated, to the output.
//
// Zip handling is stdlib archive/zip plus own checks (names, duplicates,
// member count, expanded size, per-member ratio, encryption flags), because
// archive/zip accepts traversal names and duplicates silently.
package ooxml
