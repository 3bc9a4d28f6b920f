package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/sandbox"
)

// dirResult is one line of the directory-mode report (JSON Lines).
type dirResult struct {
	Path   string           `json:"path"`
	Output string           `json:"output,omitempty"`
	Report *sanitize.Report `json:"report,omitempty"`
	Error  string           `json:"error,omitempty"`
}

// sanitizeDir sanitizes every regular file below in into out, mirroring the
// folder structure. Symbolic links are not followed: a link could point
// anywhere on the machine running the batch.
func sanitizeDir(ctx context.Context, cfg sandbox.Config, f *sanitizeFlags, in, out string, stdout, stderr io.Writer) int {
	var files []string
	err := filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		} else if !d.IsDir() {
			fmt.Fprintf(stderr, "skipping %s: not a regular file\n", p)
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(stderr, "kakehashi sanitize:", err)
		return exitUsage
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintln(stderr, "kakehashi sanitize:", err)
		return exitInternal
	}
	var report io.Writer = io.Discard
	if f.reportFile != "" {
		rf, err := os.Create(f.reportFile)
		if err != nil {
			fmt.Fprintln(stderr, "kakehashi sanitize:", err)
			return exitInternal
		}
		defer rf.Close()
		report = rf
	}

	results := make(chan dirResult)
	work := make(chan string)
	var wg sync.WaitGroup
	for range f.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				results <- sanitizeOne(ctx, cfg, f, in, out, p)
			}
		}()
	}
	go func() {
		defer close(work)
		for _, p := range files {
			select {
			case work <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	p := newProgress(stderr, len(files), f.lang)
	enc := json.NewEncoder(report)
	code := exitOK
	for r := range results {
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(stderr, "kakehashi sanitize: writing report:", err)
			code = exitInternal
		}
		switch {
		case r.Error != "":
			code = exitInternal
		case r.Report.Verdict == sanitize.VerdictRejected && code == exitOK:
			code = exitRejected
		}
		p.done(r)
	}
	p.finish(stdout)
	if ctx.Err() != nil {
		return exitInternal
	}
	return code
}

func sanitizeOne(ctx context.Context, cfg sandbox.Config, f *sanitizeFlags, root, outRoot, p string) dirResult {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return dirResult{Path: p, Error: err.Error()}
	}
	dir := filepath.Join(outRoot, filepath.Dir(rel))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return dirResult{Path: rel, Error: err.Error()}
	}
	tmp, err := os.CreateTemp(dir, ".kakehashi-*")
	if err != nil {
		return dirResult{Path: rel, Error: err.Error()}
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	rep, err := sandbox.Run(ctx, cfg, sandbox.Job{InputPath: p, OutputPath: tmp.Name(), Name: filepath.Base(p), Password: f.password})
	if err != nil {
		return dirResult{Path: rel, Error: err.Error()}
	}
	res := dirResult{Path: rel, Report: rep}
	if rep.Verdict == sanitize.VerdictRejected {
		return res
	}
	outPath := uniquePath(filepath.Join(dir, rep.OutputName))
	if err := os.Rename(tmp.Name(), outPath); err != nil {
		return dirResult{Path: rel, Report: rep, Error: err.Error()}
	}
	res.Output, _ = filepath.Rel(outRoot, outPath)
	return res
}

// uniquePath avoids overwriting when two inputs map to one output name
// ("a.docm" and "a.docx" both become "a.docx"): the later one gets " (2)".
// It claims the name with O_EXCL, so concurrent workers cannot both get it;
// the caller renames its output over the empty placeholder.
func uniquePath(p string) string {
	ext := filepath.Ext(p)
	stem := p[:len(p)-len(ext)]
	cand := p
	for i := 2; ; i++ {
		f, err := os.OpenFile(cand, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			f.Close()
			return cand
		}
		cand = fmt.Sprintf("%s (%d)%s", stem, i, ext)
	}
}
