package ole

import (
	"encoding/binary"
	"errors"
	"io"

	"github.com/richardlehane/mscfb"

	"github.com/kakehashi/kakehashi/sanitize"
)

// BIFF record types (MS-XLS §2.3 and §2.4).
const (
	biffBOF        = 0x0809
	biffEOF        = 0x000A
	biffFilePass   = 0x002F
	biffBoundSheet = 0x0085
	// biffMaxRecord is the largest record body BIFF8 allows (MS-XLS §2.1.4).
	biffMaxRecord = 8224
	// maxRecords bounds one record walk (BIFF or PowerPoint).
	maxRecords = 1 << 20
)

// sheetTypeMacro is BoundSheet8.dt for an Excel 4.0 macro sheet
// (MS-XLS §2.4.28; the same byte in BIFF5's BOUNDSHEET).
const sheetTypeMacro = 0x01

// workbook walks the workbook globals substream, from its BOF to its EOF,
// record by record: that is where BoundSheet8 (one per sheet, with its type)
// and FilePass (encryption, MS-XLS §2.4.117) live. Sheet substreams are not
// read. Memory is one record body.
func (w *walker) workbook(e *mscfb.File, name string) error {
	r := open(e)
	var hdr [4]byte
	body := make([]byte, biffMaxRecord)
	for n := 0; ; n++ {
		if n >= maxRecords {
			return sanitize.Reject(sanitize.ReasonMalformed, "%s: more than %d records in the globals substream", name, maxRecords)
		}
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if n > 0 && errors.Is(err, io.EOF) {
				return sanitize.Reject(sanitize.ReasonMalformed, "%s: globals substream has no EOF record", name)
			}
			return streamError(name, err)
		}
		typ, size := binary.LittleEndian.Uint16(hdr[0:]), int(binary.LittleEndian.Uint16(hdr[2:]))
		if size > biffMaxRecord {
			return sanitize.Reject(sanitize.ReasonMalformed, "%s: record %#04x is %d bytes, more than BIFF allows", name, typ, size)
		}
		if n == 0 && typ != biffBOF {
			return sanitize.Reject(sanitize.ReasonMalformed, "%s does not start with a BOF record", name)
		}
		if _, err := io.ReadFull(r, body[:size]); err != nil {
			return streamError(name, err)
		}
		switch typ {
		case biffEOF:
			return nil
		case biffFilePass:
			// Records after FilePass have encrypted bodies; nothing
			// more can be read without the key.
			w.f.Encrypted, w.f.Why = true, "Excel FILEPASS record"
			return nil
		case biffBoundSheet:
			if size >= 6 && body[5] == sheetTypeMacro {
				w.f.XLMSheets++
			}
		}
	}
}
