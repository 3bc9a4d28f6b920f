package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/store"
)

const userUsage = `usage:
  kakehashi user add   [--config FILE | --dir DIR] --name NAME [--display NAME] [--email ADDR] [--department ID] [--supervisor NAME] [--role admin,approver,auditor]
  kakehashi user list  [--config FILE | --dir DIR]
  kakehashi user reset [--config FILE | --dir DIR] NAME     a new one-time password
The first administrator can only be created here: there is no setup page.
`

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return exitUsage
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	path, dir := adminFlags(fs)
	name := fs.String("name", "", "sign-in name")
	display := fs.String("display", "", "full name")
	email := fs.String("email", "", "e-mail address for notifications")
	dept := fs.String("department", "", "department ID")
	super := fs.String("supervisor", "", "supervisor's sign-in name (上長)")
	roles := fs.String("role", "", "comma-separated roles: admin, approver, auditor")
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	db, accounts, code := openAdmin(ctx, *path, *dir, stderr)
	if code != exitOK {
		return code
	}
	defer db.Close()
	cli := kakehashi.Subject{}
	switch args[0] {
	case "add":
		nu := account.NewUser{Name: *name, DisplayName: *display, Email: *email, DepartmentID: *dept}
		for _, r := range strings.Split(*roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				nu.Roles = append(nu.Roles, kakehashi.Role(r))
			}
		}
		if *super != "" {
			s, err := userByName(ctx, db, *super)
			if err != nil {
				fmt.Fprintln(stderr, "kakehashi:", err)
				return exitUsage
			}
			nu.SupervisorID = s.ID
		}
		u, otp, err := accounts.CreateUser(ctx, cli, nu)
		if err != nil {
			fmt.Fprintln(stderr, "kakehashi:", err)
			return exitUsage
		}
		fmt.Fprintf(stdout, "作成しました / created %s (%s)\n初回パスワード（一度だけ表示） / one-time password (shown once): %s\n", u.Name, u.ID, otp)
	case "list":
		var users []kakehashi.User
		db.View(ctx, func(tx store.Tx) (err error) { users, err = tx.ListUsers(); return err })
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tDISPLAY\tROLES\tMFA\tDISABLED\tID")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%v\t%s\n", u.Name, u.DisplayName, roleList(u.Roles), u.MFA, u.Disabled, u.ID)
		}
		tw.Flush()
	case "reset":
		if fs.NArg() != 1 {
			fmt.Fprint(stderr, userUsage)
			return exitUsage
		}
		u, err := userByName(ctx, db, fs.Arg(0))
		if err != nil {
			fmt.Fprintln(stderr, "kakehashi:", err)
			return exitUsage
		}
		otp, err := accounts.ResetPassword(ctx, cli, u.ID)
		if err != nil {
			fmt.Fprintln(stderr, "kakehashi:", err)
			return exitInternal
		}
		fmt.Fprintf(stdout, "新しい初回パスワード / new one-time password for %s: %s\n", u.Name, otp)
	default:
		fmt.Fprint(stderr, userUsage)
		return exitUsage
	}
	return exitOK
}
