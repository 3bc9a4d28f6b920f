package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/app"
	"github.com/kakehashi/kakehashi/config"
	"github.com/kakehashi/kakehashi/store"
	"github.com/kakehashi/kakehashi/store/sqlstore"
)

// loadConfig reads --config, or uses the embedded defaults with --dir as
// the data directory.
func loadConfig(path, dir string) (config.Config, error) {
	if path != "" {
		return config.Load(path)
	}
	cfg := config.Default()
	if dir != "" {
		cfg.DataDir = dir
	}
	return cfg, cfg.Validate()
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (docs/config.md)")
	if err := fs.Parse(args); err != nil || *path == "" {
		fmt.Fprintln(stderr, "usage: kakehashi serve --config FILE")
		return exitUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintln(stderr, "kakehashi:", err)
		return exitUsage
	}
	return serve(ctx, cfg, stderr)
}

func serve(ctx context.Context, cfg config.Config, stderr io.Writer) int {
	g, err := app.New(ctx, cfg, app.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "kakehashi:", err)
		return exitInternal
	}
	defer g.Close()
	if err := g.Run(ctx); err != nil {
		fmt.Fprintln(stderr, "kakehashi:", err)
		return exitInternal
	}
	return exitOK
}

// demo is the organisation quickstart creates on an empty data directory.
var demo = []struct {
	name, display, dept string
	roles               []kakehashi.Role
	supervisor          string
}{
	{"admin", "管理者 太郎", "情報政策課", []kakehashi.Role{kakehashi.RoleAdmin, kakehashi.RoleAuditor}, ""},
	{"kacho", "総務 課長", "総務課", []kakehashi.Role{kakehashi.RoleApprover}, ""},
	{"tanaka", "田中 花子", "総務課", nil, "kacho"},
	{"suzuki", "鈴木 一郎", "総務課", nil, "kacho"},
}

func runQuickstart(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "kakehashi-data", "data directory (created when missing)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	cfg := config.Default()
	cfg.DataDir, _ = filepath.Abs(*dir)
	fresh := !exists(filepath.Join(cfg.DataDir, "kakehashi.db"))
	if fresh {
		if err := seedDemo(ctx, cfg, stdout); err != nil {
			fmt.Fprintln(stderr, "kakehashi:", err)
			return exitInternal
		}
	} else {
		fmt.Fprintf(stdout, "既存のデータを使います / using the existing data in %s\n（パスワードを忘れた場合 / forgot a password: kakehashi user reset --dir %s NAME）\n\n", cfg.DataDir, *dir)
	}
	fmt.Fprintf(stdout, "インターネット側 / internet side: http://%s/\nLGWAN側 / LGWAN side:          http://%s/\n停止 / stop: Ctrl+C\n\n", cfg.Listeners[0].Address, cfg.Listeners[1].Address)
	return serve(ctx, cfg, stderr)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// seedDemo creates the demo departments and users and prints their
// one-time passwords, once.
func seedDemo(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return err
	}
	db, accounts, err := openAccounts(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	depts := map[string]string{}
	parent, err := accounts.CreateDepartment(ctx, kakehashi.Subject{}, "総務部", "")
	if err != nil {
		return err
	}
	for _, name := range []string{"総務課", "情報政策課"} {
		d, err := accounts.CreateDepartment(ctx, kakehashi.Subject{}, name, parent.ID)
		if err != nil {
			return err
		}
		depts[name] = d.ID
	}
	ids := map[string]string{}
	fmt.Fprintln(stdout, "デモ用のユーザーを作成しました。初回パスワードは今回だけ表示されます / demo users created; their one-time passwords are shown only now:")
	for _, u := range demo {
		created, otp, err := accounts.CreateUser(ctx, kakehashi.Subject{}, account.NewUser{Name: u.name, DisplayName: u.display,
			Email: u.name + "@example.lg.jp", DepartmentID: depts[u.dept], SupervisorID: ids[u.supervisor], Roles: u.roles})
		if err != nil {
			return err
		}
		ids[u.name] = created.ID
		fmt.Fprintf(stdout, "  %-8s %-16s %s\n", u.name, otp, roleList(u.roles))
	}
	fmt.Fprintln(stdout)
	return nil
}

func roleList(rs []kakehashi.Role) string {
	if len(rs) == 0 {
		return "(user)"
	}
	out := ""
	for _, r := range rs {
		out += string(r) + " "
	}
	return "(" + out[:len(out)-1] + ")"
}

// openAccounts opens the store for the administrative subcommands, which
// may run beside a serving gateway (SQLite WAL allows it).
func openAccounts(ctx context.Context, cfg config.Config) (*sqlstore.DB, *account.Service, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, nil, err
	}
	db, err := sqlstore.OpenSQLite(ctx, filepath.Join(cfg.DataDir, "kakehashi.db"))
	if err != nil {
		return nil, nil, err
	}
	return db, account.New(account.Service{Store: db}), nil
}

var errNoUser = errors.New("no such user")

func userByName(ctx context.Context, st store.Store, name string) (*kakehashi.User, error) {
	var u *kakehashi.User
	err := st.View(ctx, func(tx store.Tx) (err error) {
		u, err = tx.UserByName(name)
		return err
	})
	if store.IsNotFound(err) {
		return nil, fmt.Errorf("%w: %s", errNoUser, name)
	}
	return u, err
}

// adminFlags adds --config and --dir to a subcommand's flags.
func adminFlags(fs *flag.FlagSet) (path, dir *string) {
	return fs.String("config", "", "configuration file"), fs.String("dir", "kakehashi-data", "data directory when no --config is given")
}

// openAdmin loads the config and opens the store for an administrative
// subcommand; on failure it prints why and returns the exit code.
func openAdmin(ctx context.Context, path, dir string, stderr io.Writer) (*sqlstore.DB, *account.Service, int) {
	cfg, err := loadConfig(path, dir)
	if err != nil {
		fmt.Fprintln(stderr, "kakehashi:", err)
		return nil, nil, exitUsage
	}
	db, accounts, err := openAccounts(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "kakehashi:", err)
		return nil, nil, exitInternal
	}
	return db, accounts, exitOK
}
