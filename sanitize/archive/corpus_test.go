package archive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

const clamCorpus = "/usr/share/clamav-testfiles"

// TestClamavTestfiles runs the archive files of Debian's clamav-testfiles
// (a harmless clam.exe in each) through the engine. Each must be rejected
// with a reason or give an output in which ClamAV, with an MD5 signature of
// clam.exe, finds nothing; the same scan must find the payload in every
// input, or the check proves nothing.
func TestClamavTestfiles(t *testing.T) {
	testtool.Path(t, clamCorpus+"/clam.exe", "clamav-testfiles")
	files := []string{"clam.zip", "clam.7z", "clam.tar.gz", "clam.bz2.zip", "clam.impl.zip", "clam.d64.zip", "clam_cache_emax.tgz"}

	tmp := t.TempDir()
	db := testtool.ClamDB(t)
	outDir := filepath.Join(tmp, "out")
	if err := os.Mkdir(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join(clamCorpus, name))
		if err != nil {
			t.Fatal(err)
		}
		r := run(t, name, data, "")
		t.Logf("%-20s %-9s %-8s %s", name, r.rep.Verdict, r.rep.Type, memberVerdicts(r.rep))
		if r.rep.Verdict == sanitize.VerdictRejected {
			if r.rep.Reason == "" {
				t.Errorf("%s: rejected without a reason", name)
			}
			continue
		}
		r.files(t)
		if r.rep.Totals()[sanitize.RemovedMember] == 0 {
			t.Errorf("%s: no member was dropped", name)
		}
		if err := os.WriteFile(filepath.Join(outDir, name+".zip"), r.out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scan := func(paths ...string) string { return strings.Join(testtool.Clamscan(t, db, paths...), "\n") }
	if got := scan(outDir); got != "" {
		t.Errorf("clamscan found the payload in outputs:\n%s", got)
	}
	var inputs []string
	for _, f := range files {
		inputs = append(inputs, filepath.Join(clamCorpus, f))
	}
	if got := scan(inputs...); strings.Count(got, "FOUND") < 3 {
		t.Errorf("clamscan does not find the payload in the inputs, so the output check proves nothing:\n%s", got)
	}
}

func memberVerdicts(rep *sanitize.Report) string {
	var b strings.Builder
	for _, m := range rep.Members {
		b.WriteString(m.Path + "=" + string(m.Report.Verdict))
		if m.Report.Reason != "" {
			b.WriteString("(" + string(m.Report.Reason) + ")")
		}
		if len(m.Report.Members) > 0 {
			b.WriteString("[" + memberVerdicts(m.Report) + "]")
		}
		b.WriteString(" ")
	}
	return b.String()
}
