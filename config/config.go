// Package config is the gateway's one configuration file (TOML): typed
// structs whose field comments are the reference documentation
// (docs/config.md is generated from them and a test fails when it drifts),
// the embedded defaults the quick start runs on, and the validation that
// refuses a dangerous or inconsistent setup before anything listens.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/kakehashi/kakehashi"
)

// Config is the whole file.
type Config struct {
	// Directory for the SQLite database, the encrypted blob store, the
	// blob master key and temporary working copies. Relative paths are
	// relative to the config file.
	DataDir string `toml:"data_dir"`
	// Network model of the municipality: alpha, alpha_prime, beta or
	// beta_prime (三層分離の方式). It sets defaults only.
	Model string `toml:"model"`
	// Public LGWAN-side URL of the gateway, used in notification mail.
	PublicURL string `toml:"public_url"`
	// Log level: debug, info, warn or error. Logs are JSON on stderr.
	LogLevel string `toml:"log_level"`
	// Address for Prometheus metrics (/metrics); "" disables. Keep it on
	// loopback or a management network: it is not authenticated.
	MetricsAddress string `toml:"metrics_address"`

	Listeners []Listener `toml:"listener"`
	Exchange  Exchange   `toml:"exchange"`
	Accounts  Accounts   `toml:"accounts"`
	Scanners  []Scanner  `toml:"scanner"`
	Sanitize  Sanitize   `toml:"sanitize"`
	Mail      Mail       `toml:"mail"`
	Approval  Approval   `toml:"approval"`
}

// Listener is one HTTP listener, bound to one zone.
type Listener struct {
	// Zone this listener serves: internet or lgwan. The routes it has
	// depend on it; admin and audit screens exist only on lgwan.
	Zone kakehashi.Zone `toml:"zone"`
	// Address to listen on, host:port.
	Address string `toml:"address"`
	// Host names clients use; other Host headers are refused. Empty
	// accepts any (only sensible on loopback).
	Hosts []string `toml:"hosts"`
	// TLS certificate file (PEM). Without one the listener speaks plain
	// HTTP: only behind a TLS-terminating proxy or on loopback.
	TLSCert string `toml:"tls_cert"`
	// TLS private key file (PEM) for tls_cert.
	TLSKey string `toml:"tls_key"`
	// Proxies (CIDR) whose X-Forwarded-For is trusted for the client address.
	TrustedProxies []string `toml:"trusted_proxies"`
}

// Exchange configures transfers.
type Exchange struct {
	// Largest accepted file, in bytes.
	MaxFileBytes int64 `toml:"max_file_bytes"`
	// How long inbound files stay available on LGWAN.
	InboundRetention Duration `toml:"inbound_retention"`
	// How long approved outbound files stay downloadable.
	OutboundRetention Duration `toml:"outbound_retention"`
	// Release an original without approval when every scanner found it
	// clean and the sanitizer removed nothing (管理者ルール). Needs scanners.
	AutoReleaseClean bool `toml:"auto_release_clean"`
	// How often a file is retried while a scanner fails before it is
	// quarantined for an administrator (fail closed).
	ScanAttempts int `toml:"scan_attempts"`
	// How recent a password re-entry must be to approve the release of an
	// original.
	ReauthWindow Duration `toml:"reauth_window"`
	// Background workers that scan and sanitize.
	Workers int `toml:"workers"`
}

// Accounts configures sign-in.
type Accounts struct {
	// Lifetime of a browser session.
	SessionTTL Duration `toml:"session_ttl"`
	// Name shown in authenticator apps for TOTP.
	Issuer string `toml:"issuer"`
	// argon2id memory in KiB for new password hashes (RFC 9106).
	Argon2MemoryKiB uint32 `toml:"argon2_memory_kib"`
}

// Scanner is one virus scanner; several run at once (マルチスキャン), and
// a file passes only when every one answers clean.
type Scanner struct {
	// Name shown in reports and logs.
	Name string `toml:"name"`
	// clamd or icap.
	Kind string `toml:"kind"`
	// clamd: "tcp:host:port" or "unix:/path"; icap: "host:port".
	Address string `toml:"address"`
	// ICAP service name (e.g. "avscan").
	Service string `toml:"service"`
	// Per-file timeout.
	Timeout Duration `toml:"timeout"`
}

// Sanitize configures the engine.
type Sanitize struct {
	// Policy file for the engine (docs/sanitize-reference.md); "" = defaults.
	PolicyFile string `toml:"policy_file"`
	// Run the engine inside this process instead of a confined child.
	// For development only: a parser bug then runs with the gateway's rights.
	InProcess bool `toml:"in_process"`
}

// Mail configures notification mail.
type Mail struct {
	// SMTP relay (host:port) on the LGWAN side; "" logs notices instead.
	Relay string `toml:"relay"`
	// Envelope and header sender.
	From string `toml:"from"`
}

// Approval configures 上長承認 routes.
type Approval struct {
	// Routes per department; without one, the supervisor approves, else any
	// approver of the department (or its parent).
	Routes []Route `toml:"route"`
}

// Route is the approval route of one department.
type Route struct {
	// Department ID.
	Department string `toml:"department"`
	// Stages in order.
	Stages []Stage `toml:"stage"`
}

// Stage is one step of a route.
type Stage struct {
	// any (one approver suffices) or all.
	Mode string `toml:"mode"`
	// User names of the approvers.
	Approvers []string `toml:"approvers"`
}

// Duration is a time.Duration written as "90s", "12h", "7d".
type Duration time.Duration

// UnmarshalText accepts Go durations plus a "d" suffix for days.
func (d *Duration) UnmarshalText(b []byte) error {
	s := string(b)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err != nil || days < 0 {
			return fmt.Errorf("invalid duration %q", s)
		}
		*d = Duration(time.Duration(days) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// String is the Go form ("168h0m0s").
func (d Duration) String() string { return time.Duration(d).String() }

// Default returns the embedded defaults: everything on this machine, on
// loopback, SQLite and local files.
func Default() Config {
	return Config{
		DataDir:        "kakehashi-data",
		Model:          "alpha",
		PublicURL:      "http://127.0.0.1:8442",
		LogLevel:       "info",
		MetricsAddress: "127.0.0.1:9442",
		Listeners: []Listener{
			{Zone: kakehashi.ZoneInternet, Address: "127.0.0.1:8441"},
			{Zone: kakehashi.ZoneLGWAN, Address: "127.0.0.1:8442"},
		},
		Exchange: Exchange{MaxFileBytes: 2 << 30, InboundRetention: Duration(7 * 24 * time.Hour), OutboundRetention: Duration(7 * 24 * time.Hour),
			ScanAttempts: 5, ReauthWindow: Duration(5 * time.Minute), Workers: 2},
		Accounts: Accounts{SessionTTL: Duration(12 * time.Hour), Issuer: "Kakehashi", Argon2MemoryKiB: 64 * 1024},
		Mail:     Mail{From: "kakehashi@localhost"},
	}
}

// Load reads a config file over the defaults. Unknown keys are errors
// with their name, so a typo cannot silently leave a control off.
func Load(path string) (Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	// Lists replace the defaults rather than append to them.
	c.Listeners = nil
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var strict *toml.StrictMissingError
		if errors.As(err, &strict) {
			return c, fmt.Errorf("%s: unknown keys:\n%s", path, strict.String())
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return c, fmt.Errorf("%s:%d:%d: %v", path, row, col, err)
		}
		return c, fmt.Errorf("%s: %w", path, err)
	}
	if len(c.Listeners) == 0 {
		c.Listeners = Default().Listeners
	}
	if !filepath.IsAbs(c.DataDir) {
		c.DataDir = filepath.Join(filepath.Dir(path), c.DataDir)
	}
	return c, c.Validate()
}

// Validate refuses configurations that break the segment model or cannot
// work. Each check is a rule from DESIGN §2 or §5.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch c.Model {
	case "alpha", "alpha_prime", "beta", "beta_prime":
	default:
		add("model: %q is not alpha, alpha_prime, beta or beta_prime", c.Model)
	}
	if c.DataDir == "" {
		add("data_dir: required")
	}
	seen := map[string]bool{}
	for i, l := range c.Listeners {
		switch l.Zone {
		case kakehashi.ZoneInternet, kakehashi.ZoneLGWAN:
		case kakehashi.ZoneMyNumber:
			add("listener %d: zone mynumber: nothing may cross out of the マイナンバー利用事務系 (flow F1)", i+1)
		default:
			add("listener %d: zone %q is not internet or lgwan", i+1, l.Zone)
		}
		if l.Address == "" {
			add("listener %d: address required", i+1)
		}
		if seen[l.Address] {
			add("listener %d: address %s used twice: one listener per zone, so a request's zone is never ambiguous", i+1, l.Address)
		}
		seen[l.Address] = true
		if (l.TLSCert == "") != (l.TLSKey == "") {
			add("listener %d: tls_cert and tls_key go together", i+1)
		}
		for _, p := range l.TrustedProxies {
			if _, err := netip.ParsePrefix(p); err != nil {
				add("listener %d: trusted_proxies: %v", i+1, err)
			}
		}
	}
	if c.Exchange.MaxFileBytes <= 0 {
		add("exchange.max_file_bytes must be positive")
	}
	if c.Exchange.InboundRetention <= 0 || c.Exchange.OutboundRetention <= 0 {
		add("exchange retention must be positive")
	}
	if c.Exchange.AutoReleaseClean && len(c.Scanners) == 0 {
		add("exchange.auto_release_clean needs at least one scanner: without one, \"all scanners clean\" would be vacuously true")
	}
	for i, s := range c.Scanners {
		if s.Name == "" || s.Address == "" {
			add("scanner %d: name and address required", i+1)
		}
		if s.Kind != "clamd" && s.Kind != "icap" {
			add("scanner %d: kind %q is not clamd or icap", i+1, s.Kind)
		}
	}
	for _, r := range c.Approval.Routes {
		for _, st := range r.Stages {
			if st.Mode != "any" && st.Mode != "all" || len(st.Approvers) == 0 {
				add("approval route for %s: each stage needs mode any|all and approvers", r.Department)
			}
		}
	}
	return errors.Join(errs...)
}

// Prefixes parses the trusted proxies of l (validated already).
func (l Listener) Prefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range l.TrustedProxies {
		if pp, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pp)
		}
	}
	return out
}
