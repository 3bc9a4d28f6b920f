package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

// probe is a test-only format that misbehaves on command. Its input is text:
// the first word is the command, the rest its argument. Commands that test a
// confinement write what happened ("ok" or the error) as the output, so the
// test reads the verdict of the sandbox from the sanitized file.
type probe struct{}

var _ sanitize.Sanitizer = probe{}

func newTestEngine(p sanitize.Policy, l sanitize.Limits) *engine.Engine {
	return &engine.Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{sanitize.FamilyText: probe{}}, Policy: p, Limits: l}
}

func (probe) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	b, err := io.ReadAll(in.Reader())
	if err != nil {
		return err
	}
	cmd, arg, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
	result, err := probeCommand(ctx, cmd, arg, env)
	if err != nil {
		return err
	}
	_, err = io.WriteString(out, result)
	return err
}

func outcome(err error) string {
	if err != nil {
		return "err: " + err.Error()
	}
	return "ok"
}

func probeCommand(ctx context.Context, cmd, arg string, env *sanitize.Env) (string, error) {
	switch cmd {
	case "HELLO":
		return "hello", nil
	case "PANIC": // a panic outside the engine's recover kills the process
		done := make(chan struct{})
		go func() { defer close(done); panic("probe: goroutine panic") }()
		<-done
	case "SEGV":
		unix.Kill(os.Getpid(), unix.SIGSEGV)
		time.Sleep(time.Second)
	case "EXIT": // exits 0 without a report
		os.Exit(0)
	case "LOOP": // spins on purpose, ignoring ctx like a stuck parser
		n := 0
		for n >= 0 {
			n = (n + 1) & 0xffff
		}
	case "ALLOC":
		var keep [][]byte
		for i := 0; i < 10<<10; i++ { // 10 GiB in 1 MiB steps, touched
			keep = append(keep, bytes.Repeat([]byte{1}, 1<<20))
		}
		return fmt.Sprint(len(keep)), nil
	case "NET":
		c, err := net.DialTimeout("tcp", arg, time.Second)
		if err == nil {
			c.Close()
		}
		return outcome(err), nil
	case "SOCKET":
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err == nil {
			unix.Close(fd)
		}
		return outcome(err), nil
	case "UNIXSOCKET":
		fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err == nil {
			unix.Close(fd)
		}
		return outcome(err), nil
	case "READ":
		_, err := os.ReadFile(arg)
		return outcome(err), nil
	case "WRITE":
		return outcome(os.WriteFile(arg, []byte("x"), 0o600)), nil
	case "SCRATCH": // both the engine's scratch and $TMPDIR must be writable
		err := os.WriteFile(env.TempDir+"/probe", []byte("x"), 0o600)
		if err == nil {
			err = os.WriteFile(os.Getenv("TMPDIR")+"/probe", []byte("x"), 0o600)
		}
		return outcome(err), nil
	case "FSIZE": // RLIMIT_FSIZE is MaxOutputBytes + 1 MiB for every file
		f, err := os.Create(env.TempDir + "/big")
		if err == nil {
			_, err = f.Write(make([]byte, 2<<20))
			f.Close()
		}
		return outcome(err), nil
	case "MOUNT":
		return outcome(unix.Mount("tmpfs", env.TempDir, "tmpfs", 0, "")), nil
	case "UNSHARE":
		return outcome(unix.Unshare(unix.CLONE_NEWUSER)), nil
	case "PROCS": // processes this child can see in /proc
		entries, err := os.ReadDir("/proc")
		if err != nil {
			return outcome(err), nil
		}
		n := 0
		for _, e := range entries {
			if e.Name()[0] >= '0' && e.Name()[0] <= '9' {
				n++
			}
		}
		return fmt.Sprintf("ok: %d", n), nil
	case "BIG":
		return strings.Repeat("x", 1<<20), nil
	case "TAMPER": // bypasses the engine's hash: the parent must notice
		os.NewFile(outputFD, "output").Write([]byte("smuggled"))
		return "hello", nil
	case "SLEEP": // a grandchild that would outlive a careless parent
		c := exec.Command("/bin/sleep", arg)
		if err := c.Start(); err != nil {
			return outcome(err), nil
		}
		c.Wait()
	case "SOFFICE": // LibreOffice converts a file in scratch, as the OLE format will
		src := env.TempDir + "/a.txt"
		if err := os.WriteFile(src, []byte("sandbox"), 0o600); err != nil {
			return outcome(err), nil
		}
		c := exec.CommandContext(ctx, arg, "--headless", "--norestore", "--convert-to", "odt", "--outdir", env.TempDir, src)
		if b, err := c.CombinedOutput(); err != nil {
			return fmt.Sprintf("err: %v: %s", err, b), nil
		}
		_, err := os.Stat(env.TempDir + "/a.odt")
		return outcome(err), nil
	case "EXEC":
		argv := strings.Fields(arg)
		out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Sprintf("err: %v: %s", err, out), nil
		}
		return "ok: " + string(out), nil
	}
	return "", sanitize.Reject(sanitize.ReasonMalformed, "unknown probe %q", cmd)
}
