package odf

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"hash/crc32"
	"io"
	"path"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Sanitizer rebuilds OpenDocument packages.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

var odfMimeTypes = map[string]bool{
	"application/vnd.oasis.opendocument.text":         true,
	"application/vnd.oasis.opendocument.spreadsheet":  true,
	"application/vnd.oasis.opendocument.presentation": true,
	"application/vnd.oasis.opendocument.graphics":     true,
}

// Sanitize implements sanitize.Sanitizer.
func (s *Sanitizer) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	zr, err := zip.NewReader(in.R, in.Size)
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "not a zip package: %v", err)
	}
	if err := checkMembers(zr.File, env); err != nil {
		return err
	}
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		byName[f.Name] = f
	}
	mimetype, err := readPart(byName["mimetype"], 256)
	if err != nil || !odfMimeTypes[strings.TrimSpace(string(mimetype))] {
		return sanitize.Reject(sanitize.ReasonMalformed, "no OpenDocument mimetype")
	}
	manifest, err := readPart(byName["META-INF/manifest.xml"], env.Limits.MaxXMLPartBytes)
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "no manifest: %v", err)
	}
	// Encrypted parts would fail to parse as XML; say what is really wrong.
	if bytes.Contains(manifest, []byte("encryption-data")) {
		return sanitize.Reject(sanitize.ReasonEncrypted, "the document is password-protected")
	}

	bw := bufio.NewWriterSize(out, 64<<10)
	zw := zip.NewWriter(bw)
	if err := writeMimetype(zw, mimetype); err != nil {
		return err
	}
	kept := map[string]bool{}
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return sanitize.Reject(sanitize.ReasonTimeout, "%v", err)
		}
		if err := s.part(f, zw, env, rep, kept); err != nil {
			return err
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "META-INF/manifest.xml", Method: zip.Deflate})
	if err != nil {
		return err
	}
	if err := rewriteManifest(bytes.NewReader(manifest), w, kept, env); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// part copies, filters or drops one member.
func (s *Sanitizer) part(f *zip.File, zw *zip.Writer, env *sanitize.Env, rep *sanitize.Report, kept map[string]bool) error {
	action, kind := classify(f.Name)
	if action == copyRaw && !magicMatches(f) {
		action, kind = dropPart, sanitize.RemovedUnknownPart
	}
	switch action {
	case dropPart:
		if kind != "" {
			rep.Remove(kind, env.Loc(groupOf(f.Name)), 1)
		}
	case copyRaw:
		if err := env.Budget.Expand(int64(f.UncompressedSize64)); err != nil {
			return err
		}
		// The compressed bytes as they were: no recompression, and the
		// CRC is checked by readers against the unchanged data.
		if err := zw.Copy(f); err != nil {
			return err
		}
		kept[f.Name] = true
	case filterXML:
		rc, err := f.Open()
		if err != nil {
			return sanitize.Reject(sanitize.ReasonMalformed, "%s: %v", f.Name, err)
		}
		defer rc.Close()
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		cr := &countingReader{r: rc}
		if err := filterPart(f.Name, cr, w, env, rep); err != nil {
			return err
		}
		if err := env.Budget.Expand(cr.n); err != nil {
			return err
		}
		kept[f.Name] = true
	}
	return nil
}

// writeMimetype writes the mimetype member first, stored, without extra
// field or data descriptor, so its content sits at byte 38 for type sniffing
// (ODF 1.2 Part 3 §3.3).
func writeMimetype(zw *zip.Writer, mt []byte) error {
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "mimetype", Method: zip.Store, CRC32: crc32.ChecksumIEEE(mt),
		CompressedSize64: uint64(len(mt)), UncompressedSize64: uint64(len(mt)),
	})
	if err != nil {
		return err
	}
	_, err = w.Write(mt)
	return err
}

func readPart(f *zip.File, limit int64) ([]byte, error) {
	if f == nil {
		return nil, io.ErrUnexpectedEOF
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if int64(len(b)) > limit {
		return nil, sanitize.Reject(sanitize.ReasonTooLarge, "%s exceeds %d bytes", f.Name, limit)
	}
	return b, err
}

// magicMatches checks a picture's first bytes against its extension.
func magicMatches(f *zip.File) bool {
	want := pictureExts[strings.ToLower(path.Ext(f.Name))]
	if want == "" {
		return true
	}
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	head := make([]byte, len(want))
	_, err = io.ReadFull(rc, head)
	return err == nil && string(head) == want
}

// groupOf names the directory a dropped member belongs to, so a macro
// library of twenty files is one line in the report.
func groupOf(name string) string {
	if top, _, ok := strings.Cut(name, "/"); ok {
		return top + "/"
	}
	return name
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
