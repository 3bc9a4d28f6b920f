package sandbox

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/sanitize"
)

func TestMain(m *testing.M) {
	MaybeChild(newTestEngine)
	os.Exit(m.Run())
}

// testLimits keep the whole package under a minute.
func testLimits() sanitize.Limits {
	return sanitize.Limits{WallTime: 5 * time.Second, CPUTime: 2 * time.Second, MemoryBytes: 512 << 20, MaxOutputBytes: 64 << 10}
}

func testConfig(t *testing.T) Config {
	return Config{Limits: testLimits(), TempDir: t.TempDir(), NewEngine: newTestEngine, Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil))}
}

// testWriter sends log lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// runProbe sanitizes a text file holding probe, returning the report and
// the output ("" when there is none).
func runProbe(t *testing.T, cfg Config, opt spawnOptions, probe string) (*sanitize.Report, string) {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	if err := os.WriteFile(in, []byte(probe), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := run(context.Background(), cfg, Job{InputPath: in, OutputPath: out, Name: "in.txt"}, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if scratch, _ := os.ReadDir(cfg.TempDir); len(scratch) != 0 {
		t.Errorf("scratch left behind in %s: %v", cfg.TempDir, scratch)
	}
	entries, _ := os.ReadDir(dir)
	b, readErr := os.ReadFile(out)
	if rep.Verdict == sanitize.VerdictRejected {
		if readErr == nil {
			t.Errorf("rejected, yet something is at OutputPath: %q", b)
		}
		if len(entries) != 1 {
			t.Errorf("rejected run left files behind: %v", entries)
		}
		return rep, ""
	}
	if readErr != nil {
		t.Fatalf("verdict %s but no output: %v", rep.Verdict, readErr)
	}
	if len(entries) != 2 {
		t.Errorf("temporary output left behind: %v", entries)
	}
	return rep, string(b)
}

func rootOptions() spawnOptions { return spawnOptions{userNS: os.Geteuid() != 0} }

func TestClean(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  spawnOptions
	}{{"default namespaces", rootOptions()}, {"with user namespace", spawnOptions{userNS: true}}} {
		t.Run(c.name, func(t *testing.T) {
			rep, out := runProbe(t, testConfig(t), c.opt, "HELLO")
			if rep.Verdict != sanitize.VerdictClean || out != "hello" {
				t.Fatalf("verdict %s/%s %q, output %q", rep.Verdict, rep.Reason, rep.Detail, out)
			}
			iso := rep.Isolation
			if iso == nil || !iso.Sandboxed || !iso.NetworkNS || !iso.Seccomp || !iso.Rlimits || !strings.HasPrefix(iso.Landlock, "abi ") {
				t.Fatalf("isolation incomplete: %+v", iso)
			}
			if len(iso.Unavailable) != 0 {
				t.Errorf("unexpected fallbacks on this host: %v", iso.Unavailable)
			}
		})
	}
}

// TestRejections covers every way a child can fail: each must be a
// rejection with the right reason, never an error or a hang.
func TestRejections(t *testing.T) {
	cases := []struct {
		name, probe string
		reasons     []sanitize.Reason
	}{
		{"goroutine panic", "PANIC", []sanitize.Reason{sanitize.ReasonCrash}},
		{"segmentation fault", "SEGV", []sanitize.Reason{sanitize.ReasonCrash}},
		{"exit without report", "EXIT", []sanitize.Reason{sanitize.ReasonCrash}},
		// Under load the wall clock may come first; TestCPULimit proves
		// the CPU limit alone.
		{"busy loop", "LOOP", []sanitize.Reason{sanitize.ReasonResourceLimit, sanitize.ReasonTimeout}},
		{"10 GiB allocation", "ALLOC", []sanitize.Reason{sanitize.ReasonResourceLimit}},
		{"output over MaxOutputBytes", "BIG", []sanitize.Reason{sanitize.ReasonTooLarge, sanitize.ReasonResourceLimit}},
		{"output not matching the report", "TAMPER", []sanitize.Reason{sanitize.ReasonCrash}},
		{"engine rejection passes through", "NOSUCHPROBE", []sanitize.Reason{sanitize.ReasonMalformed}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, _ := runProbe(t, testConfig(t), rootOptions(), c.probe)
			if rep.Verdict != sanitize.VerdictRejected || !oneOf(rep.Reason, c.reasons) {
				t.Fatalf("got %s/%s (%s), want rejected %v", rep.Verdict, rep.Reason, rep.Detail, c.reasons)
			}
			if rep.InputSHA256 == "" || rep.Isolation == nil || !rep.Isolation.Sandboxed {
				t.Errorf("report lacks input hash or isolation: %+v", rep)
			}
			t.Logf("%s: %s", rep.Reason, rep.Detail)
		})
	}
}

func oneOf(r sanitize.Reason, rs []sanitize.Reason) bool {
	for _, x := range rs {
		if r == x {
			return true
		}
	}
	return false
}

// TestCPULimit gives the wall clock room (the test machine is shared) so
// that only RLIMIT_CPU can end the loop.
func TestCPULimit(t *testing.T) {
	cfg := testConfig(t)
	cfg.Limits.CPUTime, cfg.Limits.WallTime = time.Second, 20*time.Second
	rep, _ := runProbe(t, cfg, rootOptions(), "LOOP")
	if rep.Reason != sanitize.ReasonResourceLimit || !strings.Contains(rep.Detail, "CPU") {
		t.Fatalf("got %s/%s (%s), want resource_limit by CPU time", rep.Verdict, rep.Reason, rep.Detail)
	}
}

func TestTimeoutKillsProcessGroup(t *testing.T) {
	cfg := testConfig(t)
	cfg.Limits.WallTime = time.Second
	start := time.Now()
	rep, _ := runProbe(t, cfg, rootOptions(), "SLEEP 4242")
	if rep.Reason != sanitize.ReasonTimeout {
		t.Fatalf("got %s/%s (%s), want timeout", rep.Verdict, rep.Reason, rep.Detail)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Run took %s for a 1 s wall limit", d)
	}
	// The kernel reaps a killed PID namespace asynchronously.
	deadline := time.Now().Add(2 * time.Second)
	for {
		left := processesMatching(t, childArg, "sleep\x004242")
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes survived the timeout: %v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// processesMatching lists PIDs whose command line contains any of subs.
func processesMatching(t *testing.T, subs ...string) []string {
	t.Helper()
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, s := range subs {
			if strings.Contains(string(b), s) {
				found = append(found, p+": "+strings.ReplaceAll(string(b), "\x00", " "))
			}
		}
	}
	return found
}

func TestCancelledContext(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	os.WriteFile(in, []byte("LOOP"), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	rep, err := Run(ctx, testConfig(t), Job{InputPath: in, OutputPath: filepath.Join(dir, "out.txt"), Name: "in.txt"})
	if err != nil || rep.Reason != sanitize.ReasonTimeout {
		t.Fatalf("rep=%+v err=%v", rep, err)
	}
}

// TestConfinement runs probes that try to get out; each writes what
// happened as its output.
func TestConfinement(t *testing.T) {
	// The child's /tmp is its scratch directory, so files outside are
	// made in /var/tmp; the host's /tmp is tested as invisible.
	outside, err := os.MkdirTemp("/var/tmp", "kakehashi-sandbox-test-*")
	if err != nil {
		t.Skip("no /var/tmp to test from")
	}
	t.Cleanup(func() { os.RemoveAll(outside) })
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	hostTmp := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(hostTmp, []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	cases := []struct{ name, probe, want string }{
		{"read outside scratch", "READ " + secret, "permission denied"},
		{"write outside scratch", "WRITE " + filepath.Join(outside, "new"), "permission denied"},
		{"the host's /tmp is not visible", "READ " + hostTmp, "no such file or directory"},
		{"write to /tmp goes to scratch", "WRITE /tmp/kakehashi-sandbox-probe", "ok"},
		{"read system config is allowed", "READ /etc/passwd", "ok"},
		{"scratch is writable", "SCRATCH", "ok"},
		{"connect to the host's loopback", "NET " + ln.Addr().String(), "err: "},
		{"AF_INET socket", "SOCKET", "operation not permitted"},
		{"AF_UNIX socket is allowed", "UNIXSOCKET", "ok"},
		{"exec a program", "EXEC /bin/true", "ok"},
		{"RLIMIT_FSIZE on any file", "FSIZE", "file too large"},
		{"no capability to mount", "MOUNT", "operation not permitted"},
		{"no new user namespace", "UNSHARE", "operation not permitted"},
		{"only its own PID namespace is visible", "PROCS", "ok: 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, out := runProbe(t, testConfig(t), rootOptions(), c.probe)
			if rep.Verdict != sanitize.VerdictClean {
				t.Fatalf("got %s/%s (%s)", rep.Verdict, rep.Reason, rep.Detail)
			}
			if !strings.Contains(out, c.want) {
				t.Fatalf("probe %q: %q, want %q", c.probe, out, c.want)
			}
		})
	}
	if _, err := os.Stat("/tmp/kakehashi-sandbox-probe"); err == nil {
		t.Error("the child wrote to the host's /tmp")
	}
	if _, err := os.Stat(filepath.Join(outside, "new")); err == nil {
		t.Error("the child wrote outside its scratch directory")
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("the listener saw %d connections from the child", n)
	}
}

// TestGhostscriptRuns proves that a converter runs under Landlock and
// seccomp, as the PDF and Office formats need.
func TestGhostscriptRuns(t *testing.T) {
	gs := "/usr/bin/gs"
	if _, err := os.Stat(gs); err != nil {
		t.Skip("gs not installed")
	}
	rep, out := runProbe(t, testConfig(t), rootOptions(), "EXEC "+gs+" -q -dNODISPLAY -dSAFER -c quit")
	if rep.Verdict != sanitize.VerdictClean || !strings.HasPrefix(out, "ok") {
		t.Fatalf("gs under the sandbox: %s/%s %q", rep.Verdict, rep.Reason, out)
	}
}

func TestInProcess(t *testing.T) {
	cfg := testConfig(t)
	cfg.InProcess = true
	rep, out := runProbe(t, cfg, spawnOptions{}, "HELLO")
	if rep.Verdict != sanitize.VerdictClean || out != "hello" {
		t.Fatalf("got %s/%s %q", rep.Verdict, rep.Reason, out)
	}
	if rep.Isolation == nil || rep.Isolation.Sandboxed || len(rep.Isolation.Unavailable) == 0 {
		t.Fatalf("in-process isolation must say it is not sandboxed: %+v", rep.Isolation)
	}
	rep, _ = runProbe(t, cfg, spawnOptions{}, "NOSUCHPROBE")
	if rep.Reason != sanitize.ReasonMalformed {
		t.Fatalf("got %s/%s", rep.Verdict, rep.Reason)
	}
}

func TestCallerFaultsAreErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	os.WriteFile(in, []byte("HELLO"), 0o600)
	cases := []struct{ name, in, out string }{
		{"missing input", filepath.Join(dir, "nope"), filepath.Join(dir, "out")},
		{"output directory missing", in, filepath.Join(dir, "no", "out")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Run(context.Background(), testConfig(t), Job{InputPath: c.in, OutputPath: c.out}); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

// TestLibreOfficeRuns proves soffice starts and converts under the sandbox
// with the default memory limit, as the legacy Office format needs.
func TestLibreOfficeRuns(t *testing.T) {
	soffice := "/usr/bin/soffice"
	if _, err := os.Stat(soffice); err != nil {
		t.Skip("soffice not installed")
	}
	if testing.Short() {
		t.Skip("slow: starts LibreOffice")
	}
	cfg := testConfig(t)
	cfg.Limits.MemoryBytes, cfg.Limits.CPUTime, cfg.Limits.WallTime = 0, 30*time.Second, 40*time.Second
	start := time.Now()
	rep, out := runProbe(t, cfg, rootOptions(), "SOFFICE "+soffice)
	if rep.Verdict != sanitize.VerdictClean || out != "ok" {
		t.Fatalf("soffice under the sandbox: %s/%s %s %q", rep.Verdict, rep.Reason, rep.Detail, out)
	}
	t.Logf("soffice conversion in the sandbox took %s", time.Since(start))
}

// TestLogLine checks the operator's line for a crash: verdict, reason and
// the runtime's last words, and never the password.
func TestLogLine(t *testing.T) {
	var buf strings.Builder
	cfg := testConfig(t)
	cfg.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	os.WriteFile(in, []byte("PANIC"), 0o600)
	rep, err := Run(context.Background(), cfg, Job{InputPath: in, OutputPath: filepath.Join(dir, "out"), Name: "in.txt", Password: "hunter2-secret"})
	if err != nil {
		t.Fatal(err)
	}
	line := buf.String()
	for _, want := range []string{`msg="sandbox run"`, "verdict=rejected", "reason=parser_crash", `stderr="panic: probe: goroutine panic"`} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %s: %s", want, line)
		}
	}
	if strings.Contains(line, "hunter2") || strings.Contains(rep.Detail, "hunter2") {
		t.Errorf("password leaked: %s / %s", line, rep.Detail)
	}
}
