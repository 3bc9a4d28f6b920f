package sandbox

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Offsets into struct seccomp_data (linux/seccomp.h): nr, arch, then
// instruction_pointer and args[6] as 64-bit values. Arguments are compared
// on their low 32 bits (little-endian on both supported architectures),
// which is all of an int or a flags word.
const (
	offNr   = 0
	offArch = 4
	offArg0 = 16
)

// Seccomp return values (linux/seccomp.h).
const (
	retKillProcess = 0x80000000
	retErrno       = 0x00050000
	retAllow       = 0x7fff0000
)

// cloneNamespaceFlags are the clone(2) flags that make new namespaces: a
// parser must not build itself a user namespace to gain capabilities in.
const cloneNamespaceFlags = unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWNET | unix.CLONE_NEWPID |
	unix.CLONE_NEWIPC | unix.CLONE_NEWUTS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWTIME

// deniedSyscalls fail with EPERM: debugging other processes, kernel and
// mount administration, namespaces, key rings, and handles that bypass path
// checks. None is needed to parse a file or to run gs or soffice.
var deniedSyscalls = append([]uint32{
	unix.SYS_PTRACE, unix.SYS_PROCESS_VM_READV, unix.SYS_PROCESS_VM_WRITEV,
	unix.SYS_MOUNT, unix.SYS_UMOUNT2, unix.SYS_PIVOT_ROOT, unix.SYS_CHROOT,
	unix.SYS_BPF, unix.SYS_PERF_EVENT_OPEN, unix.SYS_KEXEC_LOAD, unix.SYS_KEXEC_FILE_LOAD,
	unix.SYS_INIT_MODULE, unix.SYS_FINIT_MODULE, unix.SYS_DELETE_MODULE,
	unix.SYS_KEYCTL, unix.SYS_ADD_KEY, unix.SYS_REQUEST_KEY,
	unix.SYS_UNSHARE, unix.SYS_SETNS, unix.SYS_USERFAULTFD, unix.SYS_PERSONALITY,
	unix.SYS_REBOOT, unix.SYS_SWAPON, unix.SYS_SWAPOFF,
	unix.SYS_OPEN_BY_HANDLE_AT, unix.SYS_NAME_TO_HANDLE_AT,
	unix.SYS_FSOPEN, unix.SYS_FSMOUNT, unix.SYS_MOVE_MOUNT, unix.SYS_OPEN_TREE,
}, archDeniedSyscalls...)

// seccompFilter assembles the filter for arch (an AUDIT_ARCH_* value).
func seccompFilter(arch uint32) ([]bpf.RawInstruction, error) {
	errno := func(e unix.Errno) bpf.Instruction { return bpf.RetConstant{Val: retErrno | uint32(e)} }
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: offArch, Size: 4},
		// Another ABI (i386 via int 0x80 on x86-64) has other numbers:
		// nothing below would mean what it says.
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: arch, SkipTrue: 1},
		bpf.RetConstant{Val: retKillProcess},
		bpf.LoadAbsolute{Off: offNr, Size: 4},
	}
	prog = append(prog, archPrologue(errno)...)
	for _, nr := range deniedSyscalls {
		prog = append(prog,
			bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: nr, SkipTrue: 1},
			errno(unix.EPERM))
	}
	prog = append(prog,
		// socket(2): only AF_UNIX. In a network namespace there is nothing
		// to reach anyway; this holds where the namespace is unavailable.
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: unix.SYS_SOCKET, SkipTrue: 4},
		bpf.LoadAbsolute{Off: offArg0, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.AF_UNIX, SkipTrue: 1},
		errno(unix.EPERM),
		bpf.RetConstant{Val: retAllow},
		// clone(2) with namespace flags (arg0 is the flags word).
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: unix.SYS_CLONE, SkipTrue: 4},
		bpf.LoadAbsolute{Off: offArg0, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: cloneNamespaceFlags, SkipTrue: 1},
		bpf.RetConstant{Val: retAllow},
		errno(unix.EPERM),
		// clone3 keeps its flags in memory the filter cannot read; ENOSYS
		// makes libc and the Go runtime fall back to clone.
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: unix.SYS_CLONE3, SkipTrue: 1},
		errno(unix.ENOSYS),
		bpf.RetConstant{Val: retAllow},
	)
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("assembling seccomp filter: %w", err)
	}
	return raw, nil
}

// installSeccomp installs the filter on every thread of the process
// (SECCOMP_FILTER_FLAG_TSYNC). It returns false, without error, on an
// architecture that has no table here.
func installSeccomp() (bool, error) {
	if auditArch == 0 {
		return false, nil
	}
	raw, err := seccompFilter(auditArch)
	if err != nil {
		return false, err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// Landlock has set no_new_privs on all threads already; this covers
	// kernels without Landlock. seccomp requires it of an unprivileged
	// caller, and it keeps set-uid programs from shedding the filter.
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return false, fmt.Errorf("setting no_new_privs: %w", err)
	}
	prog := unix.SockFprog{Len: uint16(len(raw)), Filter: (*unix.SockFilter)(unsafe.Pointer(&raw[0]))}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(raw)
	if errno != 0 {
		return false, fmt.Errorf("installing seccomp filter: %w", errno)
	}
	if r != 0 {
		return false, fmt.Errorf("installing seccomp filter: thread %d could not be synchronised", r)
	}
	return true, nil
}
