//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package localfs

import "os"

// tryLock always succeeds where flock(2) is missing. Open then removes every
// temporary file, so on these systems only one process may use a blob
// directory at a time.
func tryLock(*os.File) (bool, error) { return true, nil }
