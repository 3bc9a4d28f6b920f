package pdf

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Sanitizer rebuilds PDF files without active content.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// pdfcpu writes a configuration directory under the user's home unless told
// not to; the only switch is a package variable, set once before first use.
var disableConfigDir sync.Once

// Sanitize implements sanitize.Sanitizer.
func (s *Sanitizer) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	disableConfigDir.Do(func() { model.ConfigPath = "disable" })
	if n, err := countRevisions(in); err == nil && n > 1 {
		rep.Remove(sanitize.RemovedIncremental, env.Loc(fmt.Sprintf("%d revisions", n)), n-1)
	}
	doc, err := read(io.NewSectionReader(in.R, 0, in.Size), env.Password)
	if err != nil {
		if rej, ok := sanitize.AsRejection(err); ok && rej.Reason != sanitize.ReasonMalformed {
			return err
		}
		// pdfcpu refused the file: rebuild it with Ghostscript and
		// sanitize the rebuild like any other PDF.
		rebuilt, gerr := ghostscript(ctx, in, env)
		if gerr != nil {
			return sanitize.Reject(sanitize.ReasonMalformed, "%v; %v", err, gerr)
		}
		defer rebuilt.Close()
		st, serr := rebuilt.Stat()
		if serr != nil {
			return serr
		}
		if doc, err = read(io.NewSectionReader(rebuilt, 0, st.Size()), ""); err != nil {
			return sanitize.Reject(sanitize.ReasonMalformed, "Ghostscript's rebuild does not parse: %v", err)
		}
		rep.Engine = "ghostscript"
		rep.Warn("rebuilt by Ghostscript because the PDF parser refused the file; links and form fields were dropped")
	}
	if err := checkPages(doc, env.Limits.MaxPDFPages); err != nil {
		return err
	}
	st := &stripper{xt: doc.XRefTable, removeURI: env.Policy.RemoveHyperlinks, apply: true}
	st.run()
	st.report(rep, env)
	if env.Policy.RemoveMetadata && doc.Info != nil {
		doc.Info = nil
		rep.Remove(sanitize.RemovedMetadata, env.Loc("document information"), 1)
	}
	return writeVerified(doc, out, env)
}

// read parses a PDF with pdfcpu, decrypting it with password when needed.
// Panics of the parser become rejections.
func read(rs io.ReadSeeker, password string) (doc *model.Context, err error) {
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, sanitize.Reject(sanitize.ReasonMalformed, "PDF parser failed: %v", p)
		}
	}()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.UserPW, conf.OwnerPW = password, password
	// The core package rather than pdfcpu/pkg/api: api pulls in the forms
	// code and with it go-runewidth, whose init builds width tables for 45 ms
	// in every process — twice per file with the sandbox. Panics, which
	// api would turn into errors, are recovered above.
	doc, err = pdfcpu.Read(rs, conf)
	switch {
	case errors.Is(err, pdfcpu.ErrWrongPassword) && password == "":
		return nil, sanitize.Reject(sanitize.ReasonEncrypted, "the PDF needs a password to open")
	case errors.Is(err, pdfcpu.ErrWrongPassword):
		return nil, sanitize.Reject(sanitize.ReasonWrongPassword, "the password does not open the PDF")
	case err != nil:
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "PDF: %v", firstLine(err))
	}
	if doc.Encrypt != nil {
		// Write the sanitized copy without encryption: the clerk gets a
		// file that opens, and the password is not needed again.
		doc.Cmd = model.DECRYPT
	}
	return doc, nil
}

// checkPages bounds the page count taken from the page tree root.
func checkPages(doc *model.Context, limit int) error {
	pages, err := doc.DereferenceDict(doc.RootDict["Pages"])
	if err != nil || pages == nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "PDF has no page tree")
	}
	if n, ok := pages["Count"].(types.Integer); ok && int(n) > limit {
		return sanitize.Reject(sanitize.ReasonTooLarge, "%d pages, the limit is %d", n, limit)
	}
	return nil
}

// writeVerified writes the document to a buffer, parses the result again and
// walks it with the same rules; only a clean result reaches out.
func writeVerified(doc *model.Context, out io.Writer, env *sanitize.Env) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = sanitize.Reject(sanitize.ReasonMalformed, "PDF writer failed: %v", p)
		}
	}()
	tmp, err := os.CreateTemp(env.TempDir, "pdf-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	bw := bufio.NewWriter(tmp)
	doc.Write.Writer = bw
	if err := pdfcpu.WriteContext(doc); err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "writing PDF: %v", firstLine(err))
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	check, err := read(io.NewSectionReader(tmp, 0, size), "")
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "the rebuilt PDF does not parse: %v", err)
	}
	v := &stripper{xt: check.XRefTable, removeURI: env.Policy.RemoveHyperlinks}
	v.run()
	if len(v.found) > 0 {
		return sanitize.Reject(sanitize.ReasonActiveContent, "active content (%s) remained after the rebuild", v.found[0].kind)
	}
	_, err = io.Copy(out, io.NewSectionReader(tmp, 0, size))
	return err
}

// countRevisions counts startxref keywords: each incremental update adds
// one, and the earlier revisions may hide content the last one dropped.
func countRevisions(in sanitize.Input) (int, error) {
	const key = "startxref"
	buf := make([]byte, 64<<10)
	n, carry := 0, 0
	for off := int64(0); off < in.Size; {
		m, err := in.R.ReadAt(buf[carry:], off)
		if m == 0 && err != nil {
			if err == io.EOF {
				break
			}
			return n, err
		}
		chunk := buf[:carry+m]
		n += bytes.Count(chunk, []byte(key))
		off += int64(m)
		// Keep a tail shorter than the key so no match is counted twice.
		carry = min(len(key)-1, len(chunk))
		copy(buf, chunk[len(chunk)-carry:])
	}
	return n, nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
