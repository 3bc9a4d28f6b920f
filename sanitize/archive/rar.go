package archive

import (
	"errors"
	"io"
	"io/fs"

	"github.com/nwaples/rardecode/v2"

	"github.com/kakehashi/kakehashi/sanitize"
)

// maxRARDictionary bounds the decoder's window. RAR5 declares up to 4 GiB
// (RAR 7: 64 GiB) and the decoder allocates what the header asks for; real
// archives use 4 MiB to 256 MiB.
const maxRARDictionary = 256 << 20

// sanitizeRAR reads a RAR (1.5–5) stream entry by entry. Multi-volume
// archives cannot be opened: only one file arrives.
func sanitizeRAR(p *packer, in sanitize.Input) error {
	opts := []rardecode.Option{rardecode.MaxDictionarySize(maxRARDictionary)}
	if p.env.Password != "" {
		opts = append(opts, rardecode.Password(p.env.Password))
	}
	rr, err := rardecode.NewReader(in.Reader(), opts...)
	if err != nil {
		return rarError(err, p.env.Password, false, "opening rar")
	}
	for {
		h, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return rarError(err, p.env.Password, false, "reading rar")
		}
		m := &member{
			raw:       decodeName(h.Name, true),
			dir:       h.IsDir,
			link:      h.LinkType != rardecode.LinkTypeNone || h.Mode()&fs.ModeSymlink != 0,
			size:      h.UnPackedSize,
			packed:    h.PackedSize,
			modified:  h.ModificationTime,
			encrypted: h.Encrypted,
		}
		if h.UnKnownSize {
			m.size = -1
		}
		if h.Solid {
			m.packed = -1 // solid members share one compressed stream
		}
		encrypted := h.Encrypted
		m.open = func() (io.ReadCloser, error) {
			return &errMapper{rc: io.NopCloser(rr), mapErr: func(err error) error {
				return rarError(err, p.env.Password, encrypted, "reading rar member")
			}}, nil
		}
		if err := p.check(m); err != nil {
			return err
		}
		if err := p.process(m); err != nil {
			return err
		}
	}
}

func rarError(err error, password string, encrypted bool, doing string) error {
	switch {
	case errors.Is(err, rardecode.ErrArchiveEncrypted), errors.Is(err, rardecode.ErrArchivedFileEncrypted):
		return sanitize.Reject(sanitize.ReasonEncrypted, "the rar archive is encrypted")
	case errors.Is(err, rardecode.ErrBadPassword):
		return sanitize.Reject(sanitize.ReasonWrongPassword, "the rar archive does not decrypt with the password")
	case encrypted && password != "":
		return sanitize.Reject(sanitize.ReasonWrongPassword, "rar member does not decrypt: %v", err)
	}
	return sanitize.Reject(sanitize.ReasonMalformed, "%s: %v", doing, err)
}
