package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/config"
	"github.com/kakehashi/kakehashi/scan/scantest"
	"github.com/kakehashi/kakehashi/store"
)

// TestMultiScan runs the inbound path with two real scanners at once
// (Debian clamd over its socket, and c-icap over ICAP in front of it).
func TestMultiScan(t *testing.T) {
	clamd := scantest.StartClamd(t)
	icap := scantest.StartCICAP(t, clamd.Socket)
	o := newOffice(t, func(c *config.Config) {
		c.Scanners = []config.Scanner{
			{Name: "clamd", Kind: "clamd", Address: "unix:" + clamd.Socket, Timeout: config.Duration(30 * time.Second)},
			{Name: "icap", Kind: "icap", Address: icap.Addr, Service: "avscan", Timeout: config.Duration(30 * time.Second)},
		}
		c.Exchange.AutoReleaseClean = true
	})
	sender := o.g.Client(kakehashi.ZoneInternet)
	sender.Login(o.clerk)
	lg := o.g.Client(kakehashi.ZoneLGWAN)
	lg.Login(o.recipient)

	t.Run("infected-stays-quarantined", func(t *testing.T) {
		_, loc, _ := upload(t, sender, url.Values{"to": {o.recipient.ID}}, map[string][]byte{"report.txt": scantest.Payload()})
		id := transferID(t, loc)
		o.g.WaitState(id, kakehashi.StateRejected)
		f := fileIDs(t, o.g, id)[0]
		if f.Status != kakehashi.FileInfected || f.SanitizedBlob != "" {
			t.Fatalf("file %+v", f)
		}
		if page := mustGet(t, lg, "/transfers/"+id); strings.Contains(page, "/files/"+f.ID+"/release") {
			t.Error("the page offers to request an infected original")
		}
		token := apiToken(t, o.g, o.recipient)
		if code := apiPost(t, o.g.URL(kakehashi.ZoneLGWAN)+"/api/v1/files/"+f.ID+"/release", token, `{"reason":"必要です"}`); code != http.StatusForbidden {
			t.Errorf("requesting an infected original through the API: %d, want 403", code)
		}
		if code, _, _ := download(t, lg, "/files/"+f.ID+"/original"); code == http.StatusOK {
			t.Error("the infected original was downloadable")
		}
	})
	t.Run("clean-released-by-admin-rule", func(t *testing.T) {
		_, loc, _ := upload(t, sender, url.Values{"to": {o.recipient.ID}}, map[string][]byte{"memo.txt": []byte("会議は15時からです。\n")})
		id := transferID(t, loc)
		o.g.WaitState(id, kakehashi.StateAvailable)
		f := fileIDs(t, o.g, id)[0]
		if f.Status != kakehashi.FileClean {
			t.Fatalf("file %+v", f)
		}
		status, _, body := lg.Post("/transfers/"+id, "/files/"+f.ID+"/release", url.Values{"reason": {"原本が必要"}})
		if status != http.StatusSeeOther {
			t.Fatalf("release request: %d %s", status, body)
		}
		if code, _, b := download(t, lg, "/files/"+f.ID+"/original"); code != http.StatusOK || string(b) != "会議は15時からです。\n" {
			t.Errorf("original after the admin rule: %d %q", code, b)
		}
		var by string
		o.g.Store.View(context.Background(), func(tx store.Tx) error {
			return tx.ListAudit(store.AuditFilter{Object: id, Action: audit.Released}, func(e *kakehashi.AuditEvent) error { by = e.Detail; return nil })
		})
		if by == "" || !strings.Contains(by, "rule:auto_release_clean") {
			t.Errorf("release not audited as the admin rule: %q", by)
		}
	})
	t.Run("scanner-down-keeps-file-quarantined", func(t *testing.T) {
		clamd.Stop()
		_, loc, _ := upload(t, sender, url.Values{"to": {o.recipient.ID}}, map[string][]byte{"memo.txt": []byte("普通のメモ\n")})
		id := transferID(t, loc)
		o.g.WaitState(id, kakehashi.StateRejected)
		f := fileIDs(t, o.g, id)[0]
		if f.Status != kakehashi.FileQuarantined || f.SanitizedBlob != "" {
			t.Fatalf("file %+v, want quarantined without a delivered copy", f)
		}
	})
}
