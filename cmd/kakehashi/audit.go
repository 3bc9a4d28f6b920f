package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/store"
)

// runAudit implements `kakehashi audit verify`: exit 0 when the chain
// holds, 1 when any event was edited, deleted, inserted or reordered.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage: kakehashi audit verify [--config FILE | --dir DIR]")
		return exitUsage
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path, dir := adminFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return exitUsage
	}
	db, _, code := openAdmin(ctx, *path, *dir, stderr)
	if code != exitOK {
		return code
	}
	defer db.Close()
	var count int64
	var head string
	var problems []audit.Problem
	err := db.View(ctx, func(tx store.Tx) (err error) {
		count, head, problems, err = audit.Verify(tx)
		return err
	})
	for _, p := range problems {
		fmt.Fprintf(stdout, "NG  #%d: %s\n", p.Seq, p.Reason)
	}
	if err != nil {
		fmt.Fprintf(stdout, "監査ログの改ざんを検出しました / the audit log has been tampered with: %d problem(s) in %d events\n", len(problems), count)
		return exitInternal
	}
	fmt.Fprintf(stdout, "OK  %d件のイベント、ハッシュ連鎖は正常です / %d events, the hash chain holds\nhead %s\n", count, count, head)
	return exitOK
}
