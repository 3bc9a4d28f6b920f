package scan

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// ICAP scans with an ICAP server (RFC 3507) in response modification mode,
// such as c-icap's virus_scan service. The zero value is not usable:
// Address and Service are required.
//
// Only 204 "unmodified" (or a named infection, or a 403 block page) is a
// verdict; a server that sends the file back is Failed. With c-icap that
// means the virus_scan service must run in simple mode (ServiceAlias avscan
// virus_scan?allow204=on&mode=simple), since its default mode starts
// replying before the scan ends and can then no longer answer 204. Keep
// virus_scan.PassOnError off and ScanFileTypes covering every type group,
// or c-icap answers 204 for what it did not scan; package scantest's
// configuration is the tested example.
type ICAP struct {
	// Label is the configured name reported in Result.Scanner; "icap" when
	// empty.
	Label string
	// Address is the server's host:port (ICAP's registered port is 1344).
	Address string
	// Service is the path of the ICAP URI, e.g. "avscan" for
	// icap://Address/avscan.
	Service string
	// Timeout bounds one whole scan or OPTIONS request, dial to reply;
	// DefaultTimeout when zero. A shorter context deadline wins.
	Timeout time.Duration
	// Dial opens the connection; a net.Dialer when nil.
	Dial DialFunc
	// ChunkSize is the HTTP chunk length of the encapsulated body;
	// DefaultChunkSize when zero.
	ChunkSize int
	// MaxSize, when positive, fails files larger than this without sending
	// them. Set it to the service's object size limit: servers differ in
	// what they do above it, and c-icap's virus_scan passes an object
	// whose Content-Length exceeds its MaxObjectSize through unscanned.
	MaxSize int64
}

var _ Scanner = (*ICAP)(nil)

// Name returns Label, or "icap".
func (c *ICAP) Name() string {
	if c.Label == "" {
		return "icap"
	}
	return c.Label
}

// uri returns icap://Address/Service after checking both contain nothing
// that could end the request line or inject a header.
func (c *ICAP) uri() (string, error) {
	if _, _, err := net.SplitHostPort(c.Address); err != nil || !isURIText(c.Address) {
		return "", fmt.Errorf("invalid ICAP address %q", printable(c.Address, 100))
	}
	svc := strings.TrimPrefix(c.Service, "/")
	if svc == "" || !isURIText(svc) {
		return "", fmt.Errorf("invalid ICAP service %q", printable(c.Service, 100))
	}
	return "icap://" + c.Address + "/" + svc, nil
}

// isURIText reports whether s holds only printable ASCII without spaces.
func isURIText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// Scan sends r to the service with RESPMOD and interprets the reply.
//
// r is wrapped as the body of an HTTP response (RFC 3507 §4.9), the mode
// virus scanners use for downloads. No Preview is offered: the server must
// read every byte before it answers (§4.5), and "Allow: 204" lets it say
// "unmodified" without echoing the file back (§4.6).
func (c *ICAP) Scan(ctx context.Context, r io.Reader, size int64) Result {
	name := c.Name()
	uri, err := c.uri()
	if err != nil {
		return failed(name, "%v", err)
	}
	if err := checkSize(size, c.MaxSize); err != nil {
		return failed(name, "%v", err)
	}
	ctx, cancel := withTimeout(ctx, c.Timeout)
	defer cancel()
	conn, err := dial(ctx, c.Dial, "tcp", c.Address)
	if err != nil {
		return failed(name, "connect to ICAP server: %v", err)
	}
	defer conn.Close()
	stop := bindConn(ctx, conn)
	defer stop()

	// Write and read at once: a server may answer (an error, a block page)
	// before it has read the whole body, and waiting to finish the upload
	// first could deadlock with it.
	src := &sourceReader{r: r, size: size, max: c.MaxSize}
	werrc := make(chan error, 1)
	go func() {
		err := writeRESPMOD(conn, uri, c.Address, src, size, chunkSize(c.ChunkSize))
		var se *sourceError
		if errors.As(err, &se) {
			// The server would wait for the rest of a body that is not
			// coming; unblock the reader. (After a network error the
			// reader is left alone: the server may have answered early,
			// e.g. with a block page, and then hung up.)
			_ = conn.Close()
		}
		werrc <- err
	}()
	res, rerr := readICAPResult(name, conn)
	if rerr != nil || res.Verdict != Clean {
		// Unblock the writer; it must stop reading r before we return.
		_ = conn.Close()
	}
	werr := <-werrc

	var se *sourceError
	switch {
	case errors.As(werr, &se):
		// The server saw a truncated body, so no answer of its can be
		// Clean; an early Infected still stands.
		if rerr == nil && res.Verdict == Infected {
			return res
		}
		return failed(name, "%v", se)
	case rerr != nil:
		return failed(name, "read ICAP reply: %v", ctxErr(ctx, rerr))
	case res.Verdict == Clean && werr != nil:
		// "Unmodified" before the server had all the bytes is not a
		// verdict about the file.
		return failed(name, "send to ICAP server: %v", ctxErr(ctx, werr))
	}
	return res
}

// writeRESPMOD writes a RESPMOD request whose encapsulated HTTP response
// carries src as a chunked body (RFC 3507 §4.4.1: encapsulated bodies are
// always chunked).
func writeRESPMOD(w io.Writer, uri, host string, src io.Reader, size int64, chunk int) error {
	httpHead := "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
	if size >= 0 {
		httpHead += "Content-Length: " + strconv.FormatInt(size, 10) + "\r\n"
	}
	httpHead += "\r\n"
	// bufio.Writer's first error sticks: the checks after each chunk and
	// at Flush report any earlier failed write.
	bw := bufio.NewWriterSize(w, chunk+32)
	// §4.4.1: the Encapsulated offsets are byte positions in the
	// encapsulated part; the HTTP header starts at 0 and the body follows
	// it.
	fmt.Fprintf(bw, "RESPMOD %s ICAP/1.0\r\nHost: %s\r\nAllow: 204\r\nEncapsulated: res-hdr=0, res-body=%d\r\n\r\n%s",
		uri, host, len(httpHead), httpHead)
	buf := make([]byte, chunk)
	for {
		n, rerr := io.ReadFull(src, buf)
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			return rerr // a source error: send nothing more, not even n bytes
		}
		if n > 0 {
			fmt.Fprintf(bw, "%x\r\n", n)
			bw.Write(buf[:n])
			if _, err := bw.WriteString("\r\n"); err != nil {
				return err
			}
		}
		if rerr != nil {
			break
		}
	}
	bw.WriteString("0\r\n\r\n")
	return bw.Flush()
}

// ICAPOptions is what an ICAP service announces in reply to OPTIONS
// (RFC 3507 §4.10.2).
type ICAPOptions struct {
	Methods        []string      // e.g. ["RESPMOD", "REQMOD"]
	Service        string        // free text describing the service
	ISTag          string        // service state tag; changes when e.g. signatures change
	Preview        int           // bytes the server wants in a preview; -1 when not announced
	Allow204       bool          // server may answer 204 outside previews
	TTL            time.Duration // how long these options stay valid; 0 when not announced
	MaxConnections int           // 0 when not announced
}

// Options asks the service for its options (RFC 3507 §4.10).
func (c *ICAP) Options(ctx context.Context) (ICAPOptions, error) {
	uri, err := c.uri()
	if err != nil {
		return ICAPOptions{}, err
	}
	ctx, cancel := withTimeout(ctx, c.Timeout)
	defer cancel()
	conn, err := dial(ctx, c.Dial, "tcp", c.Address)
	if err != nil {
		return ICAPOptions{}, fmt.Errorf("connect to ICAP server: %w", err)
	}
	defer conn.Close()
	stop := bindConn(ctx, conn)
	defer stop()
	if _, err := fmt.Fprintf(conn, "OPTIONS %s ICAP/1.0\r\nHost: %s\r\nEncapsulated: null-body=0\r\n\r\n", uri, c.Address); err != nil {
		return ICAPOptions{}, fmt.Errorf("send OPTIONS: %w", ctxErr(ctx, err))
	}
	h, err := readICAPHead(bufio.NewReader(io.LimitReader(conn, maxICAPHead)))
	if err != nil {
		return ICAPOptions{}, fmt.Errorf("read OPTIONS reply: %w", ctxErr(ctx, err))
	}
	if h.code != 200 {
		return ICAPOptions{}, fmt.Errorf("ICAP server answered OPTIONS with %d %s", h.code, printable(h.reason, 100))
	}
	return h.options(), nil
}

// Ping checks that the service answers OPTIONS and offers RESPMOD, for
// health checks.
func (c *ICAP) Ping(ctx context.Context) error {
	o, err := c.Options(ctx)
	if err != nil {
		return err
	}
	for _, m := range o.Methods {
		if m == "RESPMOD" {
			return nil
		}
	}
	return fmt.Errorf("ICAP service %q does not offer RESPMOD", printable(c.Service, 100))
}
