package sandbox

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestAsUnprivilegedUser runs TestClean and TestConfinement again from a
// parent that is not root, so the user-namespace path (uid/gid mappings, a
// /proc mount owned by that namespace) is exercised for real, not only as
// root with a user namespace.
func TestAsUnprivilegedUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("already unprivileged: the other tests cover this path")
	}
	if os.Getenv("KAKEHASHI_SANDBOX_UNPRIVILEGED") != "" {
		t.Skip("nested")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "sandbox.test")
	copyExecutable(t, bin)
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(tmp, 0o777)
	cmd := exec.Command(bin, "-test.run", "^(TestClean|TestConfinement)$", "-test.count=1", "-test.v")
	cmd.Dir = tmp
	cmd.Env = []string{"KAKEHASHI_SANDBOX_UNPRIVILEGED=1", "TMPDIR=" + tmp, "HOME=" + tmp, "PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tests as uid 65534: %v\n%s", err, out)
	}
	for _, want := range []string{"--- PASS: TestClean/default_namespaces", "--- PASS: TestConfinement/read_outside_scratch", "--- PASS: TestConfinement/AF_INET_socket"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("as uid 65534, %q is missing:\n%s", want, out)
		}
	}
}

func copyExecutable(t *testing.T, dst string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, src); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
