package scan

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Bounds on what is read of an ICAP reply. Both heads are hostile input:
// a server (or whatever answers on its port) could otherwise make us buffer
// without end. The reply body is never read.
const (
	maxICAPHead = 64 << 10 // ICAP status line and headers
	maxHTTPHead = 64 << 10 // encapsulated HTTP response header of a 200 reply
)

// icapHead is a parsed ICAP status line and header (RFC 3507 §4.3).
type icapHead struct {
	code   int
	reason string
	fields []icapField
}

// icapField is one header field. Its value keeps continuation lines apart,
// because X-Violations-Found puts one item on each line.
type icapField struct {
	name  string
	lines []string
}

// readICAPResult reads an ICAP reply to RESPMOD from r and interprets it.
// An error means the reply could not be read or its head not parsed; a
// reply that parses but says nothing we can trust is a Failed Result.
func readICAPResult(name string, r io.Reader) (Result, error) {
	lr := &io.LimitedReader{R: r, N: maxICAPHead}
	br := bufio.NewReader(lr)
	h, err := readICAPHead(br)
	if err != nil {
		return Result{}, err
	}
	// Infection headers win over any status: a server that names a threat
	// has found one, whatever else it says.
	if sig, ok := h.threat(); ok {
		return infected(name, sig), nil
	}
	switch h.code {
	case 204:
		// §4.6: "unmodified", allowed outside previews because the request
		// said "Allow: 204".
		return Result{Scanner: name, Verdict: Clean}, nil
	case 200:
		lr.N += maxHTTPHead
		code, err := h.encapsulatedStatus(br)
		if err != nil {
			return failed(name, "malformed ICAP 200 reply: %v", err), nil
		}
		if code == 403 {
			// A block page in place of the file, without naming the threat.
			return infected(name, ""), nil
		}
		// The server sent a file back instead of 204. It may be modified
		// (content disarm) or passed through unscanned (c-icap does so
		// above its MaxObjectSize); either way it is no clean verdict, and
		// taking sanitized files back is not supported.
		return failed(name, "ICAP server sent a file back (HTTP %d) instead of 204 \"unmodified\"", code), nil
	}
	return failed(name, "ICAP server answered %d %s", h.code, printable(h.reason, 100)), nil
}

// readICAPHead reads the status line and header fields up to the empty line.
// It is strict (CRLF line ends, no control characters, ICAP/1.0 only):
// anything unusual is an error, so it can only ever make a scan Failed.
func readICAPHead(br *bufio.Reader) (*icapHead, error) {
	line, err := readCRLF(br)
	if err != nil {
		return nil, err
	}
	// §4.3.3 / RFC 2616 §6.1: Status-Line = Version SP Status-Code SP Reason
	version, rest, _ := strings.Cut(line, " ")
	if version != "ICAP/1.0" {
		return nil, fmt.Errorf("not an ICAP/1.0 status line: %q", printable(line, 100))
	}
	codeText, reason, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeText)
	if err != nil || len(codeText) != 3 || code < 100 {
		return nil, fmt.Errorf("bad ICAP status code %q", printable(codeText, 20))
	}
	h := &icapHead{code: code, reason: reason}
	for {
		line, err := readCRLF(br)
		if err != nil {
			return nil, err
		}
		if line == "" {
			return h, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(h.fields) == 0 {
				return nil, errors.New("ICAP header starts with a continuation line")
			}
			f := &h.fields[len(h.fields)-1]
			f.lines = append(f.lines, strings.Trim(line, " \t"))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("malformed ICAP header line %q", printable(line, 100))
		}
		h.fields = append(h.fields, icapField{name: name, lines: []string{strings.Trim(value, " \t")}})
	}
}

// readCRLF reads one line ending in CRLF and returns it without the CRLF.
func readCRLF(br *bufio.Reader) (string, error) {
	line, err := br.ReadString('\n')
	if err == io.EOF {
		return "", fmt.Errorf("reply ended inside its header, or the header exceeds %d bytes", maxICAPHead)
	}
	if err != nil {
		return "", err
	}
	line, ok := strings.CutSuffix(line, "\r\n")
	if !ok {
		return "", errors.New("header line not ended by CRLF")
	}
	for i := 0; i < len(line); i++ {
		if c := line[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return "", fmt.Errorf("control character in header line %q", printable(line, 100))
		}
	}
	return line, nil
}

// field returns the first field called name (case-insensitive, §4.3).
func (h *icapHead) field(name string) (icapField, bool) {
	for _, f := range h.fields {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return icapField{}, false
}

// value returns the field's lines joined by spaces, or "".
func (h *icapHead) value(name string) string {
	f, _ := h.field(name)
	return strings.Join(f.lines, " ")
}

// threat reports whether the reply names an infection, and the threat's
// name when it gives one. Vendors differ (research §4): c-icap and Squid
// use X-Infection-Found ("Type=0; Resolution=2; Threat=Name;"),
// X-Violations-Found is the older draft's list (count, then filename,
// threat, ID and disposition per violation, one per line), and some
// engines send X-Virus-ID with just the name.
func (h *icapHead) threat() (string, bool) {
	found := false
	if f, ok := h.field("X-Infection-Found"); ok {
		found = true
		for _, p := range strings.Split(strings.Join(f.lines, " "), ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "Threat") && v != "" {
				return v, true
			}
		}
	}
	if f, ok := h.field("X-Violations-Found"); ok {
		found = true
		if len(f.lines) >= 3 && f.lines[2] != "" {
			return f.lines[2], true
		}
	}
	if f, ok := h.field("X-Virus-ID"); ok {
		found = true
		if v := strings.Join(f.lines, " "); v != "" {
			return v, true
		}
	}
	return "", found
}

// encapsulatedStatus reads the encapsulated HTTP response header that
// follows the ICAP head of a 200 reply and returns its status code. The
// Encapsulated field (§4.4.1) gives each part's offset; the header runs from
// res-hdr to the next part.
func (h *icapHead) encapsulatedStatus(br *bufio.Reader) (int, error) {
	parts, err := parseEncapsulated(h.value("Encapsulated"))
	if err != nil {
		return 0, err
	}
	start, end := -1, -1
	for i, p := range parts {
		if p.name == "res-hdr" && i+1 < len(parts) {
			start, end = p.offset, parts[i+1].offset
		}
	}
	if start < 0 {
		return 0, errors.New("no encapsulated HTTP response header")
	}
	if end > maxHTTPHead {
		return 0, fmt.Errorf("encapsulated header exceeds %d bytes", maxHTTPHead)
	}
	buf := make([]byte, end)
	if _, err := io.ReadFull(br, buf); err != nil {
		return 0, fmt.Errorf("read encapsulated header: %w", err)
	}
	status, _, _ := strings.Cut(string(buf[start:]), "\r\n")
	version, rest, _ := strings.Cut(status, " ")
	codeText, _, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeText)
	if !strings.HasPrefix(version, "HTTP/1.") || err != nil || len(codeText) != 3 || code < 100 {
		return 0, fmt.Errorf("bad encapsulated status line %q", printable(status, 100))
	}
	return code, nil
}

type encapsulatedPart struct {
	name   string
	offset int
}

// parseEncapsulated parses "res-hdr=0, res-body=161" (§4.4.1): known part
// names with increasing offsets, the last one a body.
func parseEncapsulated(v string) ([]encapsulatedPart, error) {
	if v == "" {
		return nil, errors.New("no Encapsulated header")
	}
	var parts []encapsulatedPart
	for _, item := range strings.Split(v, ",") {
		k, n, ok := strings.Cut(strings.TrimSpace(item), "=")
		off, err := strconv.Atoi(n)
		if !ok || err != nil || off < 0 || n[0] == '+' {
			return nil, fmt.Errorf("bad Encapsulated item %q", printable(item, 50))
		}
		switch k {
		case "req-hdr", "res-hdr", "req-body", "res-body", "null-body", "opt-body":
		default:
			return nil, fmt.Errorf("unknown Encapsulated part %q", printable(k, 50))
		}
		if len(parts) > 0 && off <= parts[len(parts)-1].offset {
			return nil, errors.New("offsets in Encapsulated do not increase")
		}
		parts = append(parts, encapsulatedPart{k, off})
	}
	return parts, nil
}

// options reads the fields of an OPTIONS reply (§4.10.2).
func (h *icapHead) options() ICAPOptions {
	o := ICAPOptions{
		Service: h.value("Service"),
		ISTag:   strings.Trim(h.value("ISTag"), `"`),
		Preview: -1,
	}
	for _, m := range strings.FieldsFunc(h.value("Methods"), func(r rune) bool { return r == ',' || r == ' ' }) {
		o.Methods = append(o.Methods, strings.ToUpper(m))
	}
	if n, err := strconv.Atoi(h.value("Preview")); err == nil && n >= 0 {
		o.Preview = n
	}
	for _, a := range strings.Split(h.value("Allow"), ",") {
		if strings.TrimSpace(a) == "204" {
			o.Allow204 = true
		}
	}
	if n, err := strconv.Atoi(h.value("Options-TTL")); err == nil && n > 0 {
		o.TTL = time.Duration(n) * time.Second
	}
	if n, err := strconv.Atoi(h.value("Max-Connections")); err == nil && n > 0 {
		o.MaxConnections = n
	}
	return o
}
