package sandbox

import (
	"encoding/binary"
	"fmt"
	"testing"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// seccompData lays out struct seccomp_data for x/net/bpf's interpreter.
// The kernel loads 32-bit words of seccomp_data in native byte order; the
// interpreter, made for packets, in network order: so each word is stored
// big-endian here, at the offset where the kernel finds it (the low word of
// a little-endian 64-bit argument first).
func seccompData(arch, nr uint32, arg0 uint64) []byte {
	b := make([]byte, 64)
	binary.BigEndian.PutUint32(b[offNr:], nr)
	binary.BigEndian.PutUint32(b[offArch:], arch)
	binary.BigEndian.PutUint32(b[offArg0:], uint32(arg0))
	binary.BigEndian.PutUint32(b[offArg0+4:], uint32(arg0>>32))
	return b
}

// TestSeccompFilter runs the assembled filter in x/net/bpf's interpreter,
// so the decisions are checked on every system call of the table, not only
// on those a child can be made to try.
func TestSeccompFilter(t *testing.T) {
	if auditArch == 0 {
		t.Skip("no seccomp table for this architecture")
	}
	raw, err := seccompFilter(auditArch)
	if err != nil {
		t.Fatal(err)
	}
	insns, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatal("filter does not disassemble")
	}
	vm, err := bpf.NewVM(insns)
	if err != nil {
		t.Fatal(err)
	}
	eperm, enosys := retErrno|uint32(unix.EPERM), retErrno|uint32(unix.ENOSYS)
	cases := []struct {
		name string
		arch uint32
		nr   uint32
		arg0 uint64
		want uint32
	}{
		{"read", auditArch, unix.SYS_READ, 0, retAllow},
		{"execve stays allowed", auditArch, unix.SYS_EXECVE, 0, retAllow},
		{"socket AF_UNIX", auditArch, unix.SYS_SOCKET, unix.AF_UNIX, retAllow},
		{"socket AF_INET", auditArch, unix.SYS_SOCKET, unix.AF_INET, eperm},
		{"socket AF_INET6", auditArch, unix.SYS_SOCKET, unix.AF_INET6, eperm},
		{"socket AF_NETLINK", auditArch, unix.SYS_SOCKET, unix.AF_NETLINK, eperm},
		{"socket AF_UNIX in the high word only", auditArch, unix.SYS_SOCKET, 1 << 32, eperm},
		{"clone for a thread", auditArch, unix.SYS_CLONE, unix.CLONE_VM | unix.CLONE_THREAD, retAllow},
		{"clone with a user namespace", auditArch, unix.SYS_CLONE, unix.CLONE_NEWUSER, eperm},
		{"clone with a network namespace", auditArch, unix.SYS_CLONE, unix.CLONE_VFORK | unix.CLONE_NEWNET, eperm},
		{"clone3 falls back", auditArch, unix.SYS_CLONE3, 0, enosys},
		{"other architecture", 0x40000003, unix.SYS_READ, 0, retKillProcess},
	}
	for _, nr := range deniedSyscalls {
		cases = append(cases, struct {
			name string
			arch uint32
			nr   uint32
			arg0 uint64
			want uint32
		}{fmt.Sprintf("denied syscall %d", nr), auditArch, nr, 0, eperm})
	}
	if auditArch == unix.AUDIT_ARCH_X86_64 {
		cases = append(cases, struct {
			name string
			arch uint32
			nr   uint32
			arg0 uint64
			want uint32
		}{"x32 system call", auditArch, 0x40000000 | unix.SYS_READ, 0, enosys})
	}
	for _, c := range cases {
		got, err := vm.Run(seccompData(c.arch, c.nr, c.arg0))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if uint32(got) != c.want {
			t.Errorf("%s (nr %d, arg0 %#x): %#x, want %#x", c.name, c.nr, c.arg0, uint32(got), c.want)
		}
	}
}

func TestFallbackFlags(t *testing.T) {
	full := uintptr(baseNamespaces | unix.CLONE_NEWUSER)
	root := unix.Geteuid() == 0
	cases := []struct {
		name  string
		flags uintptr
		err   error
		want  uintptr
		ok    bool
	}{
		{"EPERM drops namespaces", full, unix.EPERM, map[bool]uintptr{true: baseNamespaces, false: 0}[root], true},
		{"EINVAL drops namespaces", baseNamespaces, unix.EINVAL, 0, true},
		{"ENOSPC (user namespace count) drops namespaces", baseNamespaces, unix.ENOSPC, 0, true},
		{"nothing left to drop", 0, unix.EPERM, 0, false},
		{"ENOENT is not about namespaces", full, unix.ENOENT, 0, false},
	}
	for _, c := range cases {
		got, ok := fallbackFlags(c.flags, c.err)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %s %v, want %s %v", c.name, nsNames(got), ok, nsNames(c.want), c.ok)
		}
	}
}
