package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

// Verdict is a scanner's answer about one file. The zero value is not a
// verdict; Overall treats it like Failed.
type Verdict int

const (
	// Clean means the scanner read every byte and found nothing.
	Clean Verdict = iota + 1
	// Infected means the scanner found malware (Result.Signature names it).
	Infected
	// Failed means the file could not be scanned (scanner down, timeout,
	// size limit, protocol error). The caller must keep the file
	// quarantined.
	Failed
)

// String returns "clean", "infected" or "failed", for logs and audit events.
func (v Verdict) String() string {
	switch v {
	case Clean:
		return "clean"
	case Infected:
		return "infected"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Result is one scanner's answer about one file.
type Result struct {
	Scanner   string  // configured name of the scanner, e.g. "clamd"
	Verdict   Verdict // never Clean after any error
	Signature string  // when Infected: the malware name, e.g. "Kakehashi.Test.UNOFFICIAL"
	Detail    string  // when Failed: why, safe to show admins (no secrets, no file names)
}

// Scanner is one configured malware scanner.
type Scanner interface {
	// Name returns the configured name reported in Result.Scanner.
	Name() string
	// Scan streams r to the scanner, reading it to EOF unless the scan fails
	// first. size is the byte count of r, or -1 when unknown; a stream that
	// turns out longer or shorter than a known size fails the scan, so the
	// bytes scanned are the bytes stored. Scan never returns Clean on any
	// error, and it honours ctx's deadline and cancellation.
	Scan(ctx context.Context, r io.Reader, size int64) Result
}

// DialFunc opens a connection to a scanner; net.Dialer.DialContext fits.
// Tests and deployments inject their own (e.g. to pin a source address).
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// Defaults for zero-valued fields of Clamd and ICAP.
const (
	DefaultTimeout   = 2 * time.Minute // whole scan, dial to verdict
	DefaultChunkSize = 64 << 10
	maxChunkSize     = 16 << 20 // bounds the buffer a misconfiguration can allocate
)

// failed returns a Failed result whose Detail is the formatted reason.
func failed(name, format string, args ...any) Result {
	return Result{Scanner: name, Verdict: Failed, Detail: fmt.Sprintf(format, args...)}
}

// infected returns an Infected result, the signature made printable.
func infected(name, signature string) Result {
	signature = printable(signature, 200)
	if signature == "" {
		// A scanner that says "found" without a name still found something.
		signature = "(unnamed)"
	}
	return Result{Scanner: name, Verdict: Infected, Signature: signature}
}

// printable returns s with control and non-ASCII bytes replaced and cut to
// max bytes: scanner replies are hostile input that ends up in admin pages
// and logs.
func printable(s string, max int) string {
	if len(s) > max {
		s = s[:max]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

// dial connects with d, or with a net.Dialer when d is nil.
func dial(ctx context.Context, d DialFunc, network, address string) (net.Conn, error) {
	if d == nil {
		var nd net.Dialer
		d = nd.DialContext
	}
	return d(ctx, network, address)
}

// withTimeout bounds ctx by timeout (DefaultTimeout when zero).
func withTimeout(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return context.WithTimeout(ctx, timeout)
}

// bindConn makes blocking reads and writes on c end when ctx does: it sets
// ctx's deadline on c and moves the deadline into the past on cancellation.
// The returned func must be called before c is discarded.
func bindConn(ctx context.Context, c net.Conn) (stop func() bool) {
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl) // an error here surfaces on the next read or write
	}
	return context.AfterFunc(ctx, func() {
		_ = c.SetDeadline(time.Unix(1, 0))
	})
}

// chunkSize returns n, or the default when n is not positive, capped.
func chunkSize(n int) int {
	switch {
	case n <= 0:
		return DefaultChunkSize
	case n > maxChunkSize:
		return maxChunkSize
	}
	return n
}

// sourceReader reads the file being scanned. It fails when the file is
// longer than size or ends short of it (size >= 0), or grows beyond max
// (max > 0). Every error it returns other than io.EOF is a *sourceError, so
// Scan can tell a broken file source from a broken scanner connection: only
// the latter may come with a scanner reply worth reading.
type sourceReader struct {
	r    io.Reader
	size int64 // expected length, -1 when unknown
	max  int64 // 0: no limit
	n    int64
}

type sourceError struct{ msg string }

func (e *sourceError) Error() string { return e.msg }

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	switch {
	case s.size >= 0 && s.n > s.size:
		return n, &sourceError{fmt.Sprintf("file is longer than its declared size of %d bytes", s.size)}
	case s.max > 0 && s.n > s.max:
		return n, &sourceError{fmt.Sprintf("file exceeds the scanner's size limit of %d bytes", s.max)}
	case err == io.EOF && s.size >= 0 && s.n < s.size:
		return n, &sourceError{fmt.Sprintf("file ended after %d of its declared %d bytes", s.n, s.size)}
	case err != nil && err != io.EOF:
		return n, &sourceError{fmt.Sprintf("read file: %v", err)}
	}
	return n, err
}

// checkSize refuses up front a file whose declared size exceeds max.
func checkSize(size, max int64) error {
	if max > 0 && size > max {
		return &sourceError{fmt.Sprintf("file of %d bytes exceeds the scanner's size limit of %d bytes", size, max)}
	}
	return nil
}

// ctxErr names the reason when err came from ctx ending (cancellation, or
// its deadline set on the connection), which the bare network error hides.
func ctxErr(ctx context.Context, err error) error {
	if cerr := context.Cause(ctx); cerr != nil {
		return fmt.Errorf("%w (%v)", cerr, err)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("timed out (%w)", err)
	}
	return err
}
