package scantest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long a server may take to answer its first
// request. clamd with a one-signature database answers in 1–2 s, but
// parallel packages under -race on two cores can be much slower.
const startTimeout = 90 * time.Second

// process is a server started by a test.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, set before done closes
	log  string        // file holding the server's output
}

// start runs argv in its own process group, output to logFile, and kills
// the whole group at cleanup (c-icap forks children).
func start(tb testing.TB, logFile string, argv ...string) *process {
	tb.Helper()
	out, err := os.Create(logFile)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = out.Close()
		tb.Fatalf("start %s: %v", argv[0], err)
	}
	p := &process{cmd: cmd, done: make(chan struct{}), log: logFile}
	go func() {
		p.err = cmd.Wait()
		_ = out.Close()
		close(p.done)
	}()
	tb.Cleanup(p.stop)
	return p
}

// stop kills the process group and waits for the leader to exit. It may be
// called more than once.
func (p *process) stop() {
	select {
	case <-p.done:
	default:
		// Negative pid: the group this test created, and nothing else.
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitReady calls ready until it succeeds, the process exits (errExited)
// or startTimeout passes.
func (p *process) waitReady(ready func(context.Context) error) error {
	deadline := time.Now().Add(startTimeout)
	var last error
	for time.Now().Before(deadline) {
		if p.exited() {
			return fmt.Errorf("%w: %v", errExited, p.err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		last = ready(ctx)
		cancel()
		if last == nil {
			return nil
		}
		select {
		case <-p.done:
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("not ready after %v: %v", startTimeout, last)
}

var errExited = errors.New("exited")

// logTail returns the end of the server's output, for failure messages.
func (p *process) logTail() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return err.Error()
	}
	s := string(b)
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return strings.TrimSpace(s)
}

// FreePort returns a loopback TCP port that was free a moment ago. A server
// told to use it can still lose a race for it, so starters retry.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		tb.Fatal(err)
	}
	return port
}

// ClosedAddr returns a loopback address where nothing listens, for
// "scanner down" tests.
func ClosedAddr(tb testing.TB) string {
	tb.Helper()
	return fmt.Sprintf("127.0.0.1:%d", FreePort(tb))
}
