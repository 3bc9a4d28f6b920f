// Package sanitize owns the contract of Kakehashi's content disarm and
// reconstruction (CDR, 無害化) engine: file types and their detection from
// content, the Sanitizer interface every format implements, the policy that
// says what is allowed, removed or rejected, the resource Limits, and the
// Report that records what was done.
//
// It does not own any format (each lives in a subpackage: ooxml, odf, pdf,
// image, ole, rtf, text, archive, html), nor the dispatch between them
// (sanitize/engine), nor process isolation (sanitize/sandbox). Nothing here
// touches the network or storage; every input is hostile and is read only
// through bounded readers.
//
// The model follows the structural-rebuild family of CDR (DocBleach, OPSWAT
// Deep CDR, Glasswall): a sanitizer copies only what it knows to be inert into
// a fresh container, and anything it cannot parse or prove clean is rejected
// with a Reason rather than passed through (fail closed).
package sanitize
