// Package scan runs files past malware scanners over the scanners' own wire
// protocols and fails closed: any error, timeout, size limit or reply it does
// not fully understand yields Failed, never Clean, and the caller keeps the
// file quarantined.
//
// It owns two small clients written by hand, because the Go module proxy
// reachable from our build hosts refuses the existing ones
// (dutchcoders/go-clamd is unmaintained, baruwa-enterprise/clamd and the
// icap-client forks answer 403):
//
//   - Clamd speaks clamd's INSTREAM command over TCP or a Unix socket
//     (zINSTREAM, 4-byte big-endian chunk lengths, a zero-length
//     terminator) and PING for health checks.
//   - ICAP speaks RFC 3507 RESPMOD and OPTIONS to an ICAP server such as
//     c-icap with its virus_scan service.
//
// Multi runs several scanners over one file concurrently and Overall folds
// their results into one Verdict.
//
// Files reach a scanner only as a byte stream: no file name, path or other
// user-chosen string is ever sent to a scanner, and this package runs no
// programs. It does not decide what happens to a file (that is the caller's
// transfer state machine), does not log (callers log one line per decision
// from the Result) and does not take sanitized bodies back from content
// disarm servers: an ICAP reply that modifies the file is Failed.
//
// Package scantest starts real clamd and c-icap instances on loopback for
// tests.
package scan
