package archive

import (
	"compress/gzip"
	"io"
	"path"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// sanitizeGzip decompresses the stream (all concatenated gzip members,
// RFC 1952 §2.2) to a spill file. A tar inside (.tar.gz, .tgz) yields the
// tar's members; anything else is one member named after the file.
func sanitizeGzip(p *packer, in sanitize.Input) error {
	zr, err := gzip.NewReader(in.Reader())
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "opening gzip: %v", err)
	}
	name := gzipMemberName(in.Name, zr.Name)
	m := &member{raw: name, clean: name, size: -1, packed: -1, modified: zr.ModTime,
		open: func() (io.ReadCloser, error) { return zr, nil }}
	spill, n, err := p.spill(m)
	if err != nil {
		return err
	}
	defer removeTemp(spill)
	content := io.NewSectionReader(spill, 0, n)
	if sanitize.Detect(sanitize.Input{R: content, Size: n, Name: name}) == sanitize.TypeTAR {
		// Every byte of the tar was charged to the budget and the ratio
		// while decompressing; its members are not charged twice.
		p.charged, p.expanded = false, 0
		return sanitizeTar(p, content)
	}
	if err := p.check(m); err != nil {
		return err
	}
	return p.sanitizeSpilled(m.clean, m.modified, spill, n)
}

// gzipMemberName is the name the clerk expects: the file's own name without
// ".gz", else the name stored in the gzip header (FNAME), else "file".
func gzipMemberName(outer, stored string) string {
	base := path.Base(strings.ReplaceAll(outer, "\\", "/"))
	lower := strings.ToLower(base)
	for _, ext := range []string{".gz", ".gzip"} {
		if strings.HasSuffix(lower, ext) && len(base) > len(ext) {
			return base[:len(base)-len(ext)]
		}
	}
	if strings.HasSuffix(lower, ".tgz") && len(base) > 4 {
		return base[:len(base)-4] + ".tar"
	}
	if stored = path.Base(strings.ReplaceAll(stored, "\\", "/")); stored != "" && stored != "." && stored != "/" {
		return stored
	}
	return "file"
}
