package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi"
)

// TestHostileNamesAndText: names and notes a sender controls are shown
// escaped and cleaned (Gokapi's stored XSS through a file name, FileZen's
// traversal upload), and never become paths.
func TestHostileNamesAndText(t *testing.T) {
	o := newOffice(t)
	sender := o.g.Client(kakehashi.ZoneInternet)
	sender.Login(o.clerk)
	files := map[string][]byte{
		`<img src=x onerror=alert(1)>.txt`: []byte("a\n"),
		"../../etc/passwd":                 []byte("b\n"),
		"請求書\u202Efdp.exe.txt":             []byte("c\n"),
	}
	_, loc, body := upload(t, sender, url.Values{"to": {o.recipient.ID}, "note": {`<script>alert("note")</script>`}}, files)
	if loc == "" {
		t.Fatalf("upload refused: %s", body)
	}
	id := transferID(t, loc)
	o.g.WaitState(id, kakehashi.StateAvailable)
	lg := o.g.Client(kakehashi.ZoneLGWAN)
	lg.Login(o.recipient)
	page := mustGet(t, lg, "/transfers/"+id)
	for _, raw := range []string{"<img src=x", "<script>alert", "\u202E", "../"} {
		if strings.Contains(page, raw) {
			t.Errorf("the page contains %q unescaped", raw)
		}
	}
	for _, shown := range []string{"&lt;img src=x onerror=alert(1)&gt;.txt", "&lt;script&gt;", "passwd", "請求書fdp.exe.txt"} {
		if !strings.Contains(page, shown) {
			t.Errorf("the page does not show %q", shown)
		}
	}
}

// TestSearchWithSQLMetacharacters sends SQL and LIKE metacharacters through
// every search field: answers stay 200 and the log intact (MOVEit).
func TestSearchWithSQLMetacharacters(t *testing.T) {
	o := newOffice(t)
	c := o.g.Client(kakehashi.ZoneLGWAN)
	c.Login(o.auditor)
	for _, evil := range []string{"'", `"`, "' OR '1'='1", "x'); DROP TABLE audit; --", "%", "_", "\\", strings.Repeat("あ", 5000)} {
		for _, field := range []string{"q", "actor", "action", "since", "after"} {
			for _, path := range []string{"/audit?", "/audit/export?format=csv&"} {
				code, _ := c.Get(path + field + "=" + url.QueryEscape(evil))
				if code != http.StatusOK {
					t.Errorf("%s%s=%.20q: %d", path, field, evil, code)
				}
			}
		}
	}
	code, body := c.Get("/audit?action=auth.signin")
	if code != http.StatusOK || !strings.Contains(body, "auth.signin") {
		t.Errorf("the audit log no longer answers after the sweep: %d", code)
	}
}
