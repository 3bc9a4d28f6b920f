//go:build linux && !amd64 && !arm64

package sandbox

import (
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// auditArch 0 means: no seccomp table for this architecture; the child
// reports that seccomp is unavailable.
const auditArch = 0

var archDeniedSyscalls []uint32

func archPrologue(func(unix.Errno) bpf.Instruction) []bpf.Instruction { return nil }
