// Package rtf rebuilds Rich Text Format documents (RTF 1.9.1, Microsoft,
// 2008) for the CDR engine: family sanitize.FamilyRTF.
//
// No Go RTF library exists (the research note searched for one), and a
// line-based text replace such as DocBleach's `\obj` → `\*\0bj` misses
// obfuscated spellings, so the package has its own small tokenizer: groups,
// control words with their optional signed parameter and delimiting space,
// control symbols, \'hh escapes, \binN binary runs and plain text. Because
// decisions are made on tokens, not bytes, a \object written with odd
// whitespace, CR/LF inside the word's data or split across lines is still
// recognised.
//
// The output is written token by token in a canonical spelling, and each
// group is judged by its destination (RTF 1.9.1 "Destinations"):
//
//   - kept: document text, \fonttbl, \colortbl, \stylesheet, \info (unless the
//     policy removes metadata), lists, tables, headers and footers,
//     footnotes, bookmarks, shapes and their \shprslt, and \pict pictures of
//     the raster and metafile kinds (\pngblip, \jpegblip, \emfblip,
//     \wmetafile, \dibitmap) with their hex data re-written and bounded;
//   - \field groups keep their instruction only when it is harmless (page
//     numbers, dates, references, http/https/mailto HYPERLINK); DDE, DDEAUTO,
//     INCLUDETEXT, INCLUDEPICTURE, IMPORT and LINK instructions are removed
//     and the field becomes a plain group holding its \fldrslt text;
//   - \object groups are removed with all their \obj… words and data, except
//     the \result preview picture;
//   - \*\template (remote template injection), \*\datastore, \*\xmlopen,
//     \*\objdata, the file table, document variables, theme data and every
//     \* destination not known to be inert are dropped: \* marks a
//     destination a reader may ignore, so dropping one never breaks a file.
//
// Unknown control words outside \* destinations are copied: conforming
// readers ignore words they do not know and show the text that follows, so
// they carry nothing a reader acts on. Every destination a reader does act
// on (objects, fields, pictures, templates, data stores) is in the table in
// dest.go.
//
// Two old Word parser bugs are fenced off as well: shape property
// pFragments (CVE-2010-3333) is dropped, and a font table of more than 4096
// fonts (CVE-2023-21716) is rejected. Bytes after the closing brace are
// dropped and reported.
//
// Unbalanced braces, a missing {\rtf header, groups nested deeper than
// Limits.MaxXMLDepth (reused as the group depth bound) or a \bin longer than
// the rest of the file reject the input as sanitize.ReasonMalformed. Memory
// stays bounded: text and binary runs stream through, and only a field's
// instruction and the first words of a picture or shape property are held
// until they are judged.
package rtf
