// Package browsertest drives a real headless Chromium (Debian's chromium)
// for end-to-end tests of the web UI through chromedp: one browser per test,
// one isolated browser context (its own cookie jar) per person at a desk,
// and a page check that runs axe-core's WCAG 2.1 A/AA rules, looks for a
// horizontal scrollbar at the office PC's 1366×768 and saves a full-page
// screenshot.
//
// Chromium is found with testtool.Require and axe-core is read from the npm
// cache that scripts/deps.sh fills (or from KAKEHASHI_AXE), so a developer
// machine without them skips and a run with KAKEHASHI_REQUIRE_TOOLS fails.
// The package holds no state between tests; everything a Browser starts is
// stopped in t.Cleanup, and the cleanup checks that no Chromium process of
// the test is left.
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/kakehashi/kakehashi/internal/testtool"
)

// Width and Height are the window of the reference office PC.
const (
	Width  = 1366
	Height = 768
)

// Options change how the browser starts.
type Options struct {
	// NoJavaScript disables the pages' scripts in every tab (DevTools
	// emulation), to prove the forms work without app.js. Check switches
	// scripts on only while axe-core runs; the page's own scripts, which
	// never ran, stay off.
	NoJavaScript bool
	// Timeout bounds everything done in the browser (default 3 minutes);
	// waits never assert on time, they only give up at this deadline.
	Timeout time.Duration
}

// Browser is one running Chromium.
type Browser struct {
	T         testing.TB
	Artifacts string // where Check writes screenshots
	ctx       context.Context
	axe       string
	noJS      bool
}

// Start launches Chromium for the test; it is stopped when the test ends.
func Start(t testing.TB, opts Options) *Browser {
	t.Helper()
	exe := testtool.Require(t, "chromium", "chromium")
	axe := axeSource(t)
	if opts.Timeout == 0 {
		opts.Timeout = 3 * time.Minute
	}
	profile := t.TempDir()
	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("accept-lang", "ja-JP,ja"), // a Japanese office PC: the UI defaults to Japanese
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(Width, Height),
	}
	base, stop := context.WithTimeout(context.Background(), opts.Timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(base, flags...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		stop()
		// chromedp waits for the browser process; its helpers (zygote,
		// GPU, network service) can outlive it for a moment, so make sure.
		if n := killProcessesUsing(profile); n > 0 {
			t.Logf("killed %d Chromium helper processes left after the browser exited", n)
		}
	})
	// The first action launches the browser.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	b := &Browser{T: t, ctx: ctx, axe: axe, noJS: opts.NoJavaScript, Artifacts: os.Getenv("KAKEHASHI_ARTIFACTS")}
	if b.Artifacts == "" {
		b.Artifacts = t.TempDir()
	} else if err := os.MkdirAll(b.Artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	return b
}

// Tab opens a new tab in a fresh browser context: its own cookies and
// storage, like a different person's PC. It is closed when the test ends.
func (b *Browser) Tab() context.Context {
	b.T.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.T.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(Width, Height), scripts(!b.noJS)); err != nil {
		b.T.Fatalf("opening a tab: %v", err)
	}
	return ctx
}

// Cookie returns the value of cookie name that the tab would send to
// rawURL, or "" when there is none (to fetch a link outside the browser
// as the same signed-in user).
func Cookie(ctx context.Context, rawURL, name string) (string, error) {
	res, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{rawURL}})
	})
	if err != nil {
		return "", err
	}
	for _, c := range res.Cookies {
		if c.Name == name {
			return c.Value, nil
		}
	}
	return "", nil
}

// scripts switches the page's JavaScript on or off; the setting lasts
// across navigations in the tab.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// axeSource reads axe.min.js: KAKEHASHI_AXE, or the copy scripts/deps.sh
// installs with npm. Missing, it skips the test, or fails it where tools
// are required (as testtool.Require does for programs).
func axeSource(t testing.TB) string {
	t.Helper()
	path := os.Getenv("KAKEHASHI_AXE")
	if path == "" {
		home, _ := os.UserHomeDir()
		path = filepath.Join(home, ".cache", "kakehashi", "npm", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err == nil {
		return string(b)
	}
	if os.Getenv("KAKEHASHI_REQUIRE_TOOLS") != "" {
		t.Fatalf("axe-core not found at %s (run scripts/deps.sh test, or set KAKEHASHI_AXE): %v", path, err)
	}
	t.Skipf("axe-core not found at %s; run scripts/deps.sh test to run this test", path)
	return ""
}

// Violation is one axe-core rule that failed, with the elements it failed on.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n      %v", n.Target)
		if n.Summary != "" {
			fmt.Fprintf(&b, " — %s", strings.ReplaceAll(n.Summary, "\n", " "))
		}
	}
	return b.String()
}

// axeRun runs the WCAG 2.0/2.1 level A and AA rules on the whole document
// (axe's other tags, such as best-practice, are advice, not the standard).
// Besides the violations it returns what axe could not decide ("needs
// review"), such as text whose colour equals its background, which axe
// will not call a failure because the text may be meant to be hidden.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations', 'incomplete']})
  .then(r => {
    const brief = vs => vs.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary || (n.any || []).map(c => c.message).join('; ')}))}));
    return {violations: brief(r.violations), incomplete: brief(r.incomplete)};
  })`

// AxeResult is what axe-core found on a page.
type AxeResult struct {
	Violations []Violation `json:"violations"`
	Incomplete []Violation `json:"incomplete"` // needs review by a person
}

// Axe injects axe-core into the tab's page and runs the WCAG 2.1 AA rules.
func (b *Browser) Axe(ctx context.Context) (AxeResult, error) {
	if b.noJS {
		if err := chromedp.Do(ctx, scripts(true)); err != nil {
			return AxeResult{}, err
		}
		defer chromedp.Do(ctx, scripts(false))
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === 'object'`))
	if err != nil {
		return AxeResult{}, fmt.Errorf("looking for axe-core: %w", err)
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](b.axe)); err != nil {
			return AxeResult{}, fmt.Errorf("injecting axe-core: %w", err)
		}
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[AxeResult](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return AxeResult{}, fmt.Errorf("running axe-core: %w", err)
	}
	return r, nil
}

// Check runs the page checks on what the tab shows now, reporting failures
// with t.Errorf so that one run lists every page's problems: axe-core's
// WCAG 2.1 AA rules, no horizontal scrolling at 1366 px, and a full-page
// screenshot saved as name.png in b.Artifacts.
func (b *Browser) Check(ctx context.Context, name string) {
	t := b.T
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	type widths struct{ Scroll, Client, Inner int }
	w, err := chromedp.Run(ctx, chromedp.Evaluate[widths](`({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, inner: window.innerWidth})`))
	if err != nil {
		t.Fatalf("%s: measuring: %v", name, err)
	}
	if w.Inner != Width {
		t.Errorf("%s: window is %d px wide, want %d", name, w.Inner, Width)
	}
	// Scrollbars take room as on a Windows PC, so the page must fit in
	// the client width, not just the window.
	if w.Scroll > w.Client || w.Scroll > w.Inner {
		t.Errorf("%s: horizontal scrollbar at %d px: the page is %d px wide, %d px fit", name, w.Inner, w.Scroll, w.Client)
	}
	r, err := b.Axe(ctx)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, v := range r.Violations {
		t.Errorf("%s: axe: %s", name, v)
	}
	// What axe leaves for review fails too: on these pages it has been
	// real defects (text coloured like its background, an aria-label that
	// hid the visible zone name), never noise.
	for _, v := range r.Incomplete {
		t.Errorf("%s: axe, needs review: %s", name, v)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.Artifacts, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// killProcessesUsing kills whatever still runs with the profile directory
// dir on its command line (Chromium passes --user-data-dir to every child)
// and returns how many it found. The directory is the test's own
// t.TempDir, so no other browser can match.
func killProcessesUsing(dir string) int {
	want := []byte("--user-data-dir=" + dir)
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for _, arg := range bytes.Split(cmdline, []byte{0}) {
			if bytes.Equal(arg, want) {
				syscall.Kill(pid, syscall.SIGKILL)
				n++
				break
			}
		}
	}
	return n
}
