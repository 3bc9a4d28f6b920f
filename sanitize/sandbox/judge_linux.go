package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/kakehashi/kakehashi/sanitize"
)

// judge turns what the parent observed into a report. trusted is true only
// when the report came from the child and checked out against the files.
func judge(res *childResult, job Job, inSize int64, inSum string, l sanitize.Limits, out *os.File) (rep *sanitize.Report, trusted bool) {
	reject := func(reason sanitize.Reason, format string, args ...any) (*sanitize.Report, bool) {
		return rejected(job, inSize, inSum, reason, format, args...), false
	}
	switch {
	case res.cancelled != nil:
		return reject(sanitize.ReasonTimeout, "cancelled: %v", res.cancelled)
	case res.timedOut:
		return reject(sanitize.ReasonTimeout, "no result within %s; the child was killed", l.WallTime)
	}
	ws := res.status
	if ws.Signaled() {
		return reject(signalReason(ws.Signal(), res.cpu, l))
	}
	if !ws.Exited() {
		return reject(sanitize.ReasonCrash, "the child ended in an unknown state %#x", uint32(ws))
	}
	if code := ws.ExitStatus(); code != 0 {
		return reject(exitReason(code, res.stderr.buf.Bytes()))
	}
	if res.stdout.overflow {
		return reject(sanitize.ReasonCrash, "the child's report is larger than %d bytes", maxReportBytes)
	}
	rep = &sanitize.Report{}
	dec := json.NewDecoder(bytes.NewReader(res.stdout.buf.Bytes()))
	if err := dec.Decode(rep); err != nil {
		return reject(sanitize.ReasonCrash, "the child exited without a valid report: %v", err)
	}
	if err := checkReport(rep, inSize, inSum, out); err != nil {
		return reject(sanitize.ReasonCrash, "the child's report does not match: %v", err)
	}
	return rep, true
}

// checkReport refuses a report that contradicts what the parent can see.
func checkReport(rep *sanitize.Report, inSize int64, inSum string, out *os.File) error {
	if rep.InputSize != inSize || rep.InputSHA256 != inSum {
		return fmt.Errorf("input %d bytes %s, the report says %d bytes %s", inSize, inSum, rep.InputSize, rep.InputSHA256)
	}
	switch rep.Verdict {
	case sanitize.VerdictRejected:
		if rep.Reason == "" {
			return fmt.Errorf("rejected without a reason")
		}
		return nil
	case sanitize.VerdictClean, sanitize.VerdictSanitized:
		return verifyOutput(out, rep)
	default:
		return fmt.Errorf("unknown verdict %q", rep.Verdict)
	}
}

// signalReason names why a child died of sig. The Go runtime ignores
// SIGXCPU and SIGXFSZ, so RLIMIT_CPU usually ends in the hard limit's
// SIGKILL: CPU time at or past the soft limit tells it from a kill by the
// kernel's OOM killer.
func signalReason(sig syscall.Signal, cpu time.Duration, l sanitize.Limits) (sanitize.Reason, string, any) {
	switch {
	case sig == syscall.SIGXCPU, sig == syscall.SIGKILL && cpu >= cpuSoftLimit(l):
		return sanitize.ReasonResourceLimit, "CPU time limit of %s reached", l.CPUTime
	case sig == syscall.SIGXFSZ:
		return sanitize.ReasonResourceLimit, "file size limit reached (%s)", sig
	case sig == syscall.SIGKILL:
		return sanitize.ReasonResourceLimit, "killed by %s (memory exhausted?)", sig
	}
	return sanitize.ReasonCrash, "the parser died of signal %s", sig
}

// exitReason names a non-zero exit from the child's stderr, which holds the
// Go runtime's last words.
func exitReason(code int, stderr []byte) (sanitize.Reason, string, any) {
	line := lastWords(stderr)
	switch {
	case code == exitSetup:
		return sanitize.ReasonCrash, "sandbox setup failed: %s", line
	case bytes.Contains(stderr, []byte("out of memory")), bytes.Contains(stderr, []byte("cannot allocate memory")),
		bytes.Contains(stderr, []byte("failed to allocate")): // the race detector's runtime
		return sanitize.ReasonResourceLimit, "memory limit reached: %s", line
	case bytes.Contains(stderr, []byte("file too large")):
		return sanitize.ReasonResourceLimit, "file size limit reached: %s", line
	}
	return sanitize.ReasonCrash, "the parser failed: %s", fmt.Sprintf("exit status %d: %s", code, line)
}

// lastWords picks the line that says what happened ("panic: …", "fatal
// error: …"), cut to one printable line for the report.
func lastWords(stderr []byte) string {
	lines := strings.Split(string(stderr), "\n")
	pick := ""
	for _, l := range lines {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") || strings.HasPrefix(l, "sandbox: ") || strings.HasPrefix(l, "SIG") {
			pick = l
			break
		}
	}
	if pick == "" {
		for i := len(lines) - 1; i >= 0 && pick == ""; i-- {
			pick = strings.TrimSpace(lines[i])
		}
	}
	pick = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, pick)
	if len(pick) > 200 {
		pick = pick[:200] + "…"
	}
	if pick == "" {
		return "no message"
	}
	return pick
}
