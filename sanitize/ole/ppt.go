package ole

import (
	"encoding/binary"
	"io"

	"github.com/richardlehane/mscfb"

	"github.com/kakehashi/kakehashi/sanitize"
)

// PowerPoint record types (MS-PPT §2.13.24).
const (
	pptVBAInfoAtom    = 0x0400 // VBAInfoAtom: the document has a VBA project (§2.4.10)
	pptExOleEmbed     = 0x0FCC // ExOleEmbedContainer: an embedded OLE object (§2.10.27)
	pptExOleLink      = 0x0FCE // ExOleLinkContainer: a linked OLE object (§2.10.29)
	pptExControl      = 0x0FEE // ExControlContainer: an ActiveX control (§2.10.10)
	pptContainerVer   = 0xF    // recVer of every container record (§2.3.1)
	pptMaxDepth       = 64
	pptCurrentUserLen = 16
)

// CurrentUserAtom.headerToken of an encrypted presentation (MS-PPT §2.3.2).
const pptTokenEncrypted = 0xF3D1C4DF

// powerpoint checks encryption (the CurrentUser token and the
// EncryptedSummary stream, MS-PPT §2.3.2 and §2.3.7) and, for plain files,
// walks the record tree of the PowerPoint Document stream for VBA, OLE and
// ActiveX records. Memory is constant: atoms are skipped, not read.
func (w *walker) powerpoint(doc, user *mscfb.File, encryptedSummary bool) error {
	if encryptedSummary {
		w.f.Encrypted, w.f.Why = true, "PowerPoint EncryptedSummary stream"
		return nil
	}
	if user != nil {
		var cu [pptCurrentUserLen]byte
		if _, err := io.ReadFull(open(user), cu[:]); err != nil {
			return streamError("CurrentUser", err)
		}
		if binary.LittleEndian.Uint32(cu[12:]) == pptTokenEncrypted {
			w.f.Encrypted, w.f.Why = true, "PowerPoint CurrentUser encrypted token"
			return nil
		}
	}
	return w.pptRecords(doc)
}

func (w *walker) pptRecords(e *mscfb.File) error {
	const name = "PowerPoint Document"
	r := open(e)
	var (
		hdr  [8]byte
		pos  int64
		ends []int64 // end offsets of the open containers
		vba  int
	)
	for n := 0; pos < e.Size; n++ {
		if n >= maxRecords {
			return sanitize.Reject(sanitize.ReasonMalformed, "%s: more than %d records", name, maxRecords)
		}
		limit := e.Size
		if len(ends) > 0 {
			limit = ends[len(ends)-1]
		}
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return streamError(name, err)
		}
		ver := binary.LittleEndian.Uint16(hdr[0:]) & 0xF
		typ := binary.LittleEndian.Uint16(hdr[2:])
		end := pos + 8 + int64(binary.LittleEndian.Uint32(hdr[4:]))
		if end > limit {
			return sanitize.Reject(sanitize.ReasonMalformed, "%s: record %#04x at %d overruns its container", name, typ, pos)
		}
		switch typ {
		case pptExOleEmbed, pptExOleLink:
			w.f.OLEObjects = append(w.f.OLEObjects, name+": ExOleObj")
		case pptExControl:
			w.f.ActiveX = append(w.f.ActiveX, name+": ExControl")
		}
		pos += 8
		if ver == pptContainerVer {
			if len(ends) >= pptMaxDepth {
				return sanitize.Reject(sanitize.ReasonMalformed, "%s: records nested deeper than %d", name, pptMaxDepth)
			}
			ends = append(ends, end)
		} else {
			body := end - pos
			if typ == pptVBAInfoAtom && body >= 8 {
				var atom [8]byte
				if _, err := io.ReadFull(r, atom[:]); err != nil {
					return streamError(name, err)
				}
				body -= 8
				// persistIdRef names the VBA storage and fHasMacros says
				// it holds a project (MS-PPT §2.4.10); LibreOffice writes
				// an empty atom with both zero.
				if binary.LittleEndian.Uint32(atom[0:]) != 0 || binary.LittleEndian.Uint32(atom[4:]) != 0 {
					vba++
				}
			}
			if _, err := r.Discard(int(body)); err != nil {
				return streamError(name, err)
			}
			pos = end
		}
		for len(ends) > 0 && pos == ends[len(ends)-1] {
			ends = ends[:len(ends)-1]
		}
	}
	if vba > 0 {
		w.vba[name+": VBAInfoAtom"] = true
	}
	return nil
}
