package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/exchange"
	"github.com/kakehashi/kakehashi/store"
)

// Config is what a zone's handler needs.
type Config struct {
	Zone     kakehashi.Zone
	Exchange *exchange.Service
	Accounts *account.Service
	Store    store.Store // read-only lookups for screens (user lists, audit search)
	// Hosts are the host names this listener answers to; a request with
	// any other Host header is refused (421) before anything else runs.
	// Empty accepts any (loopback quick start).
	Hosts []string
	// TrustedProxies are the addresses whose X-Forwarded-For is believed;
	// from anyone else the header is ignored.
	TrustedProxies []netip.Prefix
	// SecureCookies sets the Secure flag (always, behind TLS).
	SecureCookies  bool
	MaxUploadBytes int64 // per request
	Log            *slog.Logger
	Metrics        Metrics
	Now            func() time.Time
}

// Metrics receives request counts; nil-safe.
type Metrics interface {
	Request(zone, route string, status int, d time.Duration)
}

// Server is one zone's HTTP handler.
type Server struct {
	cfg Config
	mux *http.ServeMux
	log *slog.Logger
}

// New builds the handler for cfg.Zone with exactly the routes of that zone.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), log: cfg.Log.With("zone", string(cfg.Zone))}
	for i := range routes {
		rt := &routes[i]
		if !slices.Contains(rt.zones, cfg.Zone) {
			continue
		}
		s.mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
	}
	return s
}

// ServeHTTP applies the checks every request gets, whatever its route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
	h.Set("Cache-Control", "no-store")
	if !s.hostAllowed(r.Host) {
		http.Error(w, "misdirected request", http.StatusMisdirectedRequest)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) hostAllowed(host string) bool {
	if len(s.cfg.Hosts) == 0 {
		return true
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return slices.Contains(s.cfg.Hosts, strings.ToLower(host))
}

// clientIP is the peer address, or the last untrusted hop of
// X-Forwarded-For when the peer is a configured proxy (transfer.sh's
// spoofed-header bypass is why the header is not believed otherwise).
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return host
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

type ctxKey int

const (
	ctxSession ctxKey = iota
	ctxRoute
)

// wrap applies a route's access rules before its handler runs.
func (s *Server) wrap(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("handler panic", "route", rt.path, "panic", v)
				if !rec.wrote {
					s.fail(rec, r, kakehashi.Errorf(kakehashi.EINTERNAL, "内部エラー / internal error"))
				}
			}
			if s.cfg.Metrics != nil {
				s.cfg.Metrics.Request(string(s.cfg.Zone), rt.method+" "+rt.path, rec.status, time.Since(start))
			}
		}()
		ctx := context.WithValue(r.Context(), ctxRoute, rt)
		r = r.WithContext(ctx)
		sess, viaBearer := s.session(r, rt)
		if sess != nil {
			r = r.WithContext(context.WithValue(r.Context(), ctxSession, sess))
		}
		switch rt.access {
		case public:
		case partial:
			if sess == nil {
				s.unauthenticated(rec, r, rt)
				return
			}
		case signedIn:
			if sess == nil || !sess.MFADone {
				s.unauthenticated(rec, r, rt)
				return
			}
			if !rt.allows(sess.User) || !account.HasScope(sess, rt.scope) {
				s.fail(rec, r, kakehashi.Errorf(kakehashi.EFORBIDDEN, "権限がありません / you may not do this"))
				return
			}
		}
		if r.Method == http.MethodPost && !viaBearer && !s.csrfOK(r, sess) {
			s.fail(rec, r, kakehashi.Errorf(kakehashi.EFORBIDDEN, "画面の有効期限が切れました。もう一度お試しください / the form expired; please try again"))
			return
		}
		rt.handle(s, rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// subject is who is asking, for the services.
func (s *Server) subject(r *http.Request) kakehashi.Subject {
	sub := kakehashi.Subject{Zone: s.cfg.Zone, IP: s.clientIP(r)}
	if sess := sessionOf(r); sess != nil {
		sub.User = sess.User
		sub.Scopes = sess.Scopes
	}
	return sub
}

func sessionOf(r *http.Request) *account.Session {
	sess, _ := r.Context().Value(ctxSession).(*account.Session)
	return sess
}
