//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package localfs

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes a non-blocking exclusive flock(2) on f. It reports false
// when another open file description holds it, which for a temporary file
// means a Put in progress. The kernel drops the lock when the descriptor
// closes or the process dies, so a crash never leaves a file locked.
func tryLock(f *os.File) (bool, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var lerr error
	if err := rc.Control(func(fd uintptr) {
		for {
			lerr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
			if !errors.Is(lerr, syscall.EINTR) {
				return
			}
		}
	}); err != nil {
		return false, err
	}
	if errors.Is(lerr, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return lerr == nil, lerr
}
