package html

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/microcosm-cc/bluemonday"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Sanitizer rebuilds HTML documents and SVG images. The zero value is ready
// to use; it is stateless and safe for concurrent use.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// policies are built once; a bluemonday.Policy is safe for concurrent use
// once built, and nothing changes them afterwards.
var policies = [2]func() *bluemonday.Policy{
	sync.OnceValue(func() *bluemonday.Policy { return documentPolicy(false) }),
	sync.OnceValue(func() *bluemonday.Policy { return documentPolicy(true) }),
}

// Sanitize implements sanitize.Sanitizer.
func (s *Sanitizer) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	e := sanitize.Env{}
	if env != nil {
		e = *env
	}
	e.Limits = e.Limits.WithDefaults()
	e.Policy = e.Policy.WithDefaults()
	if isSVG(in, rep) {
		return sanitizeSVG(ctx, in, out, &e, rep)
	}
	if err := ctx.Err(); err != nil {
		return sanitize.Reject(sanitize.ReasonTimeout, "%v", err)
	}
	return sanitizeHTML(in, out, &e, rep)
}

// isSVG decides between the two types of the family: the engine's
// detection, or the same detection when called directly.
func isSVG(in sanitize.Input, rep *sanitize.Report) bool {
	switch rep.Type {
	case sanitize.TypeSVG:
		return true
	case sanitize.TypeHTML:
		return false
	}
	return sanitize.Detect(in) == sanitize.TypeSVG
}

func sanitizeHTML(in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	rep.Type = sanitize.TypeHTML
	switch env.Policy.HTML {
	case sanitize.ModeReject:
		return sanitize.Reject(sanitize.ReasonTypeNotAllowed, "HTML rejected by policy")
	case sanitize.ModeSanitize, sanitize.ModeText:
	default:
		return fmt.Errorf("html: unknown policy mode %q", env.Policy.HTML)
	}
	if in.Size > env.Limits.MaxXMLPartBytes {
		return sanitize.Reject(sanitize.ReasonTooLarge, "HTML larger than %d bytes", env.Limits.MaxXMLPartBytes)
	}
	raw, err := io.ReadAll(io.LimitReader(in.Reader(), env.Limits.MaxXMLPartBytes+1))
	if err != nil {
		return fmt.Errorf("reading HTML: %w", err)
	}
	doc, _, err := toUTF8(raw)
	if err != nil {
		return err
	}
	c := count(doc)
	removeLinks := env.Policy.RemoveHyperlinks
	if env.Policy.HTML == sanitize.ModeText {
		rep.OutputType = sanitize.TypeTXT
		c.report(rep, env, true) // plain text keeps no link targets
		return writeLimited(out, env.Limits.MaxOutputBytes, func(w io.Writer) error { return toText(w, doc) })
	}
	rep.OutputType = sanitize.TypeHTML
	policy := policies[0]()
	if removeLinks {
		policy = policies[1]()
	}
	var body bytes.Buffer
	if err := policy.SanitizeReaderToWriter(bytes.NewReader(doc), &body); err != nil {
		return fmt.Errorf("sanitizing HTML: %w", err)
	}
	c.report(rep, env, removeLinks)
	return writeLimited(out, env.Limits.MaxOutputBytes, func(w io.Writer) error {
		return writeDocument(w, c.title, body.Bytes())
	})
}

// writeLimited runs write with w bounded by max bytes.
func writeLimited(out io.Writer, max int64, write func(io.Writer) error) error {
	lw := &limitWriter{w: out, left: max}
	if err := write(lw); err != nil {
		return err
	}
	return nil
}

type limitWriter struct {
	w    io.Writer
	left int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, sanitize.Reject(sanitize.ReasonTooLarge, "output exceeds the limit")
	}
	l.left -= int64(len(p))
	return l.w.Write(p)
}
