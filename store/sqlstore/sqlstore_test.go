package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
	"github.com/kakehashi/kakehashi/store/sqlstore"
	"github.com/kakehashi/kakehashi/store/storetest"
)

func openTemp(t *testing.T) (*sqlstore.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kakehashi.db")
	db, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestSQLiteConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, _ := openTemp(t)
		return db
	})
}

// TestAuditTriggers shows the database itself refuses to edit or delete
// audit rows, even through a connection that bypasses the gateway.
func TestAuditTriggers(t *testing.T) {
	db, path := openTemp(t)
	err := db.Update(context.Background(), func(tx store.Tx) error {
		return tx.AppendAudit(&kakehashi.AuditEvent{Seq: 1, Action: "x", Hash: "h"})
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`UPDATE audit SET action = 'y'`, `DELETE FROM audit`} {
		if _, err := raw.Exec(q); err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
}

// TestReopenKeepsData checks migrations run once and data survives.
func TestReopenKeepsData(t *testing.T) {
	db, path := openTemp(t)
	if err := db.Update(context.Background(), func(tx store.Tx) error {
		return tx.CreateDepartment(&kakehashi.Department{ID: "d", Name: "税務課"})
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.View(context.Background(), func(tx store.Tx) error {
		d, err := tx.Department("d")
		if err != nil || d.Name != "税務課" {
			t.Errorf("after reopen: %+v %v", d, err)
		}
		return nil
	})
}
