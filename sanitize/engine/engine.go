// Package engine dispatches one file through the sanitization engine: it
// detects the type from content, applies the policy (allowed types, extension
// mismatch), hands the file to the Sanitizer of its family, hashes input and
// output, and turns every failure into a rejected Report (fail closed). It
// also offers the same path to containers for their members, one level deeper,
// so that archive nesting shares one budget.
//
// It does not isolate anything: sanitize/sandbox runs Engine.Sanitize in a
// confined child process. In-process use is for tests and fuzzing.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"os/exec"
	"runtime/debug"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Engine holds the sanitizers by family, the policy and the limits.
type Engine struct {
	Formats map[sanitize.Family]sanitize.Sanitizer
	Policy  sanitize.Policy
	Limits  sanitize.Limits
	Tools   sanitize.Tools
	// TempDir is where per-run scratch directories are made ("" = os.TempDir).
	TempDir string
}

// FindTools resolves the external converters from their fixed names. A tool
// that is not installed stays empty; the formats that need it then reject
// with sanitize.ReasonConverter.
func FindTools() sanitize.Tools {
	var t sanitize.Tools
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			t.Soffice = p
			break
		}
	}
	if p, err := exec.LookPath("gs"); err == nil {
		t.Ghostscript = p
	}
	return t
}

// Options for one run.
type Options struct {
	// Password opens encrypted archives and Office files.
	Password string
}

// Sanitize runs one top-level input. It returns an error only for faults of
// the output writer or the scratch directory; every problem with the input is
// a rejected Report. On rejection nothing useful is in out: callers write to
// a temporary file and keep it only when the verdict is not rejected.
func (e *Engine) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, opt Options) (*sanitize.Report, error) {
	tmp, err := os.MkdirTemp(e.TempDir, "kakehashi-sanitize-*")
	if err != nil {
		return nil, fmt.Errorf("making scratch directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	limits := e.Limits.WithDefaults()
	env := &sanitize.Env{
		Policy:   e.Policy.WithDefaults(),
		Limits:   limits,
		Budget:   sanitize.NewBudget(limits),
		Password: opt.Password,
		TempDir:  tmp,
		Tools:    e.Tools,
	}
	env.Nested = e.nested
	return e.run(ctx, in, out, env)
}

// nested is Env.Nested: one level deeper, same budget and policy.
func (e *Engine) nested(ctx context.Context, in sanitize.Input, out io.Writer, parent *sanitize.Env) (*sanitize.Report, error) {
	env := *parent
	env.Depth = parent.Depth + 1
	env.Location = parent.Loc(in.Name)
	if env.Depth > env.Limits.MaxDepth {
		rep := &sanitize.Report{Name: in.Name, Removed: []sanitize.Removal{}}
		reject(rep, sanitize.Reject(sanitize.ReasonTooDeep, "nested deeper than %d", env.Limits.MaxDepth))
		return rep, nil
	}
	return e.run(ctx, in, out, &env)
}

func (e *Engine) run(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env) (rep *sanitize.Report, err error) {
	rep = &sanitize.Report{Name: in.Name, InputSize: in.Size, Removed: []sanitize.Removal{}}
	if sum, err := hashInput(in); err == nil {
		rep.InputSHA256 = sum
	} else {
		reject(rep, sanitize.Reject(sanitize.ReasonMalformed, "reading input: %v", err))
		return rep, nil
	}
	if in.Size > env.Limits.MaxInputBytes {
		reject(rep, sanitize.Reject(sanitize.ReasonTooLarge, "input is %d bytes, the limit is %d", in.Size, env.Limits.MaxInputBytes))
		return rep, nil
	}

	rep.Type = sanitize.Detect(in)
	rep.DeclaredExt = sanitize.DeclaredExt(in.Name)
	rep.ExtMismatch = rep.DeclaredExt != "" && !rep.Type.ExtMatches(rep.DeclaredExt)

	if rej := e.admit(rep, env); rej != nil {
		reject(rep, rej)
		return rep, nil
	}
	s := e.Formats[rep.Type.Family()]
	if s == nil {
		reject(rep, sanitize.Reject(sanitize.ReasonUnsupported, "no sanitizer for %s", rep.Type))
		return rep, nil
	}

	cw := &countingWriter{w: out, h: sha256.New(), limit: env.Limits.MaxOutputBytes}
	if err := callSafely(ctx, s, in, cw, env, rep); err != nil {
		if cw.werr != nil {
			return nil, cw.werr
		}
		reject(rep, err)
		return rep, nil
	}
	// The sanitizer may have refined the type (a CFB that is really a .doc);
	// the refined type must be allowed too.
	if !env.Policy.Allows(rep.Type) {
		reject(rep, sanitize.Reject(sanitize.ReasonTypeNotAllowed, "%s is not allowed by the policy", rep.Type))
		return rep, nil
	}
	if rep.OutputType == "" {
		rep.OutputType = rep.Type.OutputType()
	}
	rep.OutputName = sanitize.OutputName(in.Name, rep.OutputType)
	rep.OutputSHA256 = hex.EncodeToString(cw.h.Sum(nil))
	rep.OutputSize = cw.n
	if rep.RemovedAnything() {
		rep.Verdict = sanitize.VerdictSanitized
	} else {
		rep.Verdict = sanitize.VerdictClean
	}
	return rep, nil
}

// admit applies the policy before any parsing beyond detection.
func (e *Engine) admit(rep *sanitize.Report, env *sanitize.Env) error {
	t := rep.Type
	if t.Family() == sanitize.FamilyRejected {
		return sanitize.Reject(sanitize.ReasonUnsupported, "%s cannot be sanitized", t.Label("en"))
	}
	// A CFB is admitted on its family; the OLE sanitizer refines the type
	// and the refined type is checked after the run.
	if !env.Policy.Allows(t) && t != sanitize.TypeEncryptedOOXML {
		return sanitize.Reject(sanitize.ReasonTypeNotAllowed, "%s is not allowed by the policy", t)
	}
	if rep.ExtMismatch && env.Policy.ExtensionMismatch == sanitize.MismatchReject {
		return sanitize.Reject(sanitize.ReasonExtMismatch, "named .%s but the content is %s", rep.DeclaredExt, t)
	}
	return nil
}

// callSafely runs the sanitizer and turns a panic into a rejection: parsers
// of hostile input (pdfcpu, image decoders) have panicked on fuzzed files,
// and a panic must never take the gateway, or the verdict, with it.
func callSafely(ctx context.Context, s sanitize.Sanitizer, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &sanitize.Rejection{Reason: sanitize.ReasonCrash, Detail: fmt.Sprintf("parser panic: %v", p)}
			if os.Getenv("KAKEHASHI_DEBUG_PANIC") != "" {
				fmt.Fprintf(os.Stderr, "panic: %v\n%s", p, debug.Stack())
			}
		}
	}()
	if err := ctx.Err(); err != nil {
		return sanitize.Reject(sanitize.ReasonTimeout, "%v", err)
	}
	return s.Sanitize(ctx, in, out, env, rep)
}

// reject turns rep into a rejection for err; errors that are not a
// *sanitize.Rejection become ReasonMalformed (fail closed).
func reject(rep *sanitize.Report, err error) {
	rej, ok := sanitize.AsRejection(err)
	if !ok {
		rej = &sanitize.Rejection{Reason: sanitize.ReasonMalformed, Detail: err.Error()}
	}
	rep.Verdict = sanitize.VerdictRejected
	rep.Reason = rej.Reason
	rep.Detail = rej.Detail
	rep.OutputSHA256, rep.OutputSize, rep.OutputName, rep.OutputType = "", 0, "", ""
}

func hashInput(in sanitize.Input) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, in.Reader()); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// countingWriter hashes and counts the output and enforces MaxOutputBytes.
// werr keeps a failure of the real writer apart from rejections.
type countingWriter struct {
	w     io.Writer
	h     hash.Hash
	n     int64
	limit int64
	werr  error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.n+int64(len(p)) > c.limit {
		return 0, sanitize.Reject(sanitize.ReasonTooLarge, "output exceeds %d bytes", c.limit)
	}
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if err != nil {
		c.werr = err
	}
	return n, err
}
