package archive

import (
	"archive/tar"
	"errors"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// tarSpecial names the tar entry types that are neither files, folders nor
// links (POSIX.1-2001 ustar typeflag values).
var tarSpecial = map[byte]string{
	tar.TypeChar: "character device", tar.TypeBlock: "block device", tar.TypeFifo: "FIFO",
	'V': "volume label", 'M': "multi-volume continuation",
}

// sanitizeTar reads a tar stream entry by entry; a tar has no directory to
// check first, and the output is discarded on rejection anyway.
func sanitizeTar(p *packer, r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return sanitize.Reject(sanitize.ReasonMalformed, "reading tar: %v", err)
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue // PAX global defaults; archive/tar has applied them
		}
		m := &member{
			// PAX names are UTF-8; old ustar names may be CP932.
			raw:      decodeName(h.Name, false),
			dir:      h.Typeflag == tar.TypeDir,
			link:     h.Typeflag == tar.TypeSymlink || h.Typeflag == tar.TypeLink,
			special:  tarSpecial[h.Typeflag],
			size:     h.Size,
			packed:   -1, // tar stores; the archive-level ratio catches sparse bombs
			modified: h.ModTime,
			open:     func() (io.ReadCloser, error) { return io.NopCloser(tr), nil },
		}
		if m.special == "" && !m.dir && !m.link && !isTarFile(h.Typeflag) {
			m.special = "tar entry of type " + string(rune(h.Typeflag))
		}
		if err := p.check(m); err != nil {
			return err
		}
		if err := p.process(m); err != nil {
			return err
		}
	}
}

func isTarFile(flag byte) bool {
	switch flag {
	case tar.TypeReg, '\x00', tar.TypeCont, tar.TypeGNUSparse: // '\x00' is pre-POSIX TypeRegA
		return true
	}
	return false
}
