package image

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// extras is what the container held besides pixels.
type extras struct {
	metadata    int   // metadata segments, chunks or blocks
	trailing    int64 // bytes after the end of the image
	orientation int   // JPEG EXIF orientation, 1 (normal) when absent
}

// maxSegments bounds the container walks.
const maxSegments = 1 << 16

func inspect(t sanitize.Type, in sanitize.Input) extras {
	r := io.NewSectionReader(in.R, 0, in.Size)
	switch t {
	case sanitize.TypeJPEG:
		return inspectJPEG(r, in.Size)
	case sanitize.TypePNG:
		return inspectPNG(r, in.Size)
	case sanitize.TypeGIF:
		return inspectGIF(r, in.Size)
	case sanitize.TypeBMP:
		var h [6]byte
		if _, err := r.ReadAt(h[:], 0); err == nil {
			if declared := int64(binary.LittleEndian.Uint32(h[2:])); declared > 0 && declared < in.Size {
				return extras{trailing: in.Size - declared, orientation: 1}
			}
		}
	case sanitize.TypeWEBP:
		return inspectWEBP(r, in.Size)
	}
	return extras{orientation: 1}
}

// inspectJPEG walks the marker segments up to the first scan, then finds
// the end-of-image marker: in entropy-coded data 0xFF is always followed by
// 0x00 or a restart marker, so the first FF D9 after the scan is the end.
func inspectJPEG(r *io.SectionReader, size int64) extras {
	x := extras{orientation: 1}
	off := int64(2)
	var hdr [4]byte
	for i := 0; i < maxSegments; i++ {
		if _, err := r.ReadAt(hdr[:], off); err != nil || hdr[0] != 0xFF {
			return x
		}
		marker := hdr[1]
		n := int64(binary.BigEndian.Uint16(hdr[2:]))
		if marker == 0xDA { // start of scan
			break
		}
		switch {
		case marker == 0xE0 && segmentHas(r, off+4, "JFIF\x00"), marker == 0xEE && segmentHas(r, off+4, "Adobe"):
		case marker >= 0xE0 && marker <= 0xEF, marker == 0xFE:
			x.metadata++
			if marker == 0xE1 && segmentHas(r, off+4, "Exif\x00\x00") {
				x.orientation = exifOrientation(r, off+10, n-8)
			}
		}
		off += 2 + n
	}
	if eoi := find(r, off, size, []byte{0xFF, 0xD9}); eoi >= 0 && eoi+2 < size {
		x.trailing = size - (eoi + 2)
	}
	return x
}

func segmentHas(r *io.SectionReader, off int64, sig string) bool {
	b := make([]byte, len(sig))
	_, err := r.ReadAt(b, off)
	return err == nil && string(b) == sig
}

// exifOrientation reads tag 0x0112 of IFD0 from a TIFF structure at off.
func exifOrientation(r *io.SectionReader, off, n int64) int {
	if n < 8 || n > 1<<16 {
		return 1
	}
	b := make([]byte, n)
	if _, err := r.ReadAt(b, off); err != nil {
		return 1
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int64(bo.Uint32(b[4:]))
	if ifd+2 > n {
		return 1
	}
	count := int64(bo.Uint16(b[ifd:]))
	for i := int64(0); i < count && ifd+2+12*(i+1) <= n; i++ {
		e := b[ifd+2+12*i:]
		if bo.Uint16(e) == 0x0112 {
			if v := int(bo.Uint16(e[8:])); v >= 1 && v <= 8 {
				return v
			}
		}
	}
	return 1
}

// find returns the offset of the first sep at or after off, or -1.
func find(r *io.SectionReader, off, size int64, sep []byte) int64 {
	buf := make([]byte, 64<<10)
	for off < size {
		n, err := r.ReadAt(buf, off)
		if n == 0 {
			return -1
		}
		if i := bytes.Index(buf[:n], sep); i >= 0 {
			return off + int64(i)
		}
		if err != nil {
			return -1
		}
		off += int64(n - len(sep) + 1)
	}
	return -1
}

var pngMetadata = map[string]bool{"tEXt": true, "zTXt": true, "iTXt": true, "eXIf": true, "iCCP": true, "tIME": true}

func inspectPNG(r *io.SectionReader, size int64) extras {
	x := extras{orientation: 1}
	off := int64(8)
	var hdr [8]byte
	for i := 0; i < maxSegments; i++ {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return x
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		typ := string(hdr[4:])
		if pngMetadata[typ] {
			x.metadata++
		}
		off += 12 + n
		if typ == "IEND" {
			if off < size {
				x.trailing = size - off
			}
			return x
		}
	}
	return x
}

// inspectGIF walks the block structure (GIF89a spec §17–27).
func inspectGIF(r *io.SectionReader, size int64) extras {
	x := extras{orientation: 1}
	var lsd [7]byte
	if _, err := r.ReadAt(lsd[:], 6); err != nil {
		return x
	}
	off := int64(13)
	if lsd[4]&0x80 != 0 {
		off += 3 << (lsd[4]&7 + 1)
	}
	one := make([]byte, 12)
	skipSubBlocks := func() bool {
		for i := 0; i < maxSegments*16; i++ {
			if _, err := r.ReadAt(one[:1], off); err != nil {
				return false
			}
			off += 1 + int64(one[0])
			if one[0] == 0 {
				return true
			}
		}
		return false
	}
	for i := 0; i < maxSegments; i++ {
		if _, err := r.ReadAt(one[:1], off); err != nil {
			return x
		}
		switch one[0] {
		case 0x3B: // trailer
			if off+1 < size {
				x.trailing = size - off - 1
			}
			return x
		case 0x21: // extension
			if _, err := r.ReadAt(one[:2], off); err != nil {
				return x
			}
			label := one[1]
			if label == 0xFE {
				x.metadata++
			}
			if label == 0xFF {
				if _, err := r.ReadAt(one[:12], off+2); err == nil && string(one[1:12]) != "NETSCAPE2.0" && string(one[1:12]) != "ANIMEXTS1.0" {
					x.metadata++
				}
			}
			off += 2
			if !skipSubBlocks() {
				return x
			}
		case 0x2C: // image descriptor
			var d [10]byte
			if _, err := r.ReadAt(d[:], off); err != nil {
				return x
			}
			off += 10
			if d[9]&0x80 != 0 {
				off += 3 << (d[9]&7 + 1)
			}
			off++ // LZW minimum code size
			if !skipSubBlocks() {
				return x
			}
		default:
			return x
		}
	}
	return x
}

func inspectWEBP(r *io.SectionReader, size int64) extras {
	x := extras{orientation: 1}
	var hdr [8]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return x
	}
	end := 8 + int64(binary.LittleEndian.Uint32(hdr[4:]))
	if end < size {
		x.trailing = size - end
	}
	for off, i := int64(12), 0; off+8 <= min(end, size) && i < maxSegments; i++ {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			break
		}
		if typ := string(hdr[:4]); typ == "EXIF" || typ == "XMP " || typ == "ICCP" {
			x.metadata++
		}
		n := int64(binary.LittleEndian.Uint32(hdr[4:]))
		off += 8 + n + n%2
	}
	return x
}
