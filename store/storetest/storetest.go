// Package storetest is the conformance suite every store.Store
// implementation runs: the same cases for SQLite now and PostgreSQL later,
// so a behaviour the services rely on (compare-and-set, leases, filters,
// append-only audit) cannot differ between them.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

// Run runs the suite; open returns a new, empty store for each subtest.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"users", testUsers},
		{"totp-step-is-compare-and-set", testTOTPStep},
		{"sessions", testSessions},
		{"transfers-and-files", testTransfers},
		{"transfer-state-compare-and-set", testTransferState},
		{"transfer-filter-injection", testFilterInjection},
		{"approvals-and-delegation", testApprovals},
		{"jobs-lease", testJobs},
		{"audit-append-only", testAudit},
		{"update-rolls-back-on-error", testRollback},
		{"shares", testShares},
		{"upload-requests", testUploadRequests},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.fn(t, open(t))
		})
	}
}

var t0 = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

func update(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func mkUser(t *testing.T, s store.Store, name string, roles ...kakehashi.Role) *kakehashi.User {
	t.Helper()
	u := &kakehashi.User{ID: kakehashi.NewID(), Name: name, DisplayName: name + " さん", Roles: roles, Created: t0}
	update(t, s, func(tx store.Tx) error { return tx.CreateUser(u, store.Credentials{PasswordHash: "h-" + name}) })
	return u
}

func testUsers(t *testing.T, s store.Store) {
	d := &kakehashi.Department{ID: kakehashi.NewID(), Name: "総務課"}
	update(t, s, func(tx store.Tx) error { return tx.CreateDepartment(d) })
	u := &kakehashi.User{ID: kakehashi.NewID(), Name: "tanaka", DisplayName: "田中", Email: "tanaka@example.lg.jp",
		DepartmentID: d.ID, Roles: []kakehashi.Role{kakehashi.RoleApprover, kakehashi.RoleAdmin}, Created: t0}
	update(t, s, func(tx store.Tx) error {
		return tx.CreateUser(u, store.Credentials{PasswordHash: "hash", MustChangePassword: true})
	})
	err := s.Update(context.Background(), func(tx store.Tx) error {
		return tx.CreateUser(&kakehashi.User{ID: kakehashi.NewID(), Name: "tanaka", Created: t0}, store.Credentials{PasswordHash: "x"})
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate user name: got %v, want ErrConflict", err)
	}
	s.View(context.Background(), func(tx store.Tx) error {
		got, err := tx.UserByName("tanaka")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || got.DisplayName != "田中" || !got.Has(kakehashi.RoleApprover) || got.Has(kakehashi.RoleAuditor) || got.MFA {
			t.Errorf("got %+v", got)
		}
		c, err := tx.Credentials(u.ID)
		if err != nil || c.PasswordHash != "hash" || !c.MustChangePassword {
			t.Errorf("credentials %+v, %v", c, err)
		}
		if _, err := tx.User("nope"); !store.IsNotFound(err) || kakehashi.ErrorCode(err) != kakehashi.ENOTFOUND {
			t.Errorf("missing user: %v", err)
		}
		if n, _ := tx.CountUsers(); n != 1 {
			t.Errorf("CountUsers = %d", n)
		}
		return nil
	})
	u.Disabled = true
	update(t, s, func(tx store.Tx) error {
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		return tx.SetTOTPSecret(u.ID, "SECRET")
	})
	s.View(context.Background(), func(tx store.Tx) error {
		got, _ := tx.User(u.ID)
		if !got.Disabled || !got.MFA {
			t.Errorf("after update %+v", got)
		}
		return nil
	})
}

func testTOTPStep(t *testing.T, s store.Store) {
	u := mkUser(t, s, "sato")
	update(t, s, func(tx store.Tx) error { return tx.AdvanceTOTPStep(u.ID, 100) })
	for _, step := range []int64{100, 99} {
		err := s.Update(context.Background(), func(tx store.Tx) error { return tx.AdvanceTOTPStep(u.ID, step) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("step %d after 100: got %v, want ErrConflict", step, err)
		}
	}
	update(t, s, func(tx store.Tx) error { return tx.AdvanceTOTPStep(u.ID, 101) })
}

func testSessions(t *testing.T, s store.Store) {
	u := mkUser(t, s, "suzuki")
	sess := &store.Session{TokenHash: "abc", UserID: u.ID, Zone: kakehashi.ZoneLGWAN, CSRFSecret: []byte{1, 2}, Created: t0, Expires: t0.Add(time.Hour)}
	old := &store.Session{TokenHash: "old", UserID: u.ID, Zone: kakehashi.ZoneInternet, API: true, Scopes: []string{"transfers:read", "transfers:write"}, CSRFSecret: []byte{3}, Created: t0, Expires: t0.Add(-time.Minute)}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateSession(sess); err != nil {
			return err
		}
		return tx.CreateSession(old)
	})
	update(t, s, func(tx store.Tx) error {
		got, err := tx.Session("old")
		if err != nil || !got.API || len(got.Scopes) != 2 || got.Zone != kakehashi.ZoneInternet {
			t.Errorf("api session %+v %v", got, err)
		}
		n, err := tx.DeleteExpiredSessions(t0)
		if err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v", n, err)
		}
		got, err = tx.Session("abc")
		if err != nil || got.UserID != u.ID || string(got.CSRFSecret) != "\x01\x02" || !got.Expires.Equal(sess.Expires) {
			t.Errorf("session %+v %v", got, err)
		}
		got.MFADone = true
		return tx.UpdateSession(got)
	})
}

func mkTransfer(t *testing.T, s store.Store, sender *kakehashi.User, dir kakehashi.Direction, recipients ...string) *kakehashi.Transfer {
	t.Helper()
	tr := &kakehashi.Transfer{ID: kakehashi.NewID(), Direction: dir, State: kakehashi.StateReceived, SenderID: sender.ID,
		Note: "よろしくお願いします", Recipients: recipients, Created: t0, Updated: t0, Expires: t0.Add(24 * time.Hour)}
	update(t, s, func(tx store.Tx) error { return tx.CreateTransfer(tr) })
	return tr
}

func testTransfers(t *testing.T, s store.Store) {
	a, b, c := mkUser(t, s, "a"), mkUser(t, s, "b"), mkUser(t, s, "c")
	tr := mkTransfer(t, s, a, kakehashi.Inbound, b.ID, c.ID)
	mkTransfer(t, s, b, kakehashi.Outbound)
	f1 := &kakehashi.File{ID: kakehashi.NewID(), TransferID: tr.ID, Name: "議事録.docx", Size: 10, SHA256: "aa", OriginalBlob: "blob1", Status: kakehashi.FilePending}
	f2 := &kakehashi.File{ID: kakehashi.NewID(), TransferID: tr.ID, Name: "b.pdf", Size: 20, SHA256: "bb", OriginalBlob: "blob2", Status: kakehashi.FilePending}
	update(t, s, func(tx store.Tx) error {
		if err := tx.AddFile(f1); err != nil {
			return err
		}
		return tx.AddFile(f2)
	})
	f1.Status, f1.SanitizedBlob, f1.Report = kakehashi.FileSanitized, "blob3", []byte(`{"verdict":"sanitized"}`)
	update(t, s, func(tx store.Tx) error { return tx.UpdateFile(f1) })
	s.View(context.Background(), func(tx store.Tx) error {
		files, err := tx.Files(tr.ID)
		if err != nil || len(files) != 2 || files[0].Name != "議事録.docx" || files[1].Name != "b.pdf" {
			t.Fatalf("files %v %v", files, err)
		}
		if files[0].Status != kakehashi.FileSanitized || string(files[0].Report) != `{"verdict":"sanitized"}` {
			t.Errorf("updated file %+v", files[0])
		}
		got, err := tx.Transfer(tr.ID)
		if err != nil || len(got.Recipients) != 2 || got.Note != tr.Note || !got.Expires.Equal(tr.Expires) {
			t.Errorf("transfer %+v %v", got, err)
		}
		for _, tc := range []struct {
			name string
			f    store.TransferFilter
			want int
		}{
			{"all", store.TransferFilter{}, 2},
			{"by-sender", store.TransferFilter{SenderID: a.ID}, 1},
			{"by-recipient", store.TransferFilter{RecipientID: c.ID}, 1},
			{"recipient-of-none", store.TransferFilter{RecipientID: a.ID}, 0},
			{"outbound", store.TransferFilter{Direction: kakehashi.Outbound}, 1},
			{"due-for-expiry", store.TransferFilter{ExpiredAt: t0.Add(25 * time.Hour)}, 2},
			{"not-yet-due", store.TransferFilter{ExpiredAt: t0.Add(time.Hour)}, 0},
			{"limit", store.TransferFilter{Limit: 1}, 1},
		} {
			got, err := tx.ListTransfers(tc.f)
			if err != nil || len(got) != tc.want {
				t.Errorf("%s: %d transfers, %v; want %d", tc.name, len(got), err, tc.want)
			}
		}
		return nil
	})
}

func testTransferState(t *testing.T, s store.Store) {
	a := mkUser(t, s, "a")
	tr := mkTransfer(t, s, a, kakehashi.Outbound)
	update(t, s, func(tx store.Tx) error {
		return tx.SetTransferState(tr.ID, kakehashi.StateReceived, kakehashi.StateScanning, "", t0)
	})
	err := s.Update(context.Background(), func(tx store.Tx) error {
		return tx.SetTransferState(tr.ID, kakehashi.StateReceived, kakehashi.StateScanning, "", t0)
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("replayed transition: %v, want ErrConflict", err)
	}
}

// testFilterInjection sends SQL metacharacters through every filter: they
// must match nothing and break nothing (MOVEit, Accellion).
func testFilterInjection(t *testing.T, s store.Store) {
	a := mkUser(t, s, "a")
	mkTransfer(t, s, a, kakehashi.Outbound)
	for _, evil := range []string{"'", `"`, "' OR '1'='1", "x'; DROP TABLE transfers; --", "%", "_", "\x00", string(make([]byte, 10000))} {
		s.View(context.Background(), func(tx store.Tx) error {
			got, err := tx.ListTransfers(store.TransferFilter{SenderID: evil})
			if err != nil || len(got) != 0 {
				t.Errorf("sender %q: %d rows, %v", evil, len(got), err)
			}
			if _, err := tx.UserByName(evil); !store.IsNotFound(err) {
				t.Errorf("user %q: %v", evil, err)
			}
			n := 0
			err = tx.ListAudit(store.AuditFilter{Text: evil, Actor: evil}, func(*kakehashi.AuditEvent) error { n++; return nil })
			if err != nil || n != 0 {
				t.Errorf("audit %q: %d, %v", evil, n, err)
			}
			return nil
		})
	}
	s.View(context.Background(), func(tx store.Tx) error {
		if got, _ := tx.ListTransfers(store.TransferFilter{}); len(got) != 1 {
			t.Errorf("after the sweep: %d transfers", len(got))
		}
		return nil
	})
}

func testApprovals(t *testing.T, s store.Store) {
	req, boss, deputy, other := mkUser(t, s, "req"), mkUser(t, s, "boss"), mkUser(t, s, "deputy"), mkUser(t, s, "other")
	tr := mkTransfer(t, s, req, kakehashi.Outbound)
	a := &kakehashi.Approval{ID: kakehashi.NewID(), Kind: kakehashi.ApproveOutbound, TransferID: tr.ID, RequesterID: req.ID,
		State: kakehashi.ApprovalPending, Stages: []kakehashi.Stage{{Mode: kakehashi.ModeAny, Approvers: []string{boss.ID}}, {Mode: kakehashi.ModeAll, Approvers: []string{other.ID}}}, Created: t0}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateApproval(a); err != nil {
			return err
		}
		return tx.CreateDelegation(&kakehashi.Delegation{ID: kakehashi.NewID(), ApproverID: boss.ID, DelegateID: deputy.ID, From: t0, Until: t0.Add(48 * time.Hour)})
	})
	count := func(user string, at time.Time) int {
		var n int
		s.View(context.Background(), func(tx store.Tx) error {
			got, err := tx.ListApprovals(store.ApprovalFilter{ApproverID: user, State: kakehashi.ApprovalPending, At: at})
			if err != nil {
				t.Fatal(err)
			}
			n = len(got)
			return nil
		})
		return n
	}
	for _, tc := range []struct {
		name string
		user string
		at   time.Time
		want int
	}{
		{"approver-of-stage-0", boss.ID, t0, 1},
		{"delegate-inside-window", deputy.ID, t0.Add(time.Hour), 1},
		{"delegate-at-window-end", deputy.ID, t0.Add(48 * time.Hour), 0},
		{"delegate-before-window", deputy.ID, t0.Add(-time.Second), 0},
		{"approver-of-later-stage", other.ID, t0, 0},
		{"requester", req.ID, t0, 0},
	} {
		if got := count(tc.user, tc.at); got != tc.want {
			t.Errorf("%s: %d approvals, want %d", tc.name, got, tc.want)
		}
	}
	a.Stage = 1
	update(t, s, func(tx store.Tx) error {
		if err := tx.AddDecision(&kakehashi.Decision{ApprovalID: a.ID, Stage: 0, ApproverID: deputy.ID, OnBehalfOf: boss.ID, Approve: true, Comment: "代理で承認", At: t0}); err != nil {
			return err
		}
		return tx.UpdateApproval(a)
	})
	if count(other.ID, t0) != 1 || count(boss.ID, t0) != 0 {
		t.Errorf("after stage 0 the stage-1 approver should see it and the stage-0 one not")
	}
	s.View(context.Background(), func(tx store.Tx) error {
		ds, err := tx.Decisions(a.ID)
		if err != nil || len(ds) != 1 || ds[0].OnBehalfOf != boss.ID || ds[0].Comment != "代理で承認" {
			t.Errorf("decisions %+v %v", ds, err)
		}
		got, err := tx.Approval(a.ID)
		if err != nil || len(got.Stages) != 2 || got.Stages[1].Mode != kakehashi.ModeAll {
			t.Errorf("approval %+v %v", got, err)
		}
		return nil
	})
}

func testJobs(t *testing.T, s store.Store) {
	var id string
	update(t, s, func(tx store.Tx) (err error) {
		id, err = tx.Enqueue("process", "t1", t0)
		if err != nil {
			return err
		}
		_, err = tx.Enqueue("process", "t2", t0.Add(time.Hour))
		return err
	})
	claim := func(now time.Time) (*store.Job, error) {
		var j *store.Job
		err := s.Update(context.Background(), func(tx store.Tx) (err error) {
			j, err = tx.Claim(now, now.Add(time.Minute))
			return err
		})
		return j, err
	}
	j, err := claim(t0)
	if err != nil || j.ID != id || j.Attempts != 1 {
		t.Fatalf("first claim %+v %v", j, err)
	}
	if _, err := claim(t0.Add(30 * time.Second)); !store.IsNotFound(err) {
		t.Errorf("claim while leased and the other not due: %v", err)
	}
	j, err = claim(t0.Add(2 * time.Minute)) // the lease ran out: the worker died
	if err != nil || j.ID != id || j.Attempts != 2 {
		t.Fatalf("reclaim after lease %+v %v", j, err)
	}
	update(t, s, func(tx store.Tx) error { return tx.Retry(id, t0.Add(3*time.Minute), "scanner down") })
	j, err = claim(t0.Add(3 * time.Minute))
	if err != nil || j.LastErr != "scanner down" {
		t.Fatalf("retried job %+v %v", j, err)
	}
	// A restarted single-process gateway frees the leases of its past life.
	if _, err := claim(t0.Add(3*time.Minute + 30*time.Second)); !store.IsNotFound(err) {
		t.Fatalf("claim while leased: %v", err)
	}
	update(t, s, func(tx store.Tx) error {
		n, err := tx.ReleaseLeases()
		if n != 1 {
			t.Errorf("ReleaseLeases = %d, want 1", n)
		}
		return err
	})
	if j, err := claim(t0.Add(3*time.Minute + 30*time.Second)); err != nil || j.ID != id {
		t.Fatalf("claim after ReleaseLeases: %+v %v", j, err)
	}
	update(t, s, func(tx store.Tx) error { return tx.Complete(id) })
	s.View(context.Background(), func(tx store.Tx) error {
		due, failed, err := tx.CountJobs()
		if err != nil || due != 1 || failed != 0 {
			t.Errorf("CountJobs = %d, %d, %v", due, failed, err)
		}
		return nil
	})
}

func testAudit(t *testing.T, s store.Store) {
	for i := int64(1); i <= 3; i++ {
		update(t, s, func(tx store.Tx) error {
			return tx.AppendAudit(&kakehashi.AuditEvent{Seq: i, At: t0, Actor: "u", Action: fmt.Sprintf("a%d", i), Outcome: "ok", Detail: `{"n":1}`, Hash: fmt.Sprint(i)})
		})
	}
	err := s.Update(context.Background(), func(tx store.Tx) error {
		return tx.AppendAudit(&kakehashi.AuditEvent{Seq: 2, At: t0, Action: "overwrite"})
	})
	if err == nil {
		t.Error("a second event with an existing sequence number was accepted")
	}
	s.View(context.Background(), func(tx store.Tx) error {
		last, err := tx.LastAudit()
		if err != nil || last.Seq != 3 {
			t.Errorf("LastAudit %+v %v", last, err)
		}
		var got []int64
		tx.ListAudit(store.AuditFilter{Desc: true, Limit: 2}, func(e *kakehashi.AuditEvent) error { got = append(got, e.Seq); return nil })
		if fmt.Sprint(got) != "[3 2]" {
			t.Errorf("desc limit 2: %v", got)
		}
		got = nil
		tx.ListAudit(store.AuditFilter{Action: "a1"}, func(e *kakehashi.AuditEvent) error { got = append(got, e.Seq); return nil })
		if fmt.Sprint(got) != "[1]" {
			t.Errorf("by action: %v", got)
		}
		return nil
	})
}

func testRollback(t *testing.T, s store.Store) {
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.CreateDepartment(&kakehashi.Department{ID: "d1", Name: "x"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v", err)
	}
	s.View(context.Background(), func(tx store.Tx) error {
		if _, err := tx.Department("d1"); !store.IsNotFound(err) {
			t.Errorf("rolled-back department exists: %v", err)
		}
		return nil
	})
}

func testShares(t *testing.T, s store.Store) {
	a := mkUser(t, s, "a")
	tr := mkTransfer(t, s, a, kakehashi.Outbound)
	sh := &kakehashi.Share{ID: kakehashi.NewID(), TransferID: tr.ID, SenderID: a.ID, Recipients: []string{"x@example.co.jp", "y@example.co.jp"},
		Expires: t0.Add(time.Hour), MaxDownloads: 2, RequireOTP: true, AllowedIPs: []string{"192.0.2.0/24"}, Created: t0}
	update(t, s, func(tx store.Tx) error { return tx.CreateShare(sh, store.ShareSecrets{TokenHash: "tok", PasswordHash: "pw"}) })
	s.View(context.Background(), func(tx store.Tx) error {
		got, sec, err := tx.ShareByToken("tok")
		if err != nil || got.ID != sh.ID || sec.PasswordHash != "pw" || !got.HasPassword || !got.RequireOTP || len(got.Recipients) != 2 || len(got.AllowedIPs) != 1 {
			t.Errorf("ShareByToken: %+v %+v %v", got, sec, err)
		}
		if _, _, err := tx.ShareByToken("other"); !store.IsNotFound(err) {
			t.Errorf("unknown token: %v", err)
		}
		return nil
	})
	for i := 0; i < 2; i++ {
		update(t, s, func(tx store.Tx) error { return tx.CountShareDownload(sh.ID, t0.Add(time.Duration(i)*time.Minute)) })
	}
	if err := s.Update(context.Background(), func(tx store.Tx) error { return tx.CountShareDownload(sh.ID, t0) }); !errors.Is(err, store.ErrConflict) {
		t.Errorf("third download of a two-download link: %v", err)
	}
	update(t, s, func(tx store.Tx) error { return tx.SetShareCode(sh.ID, "x@example.co.jp", "c1", t0.Add(10*time.Minute)) })
	s.Update(context.Background(), func(tx store.Tx) error {
		for want := 1; want <= 2; want++ {
			hash, _, attempts, err := tx.ShareCode(sh.ID, "x@example.co.jp")
			if err != nil || hash != "c1" || attempts != want {
				t.Errorf("ShareCode #%d: %s %d %v", want, hash, attempts, err)
			}
		}
		if _, _, _, err := tx.ShareCode(sh.ID, "y@example.co.jp"); !store.IsNotFound(err) {
			t.Errorf("code never sent: %v", err)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateShareSession(&store.ShareSession{TokenHash: "st", ShareID: sh.ID, Expires: t0.Add(time.Hour)}); err != nil {
			return err
		}
		ss, err := tx.ShareSession("st")
		if err != nil {
			return err
		}
		ss.PasswordOK, ss.Email = true, "x@example.co.jp"
		return tx.UpdateShareSession(ss)
	})
	update(t, s, func(tx store.Tx) error { return tx.RevokeShare(sh.ID) })
	s.View(context.Background(), func(tx store.Tx) error {
		got, _ := tx.Share(sh.ID)
		if !got.Revoked || got.Downloads != 2 || !got.FirstUse.Equal(t0) || got.Usable(t0) {
			t.Errorf("after two downloads and revoke: %+v", got)
		}
		ss, _ := tx.ShareSession("st")
		if !ss.PasswordOK || ss.Email != "x@example.co.jp" {
			t.Errorf("share session %+v", ss)
		}
		if l, _ := tx.ListShares(a.ID); len(l) != 1 {
			t.Errorf("ListShares: %d", len(l))
		}
		return nil
	})
}

func testUploadRequests(t *testing.T, s store.Store) {
	a := mkUser(t, s, "a")
	u := &kakehashi.UploadRequest{ID: kakehashi.NewID(), RequesterID: a.ID, Note: "見積書をお願いします", Expires: t0.Add(time.Hour), MaxFiles: 3, MaxBytes: 1 << 20, Created: t0}
	update(t, s, func(tx store.Tx) error { return tx.CreateUploadRequest(u, "tok", "code") })
	update(t, s, func(tx store.Tx) error { return tx.CountUploadRequestFiles(u.ID, 2) })
	if err := s.Update(context.Background(), func(tx store.Tx) error { return tx.CountUploadRequestFiles(u.ID, 2) }); !errors.Is(err, store.ErrConflict) {
		t.Errorf("going over max_files: %v", err)
	}
	s.View(context.Background(), func(tx store.Tx) error {
		got, code, err := tx.UploadRequestByToken("tok")
		if err != nil || code != "code" || !got.HasCode || got.Files != 2 || got.Note != u.Note || !got.Usable(t0) {
			t.Errorf("UploadRequestByToken %+v %q %v", got, code, err)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.RevokeUploadRequest(u.ID) })
	s.View(context.Background(), func(tx store.Tx) error {
		got, _ := tx.UploadRequest(u.ID)
		if !got.Revoked || got.Usable(t0) {
			t.Errorf("revoked request %+v", got)
		}
		return nil
	})
}
