package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

// Config is how the parent runs children.
type Config struct {
	Policy sanitize.Policy
	// Limits bound each run; WallTime, CPUTime, MemoryBytes and
	// MaxOutputBytes are enforced here, the rest by the engine.
	Limits sanitize.Limits
	// TempDir is the parent directory of per-job scratch directories
	// ("" = os.TempDir()).
	TempDir string
	// InProcess runs the engine in this process without isolation (tests,
	// platforms without namespaces); the report's Isolation says
	// Sandboxed=false. It uses NewEngine.
	InProcess bool
	// NewEngine builds the engine for InProcess runs. Sandboxed runs use
	// the function given to MaybeChild in the child instead.
	NewEngine func(sanitize.Policy, sanitize.Limits) *engine.Engine
	// Logger gets one line per sandboxed run (verdict, how the child ended,
	// the last words of its stderr); nil logs nothing. Passwords and file
	// content are never logged.
	Logger *slog.Logger
}

// Log keys.
const (
	logKeyName    = "name"
	logKeyVerdict = "verdict"
	logKeyReason  = "reason"
	logKeyDetail  = "detail"
	logKeyExit    = "exit"
	logKeyCPU     = "cpu"
	logKeyStderr  = "stderr"
)

// Job is one file to sanitize.
type Job struct {
	InputPath  string
	OutputPath string
	// Name is what the sender called the file (reports, extension checks).
	Name string
	// Password opens encrypted archives and Office files; it is passed to
	// the child on stdin, never in argv or the environment.
	Password string
}

// Run sanitizes one file. On a verdict other than rejected, OutputPath
// exists and holds the output (written to a temporary file in the same
// directory, fsync'd, renamed); on rejected, nothing is at OutputPath. The
// error is only for faults of the caller's environment (cannot create files,
// cannot start a child).
func Run(ctx context.Context, cfg Config, job Job) (*sanitize.Report, error) {
	return run(ctx, cfg, job, spawnOptions{userNS: os.Geteuid() != 0})
}

func run(ctx context.Context, cfg Config, job Job, opt spawnOptions) (*sanitize.Report, error) {
	cfg.Limits = cfg.Limits.WithDefaults()
	cfg.Policy = cfg.Policy.WithDefaults()
	in, err := os.Open(job.InputPath)
	if err != nil {
		return nil, fmt.Errorf("opening input: %w", err)
	}
	defer in.Close()
	out, err := newPendingOutput(job.OutputPath)
	if err != nil {
		return nil, err
	}
	defer out.discard()

	var rep *sanitize.Report
	if cfg.InProcess {
		rep, err = runInProcess(ctx, cfg, job, in, out.f)
	} else {
		rep, err = runChild(ctx, cfg, job, in, out.f, opt)
	}
	if err != nil {
		return nil, err
	}
	if rep.Verdict == sanitize.VerdictRejected {
		return rep, nil
	}
	if err := out.commit(); err != nil {
		return nil, err
	}
	return rep, nil
}

// runInProcess is the unisolated path: the engine on open files.
func runInProcess(ctx context.Context, cfg Config, job Job, in, out *os.File) (*sanitize.Report, error) {
	if cfg.NewEngine == nil {
		return nil, fmt.Errorf("sandbox: InProcess needs Config.NewEngine")
	}
	st, err := in.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading input: %w", err)
	}
	e := cfg.NewEngine(cfg.Policy, cfg.Limits)
	e.Tools = engine.FindTools()
	e.TempDir = cfg.TempDir
	ctx, cancel := context.WithTimeout(ctx, cfg.Limits.WallTime)
	defer cancel()
	rep, err := e.Sanitize(ctx, sanitize.Input{R: in, Size: st.Size(), Name: job.Name}, out, engine.Options{Password: job.Password})
	if err != nil {
		return nil, fmt.Errorf("sanitizing in process: %w", err)
	}
	rep.Isolation = &sanitize.Isolation{Unavailable: []string{"in-process run: no isolation (Config.InProcess)"}}
	if rep.Verdict != sanitize.VerdictRejected {
		if err := verifyOutput(out, rep); err != nil {
			return nil, fmt.Errorf("in-process output does not match its report: %w", err)
		}
	}
	return rep, nil
}

// pendingOutput is the temporary file that becomes OutputPath on commit.
type pendingOutput struct {
	f      *os.File
	final  string
	closed bool
}

func newPendingOutput(path string) (*pendingOutput, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("creating output: %w", err)
	}
	return &pendingOutput{f: f, final: path}, nil
}

// commit makes the output durable before it becomes visible under its name,
// so a crash of the gateway never leaves a half-written file at OutputPath.
func (p *pendingOutput) commit() error {
	if err := p.f.Sync(); err != nil {
		return fmt.Errorf("syncing output: %w", err)
	}
	if err := p.f.Close(); err != nil {
		return fmt.Errorf("closing output: %w", err)
	}
	p.closed = true
	if err := os.Rename(p.f.Name(), p.final); err != nil {
		os.Remove(p.f.Name())
		return fmt.Errorf("renaming output: %w", err)
	}
	p.f = nil
	return nil
}

// discard removes the temporary file unless it was committed.
func (p *pendingOutput) discard() {
	if p.f == nil {
		return
	}
	if !p.closed {
		p.f.Close()
	}
	os.Remove(p.f.Name())
}

// verifyOutput checks the file against the size and hash the report claims:
// a compromised child could write one thing and report another.
func verifyOutput(f *os.File, rep *sanitize.Report) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() != rep.OutputSize {
		return fmt.Errorf("output is %d bytes, the report says %d", st.Size(), rep.OutputSize)
	}
	sum, err := hashFile(f)
	if err != nil {
		return err
	}
	if sum != rep.OutputSHA256 {
		return fmt.Errorf("output SHA-256 %s, the report says %s", sum, rep.OutputSHA256)
	}
	return nil
}

func hashFile(f *os.File) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, 1<<62)); err != nil {
		return "", fmt.Errorf("hashing %s: %w", f.Name(), err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// rejected makes the parent's own report when the child gave none worth
// trusting. It knows only what the parent measured itself.
func rejected(job Job, inSize int64, inSum string, reason sanitize.Reason, format string, args ...any) *sanitize.Report {
	return &sanitize.Report{
		Verdict:     sanitize.VerdictRejected,
		Reason:      reason,
		Detail:      fmt.Sprintf(format, args...),
		Name:        job.Name,
		DeclaredExt: sanitize.DeclaredExt(job.Name),
		Removed:     []sanitize.Removal{},
		InputSize:   inSize,
		InputSHA256: inSum,
	}
}
