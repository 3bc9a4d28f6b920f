//go:build unix

package ole

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts cmd in a new process group and makes cancellation
// kill the whole group: LibreOffice's real worker is a grandchild.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
