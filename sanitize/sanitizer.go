package sanitize

import (
	"context"
	"io"
)

// Sanitizer rebuilds one family of formats. Implementations are stateless
// and safe for concurrent use.
type Sanitizer interface {
	// Sanitize reads in, writes a rebuilt file of rep.OutputType to out and
	// records every removal in rep. It returns a *Rejection to refuse the
	// file; any other error is treated as a rejection too (fail closed).
	// It sets rep.Type when it knows the type more precisely than detection
	// (and rep.OutputType when the output type differs from Type.OutputType).
	// Output written before an error is discarded by the caller.
	Sanitize(ctx context.Context, in Input, out io.Writer, env *Env, rep *Report) error
}

// Input is one file to sanitize. Formats need random access (zip central
// directories, PDF cross-reference tables, CFB sectors), so it is a ReaderAt.
type Input struct {
	R    io.ReaderAt
	Size int64
	// Name is what the sender called the file. It is untrusted: use it for
	// reports and extension checks only, never as a path.
	Name string
}

// Reader returns a fresh sequential reader over the whole input.
func (in Input) Reader() io.Reader { return io.NewSectionReader(in.R, 0, in.Size) }

// NestedFunc sanitizes a member of a container with the whole engine
// (detection, policy, dispatch), one level deeper. It returns the member's
// report; a rejected member has Verdict rejected and nothing in out.
type NestedFunc func(ctx context.Context, in Input, out io.Writer, env *Env) (*Report, error)

// Env is what a Sanitizer may use besides its input: the policy, limits, the
// shared budget, a scratch directory and the external tools. It is created
// by the engine for each level of nesting.
type Env struct {
	Policy Policy
	Limits Limits
	Budget *Budget
	// Password opens encrypted archives and Office files; empty when none
	// was given. It is never logged or reported.
	Password string
	// Depth is 0 for the top-level input and grows by one per container.
	Depth int
	// Location prefixes removal locations of nested members
	// ("outer.zip/inner.docx").
	Location string
	// Nested sanitizes container members; nil where nesting is not offered.
	Nested NestedFunc
	// TempDir is a private scratch directory for spilling members to disk so
	// that memory does not grow with file size. It is removed after the run.
	TempDir string
	// Tools holds paths of the external converters found at start-up, empty
	// where a tool is not installed. Call them with argument vectors only.
	Tools Tools
}

// Tools are the external programs a sanitizer may run, each resolved from a
// fixed list of names (never from input) when the engine is built.
type Tools struct {
	// Soffice is LibreOffice (legacy Office → OOXML conversion).
	Soffice string
	// Ghostscript is gs (PDF rebuild when the native parser refuses a file).
	Ghostscript string
}

// Loc joins the environment's location prefix and a location inside the
// current file, for Report.Remove.
func (e *Env) Loc(inner string) string {
	switch {
	case e == nil || e.Location == "":
		return inner
	case inner == "":
		return e.Location
	default:
		return e.Location + ": " + inner
	}
}
