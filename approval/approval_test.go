package approval_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/approval"
	"github.com/kakehashi/kakehashi/store"
	"github.com/kakehashi/kakehashi/store/sqlstore"
)

var now = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

type fixture struct {
	db    *sqlstore.DB
	users map[string]*kakehashi.User
	dept  map[string]string
}

// newFixture builds 総務部 > 総務課 with a requester, her supervisor, two
// department approvers and a deputy, in a real SQLite store.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, users: map[string]*kakehashi.User{}, dept: map[string]string{"部": kakehashi.NewID(), "課": kakehashi.NewID(), "空課": kakehashi.NewID()}}
	err = db.Update(context.Background(), func(tx store.Tx) error {
		tx.CreateDepartment(&kakehashi.Department{ID: f.dept["部"], Name: "総務部"})
		tx.CreateDepartment(&kakehashi.Department{ID: f.dept["課"], Name: "総務課", ParentID: f.dept["部"]})
		tx.CreateDepartment(&kakehashi.Department{ID: f.dept["空課"], Name: "広報課", ParentID: f.dept["部"]})
		for _, u := range []struct {
			name, dept string
			approver   bool
		}{{"req", "課", false}, {"boss", "課", true}, {"ap2", "課", true}, {"deputy", "課", false}, {"head", "部", true}, {"lonely", "空課", false}} {
			user := &kakehashi.User{ID: kakehashi.NewID(), Name: u.name, DisplayName: u.name, DepartmentID: f.dept[u.dept], Created: now}
			if u.approver {
				user.Roles = []kakehashi.Role{kakehashi.RoleApprover}
			}
			f.users[u.name] = user
			if err := tx.CreateUser(user, store.Credentials{PasswordHash: "x"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) id(name string) string { return f.users[name].ID }

func (f *fixture) request(t *testing.T, stages ...kakehashi.Stage) string {
	t.Helper()
	a := &kakehashi.Approval{ID: kakehashi.NewID(), Kind: kakehashi.ApproveOutbound, RequesterID: f.id("req"), State: kakehashi.ApprovalPending, Stages: stages, Created: now}
	err := f.db.Update(context.Background(), func(tx store.Tx) error {
		tr := &kakehashi.Transfer{ID: kakehashi.NewID(), Direction: kakehashi.Outbound, State: kakehashi.StateAwaitingApproval, SenderID: a.RequesterID, Created: now, Updated: now, Expires: now.Add(time.Hour)}
		if err := tx.CreateTransfer(tr); err != nil {
			return err
		}
		a.TransferID = tr.ID
		return tx.CreateApproval(a)
	})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func (f *fixture) decide(id, who string, approve bool) (*approval.Outcome, error) {
	var out *approval.Outcome
	err := f.db.Update(context.Background(), func(tx store.Tx) (err error) {
		out, err = approval.Decide(tx, now, id, f.id(who), approve, "")
		return err
	})
	return out, err
}

func TestRouteFor(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name      string
		requester string
		super     string
		routes    map[string][]kakehashi.Stage
		want      []string // approvers of the first stage, by name
		wantErr   string
	}{
		{"department-approvers", "req", "", nil, []string{"boss", "ap2"}, ""},
		{"supervisor-first", "req", "head", nil, []string{"head"}, ""},
		{"approver-never-routes-to-self", "boss", "", nil, []string{"ap2"}, ""},
		{"empty-department-inherits-parent", "lonely", "", nil, []string{"head"}, ""},
		{"configured-route", "req", "head", map[string][]kakehashi.Stage{f.dept["課"]: {{Mode: kakehashi.ModeAll, Approvers: []string{f.id("ap2")}}}}, []string{"ap2"}, ""},
		{"route-of-only-self-is-refused", "ap2", "", map[string][]kakehashi.Stage{f.dept["課"]: {{Mode: kakehashi.ModeAll, Approvers: []string{f.id("ap2")}}}}, nil, kakehashi.ECONFLICT},
		{"self-as-supervisor-ignored", "head", "head", nil, nil, kakehashi.ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := *f.users[tc.requester]
			if tc.super != "" {
				u.SupervisorID = f.id(tc.super)
			}
			f.db.View(context.Background(), func(tx store.Tx) error {
				stages, err := approval.Router{Routes: tc.routes}.RouteFor(tx, &u)
				if tc.wantErr != "" {
					if kakehashi.ErrorCode(err) != tc.wantErr {
						t.Errorf("err = %v, want %s", err, tc.wantErr)
					}
					return nil
				}
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, id := range stages[0].Approvers {
					for name, u := range f.users {
						if u.ID == id {
							got = append(got, name)
						}
					}
				}
				if len(got) != len(tc.want) {
					t.Fatalf("approvers %v, want %v", got, tc.want)
				}
				for _, w := range tc.want {
					found := false
					for _, g := range got {
						found = found || g == w
					}
					if !found {
						t.Errorf("approvers %v, want %v", got, tc.want)
					}
				}
				return nil
			})
		})
	}
}

func TestDecide(t *testing.T) {
	f := newFixture(t)
	anyOf := func(names ...string) kakehashi.Stage {
		s := kakehashi.Stage{Mode: kakehashi.ModeAny}
		for _, n := range names {
			s.Approvers = append(s.Approvers, f.id(n))
		}
		return s
	}
	allOf := func(names ...string) kakehashi.Stage { s := anyOf(names...); s.Mode = kakehashi.ModeAll; return s }

	t.Run("any-one-approves", func(t *testing.T) {
		id := f.request(t, anyOf("boss", "ap2"))
		out, err := f.decide(id, "ap2", true)
		if err != nil || !out.Final || out.Approval.State != kakehashi.ApprovalApproved {
			t.Fatalf("%+v %v", out, err)
		}
		if _, err := f.decide(id, "boss", true); kakehashi.ErrorCode(err) != kakehashi.ECONFLICT {
			t.Errorf("deciding a decided request: %v", err)
		}
	})
	t.Run("all-must-approve", func(t *testing.T) {
		id := f.request(t, allOf("boss", "ap2"))
		out, err := f.decide(id, "boss", true)
		if err != nil || out.Final {
			t.Fatalf("after one of two: %+v %v", out, err)
		}
		if _, err := f.decide(id, "boss", true); kakehashi.ErrorCode(err) != kakehashi.ECONFLICT {
			t.Errorf("second vote by the same approver: %v", err)
		}
		out, err = f.decide(id, "ap2", true)
		if err != nil || !out.Final || out.Approval.State != kakehashi.ApprovalApproved {
			t.Fatalf("after both: %+v %v", out, err)
		}
	})
	t.Run("stages-in-order", func(t *testing.T) {
		id := f.request(t, anyOf("boss"), anyOf("head"))
		if _, err := f.decide(id, "head", true); kakehashi.ErrorCode(err) != kakehashi.EFORBIDDEN {
			t.Errorf("stage-2 approver deciding at stage 1: %v", err)
		}
		if out, err := f.decide(id, "boss", true); err != nil || out.Final || out.Approval.Stage != 1 {
			t.Fatalf("stage 1: %+v %v", out, err)
		}
		if out, err := f.decide(id, "head", true); err != nil || !out.Final {
			t.Fatalf("stage 2: %+v %v", out, err)
		}
	})
	t.Run("one-rejection-ends-it", func(t *testing.T) {
		id := f.request(t, allOf("boss", "ap2"), anyOf("head"))
		out, err := f.decide(id, "ap2", false)
		if err != nil || !out.Final || out.Approval.State != kakehashi.ApprovalRejected {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("requester-never-approves", func(t *testing.T) {
		id := f.request(t, anyOf("req", "boss"))
		if _, err := f.decide(id, "req", true); kakehashi.ErrorCode(err) != kakehashi.EFORBIDDEN {
			t.Errorf("self-approval: %v", err)
		}
	})
	t.Run("outsider-refused", func(t *testing.T) {
		id := f.request(t, anyOf("boss"))
		if _, err := f.decide(id, "deputy", true); kakehashi.ErrorCode(err) != kakehashi.EFORBIDDEN {
			t.Errorf("non-approver: %v", err)
		}
	})
	t.Run("delegate-decides-for-absent-approver", func(t *testing.T) {
		id := f.request(t, allOf("boss", "ap2"))
		f.db.Update(context.Background(), func(tx store.Tx) error {
			return tx.CreateDelegation(&kakehashi.Delegation{ID: kakehashi.NewID(), ApproverID: f.id("boss"), DelegateID: f.id("deputy"), From: now.Add(-time.Hour), Until: now.Add(time.Hour)})
		})
		out, err := f.decide(id, "deputy", true)
		if err != nil || out.Decision.OnBehalfOf != f.id("boss") || out.Final {
			t.Fatalf("delegate: %+v %v", out, err)
		}
		if _, err := f.decide(id, "boss", true); kakehashi.ErrorCode(err) != kakehashi.ECONFLICT {
			t.Errorf("approver after their delegate decided: %v", err)
		}
		if out, err := f.decide(id, "ap2", true); err != nil || !out.Final {
			t.Fatalf("ap2: %+v %v", out, err)
		}
	})
	t.Run("delegation-to-requester-does-not-allow-self-approval", func(t *testing.T) {
		id := f.request(t, anyOf("head"))
		f.db.Update(context.Background(), func(tx store.Tx) error {
			return tx.CreateDelegation(&kakehashi.Delegation{ID: kakehashi.NewID(), ApproverID: f.id("head"), DelegateID: f.id("req"), From: now.Add(-time.Hour), Until: now.Add(time.Hour)})
		})
		if _, err := f.decide(id, "req", true); kakehashi.ErrorCode(err) != kakehashi.EFORBIDDEN {
			t.Errorf("requester as delegate: %v", err)
		}
	})
}
