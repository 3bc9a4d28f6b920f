package sandbox

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

// MaybeChild must be the first call in main() (and in TestMain of tests that
// use Run): if this process was started as a sandbox child it runs the job
// with newEngine and exits; otherwise it returns.
func MaybeChild(newEngine func(sanitize.Policy, sanitize.Limits) *engine.Engine) {
	if os.Getenv(childEnv) != "1" || len(os.Args) < 2 || os.Args[1] != childArg {
		return
	}
	os.Exit(childMain(newEngine, os.Stdin, os.Stdout, os.Stderr))
}

// childMain confines the process, then sanitizes. It writes a report to
// stdout only when the run got as far as a verdict; a setup failure is one
// line on stderr and exitSetup.
func childMain(newEngine func(sanitize.Policy, sanitize.Limits) *engine.Engine, stdin io.Reader, stdout, stderr io.Writer) int {
	job, err := readJob(stdin)
	if err != nil {
		return setupFailed(stderr, err)
	}
	iso, err := confine(&job)
	if err != nil {
		return setupFailed(stderr, err)
	}
	rep, err := sanitizeFDs(newEngine, job)
	if err != nil {
		return setupFailed(stderr, err)
	}
	rep.Isolation = iso
	if err := json.NewEncoder(stdout).Encode(rep); err != nil {
		return setupFailed(stderr, fmt.Errorf("writing report: %w", err))
	}
	return 0
}

func setupFailed(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "sandbox: %v\n", err)
	return exitSetup
}

func readJob(r io.Reader) (childJob, error) {
	var job childJob
	dec := json.NewDecoder(io.LimitReader(r, maxJobBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&job); err != nil {
		return job, fmt.Errorf("reading job: %w", err)
	}
	if job.Scratch == "" {
		return job, errors.New("reading job: no scratch directory")
	}
	return job, nil
}

// confine applies rlimits, Landlock and seccomp, in that order: each later
// step would forbid what an earlier one needs (Landlock reads paths).
func confine(job *childJob) (*sanitize.Isolation, error) {
	iso := &sanitize.Isolation{Sandboxed: true}
	ownProc, err := prepareMounts(job.Scratch)
	if err != nil {
		return nil, err
	}
	if ownProc {
		job.Scratch = "/tmp"
	}
	if err := setRlimits(job.Limits); err != nil {
		return nil, err
	}
	iso.Rlimits = true
	abi, err := restrictPaths(job.Scratch, ownProc)
	switch {
	case err != nil:
		return nil, err
	case abi == 0:
		iso.Landlock = "unavailable: the kernel has no Landlock"
		iso.Unavailable = append(iso.Unavailable, "landlock: the kernel has no Landlock; the file system is not restricted")
	default:
		iso.Landlock = fmt.Sprintf("abi %d", abi)
	}
	ok, err := installSeccomp()
	if err != nil {
		return nil, err
	}
	iso.Seccomp = ok
	if !ok {
		iso.Unavailable = append(iso.Unavailable, "seccomp: no filter for this architecture; system calls are not restricted")
	}
	return iso, nil
}

// prepareMounts gives a child that is PID 1 of a new PID namespace a /proc
// of that namespace, and the scratch directory as /tmp. The inherited /proc
// is the host's: it shows every host process, and it makes getpid() (1)
// name the host's init, which breaks the all-threads system calls Landlock
// needs (psx walks /proc/<pid>/task). LibreOffice puts its IPC socket in
// /tmp whatever TMPDIR says. The mount namespace is made private first so
// nothing propagates to the host. Outside new namespaces (a fallback) there
// is nothing to do, and it reports false.
func prepareMounts(scratch string) (bool, error) {
	if os.Getpid() != 1 {
		return false, nil
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return false, fmt.Errorf("making mounts private: %w", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return false, fmt.Errorf("mounting /proc for the PID namespace: %w", err)
	}
	if err := unix.Mount(scratch, "/tmp", "", unix.MS_BIND, ""); err != nil {
		return false, fmt.Errorf("mounting scratch on /tmp: %w", err)
	}
	// The scratch path itself may lie under the old /tmp, now hidden.
	for _, name := range []string{"HOME", "TMPDIR"} {
		if err := os.Setenv(name, "/tmp"); err != nil {
			return false, err
		}
	}
	return true, os.Chdir("/tmp")
}

// sanitizeFDs runs the engine on the descriptors the parent passed.
func sanitizeFDs(newEngine func(sanitize.Policy, sanitize.Limits) *engine.Engine, job childJob) (*sanitize.Report, error) {
	in := os.NewFile(inputFD, "input")
	out := os.NewFile(outputFD, "output")
	if in == nil || out == nil {
		return nil, errors.New("input or output descriptor missing")
	}
	st, err := in.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading input: %w", err)
	}
	e := newEngine(job.Policy, job.Limits)
	e.Tools = engine.FindTools()
	e.TempDir = job.Scratch
	ctx, cancel := context.WithTimeout(context.Background(), job.Limits.WallTime)
	defer cancel()
	w := bufio.NewWriterSize(out, 64<<10)
	input := sanitize.Input{R: in, Size: st.Size(), Name: job.Name}
	rep, err := e.Sanitize(ctx, input, w, engine.Options{Password: job.Password})
	if err == nil {
		err = w.Flush()
	}
	if errors.Is(err, syscall.EFBIG) {
		// RLIMIT_FSIZE: the Go runtime ignores SIGXFSZ, so the write fails
		// and the engine returns no report.
		sum, herr := hashFile(in)
		if herr != nil {
			return nil, herr
		}
		return &sanitize.Report{Verdict: sanitize.VerdictRejected, Reason: sanitize.ReasonResourceLimit,
			Detail: "output file size limit reached", Name: job.Name, Removed: []sanitize.Removal{},
			InputSize: st.Size(), InputSHA256: sum}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("writing output: %w", err)
	}
	if rep.Verdict == sanitize.VerdictRejected {
		// Keep nothing a parser wrote before it gave up.
		out.Truncate(0)
	}
	return rep, nil
}
