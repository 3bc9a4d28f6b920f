package sandbox

import (
	"bytes"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/sanitize"
)

// TestEndings maps every way a child can end to a reason, including those
// the probes cannot provoke portably (SIGXFSZ, SIGABRT, the OOM killer).
func TestEndings(t *testing.T) {
	l := testLimits() // CPUTime 2 s
	cases := []struct {
		name   string
		status syscall.WaitStatus
		cpu    time.Duration
		stderr string
		want   sanitize.Reason
		detail string
	}{
		{"SIGXCPU", syscall.WaitStatus(syscall.SIGXCPU), time.Second, "", sanitize.ReasonResourceLimit, "CPU"},
		{"SIGKILL at the CPU limit", syscall.WaitStatus(syscall.SIGKILL), 2 * time.Second, "", sanitize.ReasonResourceLimit, "CPU"},
		{"SIGKILL just under the CPU limit", syscall.WaitStatus(syscall.SIGKILL), 1999 * time.Millisecond, "", sanitize.ReasonResourceLimit, "memory"},
		{"SIGXFSZ", syscall.WaitStatus(syscall.SIGXFSZ), 0, "", sanitize.ReasonResourceLimit, "file size"},
		{"SIGABRT", syscall.WaitStatus(syscall.SIGABRT), 0, "", sanitize.ReasonCrash, "signal"},
		{"SIGSEGV", syscall.WaitStatus(syscall.SIGSEGV), 0, "", sanitize.ReasonCrash, "signal"},
		{"setup failure", syscall.WaitStatus(exitSetup << 8), 0, "sandbox: landlock: boom\n", sanitize.ReasonCrash, "sandbox setup failed: sandbox: landlock: boom"},
		{"Go out of memory", syscall.WaitStatus(2 << 8), 0, "fatal error: runtime: out of memory\n\ngoroutine 1", sanitize.ReasonResourceLimit, "memory"},
		{"panic", syscall.WaitStatus(2 << 8), 0, "goroutine 7:\npanic: index out of range\n", sanitize.ReasonCrash, "panic: index out of range"},
		{"exit 1 without words", syscall.WaitStatus(1 << 8), 0, "", sanitize.ReasonCrash, "exit status 1: no message"},
		{"stopped, not exited", syscall.WaitStatus(0x137f), 0, "", sanitize.ReasonCrash, "unknown state"},
		{"clean exit, empty report", 0, 0, "", sanitize.ReasonCrash, "without a valid report"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := &childResult{status: c.status, cpu: c.cpu, stdout: &boundedBuffer{max: 10}, stderr: &boundedBuffer{max: maxStderrBytes}}
			res.stderr.Write([]byte(c.stderr))
			rep, trusted := judge(res, Job{Name: "a"}, 0, "", l, nil)
			if trusted || rep.Verdict != sanitize.VerdictRejected || rep.Reason != c.want || !strings.Contains(rep.Detail, c.detail) {
				t.Fatalf("got %s/%s %q (trusted %v), want %s with %q", rep.Verdict, rep.Reason, rep.Detail, trusted, c.want, c.detail)
			}
		})
	}
}

func TestBoundedBuffer(t *testing.T) {
	b := &boundedBuffer{max: 4}
	for _, p := range []string{"ab", "cd", "ef"} {
		if n, err := b.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v: must swallow, not block the child", p, n, err)
		}
	}
	if b.buf.String() != "abcd" || !b.overflow {
		t.Fatalf("kept %q, overflow %v", b.buf.String(), b.overflow)
	}
}

// TestChildRefusesBadJob: a job that is not the typed document gets no
// confinement attempt, no report, and the setup exit code.
func TestChildRefusesBadJob(t *testing.T) {
	for _, job := range []string{"", "not json", `{"scratch":"/x","code":"rm -rf /"}`, `{"name":"a"}`} {
		var out, errs bytes.Buffer
		if code := childMain(newTestEngine, strings.NewReader(job), &out, &errs); code != exitSetup || out.Len() != 0 {
			t.Errorf("job %q: exit %d, report %q", job, code, out.String())
		}
		if !strings.HasPrefix(errs.String(), "sandbox: reading job") {
			t.Errorf("job %q: stderr %q", job, errs.String())
		}
	}
}
