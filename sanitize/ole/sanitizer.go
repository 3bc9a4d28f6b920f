package ole

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Sanitizer converts legacy Office files to sanitized OOXML and decrypts
// encrypted OOXML packages. It is stateless: every call uses its own
// directory under env.TempDir.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// Sanitize implements sanitize.Sanitizer.
func (s *Sanitizer) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	f, err := Inspect(in)
	if err != nil {
		return err
	}
	if f.Type == sanitize.TypeCFB {
		return sanitize.Reject(sanitize.ReasonUnsupported, "compound file of no known Office application")
	}
	rep.Type = f.Type
	dir, err := os.MkdirTemp(env.TempDir, "ole-*")
	if err != nil {
		return fmt.Errorf("making scratch directory: %w", err)
	}
	defer os.RemoveAll(dir)
	if f.Type == sanitize.TypeEncryptedOOXML {
		return s.encrypted(ctx, in, f, out, env, rep, dir)
	}
	if f.Encrypted {
		if env.Password != "" {
			return sanitize.Reject(sanitize.ReasonEncrypted, "decrypt legacy encrypted files before sending (%s)", f.Why)
		}
		return sanitize.Reject(sanitize.ReasonEncrypted, "the %s file is password-protected (%s)", f.Type, f.Why)
	}
	record(f, env, rep)
	if env.Tools.Soffice == "" {
		return sanitize.Reject(sanitize.ReasonConverter, "LibreOffice (soffice) is not installed: legacy %s files are converted to OOXML with it", f.Type)
	}
	c, _ := conversionFor(f)
	converted, err := convert(ctx, in, env, c, dir)
	if err != nil {
		return err
	}
	rep.Engine = "libreoffice"
	if st, err := os.Stat(converted); err == nil && env.Budget != nil {
		// The converted package is content this run produced from the
		// input: it counts against the expansion budget like a member.
		if err := env.Budget.Expand(st.Size()); err != nil {
			return err
		}
	}
	return nested(ctx, converted, sanitize.OutputName(in.Name, c.out), out, env, rep)
}

// record reports what the original held. Conversion drops or the OOXML
// pass removes all of it; the clerk learns it was there.
func record(f *Findings, env *sanitize.Env, rep *sanitize.Report) {
	for _, loc := range f.VBA {
		rep.Remove(sanitize.RemovedVBAProject, env.Loc(loc), 1)
	}
	for _, loc := range f.OLEObjects {
		rep.Remove(sanitize.RemovedOLEObject, env.Loc(loc), 1)
	}
	for _, loc := range f.ActiveX {
		rep.Remove(sanitize.RemovedActiveX, env.Loc(loc), 1)
	}
	workbook := "Workbook"
	if f.BIFF5 {
		workbook = "Book"
	}
	rep.Remove(sanitize.RemovedXLMMacroSheet, env.Loc(workbook), f.XLMSheets)
}

// encrypted decrypts an encrypted OOXML package to a scratch file and
// sanitizes the plain package as OOXML.
func (s *Sanitizer) encrypted(ctx context.Context, in sanitize.Input, f *Findings, out io.Writer, env *sanitize.Env, rep *sanitize.Report, dir string) error {
	if env.Password == "" {
		return sanitize.Reject(sanitize.ReasonEncrypted, "the Office file is encrypted with a password")
	}
	plain := filepath.Join(dir, "decrypted")
	w, err := os.OpenFile(plain, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("writing decrypted package: %w", err)
	}
	err = decryptOOXML(f, env.Password, env, w)
	if cerr := w.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("writing decrypted package: %w", cerr)
	}
	if err != nil {
		return err
	}
	// The sender's name (with its extension) goes with the plain package,
	// so the engine checks the extension against the decrypted content.
	name := path.Base(strings.ReplaceAll(in.Name, "\\", "/"))
	if name == "." || name == "/" {
		name = "decrypted.docx"
	}
	return nested(ctx, plain, name, out, env, rep)
}

// nested sanitizes the converted or decrypted package with the whole
// engine, writes its output to out and merges its report into rep: its
// removals of kinds the original was not already known to hold, its
// warnings and its output type.
func nested(ctx context.Context, path, name string, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	if env.Nested == nil {
		return sanitize.Reject(sanitize.ReasonUnsupported, "no OOXML sanitizer is available for the converted file")
	}
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening converted file: %w", err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return fmt.Errorf("opening converted file: %w", err)
	}
	nrep, err := env.Nested(ctx, sanitize.Input{R: file, Size: st.Size(), Name: name}, out, env)
	if err != nil {
		return err
	}
	if nrep.Verdict == sanitize.VerdictRejected {
		return &sanitize.Rejection{Reason: nrep.Reason, Detail: fmt.Sprintf("%s: %s", name, nrep.Detail)}
	}
	// Kinds already recorded from the original are the same objects that
	// LibreOffice carried over (an ObjectPool object becomes
	// word/embeddings/oleObject1.bin): counting them again would tell the
	// clerk there were twice as many.
	fromOriginal := map[sanitize.RemovalKind]bool{}
	for _, r := range rep.Removed {
		fromOriginal[r.Kind] = true
	}
	for _, r := range nrep.Removed {
		if !fromOriginal[r.Kind] {
			rep.Remove(r.Kind, r.Location, r.Count)
		}
	}
	rep.Warnings = append(rep.Warnings, nrep.Warnings...)
	rep.Members = append(rep.Members, nrep.Members...)
	rep.OutputType = nrep.OutputType
	return nil
}
