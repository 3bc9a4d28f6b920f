package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kakehashi/kakehashi/sanitize"
)

// spawnOptions are the knobs Run derives from the environment; tests set
// them to exercise the user-namespace path as root.
type spawnOptions struct {
	userNS bool
}

// childResult is everything the parent observed about one child.
type childResult struct {
	status         syscall.WaitStatus
	cpu            time.Duration // user + system CPU time of the child
	stdout, stderr *boundedBuffer
	timedOut       bool
	cancelled      error
	flags          uintptr // namespaces the child got
	notes          []string
}

const baseNamespaces = syscall.CLONE_NEWNET | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS

func runChild(ctx context.Context, cfg Config, job Job, in, out *os.File, opt spawnOptions) (*sanitize.Report, error) {
	st, err := in.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading input: %w", err)
	}
	inSum, err := hashFile(in)
	if err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp(cfg.TempDir, "kakehashi-sandbox-*")
	if err != nil {
		return nil, fmt.Errorf("making scratch directory: %w", err)
	}
	defer os.RemoveAll(scratch)
	payload, err := json.Marshal(childJob{Policy: cfg.Policy, Limits: cfg.Limits, Name: job.Name, Password: job.Password, Scratch: scratch})
	if err != nil {
		return nil, fmt.Errorf("encoding job: %w", err)
	}
	res, err := startAndWait(ctx, cfg.Limits, scratch, in, out, payload, opt)
	if err != nil {
		return nil, err
	}
	rep, trusted := judge(res, job, st.Size(), inSum, cfg.Limits, out)
	rep.Isolation = parentIsolation(res, rep.Isolation, trusted)
	if res.status.Exited() && res.status.ExitStatus() == exitSetup {
		rep.Isolation.Unavailable = append(rep.Isolation.Unavailable, "child setup failed: "+lastWords(res.stderr.buf.Bytes()))
	}
	logRun(cfg.Logger, job, rep, res)
	return rep, nil
}

// logRun records the decision about one child for operators.
func logRun(log *slog.Logger, job Job, rep *sanitize.Report, res *childResult) {
	if log == nil {
		return
	}
	attrs := []any{logKeyName, job.Name, logKeyVerdict, rep.Verdict, logKeyExit, res.status.ExitStatus(), logKeyCPU, res.cpu}
	if rep.Verdict == sanitize.VerdictRejected {
		attrs = append(attrs, logKeyReason, rep.Reason, logKeyDetail, rep.Detail)
	}
	if res.stderr.buf.Len() > 0 {
		attrs = append(attrs, logKeyStderr, lastWords(res.stderr.buf.Bytes()))
	}
	log.Info("sandbox run", attrs...)
}

// startAndWait starts the child, retrying without namespaces the kernel
// refuses, and waits for it within the wall-clock limit.
func startAndWait(ctx context.Context, l sanitize.Limits, scratch string, in, out *os.File, payload []byte, opt spawnOptions) (*childResult, error) {
	flags := uintptr(baseNamespaces)
	if opt.userNS {
		flags |= syscall.CLONE_NEWUSER
	}
	wall, cancel := context.WithTimeout(ctx, l.WallTime)
	defer cancel()
	res := &childResult{}
	for {
		cmd := childCommand(wall, scratch, in, out, payload, flags)
		res.stdout = &boundedBuffer{max: maxReportBytes}
		res.stderr = &boundedBuffer{max: maxStderrBytes}
		cmd.Stdout, cmd.Stderr = res.stdout, res.stderr
		err := cmd.Start()
		if err != nil {
			next, ok := fallbackFlags(flags, err)
			if !ok {
				return nil, fmt.Errorf("starting sandbox child: %w", err)
			}
			res.notes = append(res.notes, fmt.Sprintf("namespaces: clone with %s failed (%v); running with %s", nsNames(flags), err, nsNames(next)))
			flags = next
			continue
		}
		res.flags = flags
		// The child is the process group leader (and PID 1 of its PID
		// namespace when there is one): whatever it started dies with it.
		// The group is killed while the child is an unreaped zombie, so
		// its PID, the group's ID, cannot have been reused yet.
		waitExited(cmd.Process.Pid)
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait() // the exit status is judged from ProcessState
		res.status, _ = cmd.ProcessState.Sys().(syscall.WaitStatus)
		res.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		break
	}
	switch {
	case ctx.Err() != nil:
		res.cancelled = ctx.Err()
	case wall.Err() != nil:
		res.timedOut = true
	}
	return res, nil
}

// waitExited blocks until pid has exited, without reaping it (WNOWAIT).
func waitExited(pid int) {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return
		}
	}
}

func childCommand(ctx context.Context, scratch string, in, out *os.File, payload []byte, flags uintptr) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "/proc/self/exe", childArg)
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// Grandchildren outside a PID namespace may hold the pipes open after
	// the child is gone; do not wait for them.
	cmd.WaitDelay = time.Second
	cmd.Env = []string{childEnv + "=1", "PATH=/usr/bin:/bin", "HOME=" + scratch, "LANG=C.UTF-8", "TMPDIR=" + scratch}
	cmd.Dir = scratch
	cmd.Stdin = bytes.NewReader(payload)
	cmd.ExtraFiles = []*os.File{in, out}
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Cloneflags: flags}
	if flags&syscall.CLONE_NEWUSER != 0 {
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	cmd.SysProcAttr = attr
	return cmd
}

// fallbackFlags says which namespaces to try next after a refused clone. As
// root the user namespace is dropped first (the others do not need it);
// without root nothing works without it, so all are dropped.
func fallbackFlags(flags uintptr, err error) (uintptr, bool) {
	if flags == 0 || !(errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EUSERS) || errors.Is(err, syscall.EACCES)) {
		return 0, false
	}
	if flags&syscall.CLONE_NEWUSER != 0 && os.Geteuid() == 0 {
		return flags &^ syscall.CLONE_NEWUSER, true
	}
	return 0, true
}

func nsNames(flags uintptr) string {
	var names []string
	for _, ns := range []struct {
		flag uintptr
		name string
	}{{syscall.CLONE_NEWUSER, "user"}, {syscall.CLONE_NEWNET, "net"}, {syscall.CLONE_NEWNS, "mount"},
		{syscall.CLONE_NEWPID, "pid"}, {syscall.CLONE_NEWIPC, "ipc"}, {syscall.CLONE_NEWUTS, "uts"}} {
		if flags&ns.flag != 0 {
			names = append(names, ns.name)
		}
	}
	if len(names) == 0 {
		return "no namespaces"
	}
	return strings.Join(names, "+")
}

// parentIsolation completes the isolation record with what only the parent
// knows (namespaces and fallbacks). Without a trusted report, nothing the
// child might have claimed is kept.
func parentIsolation(res *childResult, child *sanitize.Isolation, trusted bool) *sanitize.Isolation {
	iso := &sanitize.Isolation{Landlock: "unknown: no report from the child"}
	if trusted && child != nil {
		iso = child
	}
	iso.Sandboxed = true
	iso.NetworkNS = res.flags&syscall.CLONE_NEWNET != 0
	iso.Unavailable = append(res.notes, iso.Unavailable...)
	if !iso.NetworkNS {
		iso.Unavailable = append(iso.Unavailable, "network namespace: not created; the seccomp socket filter is the only network barrier")
	}
	return iso
}

// boundedBuffer keeps the first max bytes written and discards the rest,
// so a child cannot make the parent allocate without bound, nor block it.
type boundedBuffer struct {
	buf      bytes.Buffer
	max      int
	overflow bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room < len(p) {
		b.overflow = true
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.buf.Write(p)
}
