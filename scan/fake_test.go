package scan_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/scan"
)

// fakeServer listens on loopback and runs handle for each connection: the
// misbehaving peers that no real server plays. done closes at cleanup, so
// handlers that stall can end; cleanup waits for every handler.
func fakeServer(t *testing.T, handle func(c net.Conn, done <-chan struct{})) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	accepted := make(chan struct{})
	var wg sync.WaitGroup
	go func() {
		defer close(accepted)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				handle(c, done)
			})
		}
	}()
	t.Cleanup(func() {
		close(done)
		if err := l.Close(); err != nil {
			t.Error(err)
		}
		<-accepted
		wg.Wait()
	})
	return l.Addr().String()
}

// fakeCase is one scripted reply of a fake server.
type fakeCase struct {
	name  string
	read  bool   // read the whole request before replying
	reply string // sent as is, then the connection is closed
	stall bool   // instead of closing, wait (not reading) until cleanup
	big   bool   // scan 4 MiB, more than socket buffers hold, instead of "hello"
	want  scan.Verdict
	sig   string
}

// run scans through a fake server playing tc, with a short deadline for
// the cases meant to hang, and checks the verdict. check, when set, sees
// the request bytes the server read.
func (tc fakeCase) run(t *testing.T, newScanner func(addr string) scan.Scanner, readRequest func(*bufio.Reader) ([]byte, error)) {
	t.Parallel()
	data := []byte("hello")
	if tc.big {
		data = bytes.Repeat([]byte("0123456789abcdef"), 4<<20/16)
	}
	got := make(chan []byte, 1)
	addr := fakeServer(t, func(c net.Conn, done <-chan struct{}) {
		if tc.read {
			body, err := readRequest(bufio.NewReader(c))
			if err != nil {
				t.Errorf("fake server: read request: %v", err)
				return
			}
			got <- body
		}
		if _, err := io.WriteString(c, tc.reply); err != nil && tc.read {
			t.Errorf("fake server: write reply: %v", err)
		}
		if tc.stall {
			<-done
		}
	})
	timeout := time.Minute
	if tc.stall && tc.want == scan.Failed { // waiting for the deadline
		timeout = 300 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s := newScanner(addr)
	res := s.Scan(ctx, bytes.NewReader(data), int64(len(data)))
	if res.Verdict != tc.want || (tc.sig != "" && res.Signature != tc.sig) {
		t.Fatalf("got %v, want %v %s", res, tc.want, tc.sig)
	}
	if res.Verdict == scan.Failed && res.Detail == "" {
		t.Errorf("Failed without Detail")
	}
	t.Logf("%v", res)
	if tc.read {
		if body := <-got; !bytes.Equal(body, data) {
			t.Errorf("server received %d bytes %.20q, want %d", len(body), body, len(data))
		}
	}
}

// readClamdStream reads a zINSTREAM command and its chunks and returns the
// file, checking the framing on the way.
func readClamdStream(br *bufio.Reader) ([]byte, error) {
	cmd, err := br.ReadString(0)
	if err != nil || cmd != "zINSTREAM\x00" {
		return nil, fmt.Errorf("command %q: %v", cmd, err)
	}
	var data []byte
	for {
		var n uint32
		if err := binary.Read(br, binary.BigEndian, &n); err != nil {
			return nil, err
		}
		if n == 0 {
			return data, nil
		}
		chunk := make([]byte, n)
		if _, err := io.ReadFull(br, chunk); err != nil {
			return nil, err
		}
		data = append(data, chunk...)
	}
}

func TestClamdFakeServer(t *testing.T) {
	t.Parallel()
	cases := []fakeCase{
		{name: "ok", read: true, reply: "stream: OK\x00", want: scan.Clean},
		{name: "found", read: true, reply: "stream: Evil.Test FOUND\x00", want: scan.Infected, sig: "Evil.Test"},
		{name: "found-with-escape-codes", read: true, reply: "stream: Evil\x1b[2J FOUND\x00", want: scan.Infected, sig: "Evil?[2J"},
		{name: "found-unnamed", read: true, reply: "stream:  FOUND\x00", want: scan.Infected, sig: "(unnamed)"},
		{name: "size-limit", read: true, reply: "INSTREAM size limit exceeded. ERROR\x00", want: scan.Failed},
		{name: "ok-lowercase", read: true, reply: "stream: ok\x00", want: scan.Failed},
		{name: "ok-without-nul", read: true, reply: "stream: OK", want: scan.Failed},
		{name: "ok-newline", read: true, reply: "stream: OK\n", want: scan.Failed},
		{name: "closed-mid-reply", read: true, reply: "stream: O", want: scan.Failed},
		{name: "closed-before-reply", read: true, want: scan.Failed},
		{name: "garbage", read: true, reply: "HTTP/1.1 400 Bad Request\r\n\r\n", want: scan.Failed},
		{name: "reply-too-long", read: true, reply: strings.Repeat("A", 10<<10), want: scan.Failed},
		{name: "hang-after-reading", read: true, stall: true, want: scan.Failed},
		{name: "hang-without-reading", stall: true, big: true, want: scan.Failed},
		// A reply before the file was read is about no file at all.
		{name: "ok-without-reading", reply: "stream: OK\x00", big: true, want: scan.Failed},
	}
	newScanner := func(addr string) scan.Scanner {
		return &scan.Clamd{Network: "tcp", Address: addr, ChunkSize: 3}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newScanner, readClamdStream) })
	}
}

// readICAPRequest reads a RESPMOD request, checks its head and
// encapsulated HTTP header, and returns the de-chunked body.
func readICAPRequest(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(line, "RESPMOD icap://127.0.0.1:") || !strings.HasSuffix(line, "/avscan ICAP/1.0\r\n") {
		return nil, fmt.Errorf("request line %q", line)
	}
	head := map[string]string{}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		if line == "\r\n" {
			break
		}
		k, v, _ := strings.Cut(strings.TrimSuffix(line, "\r\n"), ": ")
		head[k] = v
	}
	if head["Allow"] != "204" || head["Host"] == "" {
		return nil, fmt.Errorf("ICAP header %q", head)
	}
	off, ok := strings.CutPrefix(head["Encapsulated"], "res-hdr=0, res-body=")
	n, err := strconv.Atoi(off)
	if !ok || err != nil {
		return nil, fmt.Errorf("Encapsulated %q", head["Encapsulated"])
	}
	httpHead := make([]byte, n)
	if _, err := io.ReadFull(br, httpHead); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(httpHead)), nil)
	if err != nil {
		return nil, fmt.Errorf("encapsulated header: %v", err)
	}
	body, err := io.ReadAll(httputil.NewChunkedReader(br))
	if err != nil {
		return nil, err
	}
	if crlf, err := br.Peek(2); err != nil || string(crlf) != "\r\n" {
		return nil, errors.New("chunked body not ended by CRLF")
	}
	if resp.ContentLength != int64(len(body)) {
		return nil, fmt.Errorf("Content-Length %d for %d bytes", resp.ContentLength, len(body))
	}
	return body, nil
}

// icap200 returns a 200 reply with ICAP header lines extra and an
// encapsulated HTTP response header httpHead.
func icap200(extra, httpHead string) string {
	return "ICAP/1.0 200 OK\r\nISTag: \"t\"\r\n" + extra +
		fmt.Sprintf("Encapsulated: res-hdr=0, res-body=%d\r\n\r\n", len(httpHead)) + httpHead + "5\r\nhello\r\n0\r\n\r\n"
}

func TestICAPFakeServer(t *testing.T) {
	t.Parallel()
	const ok204 = "ICAP/1.0 204 No Content\r\nISTag: \"t\"\r\nEncapsulated: null-body=0\r\n\r\n"
	block := "HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\n\r\n"
	echo := "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
	cases := []fakeCase{
		{name: "204", read: true, reply: ok204, want: scan.Clean},
		{name: "204-with-infection", read: true, reply: "ICAP/1.0 204 No Content\r\nX-Infection-Found: Type=0; Resolution=2; Threat=Evil;\r\n\r\n", want: scan.Infected, sig: "Evil"},
		{name: "x-infection-found", read: true, reply: icap200("X-Infection-Found: Type=0; Resolution=2; Threat=Evil.Test;\r\n", block), want: scan.Infected, sig: "Evil.Test"},
		{name: "x-violations-found", read: true, reply: icap200("X-Violations-Found: 1\r\n\t-\r\n\tEvil.Listed\r\n\t0\r\n\t0\r\n", block), want: scan.Infected, sig: "Evil.Listed"},
		{name: "x-virus-id", read: true, reply: icap200("X-Virus-ID: Evil.Id\r\n", block), want: scan.Infected, sig: "Evil.Id"},
		{name: "http-403-only", read: true, reply: icap200("", block), want: scan.Infected, sig: "(unnamed)"},
		{name: "file-sent-back", read: true, reply: icap200("", echo), want: scan.Failed},
		{name: "200-without-encapsulated", read: true, reply: "ICAP/1.0 200 OK\r\n\r\n", want: scan.Failed},
		{name: "200-bad-offsets", read: true, reply: "ICAP/1.0 200 OK\r\nEncapsulated: res-hdr=10, res-body=5\r\n\r\n", want: scan.Failed},
		{name: "500", read: true, reply: "ICAP/1.0 500 Server error\r\n\r\n", want: scan.Failed},
		{name: "100-continue", read: true, reply: "ICAP/1.0 100 Continue\r\n\r\n", want: scan.Failed},
		{name: "icap-1.1", read: true, reply: strings.Replace(ok204, "ICAP/1.0", "ICAP/1.1", 1), want: scan.Failed},
		{name: "bare-lf", read: true, reply: strings.ReplaceAll(ok204, "\r\n", "\n"), want: scan.Failed},
		{name: "garbage", read: true, reply: "HTTP/1.1 200 OK\r\n\r\n", want: scan.Failed},
		{name: "truncated-head", read: true, reply: "ICAP/1.0 204 No Content\r\nISTag: \"t\"\r\n", want: scan.Failed},
		{name: "huge-head", read: true, reply: "ICAP/1.0 204 No Content\r\n" + strings.Repeat("X-Pad: aaaaaaaaaaaaaaaaaaaa\r\n", 4000) + "\r\n", want: scan.Failed},
		{name: "closed-before-reply", read: true, want: scan.Failed},
		{name: "hang-after-reading", read: true, stall: true, want: scan.Failed},
		{name: "hang-without-reading", stall: true, big: true, want: scan.Failed},
		// "Unmodified" before the server had the file is about no file.
		{name: "204-without-reading", reply: ok204, big: true, want: scan.Failed},
		// A block page before the end of the upload still counts. (The
		// server stalls rather than closing: a close with unread data
		// resets the connection, which may discard the reply.)
		{name: "infected-without-reading", reply: icap200("X-Infection-Found: Type=0; Resolution=2; Threat=Early;\r\n", block), stall: true, big: true, want: scan.Infected, sig: "Early"},
	}
	newScanner := func(addr string) scan.Scanner {
		return &scan.ICAP{Address: addr, Service: "avscan", ChunkSize: 3}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newScanner, readICAPRequest) })
	}
}

func TestICAPOptionsFakeServer(t *testing.T) {
	t.Parallel()
	reply := "ICAP/1.0 200 OK\r\nMethods: RESPMOD, REQMOD\r\nService: Fake\r\nISTag: \"abc\"\r\n" +
		"Max-Connections: 7\r\nOptions-TTL: 3600\r\nAllow: 204\r\nPreview: 1024\r\nEncapsulated: null-body=0\r\n\r\n"
	addr := fakeServer(t, func(c net.Conn, _ <-chan struct{}) {
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "OPTIONS icap://") {
			t.Errorf("request line %q: %v", line, err)
		}
		if _, err := io.WriteString(c, reply); err != nil {
			t.Error(err)
		}
	})
	c := &scan.ICAP{Address: addr, Service: "avscan"}
	o, err := c.Options(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := scan.ICAPOptions{Methods: []string{"RESPMOD", "REQMOD"}, Service: "Fake", ISTag: "abc", Preview: 1024, Allow204: true, TTL: time.Hour, MaxConnections: 7}
	if fmt.Sprint(o) != fmt.Sprint(want) {
		t.Errorf("Options = %+v, want %+v", o, want)
	}
	if err := c.Ping(context.Background()); err != nil {
		t.Error(err)
	}
}
