// Package text sanitizes plain text, CSV and TSV files (family text).
//
// Text carries no active content of its own, but three things in it cause
// harm downstream, and this package removes them while streaming (memory
// does not grow with the file):
//
//   - Encodings. Files from Japanese Windows arrive as Shift_JIS (CP932),
//     EUC-JP or ISO-2022-JP; a viewer that guesses wrong shows 文字化け, and
//     a mislabelled file can smuggle bytes past checks. The encoding is
//     detected from content and the output is always UTF-8.
//   - Control characters. C0/C1 controls (other than tab, line feed, carriage
//     return and form feed) and the Unicode bidirectional overrides used by
//     "Trojan Source" attacks to make text read differently than it runs are
//     removed (RemovedControlChars).
//   - Formulas in CSV and TSV. A cell that starts with = + - @, tab or CR is
//     run as a formula by Excel and LibreOffice (=HYPERLINK, DDE via
//     =cmd|…). With the policy csv_formulas = "neutralize" such cells get a
//     leading apostrophe, as OWASP's CSV-injection guidance recommends
//     (RemovedFormula); cells that are plain numbers (-12.5, +3) are left
//     alone. Full-width ＝＋－＠ are not neutralised: neither spreadsheet
//     evaluates them on CSV import.
//
// Text that wraps a binary (uuencode or BinHex blocks) anywhere in the file
// is rejected: detection looks only at the first 40 KiB, this package at
// every line.
//
// The CSV scanner is hand-written because encoding/csv does not round-trip:
// it normalises quoting and line endings, so a sanitized file would differ
// from its input in more than the neutralised cells.
package text
