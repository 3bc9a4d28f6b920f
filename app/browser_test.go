package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/app/apptest"
	"github.com/kakehashi/kakehashi/internal/browsertest"
)

// The browser tests drive the server-rendered UI in a real Chromium, as a
// clerk, a recipient and an approver at their desks would: clicks, typing
// and file choosers, not HTTP. Every page they visit is checked with
// axe-core against WCAG 2.1 level AA in the standard and the accessible
// display (and once in English), must not scroll sideways at 1366×768, and
// is saved as a screenshot in $KAKEHASHI_ARTIFACTS.

// desk is one person's browser tab on one zone's listener.
type desk struct {
	t    *testing.T
	b    *browsertest.Browser
	ctx  context.Context
	base string // the zone listener's URL
	zone string // for screenshot names
}

func (o *office) desk(t *testing.T, b *browsertest.Browser, zone kakehashi.Zone) *desk {
	return &desk{t: t, b: b, ctx: b.Tab(), base: o.g.URL(zone), zone: string(zone)}
}

// do runs actions in the tab and fails the test on error.
func (d *desk) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	d.t.Helper()
	if err := chromedp.Do(d.ctx, actions...); err != nil {
		d.t.Fatalf("%s: %v", what, err)
	}
}

// follow runs actions that load a page (a click on a link or a submit
// button) and waits for it; it fails the test unless the page is a 200.
func (d *desk) follow(what string, actions ...chromedp.Action[chromedp.Void]) {
	d.t.Helper()
	resp, err := chromedp.RunResponse(d.ctx, actions...)
	if err != nil {
		d.t.Fatalf("%s: %v", what, err)
	}
	if resp.Status != http.StatusOK {
		d.t.Fatalf("%s: %s answered %d", what, resp.URL, resp.Status)
	}
}

func (d *desk) open(path string) {
	d.t.Helper()
	d.follow("open "+path, chromedp.Navigate(d.base+path))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](d *desk, expr string) T {
	d.t.Helper()
	v, err := chromedp.Run(d.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		d.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (d *desk) text(sel string) string {
	d.t.Helper()
	s, err := chromedp.Run(d.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		d.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (d *desk) attr(sel, name string) string {
	d.t.Helper()
	r, err := chromedp.Run(d.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil || !r.Exists {
		d.t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return r.Value
}

// signIn types the user's name and password into the sign-in form.
func (d *desk) signIn(u *apptest.User) {
	d.t.Helper()
	d.do("sign-in form",
		chromedp.WaitVisible(chromedp.CSS("#user")),
		chromedp.SendKeys(chromedp.CSS("#user"), u.Name),
		chromedp.SendKeys(chromedp.CSS("#password"), u.Password))
	d.follow("sign in as "+u.Name, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	if got := eval[string](d, `location.pathname`); got != "/" {
		d.t.Fatalf("after signing in as %s the browser is at %s", u.Name, got)
	}
}

// a11y clicks the accessible-display switch in the header and checks that
// the page came back in the mode asked for.
func (d *desk) a11y(on bool) {
	d.t.Helper()
	d.follow("accessibility switch", chromedp.Click(chromedp.CSS(`form.prefs button[name=a11y]`)))
	if got := eval[bool](d, `document.body.classList.contains('a11y')`); got != on {
		d.t.Fatalf("after the accessibility switch body.a11y is %v, want %v", got, on)
	}
}

// english clicks the language switch and checks <html lang>.
func (d *desk) english(on bool) {
	d.t.Helper()
	want := "ja"
	if on {
		want = "en"
	}
	d.follow("language switch", chromedp.Click(chromedp.CSS(`form.prefs button[name=lang]`)))
	if got := eval[string](d, `document.documentElement.lang`); got != want {
		d.t.Fatalf("after the language switch <html lang=%q>, want %q", got, want)
	}
}

// check runs the page checks on the current page in the standard display,
// then switches to the accessible display, checks again and switches back.
func (d *desk) check(page string) {
	d.t.Helper()
	name := d.zone + "-" + page
	d.b.Check(d.ctx, name)
	d.a11y(true)
	d.b.Check(d.ctx, name+"-a11y")
	d.a11y(false)
}

// checkEnglish checks the current page in English and switches back.
func (d *desk) checkEnglish(page string) {
	d.t.Helper()
	d.english(true)
	d.b.Check(d.ctx, d.zone+"-"+page+"-en")
	d.english(false)
}

// get fetches path outside the browser with the tab's session cookie, as
// a download manager would.
func (d *desk) get(path string) (int, http.Header, []byte) {
	d.t.Helper()
	cookie, err := browsertest.Cookie(d.ctx, d.base, "kakehashi_session")
	if err != nil || cookie == "" {
		d.t.Fatalf("no session cookie in the browser: %v", err)
	}
	req, _ := http.NewRequest("GET", d.base+path, nil)
	req.AddCookie(&http.Cookie{Name: "kakehashi_session", Value: cookie})
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// posts records how the browser sent its POSTs to path: as a page load
// ("Document") or from app.js ("XHR").
type posts struct {
	mu    sync.Mutex
	types []string
}

func (d *desk) watchPosts(path string) *posts {
	d.t.Helper()
	p := &posts{}
	err := chromedp.Listen(d.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Request.Method == "POST" && strings.HasPrefix(strings.TrimPrefix(e.Request.URL, d.base), path) {
			p.mu.Lock()
			p.types = append(p.types, string(e.Type))
			p.mu.Unlock()
		}
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return p
}

func (p *posts) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.types, ",")
}

// sendFile chooses file on the send page, ticks the recipient (and unticks
// the sender, ticked by default), writes a note and submits. It returns
// the new transfer's ID from the page the browser lands on.
func (d *desk) sendFile(file string, from, to *apptest.User, note string) string {
	d.t.Helper()
	d.do("fill in the send form",
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{file}),
		chromedp.Click(chromedp.CSS(`input[name=to][value="`+from.ID+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name=to][value="`+to.ID+`"]`)),
		chromedp.SendKeys(chromedp.CSS("#note"), note))
	if eval[bool](d, `document.querySelector('input[name=to][value="`+from.ID+`"]').checked`) ||
		!eval[bool](d, `document.querySelector('input[name=to][value="`+to.ID+`"]').checked`) {
		d.t.Fatal("clicking the recipient boxes did not tick exactly the recipient")
	}
	d.follow("submit the send form", chromedp.Click(chromedp.CSS(`form.send button[type=submit]`)))
	return transferID(d.t, eval[string](d, `location.pathname`))
}

// docm is the macro document of the sanitizer's tests under a Japanese
// name, as a clerk would have it on her desktop.
func docm(t *testing.T) (path string, data []byte) {
	t.Helper()
	data, err := os.ReadFile("../sanitize/ooxml/testdata/malicious/vba.docm")
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "議事録.docm")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

// TestBrowserInboundAndOriginalRelease is the 持ち込み flow in the browser:
// a clerk on the internet side sends a macro document, the recipient on
// LGWAN gets the sanitized copy and asks for the original, her supervisor
// approves with his password, and she can then fetch the original. On the
// way every page is checked (axe-core, width, screenshot), and the
// accessible display and English switches are exercised.
func TestBrowserInboundAndOriginalRelease(t *testing.T) {
	o := newOffice(t)
	b := browsertest.Start(t, browsertest.Options{})
	file, data := docm(t)

	// (a) The clerk signs in on the internet side and sends the document.
	clerk := o.desk(t, b, kakehashi.ZoneInternet)
	clerk.open("/login")
	if lang := eval[string](clerk, `document.documentElement.lang`); lang != "ja" {
		t.Errorf("a Japanese browser gets <html lang=%q>", lang)
	}
	clerk.check("login")
	clerk.checkEnglish("login")
	clerk.signIn(o.clerk)
	clerk.check("home")
	clerk.follow("menu: send", chromedp.Click(chromedp.CSS(`nav a[href="/send"]`)))
	clerk.check("send")
	sent := clerk.watchPosts("/send")
	id := clerk.sendFile(file, o.clerk, o.recipient, "議事録です")
	if got := sent.String(); got != "XHR" {
		t.Errorf("the send form was posted as %q, want one XHR from app.js (progress display)", got)
	}
	clerk.check("transfer")
	clerk.follow("menu: account", chromedp.Click(chromedp.CSS(`nav a[href="/account"]`)))
	clerk.check("account")

	// (b) The recipient on LGWAN waits for the sanitized copy.
	rcpt := o.desk(t, b, kakehashi.ZoneLGWAN)
	rcpt.open("/login")
	rcpt.check("login")
	rcpt.signIn(o.recipient)
	rcpt.check("home")
	rcpt.follow("inbox link", chromedp.Click(chromedp.CSS(`#h-inbox + table a[href="/transfers/`+id+`"]`)))
	for !eval[bool](rcpt, `document.querySelector('.state-available') !== null`) {
		if st := eval[string](rcpt, `(document.querySelector('.facts .state') || {}).className || ''`); strings.Contains(st, "rejected") {
			t.Fatalf("the transfer was rejected: %s", st)
		}
		rcpt.do("pause", chromedp.Sleep(100*time.Millisecond)) // between polls, not an assertion
		rcpt.follow("reload", chromedp.Reload())
	}
	if report := rcpt.text(".report pre"); !strings.Contains(report, "マクロ") {
		t.Errorf("the sanitization report does not mention the macro:\n%s", report)
	}
	rcpt.check("transfer")
	rcpt.checkEnglish("transfer")
	href := rcpt.attr(`a.button[href$="/sanitized"]`, "href")
	if !strings.Contains(rcpt.text(`a.button[href$="/sanitized"]`), "議事録.docx") {
		t.Errorf("the download link does not name the sanitized file: %q", rcpt.text(`a.button[href$="/sanitized"]`))
	}
	code, hdr, got := rcpt.get(href)
	if code != http.StatusOK || !strings.Contains(hdr.Get("Content-Disposition"), ".docx") || len(got) == 0 {
		t.Errorf("GET %s: %d %q, %d bytes", href, code, hdr.Get("Content-Disposition"), len(got))
	}
	fileID := strings.Split(href, "/")[2]

	// (c) She asks for the original, giving a reason.
	rcpt.do("reason for the original",
		chromedp.SendKeys(chromedp.CSS(`#why-`+fileID), "マクロの動作確認のため"))
	rcpt.follow("request the original", chromedp.Click(chromedp.CSS(`form.ask button[type=submit]`)))
	if flash := rcpt.text(".flash"); !strings.Contains(flash, "申請しました") {
		t.Errorf("after the request the page says %q", flash)
	}
	b.Check(rcpt.ctx, "lgwan-transfer-requested")

	// (d) Her supervisor approves with his password.
	boss := o.desk(t, b, kakehashi.ZoneLGWAN)
	boss.open("/login")
	boss.signIn(o.boss)
	boss.check("home-approver")
	boss.follow("to-decide link", chromedp.Click(chromedp.CSS(`#h-decide + table a[href="/transfers/`+id+`"]`)))
	boss.check("transfer-approver")
	boss.do("decision form",
		chromedp.SendKeys(chromedp.CSS(`form.decide textarea[name=comment]`), "確認しました"),
		chromedp.SendKeys(chromedp.CSS(`form.decide input[name=password]`), o.boss.Password))
	boss.follow("approve", chromedp.Click(chromedp.CSS(`form.decide button[value=approve]`)))
	if flash := boss.text(".flash"); !strings.Contains(flash, "記録しました") {
		t.Errorf("after approving the page says %q", flash)
	}
	boss.follow("menu: account", chromedp.Click(chromedp.CSS(`nav a[href="/account"]`)))
	boss.check("account")

	rcpt.follow("reload", chromedp.Reload())
	orig := rcpt.attr(`a.button[href$="/original"]`, "href")
	if code, _, got := rcpt.get(orig); code != http.StatusOK || !bytes.Equal(got, data) {
		t.Errorf("GET %s after approval: %d, %d bytes (want the %d uploaded)", orig, code, len(got), len(data))
	}
	rcpt.follow("menu: send", chromedp.Click(chromedp.CSS(`nav a[href="/send"]`)))
	rcpt.check("send")

	// The administrator's and the auditor's screens.
	admin := o.desk(t, b, kakehashi.ZoneLGWAN)
	admin.open("/login")
	admin.signIn(o.admin)
	admin.follow("menu: admin", chromedp.Click(chromedp.CSS(`nav a[href="/admin"]`)))
	admin.do("exemption form",
		chromedp.SetValue(chromedp.CSS("#ex-kind"), "type"),
		chromedp.SendKeys(chromedp.CSS("#ex-value"), "txt"),
		chromedp.SendKeys(chromedp.CSS("#ex-note"), "テキストは承認不要"))
	admin.follow("add the exemption", chromedp.Click(chromedp.CSS(`form[action="/admin/exemptions"] button`)))
	if flash := admin.text(".flash"); !strings.Contains(flash, "免除ルールを追加しました") {
		t.Errorf("after adding an exemption the page says %q", flash)
	}
	admin.check("admin")
	auditor := o.desk(t, b, kakehashi.ZoneLGWAN)
	auditor.open("/login")
	auditor.signIn(o.auditor)
	auditor.follow("menu: audit", chromedp.Click(chromedp.CSS(`nav a[href="/audit"]`)))
	auditor.check("audit")
	t.Logf("screenshots in %s", b.Artifacts)
}

// TestBrowserWithoutJavaScript proves the core flow needs no script:
// with JavaScript off in Chromium the clerk signs in, chooses a file and
// sends it with a plain form post, and lands on the transfer page.
func TestBrowserWithoutJavaScript(t *testing.T) {
	o := newOffice(t)
	b := browsertest.Start(t, browsertest.Options{NoJavaScript: true})
	file := filepath.Join(t.TempDir(), "お知らせ.txt")
	if err := os.WriteFile(file, []byte("会議は15時からです。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	clerk := o.desk(t, b, kakehashi.ZoneInternet)
	clerk.open("/login")
	clerk.signIn(o.clerk)
	clerk.follow("menu: send", chromedp.Click(chromedp.CSS(`nav a[href="/send"]`)))
	sent := clerk.watchPosts("/send")
	id := clerk.sendFile(file, o.clerk, o.recipient, "")
	if got := sent.String(); got != "Document" {
		t.Errorf("the send form was posted as %q, want a plain form post (Document)", got)
	}
	clerk.a11y(true)
	b.Check(clerk.ctx, "internet-transfer-nojs-a11y")
	o.g.WaitState(id, kakehashi.StateAvailable)
}
