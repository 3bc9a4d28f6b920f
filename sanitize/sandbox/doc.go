// Package sandbox runs one sanitizing job of the CDR engine in a confined
// child process, so that a parser of hostile input that panics, hangs, eats
// memory or is exploited cannot take the gateway with it: every such failure
// becomes a rejected Report with a reason, never a crash or a hang of the
// caller. It owns process isolation only; what is parsed and how is the
// engine's (sanitize/engine) and the formats' business.
//
// # Protocol
//
// The parent (Run) opens the input read-only and creates the output as a
// temporary file next to OutputPath, then starts the same binary again as
// /proc/self/exe with a hidden argv[1] and KAKEHASHI_SANDBOX_CHILD=1. The
// child gets the input as fd 3 and the output as fd 4, and the job (policy,
// limits, name, password, scratch directory) as a typed JSON document on
// stdin: data only, never code, never argv (passwords stay out of
// /proc/*/cmdline). The child writes its Report as JSON on stdout. The
// parent does not trust that report: it checks the output file's size and
// SHA-256 against it (and the input's), reads stdout and stderr bounded,
// and turns every abnormal end into a rejection:
//
//	wall clock over Limits.WallTime     → timeout (process group killed)
//	RLIMIT_CPU (SIGXCPU, then SIGKILL)   → resource_limit
//	out of memory (RLIMIT_DATA, OOM kill) → resource_limit
//	output too large (RLIMIT_FSIZE)      → resource_limit
//	panic, SIGSEGV, abort, no report     → parser_crash
//	report that does not match the file  → parser_crash
//	setup of the confinement failed      → parser_crash ("sandbox setup failed")
//
// On a verdict other than rejected the output is fsync'd and renamed to
// OutputPath; on rejected nothing is left there.
//
// # What is confined
//
// The child is started with Setpgid, Pdeathsig SIGKILL and new network,
// mount, PID, IPC and UTS namespaces; when the parent is not root also a new
// user namespace mapping the caller's uid and gid (as root the user
// namespace is not needed to create the others, and is left out). Its
// environment is only PATH, HOME, LANG and TMPDIR, the last two pointing at
// a per-job scratch directory. Then the child confines itself, in this
// order, before it looks at a byte of input:
//
//   - mounts: when it is PID 1 of a new PID namespace, the child makes its
//     mounts private, mounts a /proc of its own, so it sees only its own
//     processes (the inherited /proc is the host's, and would also break
//     the all-threads system calls below, which walk /proc/<pid>/task), and
//     bind-mounts the scratch directory on /tmp (LibreOffice puts its IPC
//     socket in /tmp whatever TMPDIR says); HOME and TMPDIR become /tmp;
//   - rlimits: RLIMIT_CPU from Limits.CPUTime (soft, rounded to seconds;
//     the Go runtime ignores SIGXCPU, so the hard limit one second later
//     ends it),
//     RLIMIT_DATA = Limits.MemoryBytes + 256 MiB, RLIMIT_AS = MemoryBytes +
//     4 GiB as a loose backstop (a Go process reserves 1.2 GiB of address
//     space at start that it never touches, so RLIMIT_AS near MemoryBytes
//     kills it before it reads a byte), debug.SetMemoryLimit at MemoryBytes
//     so the collector works before the wall, RLIMIT_FSIZE =
//     MaxOutputBytes + 1 MiB for every file it writes, RLIMIT_NOFILE 256,
//     RLIMIT_CORE 0;
//   - PR_SET_NO_NEW_PRIVS;
//   - Landlock (github.com/landlock-lsm/go-landlock, ABI V7 best effort):
//     read and execute under /usr, /lib, /lib64, /bin, /sbin, /etc,
//     /var/spool/libreoffice (Debian's shared extension cache) and /proc
//     (only /proc/self when /proc is the host's); read-write on the scratch
//     directory and /dev/null, /dev/zero, /dev/urandom; nothing else. TCP
//     bind/connect, and signals and abstract sockets to outside the domain,
//     are denied too. The input and output are already-open descriptors and need no rule. The
//     ABI obtained is reported in Isolation.Landlock ("abi 7").
//   - seccomp: a small BPF filter, installed with SECCOMP_FILTER_FLAG_TSYNC
//     so every Go thread has it, that checks the architecture (x86-64 and
//     arm64; another ABI kills the process, x32 system calls get ENOSYS)
//     and fails with EPERM:
//     socket for any family but AF_UNIX, clone with namespace flags, ptrace,
//     process_vm_readv/writev, mount, umount2, pivot_root, chroot, bpf,
//     perf_event_open, kexec_load/kexec_file_load, init/finit/delete_module,
//     keyctl, add_key, request_key, unshare, setns, userfaultfd, personality,
//     reboot, swapon/swapoff, iopl/ioperm, open_by_handle_at,
//     name_to_handle_at, fsopen/fsmount/move_mount/open_tree; clone3 fails with ENOSYS (its flags sit in memory a
//     filter cannot read, and libc then falls back to clone). execve stays
//     allowed: LibreOffice and Ghostscript are run by the format sanitizers
//     inside the child, and inherit all of the above.
//
// # What falls back, and how it is reported
//
// Nothing falls back silently; every gap is a line in
// Report.Isolation.Unavailable:
//
//   - a namespace the kernel refuses (EPERM, EINVAL, ENOSPC, EUSERS, EACCES
//     at clone): the child is started again without the refused flags (as
//     root: without the user namespace first, then without any);
//   - a kernel without Landlock: Landlock says "unavailable: …";
//   - an architecture without a seccomp table here: Seccomp is false;
//   - Config.InProcess: no isolation at all, Sandboxed is false (tests,
//     platforms without these facilities).
//
// Tests run gs and soffice through the child to prove they work under all
// of this (soffice converts a file with the default 2 GiB memory limit).
//
// What is not confined: the read-only system directories above are readable
// (the converters need them), and so is the system-wide information in the
// child's own /proc (meminfo, cpuinfo); the Go runtime and the kernel need
// the child to be able to read its own /proc entries.
//
// # Why hand-written
//
// The research note names elastic/go-seccomp-bpf; the module proxy refuses
// it, so the filter is assembled here with golang.org/x/net/bpf and installed
// with golang.org/x/sys/unix. It is a short, fixed deny list with one
// argument check, which is easier to review than a general policy engine.
// go-landlock needs kernel.org/…/libcap/psx on kernels before Landlock ABI 8
// to restrict every OS thread of a Go process at once; it works with and
// without cgo.
package sandbox
