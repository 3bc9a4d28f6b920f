package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// flows is the segment model of DESIGN §2 as the gateway enforces it.
var flows = []struct{ flow, ja, en string }{
	{"F1 mynumber → *", "拒否（不変）", "deny (invariant)"},
	{"F4 internet → lgwan, mail", "無害化（テキスト化）", "sanitize (text)"},
	{"F5 internet → lgwan, file", "無害化、原本は暗号化保管、取り出しは承認制", "sanitize; original kept encrypted, released on approval"},
	{"F7 lgwan → internet, file", "上長承認（免除ルールは監査記録）", "supervisor approval (exemptions audited)"},
}

func runCheckConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check-config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	cfg, err := loadConfig(*path, "")
	if err != nil {
		fmt.Fprintln(stderr, "設定に誤りがあります / the configuration is invalid:")
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "model %s, data %s\n", cfg.Model, cfg.DataDir)
	for _, l := range cfg.Listeners {
		fmt.Fprintf(stdout, "listener %-8s %s tls=%v\n", l.Zone, l.Address, l.TLSCert != "")
	}
	fmt.Fprintf(stdout, "scanners %d, mail relay %q\n\n", len(cfg.Scanners), cfg.Mail.Relay)
	for _, f := range flows {
		fmt.Fprintf(stdout, "%-28s %s / %s\n", f.flow, f.ja, f.en)
	}
	return exitOK
}
