package scan

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Clamd scans with ClamAV's daemon over its socket protocol (clamd(8),
// "INSTREAM"). The zero value is not usable: Network and Address are
// required.
type Clamd struct {
	// Label is the configured name reported in Result.Scanner; "clamd" when
	// empty.
	Label string
	// Network is "unix" (Address is the LocalSocket path) or "tcp"
	// (Address is host:port of TCPSocket/TCPAddr).
	Network, Address string
	// Timeout bounds one whole scan or ping, dial to reply;
	// DefaultTimeout when zero. A shorter context deadline wins.
	Timeout time.Duration
	// Dial opens the connection; a net.Dialer when nil.
	Dial DialFunc
	// ChunkSize is the INSTREAM chunk length in bytes; DefaultChunkSize
	// when zero. clamd refuses a chunk longer than its StreamMaxLength.
	ChunkSize int
	// MaxSize, when positive, fails files larger than this without sending
	// them. Set it to clamd's StreamMaxLength to save the upload; clamd
	// itself answers "INSTREAM size limit exceeded" either way, which is
	// Failed too.
	MaxSize int64
}

var _ Scanner = (*Clamd)(nil)

// maxClamdReply bounds what is read of a reply: a verdict line carries one
// signature name, well under this.
const maxClamdReply = 4 << 10

// Name returns Label, or "clamd".
func (c *Clamd) Name() string {
	if c.Label == "" {
		return "clamd"
	}
	return c.Label
}

// Scan sends r to clamd with INSTREAM and parses the verdict.
func (c *Clamd) Scan(ctx context.Context, r io.Reader, size int64) Result {
	name := c.Name()
	if err := checkSize(size, c.MaxSize); err != nil {
		return failed(name, "%v", err)
	}
	ctx, cancel := withTimeout(ctx, c.Timeout)
	defer cancel()
	conn, err := dial(ctx, c.Dial, c.Network, c.Address)
	if err != nil {
		return failed(name, "connect to clamd: %v", err)
	}
	defer conn.Close() // the verdict is already read; nothing to flush
	stop := bindConn(ctx, conn)
	defer stop()

	src := &sourceReader{r: r, size: size, max: c.MaxSize}
	werr := writeInstream(conn, src, chunkSize(c.ChunkSize))
	var se *sourceError
	if errors.As(werr, &se) {
		// Our side broke off without the terminating chunk; clamd would
		// wait for more, and anything it said would be about a truncated
		// stream.
		return failed(name, "%v", se)
	}
	reply, rerr := readClamdReply(bufio.NewReader(conn))
	if werr != nil {
		// clamd answers and hangs up mid-stream when the stream exceeds
		// StreamMaxLength, so a write error may come with a reply that says
		// why. It can be Infected or Failed, never Clean: not every byte
		// was scanned.
		if rerr == nil {
			if res := parseClamdReply(name, reply); res.Verdict == Infected {
				return res
			}
			return failed(name, "clamd stopped reading the stream: %s", printable(strings.TrimSuffix(reply, "\x00"), 200))
		}
		return failed(name, "send to clamd: %v", ctxErr(ctx, werr))
	}
	if rerr != nil {
		return failed(name, "read clamd reply: %v", ctxErr(ctx, rerr))
	}
	return parseClamdReply(name, reply)
}

// Ping checks that clamd answers PING with PONG, for health checks.
func (c *Clamd) Ping(ctx context.Context) error {
	ctx, cancel := withTimeout(ctx, c.Timeout)
	defer cancel()
	conn, err := dial(ctx, c.Dial, c.Network, c.Address)
	if err != nil {
		return fmt.Errorf("connect to clamd: %w", err)
	}
	defer conn.Close()
	stop := bindConn(ctx, conn)
	defer stop()
	if _, err := io.WriteString(conn, "zPING\x00"); err != nil {
		return fmt.Errorf("send ping: %w", ctxErr(ctx, err))
	}
	reply, err := readClamdReply(bufio.NewReader(conn))
	if err != nil {
		return fmt.Errorf("read ping reply: %w", ctxErr(ctx, err))
	}
	if reply != "PONG\x00" {
		return fmt.Errorf("clamd answered ping with %q", printable(reply, 100))
	}
	return nil
}

// writeInstream sends the INSTREAM command and src in chunks. The "z"
// prefix asks clamd for NUL-terminated replies, so a reply is complete only
// when its NUL arrives (a line cut by a dying connection is not).
func writeInstream(w io.Writer, src io.Reader, chunk int) error {
	bw := bufio.NewWriterSize(w, chunk+4)
	if _, err := bw.WriteString("zINSTREAM\x00"); err != nil {
		return err
	}
	buf := make([]byte, 4+chunk)
	for {
		n, rerr := io.ReadFull(src, buf[4:])
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			return rerr // a source error: send nothing more, not even n bytes
		}
		if n > 0 {
			binary.BigEndian.PutUint32(buf[:4], uint32(n))
			if _, err := bw.Write(buf[:4+n]); err != nil {
				return err
			}
		}
		if rerr != nil {
			break
		}
	}
	// A zero-length chunk ends the stream and starts the scan.
	if _, err := bw.Write([]byte{0, 0, 0, 0}); err != nil {
		return err
	}
	return bw.Flush()
}

// readClamdReply reads one NUL-terminated reply, NUL included, of at most
// maxClamdReply bytes.
func readClamdReply(br *bufio.Reader) (string, error) {
	var b []byte
	for len(b) < maxClamdReply {
		c, err := br.ReadByte()
		if err != nil {
			if err == io.EOF {
				return "", fmt.Errorf("connection closed after %d bytes of reply", len(b))
			}
			return "", err
		}
		b = append(b, c)
		if c == 0 {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("reply longer than %d bytes", maxClamdReply)
}

// parseClamdReply turns one INSTREAM reply into a Result. Only the exact
// clean reply "stream: OK\0" is Clean; "stream: <name> FOUND\0" is Infected;
// everything else, including "INSTREAM size limit exceeded. ERROR", is
// Failed.
func parseClamdReply(name, reply string) Result {
	if reply == "stream: OK\x00" {
		return Result{Scanner: name, Verdict: Clean}
	}
	line, ok := strings.CutSuffix(reply, "\x00")
	if !ok || strings.IndexByte(line, 0) >= 0 {
		return failed(name, "malformed clamd reply %q", printable(reply, 200))
	}
	if sig, ok := strings.CutSuffix(line, " FOUND"); ok {
		if sig, ok = strings.CutPrefix(sig, "stream: "); ok {
			return infected(name, sig)
		}
	}
	if msg, ok := strings.CutSuffix(line, " ERROR"); ok {
		return failed(name, "clamd error: %s", printable(strings.TrimPrefix(msg, "stream: "), 200))
	}
	return failed(name, "unexpected clamd reply %q", printable(line, 200))
}
