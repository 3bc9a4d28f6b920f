package archive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/sanitize"
)

type tarEntry struct {
	name, body, link string
	flag             byte
}

func buildTar(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		flag := e.flag
		if flag == 0 {
			flag = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Typeflag: flag, Linkname: e.link, Mode: 0o644, Size: int64(len(e.body)),
			ModTime: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC), Format: tar.FormatPAX}
		if flag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gz(t testing.TB, name string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Name = name
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTar(t *testing.T) {
	good := []tarEntry{{name: "dir/", flag: tar.TypeDir}, {name: "dir/a.txt", body: "alpha\n"}, {name: "b.txt", body: "beta \u202e\n"}}
	cases := []struct {
		name    string
		entries []tarEntry
		want    sanitize.Reason
	}{
		{"plain", good, ""},
		{"traversal", []tarEntry{{name: "../../evil.txt", body: "x\n"}}, sanitize.ReasonUnsafePath},
		{"absolute", []tarEntry{{name: "/etc/cron.d/x", body: "x\n"}}, sanitize.ReasonUnsafePath},
		{"symlink", []tarEntry{{name: "passwd", flag: tar.TypeSymlink, link: "/etc/passwd"}}, sanitize.ReasonLink},
		{"hard link", []tarEntry{{name: "a.txt", body: "a\n"}, {name: "h", flag: tar.TypeLink, link: "a.txt"}}, sanitize.ReasonLink},
		{"device", []tarEntry{{name: "dev", flag: tar.TypeChar}}, sanitize.ReasonUnsupported},
		{"fifo", []tarEntry{{name: "pipe", flag: tar.TypeFifo}}, sanitize.ReasonUnsupported},
		{"duplicate", []tarEntry{{name: "a.txt", body: "1\n"}, {name: "./a.txt", body: "2\n"}}, sanitize.ReasonDuplicateName},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, "x.tar", buildTar(t, c.entries...), "")
			if c.want != "" {
				r.wantReject(t, c.want)
				return
			}
			got := r.files(t)
			if got["dir/a.txt"] != "alpha\n" || got["b.txt"] != "beta \n" || len(got) != 3 {
				t.Errorf("output %v", got)
			}
			if r.rep.OutputName != "x.zip" {
				t.Errorf("output name %q", r.rep.OutputName)
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		data := buildTar(t, tarEntry{name: "a.txt", body: strings.Repeat("text\n", 1000)})
		run(t, "x.tar", data[:len(data)/2], "").wantReject(t, sanitize.ReasonMalformed)
	})
}

func TestGzip(t *testing.T) {
	t.Run("tar.gz yields the tar's members", func(t *testing.T) {
		data := gz(t, "", buildTar(t, tarEntry{name: "a.txt", body: "alpha\n"}, tarEntry{name: "sub/b.txt", body: "beta\n"}))
		r := run(t, "bundle.tar.gz", data, "")
		got := r.files(t)
		if got["a.txt"] != "alpha\n" || got["sub/b.txt"] != "beta\n" || len(got) != 2 {
			t.Errorf("output %v", got)
		}
		// The engine names the output "bundle.tar.zip" today: it calls
		// sanitize.OutputName with the output type, which skips the
		// ".tar.gz" rule (reported as a contract change).
	})
	t.Run("tar.gz with a link", func(t *testing.T) {
		data := gz(t, "", buildTar(t, tarEntry{name: "l", flag: tar.TypeSymlink, link: "../../x"}))
		run(t, "x.tgz", data, "").wantReject(t, sanitize.ReasonLink)
	})
	t.Run("single file", func(t *testing.T) {
		r := run(t, "memo.txt.gz", gz(t, "other.txt", []byte("the memo\n")), "")
		if got := r.files(t); got["memo.txt"] != "the memo\n" || len(got) != 1 {
			t.Errorf("output %v", got)
		}
	})
	t.Run("single file named by its header", func(t *testing.T) {
		if got := run(t, "download", gz(t, "../../memo.txt", []byte("x\n")), "").files(t); got["memo.txt"] != "x\n" {
			t.Errorf("output %v", keys(got))
		}
	})
	t.Run("bomb", func(t *testing.T) {
		data := gz(t, "", make([]byte, 20<<20))
		run(t, "zeros.gz", data, "").wantReject(t, sanitize.ReasonCompressionBomb)
	})
	t.Run("corrupt", func(t *testing.T) {
		data := gz(t, "", []byte(strings.Repeat("text ", 1000)))
		data[len(data)-6] ^= 0xFF // CRC-32 in the trailer
		run(t, "x.gz", data, "").wantReject(t, sanitize.ReasonMalformed)
	})
}

// rar4Stored writes a RAR 1.5–4.x archive (RAR technote, "RAR 4.x archive
// format") of stored files: marker, archive header, one file header per
// entry with method 0x30 (store), end of archive. No RAR writer is free
// software, and a stored RAR is small enough to write by hand.
func rar4Stored(entries ...rarEntry) []byte {
	var buf bytes.Buffer
	buf.WriteString("Rar!\x1a\x07\x00")
	buf.Write(rarBlock(0x73, 0, make([]byte, 6)))
	for _, e := range entries {
		var h []byte
		h = binary.LittleEndian.AppendUint32(h, uint32(len(e.body))) // PACK_SIZE
		h = binary.LittleEndian.AppendUint32(h, uint32(len(e.body))) // UNP_SIZE
		h = append(h, e.hostOS)
		h = binary.LittleEndian.AppendUint32(h, crc32.ChecksumIEEE([]byte(e.body)))
		h = binary.LittleEndian.AppendUint32(h, 0x58210000) // DOS time
		h = append(h, 29, 0x30)                             // UNP_VER, METHOD store
		h = binary.LittleEndian.AppendUint16(h, uint16(len(e.name)))
		h = binary.LittleEndian.AppendUint32(h, e.attrs)
		h = append(h, e.name...)
		buf.Write(rarBlock(0x74, 0x8000|e.flags, h))
		buf.WriteString(e.body)
	}
	buf.Write(rarBlock(0x7B, 0x4000, nil))
	return buf.Bytes()
}

type rarEntry struct {
	name, body string
	hostOS     byte
	attrs      uint32
	flags      uint16
}

// rarBlock is HEAD_CRC, HEAD_TYPE, HEAD_FLAGS, HEAD_SIZE and the rest; the
// CRC is the low 16 bits of the CRC-32 from HEAD_TYPE on.
func rarBlock(typ byte, flags uint16, rest []byte) []byte {
	b := []byte{typ}
	b = binary.LittleEndian.AppendUint16(b, flags)
	b = binary.LittleEndian.AppendUint16(b, uint16(7+len(rest)))
	b = append(b, rest...)
	return append(binary.LittleEndian.AppendUint16(nil, uint16(crc32.ChecksumIEEE(b))), b...)
}

func TestRAR(t *testing.T) {
	const unix, win = 3, 2
	cases := []struct {
		name    string
		entries []rarEntry
		want    sanitize.Reason
	}{
		{"plain", []rarEntry{{name: "a.txt", body: "alpha\n", hostOS: win, attrs: 0x20}, {name: `dir\b.txt`, body: "beta\n", hostOS: win, attrs: 0x20}}, ""},
		{"traversal", []rarEntry{{name: `..\..\evil.txt`, body: "x\n", hostOS: win, attrs: 0x20}}, sanitize.ReasonUnsafePath},
		{"unix symlink", []rarEntry{{name: "l", body: "/etc/passwd", hostOS: unix, attrs: 0xA1FF}}, sanitize.ReasonLink},
		{"duplicate", []rarEntry{{name: "a.txt", body: "1\n", hostOS: win}, {name: "A.TXT", body: "2\n", hostOS: win}}, sanitize.ReasonDuplicateName},
		{"encrypted", []rarEntry{{name: "a.txt", body: "xxxxxxxxxxxxxxxx", hostOS: win, flags: 0x04}}, sanitize.ReasonEncrypted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, "x.rar", rar4Stored(c.entries...), "")
			if c.want != "" {
				r.wantReject(t, c.want)
				return
			}
			if got := r.files(t); got["a.txt"] != "alpha\n" || got["dir/b.txt"] != "beta\n" {
				t.Errorf("output %v", got)
			}
		})
	}
	t.Run("malformed", func(t *testing.T) {
		data := rar4Stored(rarEntry{name: "a.txt", body: "alpha\n", hostOS: win})
		data[len(data)-12] ^= 0xFF // inside the stored data: file CRC fails
		run(t, "x.rar", data, "").wantReject(t, sanitize.ReasonMalformed)
	})
}
