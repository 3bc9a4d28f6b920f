//go:build linux

package sandbox

import (
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

const auditArch = unix.AUDIT_ARCH_AARCH64

var archDeniedSyscalls []uint32

func archPrologue(func(unix.Errno) bpf.Instruction) []bpf.Instruction { return nil }
