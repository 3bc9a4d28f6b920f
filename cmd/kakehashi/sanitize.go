package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/formats"
	"github.com/kakehashi/kakehashi/sanitize/sandbox"
)

const sanitizeUsage = `kakehashi sanitize [options] IN OUT

ファイル（またはフォルダ内の全ファイル）を無害化します。
Sanitizes a file (or every file in a directory) by rebuilding it without active content.

  IN, OUT are files:        OUT is written only when the file is accepted.
  IN is a directory:        every file below it is sanitized into the directory OUT,
                            keeping the folder structure, with corrected extensions.

終了コード / exit codes:
  0  OUT written (verdict clean or sanitized)
  3  rejected: nothing written at OUT, the reason on stderr (directory mode: at least one file rejected)
  1  internal error      2  usage error

options:
`

type sanitizeFlags struct {
	policyFile   string
	reportFile   string
	password     string
	passwordFile string
	lang         string
	noSandbox    bool
	jobs         int
	quiet        bool
}

func parseSanitizeFlags(args []string, stderr io.Writer) (*sanitizeFlags, []string, error) {
	var f sanitizeFlags
	fs := flag.NewFlagSet("sanitize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, sanitizeUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&f.policyFile, "policy", "", "policy `file` (TOML); see docs/sanitize.md. Default: every sanitizable type allowed")
	fs.StringVar(&f.reportFile, "report", "", "write the JSON report to `file` (directory mode: one JSON object per line)")
	fs.StringVar(&f.password, "password", "", "`password` for encrypted archives and Office files (visible to other users in the process list: prefer -password-file)")
	fs.StringVar(&f.passwordFile, "password-file", "", "read the password from the first line of `file`")
	fs.StringVar(&f.lang, "lang", "ja", "language of the summary: ja or en")
	fs.BoolVar(&f.noSandbox, "no-sandbox", false, "run the parsers in this process instead of an isolated child (debugging only; the report says so)")
	fs.IntVar(&f.jobs, "jobs", runtime.NumCPU(), "files sanitized at once in directory mode")
	fs.BoolVar(&f.quiet, "quiet", false, "print no summary (errors and rejections are still printed)")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if f.lang != "ja" && f.lang != "en" {
		return nil, nil, fmt.Errorf("-lang must be ja or en")
	}
	if f.passwordFile != "" {
		b, err := os.ReadFile(f.passwordFile)
		if err != nil {
			return nil, nil, fmt.Errorf("reading password file: %w", err)
		}
		f.password = strings.TrimRight(strings.SplitN(string(b), "\n", 2)[0], "\r")
	}
	if f.jobs < 1 {
		f.jobs = 1
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return nil, nil, fmt.Errorf("need IN and OUT")
	}
	return &f, fs.Args(), nil
}

func runSanitize(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, paths, err := parseSanitizeFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "kakehashi sanitize:", err)
			return exitUsage
		}
		return exitOK
	}
	policy := sanitize.DefaultPolicy()
	if f.policyFile != "" {
		if policy, err = sanitize.LoadPolicy(f.policyFile); err != nil {
			fmt.Fprintln(stderr, "kakehashi sanitize:", err)
			return exitUsage
		}
	}
	cfg := sandbox.Config{
		Policy:    policy,
		Limits:    sanitize.DefaultLimits(),
		InProcess: f.noSandbox,
		NewEngine: formats.NewEngine,
	}
	in, out := paths[0], paths[1]
	st, err := os.Stat(in)
	if err != nil {
		fmt.Fprintln(stderr, "kakehashi sanitize:", err)
		return exitUsage
	}
	if st.IsDir() {
		return sanitizeDir(ctx, cfg, f, in, out, stdout, stderr)
	}
	return sanitizeFile(ctx, cfg, f, in, out, stdout, stderr)
}

func sanitizeFile(ctx context.Context, cfg sandbox.Config, f *sanitizeFlags, in, out string, stdout, stderr io.Writer) int {
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		// Into a directory: the output gets its corrected name, known
		// only after the run, so sanitize to a temporary name first.
		return sanitizeIntoDir(ctx, cfg, f, in, out, stdout, stderr)
	}
	rep, err := sandbox.Run(ctx, cfg, sandbox.Job{InputPath: in, OutputPath: out, Name: filepath.Base(in), Password: f.password})
	if err != nil {
		fmt.Fprintln(stderr, "kakehashi sanitize:", err)
		return exitInternal
	}
	return finish(rep, f, out, stdout, stderr)
}

func sanitizeIntoDir(ctx context.Context, cfg sandbox.Config, f *sanitizeFlags, in, dir string, stdout, stderr io.Writer) int {
	tmp, err := os.CreateTemp(dir, ".kakehashi-*")
	if err != nil {
		fmt.Fprintln(stderr, "kakehashi sanitize:", err)
		return exitInternal
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	rep, err := sandbox.Run(ctx, cfg, sandbox.Job{InputPath: in, OutputPath: tmp.Name(), Name: filepath.Base(in), Password: f.password})
	if err != nil {
		fmt.Fprintln(stderr, "kakehashi sanitize:", err)
		return exitInternal
	}
	out := filepath.Join(dir, rep.OutputName)
	if rep.Verdict != sanitize.VerdictRejected {
		if err := os.Rename(tmp.Name(), out); err != nil {
			fmt.Fprintln(stderr, "kakehashi sanitize:", err)
			return exitInternal
		}
	}
	return finish(rep, f, out, stdout, stderr)
}

// finish writes the report and the summary and returns the exit code.
func finish(rep *sanitize.Report, f *sanitizeFlags, out string, stdout, stderr io.Writer) int {
	if f.reportFile != "" {
		if err := writeJSONFile(f.reportFile, rep); err != nil {
			fmt.Fprintln(stderr, "kakehashi sanitize: writing report:", err)
			return exitInternal
		}
	}
	if rep.Verdict == sanitize.VerdictRejected {
		fmt.Fprint(stderr, rep.Summary(f.lang))
		if rep.Detail != "" {
			fmt.Fprintf(stderr, "  (%s: %s)\n", rep.Reason, rep.Detail)
		}
		return exitRejected
	}
	if !f.quiet {
		fmt.Fprint(stdout, rep.Summary(f.lang))
	}
	if want := rep.OutputType; filepath.Ext(out) != "" && !want.ExtMatches(strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")) {
		fmt.Fprintf(stderr, "kakehashi sanitize: note: %s holds %s; a fitting name is %s\n", out, want.Label(f.lang), rep.OutputName)
	}
	return exitOK
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
