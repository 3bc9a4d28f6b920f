package archive

import (
	"errors"
	"io"
	"io/fs"

	"github.com/bodgit/sevenzip"

	"github.com/kakehashi/kakehashi/sanitize"
)

// sanitizeSevenZip lists the archive, checks every entry, then sanitizes
// them in order (sequential order lets the library reuse one decoder per
// solid block). 7z does not tell compressed sizes per file, so the ratio is
// judged for the archive as a whole.
func sanitizeSevenZip(p *packer, in sanitize.Input) error {
	zr, err := sevenzip.NewReaderWithPassword(in.R, in.Size, p.env.Password)
	if err != nil {
		return sevenZipError(err, p.env.Password, "opening 7z")
	}
	members := make([]*member, 0, min(len(zr.File), 1024))
	for _, f := range zr.File {
		m := &member{
			raw:      decodeName(f.Name, true),
			dir:      f.FileInfo().IsDir(),
			link:     f.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0,
			size:     int64(min(f.UncompressedSize, 1<<62)),
			packed:   -1,
			modified: f.Modified,
		}
		if f.Mode()&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice) != 0 {
			m.special = "device, pipe or socket"
		}
		m.open = func() (io.ReadCloser, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, sevenZipError(err, p.env.Password, "opening 7z member")
			}
			return &errMapper{rc: rc, mapErr: func(err error) error { return sevenZipError(err, p.env.Password, "reading 7z member") }}, nil
		}
		if err := p.check(m); err != nil {
			return err
		}
		members = append(members, m)
	}
	for _, m := range members {
		if err := p.process(m); err != nil {
			return err
		}
	}
	return nil
}

// sevenZipError names encryption failures: the library marks read errors
// that involved an AES coder (and a wrong key shows up as a checksum or
// decoder error inside one).
func sevenZipError(err error, password, doing string) error {
	var re sevenzip.ReadError
	var rep *sevenzip.ReadError
	encrypted := (errors.As(err, &re) && re.Encrypted) || (errors.As(err, &rep) && rep.Encrypted)
	switch {
	case encrypted && password == "":
		return sanitize.Reject(sanitize.ReasonEncrypted, "the 7z archive is encrypted")
	case encrypted:
		return sanitize.Reject(sanitize.ReasonWrongPassword, "the 7z archive does not decrypt with the password")
	}
	return sanitize.Reject(sanitize.ReasonMalformed, "%s: %v", doing, err)
}
