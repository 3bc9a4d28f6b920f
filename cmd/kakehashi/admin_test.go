package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/config"
)

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "user", "add", "--dir", dir, "--name", "admin", "--display", "管理者", "--role", "admin,auditor")
	if code != 0 || !otpRE.MatchString(out) {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "user", "add", "--dir", dir, "--name", "admin"); code != exitUsage || !strings.Contains(errOut, "使われています") {
		t.Errorf("duplicate user add: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "user", "add", "--dir", dir, "--name", "x", "--role", "root"); code != exitUsage || !strings.Contains(errOut, "root") {
		t.Errorf("unknown role: %d %s", code, errOut)
	}
	code, out, _ = runCLI(t, "user", "list", "--dir", dir)
	if code != 0 || !strings.Contains(out, "admin") || !strings.Contains(out, "(admin auditor)") {
		t.Errorf("user list: %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "user", "reset", "--dir", dir, "admin")
	if code != 0 || !strings.Contains(out, "new one-time password for admin") {
		t.Errorf("user reset: %d %s", code, out)
	}
	if code, _, _ := runCLI(t, "user", "reset", "--dir", dir, "nobody"); code != exitUsage {
		t.Errorf("reset of an unknown user: %d", code)
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	runCLI(t, "user", "add", "--dir", dir, "--name", "a")
	runCLI(t, "user", "add", "--dir", dir, "--name", "b")
	code, out, _ := runCLI(t, "audit", "verify", "--dir", dir)
	if code != 0 || !strings.Contains(out, "2 events, the hash chain holds") {
		t.Fatalf("audit verify: %d %s", code, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "kakehashi.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit SET actor = 'someone' WHERE seq = 1`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, out, _ = runCLI(t, "audit", "verify", "--dir", dir)
	if code != exitInternal || !strings.Contains(out, "NG  #1") {
		t.Errorf("audit verify after tampering: %d %s", code, out)
	}
}

func TestCheckConfigCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("[[listener]]\nzone = \"lgwan\"\naddress = \"127.0.0.1:9000\"\n"), 0o600)
	code, out, _ := runCLI(t, "check-config", "--config", good)
	if code != 0 || !strings.Contains(out, "F1 mynumber") {
		t.Errorf("check-config: %d %s", code, out)
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[[listener]]\nzone = \"mynumber\"\naddress = \"127.0.0.1:9000\"\n"), 0o600)
	code, _, errOut := runCLI(t, "check-config", "--config", bad)
	if code != exitUsage || !strings.Contains(errOut, "F1") {
		t.Errorf("check-config of a mynumber listener: %d %s", code, errOut)
	}
}

func TestQuickstartSeedsOnce(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	var out bytes.Buffer
	if err := seedDemo(context.Background(), cfg, &out); err != nil {
		t.Fatal(err)
	}
	for _, u := range demo {
		if !strings.Contains(out.String(), u.name) {
			t.Errorf("seed output lacks %s:\n%s", u.name, out.String())
		}
	}
	code, list, _ := runCLI(t, "user", "list", "--dir", cfg.DataDir)
	if code != 0 || strings.Count(list, "\n") != len(demo)+1 {
		t.Errorf("after seeding:\n%s", list)
	}
}
