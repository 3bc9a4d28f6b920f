package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/store"
	"github.com/kakehashi/kakehashi/store/sqlstore"
)

// chain writes five events to a fresh SQLite store and returns its path.
func chain(t *testing.T) (*sqlstore.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		err := db.Update(context.Background(), func(tx store.Tx) error {
			_, err := audit.Record(tx, at.Add(time.Duration(i)*time.Second), audit.Event{
				Actor: "u1", Action: audit.Download, Object: "t1", IP: "192.0.2.1",
				Detail: map[string]any{"bytes": 1000 + i, "name": "議事録.docx"},
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return db, path
}

func verify(t *testing.T, db store.Store) ([]audit.Problem, error) {
	t.Helper()
	var problems []audit.Problem
	var err error
	db.View(context.Background(), func(tx store.Tx) error {
		_, _, problems, err = audit.Verify(tx)
		return nil
	})
	return problems, err
}

// tamper edits the database behind the gateway's back, as an attacker with
// file access would: the append-only triggers are dropped first.
func tamper(t *testing.T, path string, stmts ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, s := range append([]string{`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`}, stmts...) {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestVerifyIntactChain(t *testing.T) {
	db, _ := chain(t)
	if problems, err := verify(t, db); err != nil || len(problems) != 0 {
		t.Fatalf("intact chain: %v %v", problems, err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stmts []string
		seq   int64 // the first event reported
	}{
		{"edited-detail", []string{`UPDATE audit SET detail = '{"bytes":1}' WHERE seq = 3`}, 3},
		{"edited-actor", []string{`UPDATE audit SET actor = 'someone-else' WHERE seq = 1`}, 1},
		{"deleted-middle", []string{`DELETE FROM audit WHERE seq = 2`}, 3},
		{"deleted-last-then-renumbered", []string{`DELETE FROM audit WHERE seq = 4`, `UPDATE audit SET seq = 4 WHERE seq = 5`}, 4},
		{"reordered", []string{`UPDATE audit SET seq = 99 WHERE seq = 2`, `UPDATE audit SET seq = 2 WHERE seq = 3`, `UPDATE audit SET seq = 3 WHERE seq = 99`}, 2},
		{"inserted", []string{`INSERT INTO audit SELECT 6, at, actor, zone, ip, 'transfer.download', object, outcome, detail, hash, 'forged' FROM audit WHERE seq = 5`}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, path := chain(t)
			db.Close()
			tamper(t, path, tc.stmts...)
			db2, err := sqlstore.OpenSQLite(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer db2.Close()
			problems, err := verify(t, db2)
			if !errors.Is(err, audit.ErrBroken) || len(problems) == 0 {
				t.Fatalf("tampering not detected: %v %v", problems, err)
			}
			if problems[0].Seq != tc.seq {
				t.Errorf("first problem at %d (%s), want %d", problems[0].Seq, problems[0].Reason, tc.seq)
			}
		})
	}
}

func TestHashCoversEveryField(t *testing.T) {
	db, _ := chain(t)
	db.View(context.Background(), func(tx store.Tx) error {
		last, err := tx.LastAudit()
		if err != nil {
			t.Fatal(err)
		}
		base := audit.Hash(last)
		for name, mut := range map[string]func(){
			"seq": func() { last.Seq++ }, "at": func() { last.At = last.At.Add(time.Microsecond) },
			"actor": func() { last.Actor += "x" }, "zone": func() { last.Zone = "lgwan" }, "ip": func() { last.IP += "1" },
			"action": func() { last.Action += "x" }, "object": func() { last.Object += "x" }, "outcome": func() { last.Outcome = "denied" },
			"detail": func() { last.Detail += " " }, "prev": func() { last.Prev += "0" },
		} {
			saved := *last
			mut()
			if audit.Hash(last) == base {
				t.Errorf("changing %s does not change the hash", name)
			}
			*last = saved
		}
		return nil
	})
}
