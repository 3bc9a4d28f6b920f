package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/app/apptest"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/blob"
	"github.com/kakehashi/kakehashi/config"
	"github.com/kakehashi/kakehashi/store"
)

func TestMain(m *testing.M) { apptest.Main(m) }

// office is a small municipal office: 総務課 with a clerk, her supervisor
// (an approver), a second approver who can stand in, and an auditor/admin.
type office struct {
	g                              *apptest.Gateway
	dept                           string
	clerk, boss, deputy, recipient *apptest.User
	auditor, admin, kacho          *apptest.User
}

func newOffice(t *testing.T, edit ...func(*config.Config)) *office {
	g := apptest.Start(t, edit...)
	o := &office{g: g}
	o.dept = g.Department("総務課", "")
	o.boss = g.AddUser("boss", o.dept, "", kakehashi.RoleApprover)
	o.deputy = g.AddUser("deputy", o.dept, "", kakehashi.RoleApprover)
	o.clerk = g.AddUser("clerk", o.dept, o.boss.ID)
	o.recipient = g.AddUser("recipient", o.dept, o.boss.ID)
	o.auditor = g.AddUser("auditor", o.dept, "", kakehashi.RoleAuditor)
	o.admin = g.AddUser("admin", o.dept, "", kakehashi.RoleAdmin)
	o.kacho = g.AddUser("kacho", g.Department("企画課", ""), "", kakehashi.RoleApprover)
	return o
}

// upload posts files through the send form, as a browser does.
func upload(t *testing.T, c *apptest.Client, fields url.Values, files map[string][]byte) (int, string, string) {
	t.Helper()
	token := c.CSRF("/send", "/send")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		w, _ := mw.CreateFormFile("files", name)
		w.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.Base+"/send?csrf="+url.QueryEscape(token), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

var approvalFormRE = regexp.MustCompile(`action="/approvals/([a-z2-7]{26})"`)

var idRE = regexp.MustCompile(`/transfers/([a-z2-7]{26})`)

func transferID(t *testing.T, loc string) string {
	t.Helper()
	m := idRE.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("no transfer in %q", loc)
	}
	return m[1]
}

func download(t *testing.T, c *apptest.Client, path string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := c.HTTP.Get(c.Base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func fileIDs(t *testing.T, g *apptest.Gateway, transfer string) []kakehashi.File {
	t.Helper()
	var files []kakehashi.File
	g.Store.View(context.Background(), func(tx store.Tx) (err error) {
		files, err = tx.Files(transfer)
		return err
	})
	return files
}

func TestInboundMacroDocumentAndOriginalRelease(t *testing.T) {
	o := newOffice(t)
	g := o.g
	docm, err := os.ReadFile("../sanitize/ooxml/testdata/malicious/vba.docm")
	if err != nil {
		t.Fatal(err)
	}
	sender := g.Client(kakehashi.ZoneInternet)
	sender.Login(o.clerk)
	status, loc, body := upload(t, sender, url.Values{"to": {o.recipient.ID}, "note": {"議事録です"}}, map[string][]byte{"議事録.docm": docm})
	if status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", status, body)
	}
	id := transferID(t, loc)
	g.WaitState(id, kakehashi.StateAvailable)

	// The sender, on the internet side, sees the state but cannot download.
	if code, _ := sender.Get("/transfers/" + id); code != http.StatusOK {
		t.Errorf("sender's view: %d", code)
	}
	files := fileIDs(t, g, id)
	if len(files) != 1 || files[0].Status != kakehashi.FileSanitized {
		t.Fatalf("files %+v", files)
	}
	f := files[0]
	if code, _, _ := download(t, sender, "/files/"+f.ID+"/sanitized"); code != http.StatusForbidden {
		t.Errorf("sanitized copy on the internet side: %d, want 403", code)
	}

	lg := g.Client(kakehashi.ZoneLGWAN)
	lg.Login(o.recipient)
	code, page := lg.Get("/transfers/" + id)
	if code != http.StatusOK || !strings.Contains(page, "無害化済み") || !strings.Contains(page, "議事録.docx") {
		t.Fatalf("recipient's page: %d\n%s", code, page)
	}
	if !strings.Contains(page, "マクロ") {
		t.Errorf("the report on the page does not say a macro was removed:\n%s", page)
	}
	code, hdr, got := download(t, lg, "/files/"+f.ID+"/sanitized")
	if code != http.StatusOK {
		t.Fatalf("sanitized download: %d", code)
	}
	if cd := hdr.Get("Content-Disposition"); !strings.Contains(cd, "filename*=utf-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.docx") {
		t.Errorf("Content-Disposition %q", cd)
	}
	zr, err := zip.NewReader(bytes.NewReader(got), int64(len(got)))
	if err != nil {
		t.Fatalf("sanitized copy is not a zip: %v", err)
	}
	for _, zf := range zr.File {
		if strings.Contains(strings.ToLower(zf.Name), "vba") {
			t.Errorf("sanitized copy still holds %s", zf.Name)
		}
	}

	// The original is quarantined until 上長承認.
	if code, _, _ := download(t, lg, "/files/"+f.ID+"/original"); code != http.StatusForbidden {
		t.Errorf("original before release: %d, want 403", code)
	}
	status, _, body = lg.Post("/transfers/"+id, "/files/"+f.ID+"/release", url.Values{"reason": {"マクロの動作確認のため"}})
	if status != http.StatusSeeOther {
		t.Fatalf("request release: %d %s", status, body)
	}
	boss := g.Client(kakehashi.ZoneLGWAN)
	boss.Login(o.boss)
	_, home := boss.Get("/")
	if !strings.Contains(home, "原本の取り出し") {
		t.Errorf("the approver's home does not list the request:\n%s", home)
	}
	approvalID := regexp.MustCompile(`action="/approvals/([a-z2-7]{26})"`).FindStringSubmatch(mustGet(t, boss, "/transfers/"+id))
	if approvalID == nil {
		t.Fatal("no decision form for the approver")
	}
	// Without re-entering the password the release is refused.
	status, _, _ = boss.Post("/transfers/"+id, "/approvals/"+approvalID[1], url.Values{"decision": {"approve"}})
	if status != http.StatusUnauthorized {
		t.Errorf("release without re-authentication: %d, want 401", status)
	}
	status, _, body = boss.Post("/transfers/"+id, "/approvals/"+approvalID[1], url.Values{"decision": {"approve"}, "password": {o.boss.Password}, "comment": {"確認しました"}})
	if status != http.StatusSeeOther {
		t.Fatalf("approve release: %d %s", status, body)
	}
	code, _, orig := download(t, lg, "/files/"+f.ID+"/original")
	if code != http.StatusOK || !bytes.Equal(orig, docm) {
		t.Fatalf("original after release: %d, %d bytes (want the %d uploaded)", code, len(orig), len(docm))
	}

	// Every step is in the audit log, the chain holds, and the download
	// records the bytes sent.
	var actions []string
	var downloadBytes []float64
	g.Store.View(context.Background(), func(tx store.Tx) error {
		_, _, problems, err := audit.Verify(tx)
		if err != nil {
			t.Errorf("audit chain: %v %v", problems, err)
		}
		return tx.ListAudit(store.AuditFilter{Object: id}, func(e *kakehashi.AuditEvent) error {
			actions = append(actions, e.Action)
			if e.Action == audit.Download && e.Outcome == audit.OK && strings.Contains(e.Detail, `"copy":"original"`) {
				downloadBytes = append(downloadBytes, float64(len(docm)))
				if !strings.Contains(e.Detail, `"bytes":`+strconv.Itoa(len(docm))) {
					t.Errorf("download event without the byte count: %s", e.Detail)
				}
			}
			return nil
		})
	})
	for _, want := range []string{audit.Upload, audit.Sanitized, audit.StateChanged, audit.ReleaseAsked, audit.Decided, audit.Released, audit.Download} {
		found := false
		for _, a := range actions {
			found = found || a == want
		}
		if !found {
			t.Errorf("no %s event for the transfer; have %v", want, actions)
		}
	}
	if len(downloadBytes) != 1 {
		t.Errorf("%d original downloads recorded, want 1", len(downloadBytes))
	}
}

func mustGet(t *testing.T, c *apptest.Client, path string) string {
	t.Helper()
	code, body := c.Get(path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, code)
	}
	return body
}

func TestInboundExecutableRejected(t *testing.T) {
	o := newOffice(t)
	sender := o.g.Client(kakehashi.ZoneInternet)
	sender.Login(o.clerk)
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 200)...)
	_, loc, _ := upload(t, sender, url.Values{"to": {o.recipient.ID}}, map[string][]byte{"請求書.pdf.exe": exe})
	id := transferID(t, loc)
	o.g.WaitState(id, kakehashi.StateRejected)
	files := fileIDs(t, o.g, id)
	if files[0].Status != kakehashi.FileRejected || files[0].ReasonText == "" {
		t.Fatalf("file %+v", files[0])
	}
	lg := o.g.Client(kakehashi.ZoneLGWAN)
	lg.Login(o.recipient)
	page := mustGet(t, lg, "/transfers/"+id)
	if !strings.Contains(page, files[0].ReasonText) || strings.Contains(page, "/sanitized") {
		t.Errorf("the page does not show why, or offers a download:\n%s", page)
	}
}

func TestOutboundApproval(t *testing.T) {
	o := newOffice(t)
	g := o.g
	send := func(t *testing.T, who *apptest.User) (string, *apptest.Client) {
		c := g.Client(kakehashi.ZoneLGWAN)
		c.Login(who)
		status, loc, body := upload(t, c, url.Values{"destination": {"株式会社サンプル"}, "reason": {"契約書の送付"}},
			map[string][]byte{"契約書.txt": []byte("契約書の本文\n")})
		if status != http.StatusSeeOther {
			t.Fatalf("outbound upload: %d %s", status, body)
		}
		id := transferID(t, loc)
		g.WaitState(id, kakehashi.StateAwaitingApproval)
		return id, c
	}
	decide := func(t *testing.T, who *apptest.User, id, decision string) int {
		c := g.Client(kakehashi.ZoneLGWAN)
		c.Login(who)
		page := mustGet(t, c, "/transfers/"+id)
		m := regexp.MustCompile(`action="/approvals/([a-z2-7]{26})"`).FindStringSubmatch(page)
		if m == nil {
			return http.StatusForbidden
		}
		status, _, _ := c.Post("/transfers/"+id, "/approvals/"+m[1], url.Values{"decision": {decision}, "comment": {"コメント"}})
		return status
	}

	t.Run("approved-then-downloadable-on-internet-only", func(t *testing.T) {
		id, lgClerk := send(t, o.clerk)
		if status := decide(t, o.boss, id, "approve"); status != http.StatusSeeOther {
			t.Fatalf("approve: %d", status)
		}
		g.WaitState(id, kakehashi.StateAvailable)
		f := fileIDs(t, g, id)[0]
		if code, _, _ := download(t, lgClerk, "/files/"+f.ID+"/original"); code != http.StatusForbidden {
			t.Errorf("download on LGWAN by the sender: %d, want 403", code)
		}
		inet := g.Client(kakehashi.ZoneInternet)
		inet.Login(o.clerk)
		code, _, b := download(t, inet, "/files/"+f.ID+"/original")
		if code != http.StatusOK || string(b) != "契約書の本文\n" {
			t.Errorf("download on the internet side: %d %q", code, b)
		}
	})
	t.Run("rejected", func(t *testing.T) {
		id, _ := send(t, o.clerk)
		if status := decide(t, o.boss, id, "reject"); status != http.StatusSeeOther {
			t.Fatalf("reject: %d", status)
		}
		g.WaitState(id, kakehashi.StateRejected)
	})
	t.Run("self-approval-refused", func(t *testing.T) {
		id, _ := send(t, o.deputy) // an approver sending: routed to the other approver
		if status := decide(t, o.deputy, id, "approve"); status != http.StatusForbidden {
			t.Errorf("self-approval through the page: %d, want no form", status)
		}
		// Forged straight at the API, the server itself refuses.
		token := apiToken(t, g, o.deputy)
		var approvalID string
		g.Store.View(context.Background(), func(tx store.Tx) error {
			as, err := tx.ListApprovals(store.ApprovalFilter{TransferID: id})
			if err == nil && len(as) == 1 {
				approvalID = as[0].ID
			}
			return err
		})
		if code := apiPost(t, g.URL(kakehashi.ZoneLGWAN)+"/api/v1/approvals/"+approvalID, token, `{"approve":true}`); code != http.StatusForbidden {
			t.Errorf("self-approval through the API: %d, want 403", code)
		}
		if status := decide(t, o.boss, id, "approve"); status != http.StatusSeeOther {
			t.Errorf("the other approver: %d", status)
		}
	})
	t.Run("delegation", func(t *testing.T) {
		bossC := g.Client(kakehashi.ZoneLGWAN)
		bossC.Login(o.boss)
		today := time.Now().In(time.FixedZone("JST", 9*3600)).Format("2006-01-02")
		status, _, body := bossC.Post("/account", "/delegations", url.Values{"delegate": {o.kacho.ID}, "from": {today}, "until": {today}})
		if status != http.StatusSeeOther {
			t.Fatalf("delegate: %d %s", status, body)
		}
		id, _ := send(t, o.clerk) // routed to the clerk's supervisor, boss
		if status := decide(t, o.kacho, id, "approve"); status != http.StatusSeeOther {
			t.Fatalf("delegate's decision: %d", status)
		}
		g.WaitState(id, kakehashi.StateAvailable)
		g.Store.View(context.Background(), func(tx store.Tx) error {
			as, _ := tx.ListApprovals(store.ApprovalFilter{TransferID: id})
			ds, _ := tx.Decisions(as[0].ID)
			if len(ds) != 1 || ds[0].ApproverID != o.kacho.ID || ds[0].OnBehalfOf != o.boss.ID {
				t.Errorf("decision %+v, want kacho on behalf of boss", ds)
			}
			return nil
		})
	})
}

// apiToken issues an API token for u with every scope.
func apiToken(t *testing.T, g *apptest.Gateway, u *apptest.User) string {
	t.Helper()
	token, err := g.APIToken(u, kakehashi.ZoneLGWAN)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func apiPost(t *testing.T, url, token, body string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestRetentionExpiresTransfers(t *testing.T) {
	o := newOffice(t, func(c *config.Config) { c.Exchange.InboundRetention = config.Duration(time.Second) })
	sender := o.g.Client(kakehashi.ZoneInternet)
	sender.Login(o.clerk)
	_, loc, _ := upload(t, sender, url.Values{"to": {o.recipient.ID}}, map[string][]byte{"memo.txt": []byte("期限付き\n")})
	id := transferID(t, loc)
	o.g.WaitState(id, kakehashi.StateAvailable)
	f := fileIDs(t, o.g, id)[0]
	time.Sleep(1100 * time.Millisecond) // past the one-second retention
	if n, err := o.g.Exchange.Sweep(context.Background()); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v", n, err)
	}
	o.g.WaitState(id, kakehashi.StateExpired)
	for _, b := range []string{f.OriginalBlob, f.SanitizedBlob} {
		if r, err := o.g.Blobs.Open(context.Background(), blob.ID(b)); err == nil {
			r.Close()
			t.Errorf("blob %s survived expiry", b)
		}
	}
	lg := o.g.Client(kakehashi.ZoneLGWAN)
	lg.Login(o.recipient)
	if code, _, _ := download(t, lg, "/files/"+f.ID+"/sanitized"); code != http.StatusNotFound {
		t.Errorf("download after expiry: %d, want 404", code)
	}
	var expired int
	o.g.Store.View(context.Background(), func(tx store.Tx) error {
		return tx.ListAudit(store.AuditFilter{Object: id, Action: audit.Expired}, func(*kakehashi.AuditEvent) error { expired++; return nil })
	})
	if expired != 1 {
		t.Errorf("%d expiry events, want 1", expired)
	}
}
