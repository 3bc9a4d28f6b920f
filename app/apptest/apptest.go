// Package apptest starts a whole gateway on loopback for end-to-end tests:
// a fresh data directory, SQLite, the encrypted blob store, both zone
// listeners on ":0", the real sandboxed sanitizer and the background
// workers. Tests talk to it over real HTTP with Client.
//
// Packages using it call apptest.Main from TestMain, because the
// sanitizer's child process is the test binary itself.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/app"
	"github.com/kakehashi/kakehashi/auth"
	"github.com/kakehashi/kakehashi/config"
	"github.com/kakehashi/kakehashi/sanitize/formats"
	"github.com/kakehashi/kakehashi/sanitize/sandbox"
	"github.com/kakehashi/kakehashi/store"
	"github.com/kakehashi/kakehashi/web"
)

// Main runs the tests, or the sanitizer child when this process is one.
func Main(m *testing.M) {
	sandbox.MaybeChild(formats.NewEngine)
	os.Exit(m.Run())
}

// Gateway is a running test gateway.
type Gateway struct {
	*app.Gateway
	T      testing.TB
	cancel context.CancelFunc
	done   chan error
	Logs   *LogBuffer
}

// Start builds and runs a gateway; edit changes the config first. It is
// stopped when the test ends.
func Start(t testing.TB, edit ...func(*config.Config)) *Gateway {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.MetricsAddress = ""
	cfg.Listeners = []config.Listener{{Zone: kakehashi.ZoneInternet, Address: "127.0.0.1:0"}, {Zone: kakehashi.ZoneLGWAN, Address: "127.0.0.1:0"}}
	cfg.Exchange.ScanAttempts = 1
	for _, e := range edit {
		e(&cfg)
	}
	return StartConfig(t, cfg)
}

// StartConfig runs a gateway on cfg as given (a restart on the same data).
func StartConfig(t testing.TB, cfg config.Config) *Gateway {
	t.Helper()
	logs := &LogBuffer{}
	log := slog.New(slog.NewJSONHandler(io.MultiWriter(logs, testWriter{t}), &slog.HandlerOptions{Level: slog.LevelInfo}))
	params := auth.TestParams
	gw, err := app.New(context.Background(), cfg, app.Options{Log: log, Params: &params})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	g := &Gateway{Gateway: gw, T: t, cancel: cancel, done: make(chan error, 1), Logs: logs}
	go func() { g.done <- gw.Run(ctx) }()
	t.Cleanup(g.Stop)
	return g
}

// Stop drains and closes the gateway (idempotent).
func (g *Gateway) Stop() {
	if g.cancel == nil {
		return
	}
	g.cancel()
	g.cancel = nil
	select {
	case <-g.done:
	case <-time.After(60 * time.Second):
		g.T.Error("gateway did not stop within 60 s")
	}
	g.Close()
}

// testWriter sends logs to the test log, only shown on failure or -v.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// User is a test account and its password.
type User struct {
	*kakehashi.User
	Password string
}

// Department creates a department.
func (g *Gateway) Department(name, parent string) string {
	g.T.Helper()
	d, err := g.Accounts.CreateDepartment(context.Background(), kakehashi.Subject{}, name, parent)
	if err != nil {
		g.T.Fatal(err)
	}
	return d.ID
}

// AddUser creates a user from the command line's side and sets a known
// password, so tests can sign in at once.
func (g *Gateway) AddUser(name, dept, supervisor string, roles ...kakehashi.Role) *User {
	g.T.Helper()
	u, otp, err := g.Accounts.CreateUser(context.Background(), kakehashi.Subject{}, account.NewUser{Name: name, DisplayName: name + " さん",
		Email: name + "@city.example.lg.jp", DepartmentID: dept, SupervisorID: supervisor, Roles: roles})
	if err != nil {
		g.T.Fatal(err)
	}
	return &User{User: u, Password: otp}
}

// WaitState polls until the transfer reaches state (or fails the test).
func (g *Gateway) WaitState(id string, want ...kakehashi.State) kakehashi.State {
	g.T.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var st kakehashi.State
		g.Store.View(context.Background(), func(tx store.Tx) error {
			t, err := tx.Transfer(id)
			if err == nil {
				st = t.State
			}
			return err
		})
		for _, w := range want {
			if st == w {
				return st
			}
		}
		if time.Now().After(deadline) {
			g.T.Fatalf("transfer %s is %s, want %v", id, st, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Client is a browser-like HTTP client for one zone.
type Client struct {
	T    testing.TB
	Base string
	HTTP *http.Client
}

// Client returns a new client (its own cookie jar) for zone.
func (g *Gateway) Client(zone kakehashi.Zone) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{T: g.T, Base: g.URL(zone), HTTP: &http.Client{Jar: jar, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Get fetches path and returns status and body.
func (c *Client) Get(path string) (int, string) {
	c.T.Helper()
	resp, err := c.HTTP.Get(c.Base + path)
	if err != nil {
		c.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// CSRF loads page and returns the CSRF token of the form posting to action.
func (c *Client) CSRF(page, action string) string {
	c.T.Helper()
	_, body := c.Get(page)
	re := regexp.MustCompile(`action="` + regexp.QuoteMeta(action) + `(?:\?csrf=([^"]+))?"[^>]*>(?:\s*<input type="hidden" name="csrf" value="([^"]+)")?`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		c.T.Fatalf("no form for %s on %s", action, page)
	}
	if m[1] != "" {
		return m[1]
	}
	return m[2]
}

// Post submits a form (with a fresh CSRF token from page) and returns the
// status, the Location header and the body.
func (c *Client) Post(page, action string, form url.Values) (int, string, string) {
	c.T.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.CSRF(page, action))
	resp, err := c.HTTP.PostForm(c.Base+action, form)
	if err != nil {
		c.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// Login signs in and fails the test on failure.
func (c *Client) Login(u *User) {
	c.T.Helper()
	status, loc, body := c.Post("/login", "/login", url.Values{"user": {u.Name}, "password": {u.Password}})
	if status != http.StatusSeeOther || loc != "/" {
		c.T.Fatalf("login %s: %d %s %s", u.Name, status, loc, body)
	}
}

// LogBuffer keeps the gateway's JSON log lines for assertions.
type LogBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, string(p))
	return len(p), nil
}

// Contains reports whether any log line contains s.
func (b *LogBuffer) Contains(s string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, l := range b.lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// APIToken issues a bearer token for u in zone with every scope, as the
// account page would.
func (g *Gateway) APIToken(u *User, zone kakehashi.Zone) (string, error) {
	_, sess, err := g.Accounts.SignIn(context.Background(), zone, "127.0.0.1", u.Name, u.Password)
	if err != nil {
		return "", err
	}
	return g.Accounts.CreateAPIToken(context.Background(), sess, "127.0.0.1", account.TokenRequest{Name: "test", Scopes: web.Scopes, TTL: time.Hour}, web.Scopes)
}
