package rtf

import (
	"context"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Sanitizer rebuilds RTF documents. The zero value is ready to use; it is
// stateless and safe for concurrent use.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// Sanitize implements sanitize.Sanitizer.
func (s *Sanitizer) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	e := sanitize.Env{}
	if env != nil {
		e = *env
	}
	e.Limits = e.Limits.WithDefaults()
	if in.Size > e.Limits.MaxInputBytes {
		return sanitize.Reject(sanitize.ReasonTooLarge, "RTF larger than %d bytes", e.Limits.MaxInputBytes)
	}
	rep.Type = sanitize.TypeRTF
	rep.OutputType = sanitize.TypeRTF
	f := &filter{
		tok:      newTokenizer(&ctxReader{ctx: ctx, r: in.Reader()}, in.Size),
		em:       newEmitter(out, e.Limits.MaxOutputBytes),
		env:      &e,
		rep:      rep,
		maxDepth: e.Limits.MaxXMLDepth,
		maxPict:  e.Limits.MaxXMLPartBytes,
	}
	if err := f.run(); err != nil {
		return err
	}
	return f.em.flush()
}

// ctxReader stops reading when the run is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, sanitize.Reject(sanitize.ReasonTimeout, "%v", err)
	}
	return c.r.Read(p)
}
