package app

import (
	"context"
	"log/slog"

	"github.com/kakehashi/kakehashi/config"
	"github.com/kakehashi/kakehashi/exchange"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/formats"
	"github.com/kakehashi/kakehashi/sanitize/sandbox"
)

// sandboxRunner runs the engine in the confined child process (the binary
// re-executes itself; main calls sandbox.MaybeChild first).
type sandboxRunner struct{ cfg sandbox.Config }

func (s *sandboxRunner) Sanitize(ctx context.Context, in, out, name string) (*sanitize.Report, error) {
	return sandbox.Run(ctx, s.cfg, sandbox.Job{InputPath: in, OutputPath: out, Name: name})
}

func sandboxSanitizer(cfg config.Config, log *slog.Logger) (exchange.Sanitizer, error) {
	policy := sanitize.DefaultPolicy()
	if cfg.Sanitize.PolicyFile != "" {
		var err error
		if policy, err = sanitize.LoadPolicy(cfg.Sanitize.PolicyFile); err != nil {
			return nil, err
		}
	}
	return &sandboxRunner{cfg: sandbox.Config{Policy: policy, Limits: sanitize.DefaultLimits(), InProcess: cfg.Sanitize.InProcess,
		NewEngine: formats.NewEngine, Logger: log}}, nil
}
