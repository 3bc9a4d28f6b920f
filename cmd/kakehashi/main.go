// Command kakehashi is the Kakehashi (架け橋) secure exchange gateway: one
// binary whose subcommands sanitize files and (in later releases) run the
// gateway. See README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/kakehashi/kakehashi/sanitize/formats"
	"github.com/kakehashi/kakehashi/sanitize/sandbox"
)

// Exit codes shared by the subcommands.
const (
	exitOK       = 0
	exitInternal = 1
	exitUsage    = 2
	exitRejected = 3
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

var usage = `kakehashi — 架け橋 secure exchange gateway

使い方 / usage:
  kakehashi quickstart [--dir DIR]      run everything on this machine (demo users)
  kakehashi serve --config FILE         run the gateway
  kakehashi user add|list|reset ...     manage accounts (the first admin only here)
  kakehashi audit verify                check the audit log's hash chain
  kakehashi check-config --config FILE  validate a config and print the flow table
  kakehashi sanitize [options] IN OUT   無害化 (CDR) of a file or a directory
  kakehashi version                     print the version

'kakehashi sanitize -h' lists the options.
`

func main() {
	// A sandboxed sanitizing child is this same binary; it must take over
	// before anything else runs.
	sandbox.MaybeChild(formats.NewEngine)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "sanitize":
		return runSanitize(ctx, args[1:], stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "quickstart":
		return runQuickstart(ctx, args[1:], stdout, stderr)
	case "user":
		return runUser(ctx, args[1:], stdout, stderr)
	case "audit":
		return runAudit(ctx, args[1:], stdout, stderr)
	case "check-config":
		return runCheckConfig(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "kakehashi", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "kakehashi: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}
