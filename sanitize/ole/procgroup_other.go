//go:build !unix

package ole

import "os/exec"

// setProcessGroup is a no-op where process groups do not exist; the gateway
// runs on Linux, this only keeps the package building elsewhere.
func setProcessGroup(*exec.Cmd) {}
