//go:build !linux

package sandbox

import (
	"context"
	"errors"
	"os"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

type spawnOptions struct{ userNS bool }

// MaybeChild returns at once: there are no sandbox children off Linux.
func MaybeChild(func(sanitize.Policy, sanitize.Limits) *engine.Engine) {}

// runChild refuses: the isolation is built from Linux facilities. Callers
// on other systems set Config.InProcess, and the report says so.
func runChild(context.Context, Config, Job, *os.File, *os.File, spawnOptions) (*sanitize.Report, error) {
	return nil, errors.New("sandbox: isolated runs need Linux namespaces, Landlock and seccomp; set Config.InProcess on this system")
}
