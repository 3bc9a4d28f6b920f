package scan

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// checkPrintable fails t if a Result field shown to admins carries control
// or non-ASCII bytes from the peer.
func checkPrintable(t *testing.T, res Result) {
	t.Helper()
	for _, s := range []string{res.Signature, res.Detail} {
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] > 0x7e {
				t.Fatalf("unprintable byte %#x in %q", s[i], s)
			}
		}
	}
}

// checkShape fails t if res is not one of the three verdicts with the
// field its verdict needs.
func checkShape(t *testing.T, res Result) {
	t.Helper()
	switch res.Verdict {
	case Clean:
	case Infected:
		if res.Signature == "" {
			t.Fatalf("Infected without Signature: %+v", res)
		}
	case Failed:
		if res.Detail == "" {
			t.Fatalf("Failed without Detail: %+v", res)
		}
	default:
		t.Fatalf("no verdict: %+v", res)
	}
	checkPrintable(t, res)
}

// FuzzClamdReply feeds arbitrary bytes to the clamd reply reader and parser.
// Property: Clean only for exactly "stream: OK\0" (anything after the NUL
// belongs to no reply of ours and is never read).
func FuzzClamdReply(f *testing.F) {
	for _, s := range []string{
		"stream: OK\x00",
		"stream: Kakehashi.Test.UNOFFICIAL FOUND\x00",
		"INSTREAM size limit exceeded. ERROR\x00",
		"stream: OK",
		"stream: OK\n",
		"stream: ok\x00",
		"stream:  FOUND\x00",
		"stream: OK FOUND\x00",
		"stream: OK\x00stream: Evil FOUND\x00",
		"PONG\x00",
		"UNKNOWN COMMAND\x00",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		reply, err := readClamdReply(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			return // Scan turns this into Failed
		}
		res := parseClamdReply("clamd", reply)
		checkShape(t, res)
		if res.Verdict == Clean && !bytes.HasPrefix(data, []byte("stream: OK\x00")) {
			t.Fatalf("Clean for %q", data)
		}
		if res.Verdict == Clean && reply != "stream: OK\x00" {
			t.Fatalf("Clean for reply %q", reply)
		}
	})
}

// FuzzICAPResponse feeds arbitrary bytes to the ICAP reply reader.
// Property: Clean only for a well-formed "ICAP/1.0 204" head that names no
// infection.
func FuzzICAPResponse(f *testing.F) {
	for _, s := range []string{
		// c-icap 0.5.10 virus_scan, clean and infected (research §5.2).
		"ICAP/1.0 204 Unmodified\r\nServer: C-ICAP/0.5.10\r\nConnection: keep-alive\r\nISTag: \"CI0001-L5CkDhq+qWNs+PZ5DxxXsAAA\"\r\n\r\n",
		"ICAP/1.0 200 OK\r\nServer: C-ICAP/0.5.10\r\nConnection: keep-alive\r\nISTag: \"CI0001-L5CkDhq+qWNs+PZ5DxxXsAAA\"\r\n" +
			"X-Infection-Found: Type=0; Resolution=2; Threat=Kakehashi.Test.UNOFFICIAL;\r\nX-Violations-Found: 1\r\n\t-\r\n\tKakehashi.Test.UNOFFICIAL\r\n\t0\r\n\t0\r\n" +
			"Encapsulated: res-hdr=0, res-body=22\r\n\r\nHTTP/1.0 403 Forbidden\r\n\r\n19b\r\n<html>",
		"ICAP/1.0 200 OK\r\nEncapsulated: res-hdr=0, res-body=25\r\n\r\nHTTP/1.1 403 Forbidden\r\n\r\n0\r\n\r\n",
		"ICAP/1.0 200 OK\r\nEncapsulated: res-hdr=0, res-body=19\r\n\r\nHTTP/1.1 200 OK\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"ICAP/1.0 204 No Content\r\nX-Infection-Found: Type=0; Threat=Evil;\r\n\r\n",
		"ICAP/1.0 204 No Content\r\nX-Virus-ID: Evil\r\n\r\n",
		"ICAP/1.0 204 No Content\r\n x-continued: 1\r\n\r\n",
		"ICAP/1.0 204 No Content\n\n",
		"ICAP/1.0 500 Server error\r\n\r\n",
		"ICAP/1.0 100 Continue\r\n\r\n",
		"ICAP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"ICAP/1.0 204\r\n\r\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := readICAPResult("icap", bytes.NewReader(data))
		if err != nil {
			return // Scan turns this into Failed
		}
		checkShape(t, res)
		if res.Verdict != Clean {
			return
		}
		head, _, ok := strings.Cut(string(data), "\r\n\r\n")
		if !ok || !strings.HasPrefix(head, "ICAP/1.0 204") {
			t.Fatalf("Clean for %q", data)
		}
		lower := strings.ToLower(head)
		for _, h := range []string{"\nx-infection-found:", "\nx-violations-found:", "\nx-virus-id:"} {
			if strings.Contains(lower, h) {
				t.Fatalf("Clean despite %s in %q", h, data)
			}
		}
	})
}
