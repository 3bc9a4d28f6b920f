package archive

import (
	"context"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Sanitizer rebuilds archives of every type of sanitize.FamilyArchive into
// a ZIP. It holds no state and is safe for concurrent use.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// Sanitize re-packs in as a ZIP of sanitized members. It needs env.Nested:
// without the engine there is nothing to sanitize members with, and
// copying them unsanitized would be a pass-through.
func (s *Sanitizer) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	if env.Nested == nil {
		return sanitize.Reject(sanitize.ReasonUnsupported, "archive members cannot be sanitized without the engine")
	}
	t := rep.Type
	if t == "" {
		t = sanitize.Detect(in)
		rep.Type = t
	}
	p := newPacker(ctx, in, out, env, rep)
	var err error
	switch t {
	case sanitize.TypeZIP:
		err = sanitizeZip(p, in)
	case sanitize.TypeTAR:
		err = sanitizeTar(p, in.Reader())
	case sanitize.TypeGZIP:
		err = sanitizeGzip(p, in)
	case sanitize.TypeSevenZip:
		err = sanitizeSevenZip(p, in)
	case sanitize.TypeRAR:
		err = sanitizeRAR(p, in)
	default:
		err = sanitize.Reject(sanitize.ReasonUnsupported, "%s is not an archive this package opens", t)
	}
	if err != nil {
		return err
	}
	rep.OutputType = sanitize.TypeZIP
	return p.close()
}
