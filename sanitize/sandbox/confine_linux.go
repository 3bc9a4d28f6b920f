package sandbox

import (
	"fmt"
	"runtime/debug"
	"time"

	"github.com/landlock-lsm/go-landlock/landlock"
	llsys "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"

	"github.com/kakehashi/kakehashi/sanitize"
)

// Memory is bounded with RLIMIT_DATA (private writable memory: heap, anonymous
// mappings), not RLIMIT_AS: a Go process reserves over 1 GiB of address
// space at start that it never touches (measured: VmSize 1.2 GiB, VmData
// 40 MiB for a hello-world), so an address-space limit near MemoryBytes
// kills it before it reads its input. RLIMIT_AS stays as a loose backstop.
const (
	dataSlack         = 256 << 20
	addressSpaceSlack = 4 << 30
)

// cpuSoftLimit is RLIMIT_CPU's soft limit for l, in whole seconds.
func cpuSoftLimit(l sanitize.Limits) time.Duration {
	return max(l.CPUTime.Round(time.Second), time.Second)
}

// setRlimits bounds the child and everything it runs. Hard limits equal
// soft ones (but CPU) so the child cannot raise them again.
func setRlimits(l sanitize.Limits) error {
	cpu := uint64(cpuSoftLimit(l) / time.Second)
	limits := []struct {
		name       string
		resource   int
		soft, hard uint64
	}{
		{"RLIMIT_CPU", unix.RLIMIT_CPU, cpu, cpu + 1}, // SIGXCPU, then SIGKILL
		{"RLIMIT_DATA", unix.RLIMIT_DATA, uint64(l.MemoryBytes) + dataSlack, uint64(l.MemoryBytes) + dataSlack},
		{"RLIMIT_AS", unix.RLIMIT_AS, uint64(l.MemoryBytes) + addressSpaceSlack, uint64(l.MemoryBytes) + addressSpaceSlack},
		{"RLIMIT_FSIZE", unix.RLIMIT_FSIZE, uint64(l.MaxOutputBytes) + 1<<20, uint64(l.MaxOutputBytes) + 1<<20},
		{"RLIMIT_NOFILE", unix.RLIMIT_NOFILE, 256, 256},
		{"RLIMIT_CORE", unix.RLIMIT_CORE, 0, 0},
	}
	for _, r := range limits {
		if err := unix.Setrlimit(r.resource, &unix.Rlimit{Cur: r.soft, Max: r.hard}); err != nil {
			return fmt.Errorf("setting %s: %w", r.name, err)
		}
	}
	// The collector works harder as the heap nears the limit, so ordinary
	// large files stay under RLIMIT_AS instead of dying at it.
	debug.SetMemoryLimit(l.MemoryBytes)
	return nil
}

// restrictPaths applies Landlock and returns the ABI in force, 0 when the
// kernel has none. Read and execute on the system directories (LibreOffice
// and Ghostscript are run from them), read-write on scratch.
//
// /proc is readable when it is the child's own mount (ownProc: it shows the
// sandbox's processes only); the host's /proc is limited to /proc/self.
func restrictPaths(scratch string, ownProc bool) (int, error) {
	abi, err := llsys.LandlockGetABIVersion()
	if err != nil || abi <= 0 {
		return 0, nil
	}
	proc := "/proc/self"
	if ownProc {
		proc = "/proc"
	}
	err = landlock.V7.BestEffort().Restrict(
		landlock.RODirs("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", proc).IgnoreIfMissing(),
		// Debian's LibreOffice keeps its shared extension cache here.
		landlock.RODirs("/var/spool/libreoffice").IgnoreIfMissing(),
		landlock.RWDirs(scratch),
		landlock.RWFiles("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random").IgnoreIfMissing(),
	)
	if err != nil {
		return 0, fmt.Errorf("landlock: %w", err)
	}
	return min(abi, 7), nil
}
