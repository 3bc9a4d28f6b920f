package archive

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

func TestSevenZip(t *testing.T) {
	sevenZ := testtool.Require(t, "7z", "p7zip-full")
	t.Run("plain", func(t *testing.T) {
		data := makeWithTool(t, sevenZ, "x.7z", "a", "x.7z", "a.txt")
		if got := run(t, "x.7z", data, "").files(t); got["a.txt"] != plainText() {
			t.Errorf("output %v", keys(got))
		}
	})
	for _, headers := range []string{"-mhe=on", "-mhe=off"} {
		t.Run("encrypted "+headers, func(t *testing.T) {
			data := makeWithTool(t, sevenZ, "x.7z", "a", "-p"+testPassword, headers, "x.7z", "a.txt")
			run(t, "x.7z", data, "").wantReject(t, sanitize.ReasonEncrypted)
			run(t, "x.7z", data, "wrong").wantReject(t, sanitize.ReasonWrongPassword)
			if got := run(t, "x.7z", data, testPassword).files(t); got["a.txt"] != plainText() {
				t.Errorf("output %v", keys(got))
			}
		})
	}
	t.Run("traversal", func(t *testing.T) {
		// 7z refuses to store "../" from the command line; -spf keeps
		// absolute paths, which must be refused as well.
		data := makeWithTool(t, sevenZ, "x.7z", "a", "-spf", "x.7z", "/etc/hostname")
		run(t, "x.7z", data, "").wantReject(t, sanitize.ReasonUnsafePath)
	})
	t.Run("symlink", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Symlink("/etc/passwd", filepath.Join(dir, "l")); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "x.7z")
		makeWithToolIn(t, dir, sevenZ, "a", "-snl", out, "l")
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		run(t, "x.7z", data, "").wantReject(t, sanitize.ReasonLink)
	})
}

func makeWithToolIn(t *testing.T, dir, tool string, args ...string) {
	t.Helper()
	cmd := exec.Command(tool, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
}
