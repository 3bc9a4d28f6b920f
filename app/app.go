// Package app builds a running gateway from a config.Config: the store,
// the blob store, scanners, the sandboxed sanitizer, the services, the
// background workers and one HTTP listener per zone, and drains them on
// shutdown. It owns wiring and process lifecycle only; every rule lives in
// the packages it wires.
package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/approval"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/auth"
	"github.com/kakehashi/kakehashi/blob/localfs"
	"github.com/kakehashi/kakehashi/config"
	"github.com/kakehashi/kakehashi/exchange"
	"github.com/kakehashi/kakehashi/metrics"
	"github.com/kakehashi/kakehashi/queue"
	"github.com/kakehashi/kakehashi/scan"
	"github.com/kakehashi/kakehashi/store"
	"github.com/kakehashi/kakehashi/store/sqlstore"
	"github.com/kakehashi/kakehashi/web"
)

// Gateway is a built, not yet running gateway.
type Gateway struct {
	Config   config.Config
	Store    *sqlstore.DB
	Blobs    *localfs.Store
	Accounts *account.Service
	Exchange *exchange.Service
	Metrics  *metrics.Metrics
	Log      *slog.Logger
	// Listeners are bound when New returns (so ":0" addresses are known).
	Listeners map[kakehashi.Zone]net.Listener

	workers   []*queue.Worker
	servers   []*http.Server
	metricsLn net.Listener
}

// Options are what the command line adds to the config file.
type Options struct {
	Log *slog.Logger
	// Params overrides the argon2id cost (tests use auth.TestParams).
	Params *auth.Params
	// NewSanitizer overrides the sandboxed child (tests of the plumbing).
	NewSanitizer func(config.Config, *slog.Logger) (exchange.Sanitizer, error)
	Now          func() time.Time
}

// New opens storage and binds the listeners.
func New(ctx context.Context, cfg config.Config, opt Options) (*Gateway, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level(cfg.LogLevel)}))
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	tmp := filepath.Join(cfg.DataDir, "tmp")
	os.RemoveAll(tmp) // working copies of a previous run: their jobs will redo them
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(cfg.DataDir, "kakehashi.db"))
	if err != nil {
		return nil, err
	}
	blobs, err := localfs.Open(filepath.Join(cfg.DataDir, "blobs"), filepath.Join(cfg.DataDir, "master.key"))
	if err != nil {
		db.Close()
		return nil, err
	}
	if blobs.CreatedKey {
		log.Warn("created a new blob master key; back it up: without it no stored file can be read", "path", filepath.Join(cfg.DataDir, "master.key"))
	}
	g := &Gateway{Config: cfg, Store: db, Blobs: blobs, Log: log, Listeners: map[kakehashi.Zone]net.Listener{}}
	if err := g.build(opt, tmp); err != nil {
		g.Close()
		return nil, err
	}
	for _, l := range cfg.Listeners {
		ln, err := net.Listen("tcp", l.Address)
		if err != nil {
			g.Close()
			return nil, fmt.Errorf("listening for zone %s on %s: %w", l.Zone, l.Address, err)
		}
		g.Listeners[l.Zone] = ln
	}
	if cfg.MetricsAddress != "" {
		if g.metricsLn, err = net.Listen("tcp", cfg.MetricsAddress); err != nil {
			g.Close()
			return nil, fmt.Errorf("metrics listener: %w", err)
		}
	}
	return g, nil
}

func level(s string) slog.Level {
	var l slog.Level
	if l.UnmarshalText([]byte(s)) != nil {
		return slog.LevelInfo
	}
	return l
}

func (g *Gateway) build(opt Options, tmp string) error {
	cfg := g.Config
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	params := auth.DefaultParams
	params.Memory = cfg.Accounts.Argon2MemoryKiB
	if opt.Params != nil {
		params = *opt.Params
	}
	g.Accounts = account.New(account.Service{Store: g.Store, Params: params, SessionTTL: time.Duration(cfg.Accounts.SessionTTL),
		Issuer: cfg.Accounts.Issuer, Now: now, Log: g.Log})
	g.Metrics = metrics.New(g.Store)
	newSanitizer := opt.NewSanitizer
	if newSanitizer == nil {
		newSanitizer = sandboxSanitizer
	}
	sz, err := newSanitizer(cfg, g.Log)
	if err != nil {
		return err
	}
	scanners, err := buildScanners(cfg.Scanners)
	if err != nil {
		return err
	}
	routes, err := g.routes(cfg.Approval)
	if err != nil {
		return err
	}
	var mailer exchange.Mailer
	if cfg.Mail.Relay != "" {
		mailer = &SMTPMailer{Relay: cfg.Mail.Relay, From: cfg.Mail.From}
	}
	x := &exchange.Service{Store: g.Store, Blobs: g.Blobs, Scanners: scanners, Sanitizer: sz, Mailer: mailer,
		Router: approval.Router{Routes: routes}, TempDir: tmp, Now: now, Log: g.Log, Observe: g.Metrics.Sanitized,
		Policy: exchange.Policy{MaxFileBytes: cfg.Exchange.MaxFileBytes, InboundRetention: time.Duration(cfg.Exchange.InboundRetention),
			OutboundRetention: time.Duration(cfg.Exchange.OutboundRetention), AutoReleaseClean: cfg.Exchange.AutoReleaseClean,
			ScanAttempts: cfg.Exchange.ScanAttempts, ReauthWindow: time.Duration(cfg.Exchange.ReauthWindow), PublicURL: cfg.PublicURL}}
	g.Exchange = x
	handlers := map[string]queue.Handler{exchange.JobProcess: x.Process, exchange.JobNotify: x.Notify, exchange.JobSweep: x.SweepJob}
	for i := 0; i < max(cfg.Exchange.Workers, 1); i++ {
		g.workers = append(g.workers, &queue.Worker{Store: g.Store, Handlers: handlers, Now: now, Log: g.Log,
			Backoff: func(attempt int) time.Duration {
				return min(time.Duration(1<<min(attempt, 8))*time.Second, 5*time.Minute)
			}})
	}
	x.Wake = func() {
		for _, w := range g.workers {
			w.Wake()
		}
	}
	return nil
}

// routes turns configured approval routes (user names) into stages (IDs).
func (g *Gateway) routes(c config.Approval) (map[string][]kakehashi.Stage, error) {
	out := map[string][]kakehashi.Stage{}
	err := g.Store.View(context.Background(), func(tx store.Tx) error {
		for _, r := range c.Routes {
			for _, st := range r.Stages {
				stage := kakehashi.Stage{Mode: kakehashi.StageMode(st.Mode)}
				for _, name := range st.Approvers {
					u, err := tx.UserByName(name)
					if err != nil {
						return fmt.Errorf("approval route for %s: approver %q: %w", r.Department, name, err)
					}
					stage.Approvers = append(stage.Approvers, u.ID)
				}
				out[r.Department] = append(out[r.Department], stage)
			}
		}
		return nil
	})
	return out, err
}

func buildScanners(cs []config.Scanner) ([]scan.Scanner, error) {
	var out []scan.Scanner
	for _, c := range cs {
		switch c.Kind {
		case "clamd":
			network, addr, ok := strings.Cut(c.Address, ":")
			if !ok || (network != "tcp" && network != "unix") {
				return nil, fmt.Errorf("scanner %s: address must be tcp:host:port or unix:/path", c.Name)
			}
			out = append(out, &scan.Clamd{Label: c.Name, Network: network, Address: addr, Timeout: time.Duration(c.Timeout)})
		case "icap":
			out = append(out, &scan.ICAP{Label: c.Name, Address: c.Address, Service: c.Service, Timeout: time.Duration(c.Timeout)})
		}
	}
	return out, nil
}

// Run serves until ctx is cancelled, then drains: listeners stop accepting,
// requests in flight get up to 30 s, workers finish their current job.
func (g *Gateway) Run(ctx context.Context) error {
	if n, err := g.Exchange.SweepOrphans(ctx); err != nil {
		return fmt.Errorf("sweeping unreferenced blobs: %w", err)
	} else if n > 0 {
		g.Log.Info("removed blobs of uploads cut off by a previous stop", "count", n)
	}
	// One process owns the SQLite database, so no lease can belong to a
	// live worker: jobs cut off by a crash resume at once.
	if err := g.Store.Update(ctx, func(tx store.Tx) error {
		if n, err := tx.ReleaseLeases(); err != nil {
			return err
		} else if n > 0 {
			g.Log.Info("resuming jobs interrupted by the previous stop", "count", n)
		}
		if _, err := tx.Enqueue(exchange.JobSweep, "", time.Now()); err != nil {
			return err
		}
		// Each start records the effective configuration's digest, so a
		// changed setting shows in the audit log as a changed digest.
		cfgJSON, err := json.Marshal(g.Config)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(cfgJSON)
		_, err = audit.Record(tx, time.Now(), audit.Event{Actor: "system", Action: audit.Started,
			Detail: map[string]any{"config_sha256": hex.EncodeToString(sum[:]), "model": g.Config.Model, "listeners": len(g.Config.Listeners), "scanners": len(g.Config.Scanners)}})
		return err
	}); err != nil {
		return err
	}
	wctx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, w := range g.workers {
		wg.Add(1)
		go func() { defer wg.Done(); w.Run(wctx) }()
	}
	errc := make(chan error, len(g.Listeners)+1)
	for _, l := range g.Config.Listeners {
		ln := g.Listeners[l.Zone]
		h := web.New(web.Config{Zone: l.Zone, Exchange: g.Exchange, Accounts: g.Accounts, Store: g.Store, Hosts: l.Hosts,
			TrustedProxies: l.Prefixes(), SecureCookies: l.TLSCert != "", MaxUploadBytes: g.Config.Exchange.MaxFileBytes*int64(kakehashi.MaxFilesPer) + 1<<20,
			Log: g.Log, Metrics: g.Metrics})
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
			ErrorLog: slog.NewLogLogger(g.Log.Handler(), slog.LevelWarn)}
		g.servers = append(g.servers, srv)
		g.Log.Info("listening", "zone", l.Zone, "address", ln.Addr().String(), "tls", l.TLSCert != "")
		go func() {
			var err error
			if l.TLSCert != "" {
				err = srv.ServeTLS(ln, l.TLSCert, l.TLSKey)
			} else {
				err = srv.Serve(ln)
			}
			if !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	if g.metricsLn != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", g.Metrics.Handler())
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		g.servers = append(g.servers, srv)
		go srv.Serve(g.metricsLn)
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	g.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, srv := range g.servers {
		srv.Shutdown(sctx)
	}
	stopWorkers()
	wg.Wait()
	return err
}

// Close releases storage (after Run returned, or instead of it).
func (g *Gateway) Close() error {
	for _, ln := range g.Listeners {
		ln.Close()
	}
	if g.metricsLn != nil {
		g.metricsLn.Close()
	}
	var errs []error
	if g.Blobs != nil {
		errs = append(errs, g.Blobs.Close())
	}
	if g.Store != nil {
		errs = append(errs, g.Store.Close())
	}
	return errors.Join(errs...)
}

// MetricsURL returns the URL of /metrics, or "" when disabled.
func (g *Gateway) MetricsURL() string {
	if g.metricsLn == nil {
		return ""
	}
	return "http://" + g.metricsLn.Addr().String() + "/metrics"
}

// URL returns the base URL of the zone's listener.
func (g *Gateway) URL(zone kakehashi.Zone) string {
	return "http://" + g.Listeners[zone].Addr().String()
}
