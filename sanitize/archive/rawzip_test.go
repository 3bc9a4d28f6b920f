package archive

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sort"
	"testing"
)

// rawEntry is a ZIP member written byte by byte, so tests can make headers
// lie, use methods archive/zip will not write, or share data.
type rawEntry struct {
	name   string
	data   []byte // written as is
	method uint16
	size   uint64 // declared uncompressed size; len(data) when 0
	crc    uint32 // CRC-32 of the plaintext; computed from data when 0 and stored
	flags  uint16
	extra  []byte
}

func le16(b []byte) uint16              { return binary.LittleEndian.Uint16(b) }
func putLE32(b []byte, v uint32)        { binary.LittleEndian.PutUint32(b, v) }
func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }

// rawZip writes local headers, data and a central directory (APPNOTE.TXT
// §4.3.7, §4.3.12, §4.3.16).
func rawZip(t testing.TB, entries ...rawEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	offsets := make([]uint32, len(entries))
	for i := range entries {
		e := &entries[i]
		if e.size == 0 {
			e.size = uint64(len(e.data))
		}
		if e.crc == 0 && e.method == 0 {
			e.crc = crc32.ChecksumIEEE(e.data)
		}
		offsets[i] = uint32(buf.Len())
		buf.Write(localHeader(e))
		buf.Write(e.data)
	}
	cdStart := buf.Len()
	for i := range entries {
		buf.Write(centralHeader(&entries[i], offsets[i]))
	}
	buf.Write(endOfCentralDir(len(entries), buf.Len()-cdStart, cdStart))
	return buf.Bytes()
}

func localHeader(e *rawEntry) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0x04034b50)
	b = binary.LittleEndian.AppendUint16(b, 20)
	b = binary.LittleEndian.AppendUint16(b, e.flags)
	b = binary.LittleEndian.AppendUint16(b, e.method)
	b = binary.LittleEndian.AppendUint32(b, 0x58210000) // 2024-01-01 00:00
	b = binary.LittleEndian.AppendUint32(b, e.crc)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(e.data)))
	b = binary.LittleEndian.AppendUint32(b, uint32(e.size))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(e.name)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(e.extra)))
	b = append(b, e.name...)
	return append(b, e.extra...)
}

func centralHeader(e *rawEntry, offset uint32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0x02014b50)
	b = binary.LittleEndian.AppendUint16(b, 20) // made by MS-DOS
	b = binary.LittleEndian.AppendUint16(b, 20)
	b = binary.LittleEndian.AppendUint16(b, e.flags)
	b = binary.LittleEndian.AppendUint16(b, e.method)
	b = binary.LittleEndian.AppendUint32(b, 0x58210000)
	b = binary.LittleEndian.AppendUint32(b, e.crc)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(e.data)))
	b = binary.LittleEndian.AppendUint32(b, uint32(e.size))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(e.name)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(e.extra)))
	b = binary.LittleEndian.AppendUint16(b, 0)      // comment
	b = binary.LittleEndian.AppendUint16(b, 0)      // disk
	b = binary.LittleEndian.AppendUint16(b, 0)      // internal attributes
	b = binary.LittleEndian.AppendUint32(b, 0)      // external attributes
	b = binary.LittleEndian.AppendUint32(b, offset) // local header
	b = append(b, e.name...)
	return append(b, e.extra...)
}

func endOfCentralDir(n, size, offset int) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 0x06054b50)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(n))
	b = binary.LittleEndian.AppendUint16(b, uint16(n))
	b = binary.LittleEndian.AppendUint32(b, uint32(size))
	b = binary.LittleEndian.AppendUint32(b, uint32(offset))
	return binary.LittleEndian.AppendUint16(b, 0)
}

// overlapZip is the simplest overlapping-entry bomb: one local header and
// its deflated kernel, and n central directory entries that all point at
// it under different names.
func overlapZip(t testing.TB, n int) []byte {
	t.Helper()
	kernel := bytes.Repeat([]byte("overlap kernel text\n"), 1000)
	e := rawEntry{name: "k.txt", data: deflate(t, string(kernel)), method: 8, size: uint64(len(kernel)), crc: crc32.ChecksumIEEE(kernel)}
	var buf bytes.Buffer
	buf.Write(localHeader(&e))
	buf.Write(e.data)
	cdStart := buf.Len()
	for i := range n {
		c := e
		c.name = sprintf("k%d.txt", i)
		buf.Write(centralHeader(&c, 0))
	}
	buf.Write(endOfCentralDir(n, buf.Len()-cdStart, cdStart))
	return buf.Bytes()
}

func deflate(t testing.TB, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
