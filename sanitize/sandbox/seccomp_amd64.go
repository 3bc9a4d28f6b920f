//go:build linux

package sandbox

import (
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

const auditArch = unix.AUDIT_ARCH_X86_64

// archDeniedSyscalls are the x86-only ones: port I/O.
var archDeniedSyscalls = []uint32{unix.SYS_IOPL, unix.SYS_IOPERM}

// archPrologue refuses x32 system calls (same arch value, numbers with bit
// 30 set), whose numbers the table below does not list. A holds nr.
func archPrologue(errno func(unix.Errno) bpf.Instruction) []bpf.Instruction {
	return []bpf.Instruction{
		bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: 0x40000000, SkipFalse: 1},
		errno(unix.ENOSYS),
	}
}
