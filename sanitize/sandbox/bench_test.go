package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// benchmarkRun measures one Run of a tiny file: for the sandbox, the cost of
// starting, confining and judging a child, which dominates small files.
func benchmarkRun(b *testing.B, inProcess bool) {
	dir := b.TempDir()
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte("HELLO"), 0o600); err != nil {
		b.Fatal(err)
	}
	cfg := Config{Limits: testLimits(), TempDir: dir, InProcess: inProcess, NewEngine: newTestEngine}
	job := Job{InputPath: in, OutputPath: filepath.Join(dir, "out.txt"), Name: "in.txt"}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Run(context.Background(), cfg, job)
		if err != nil || rep.Verdict != sanitize.VerdictClean {
			b.Fatalf("rep=%+v err=%v", rep, err)
		}
	}
}

func BenchmarkRunSandboxed(b *testing.B) { benchmarkRun(b, false) }
func BenchmarkRunInProcess(b *testing.B) { benchmarkRun(b, true) }
