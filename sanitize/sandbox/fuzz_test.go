package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// FuzzJudge feeds the parent arbitrary child reports and exit statuses: the
// child is the untrusted side of the protocol. Property: a verdict other
// than rejected comes only from a clean exit with a report whose output
// size and hash match the file, and every rejection has a reason.
func FuzzJudge(f *testing.F) {
	input := []byte("HELLO")
	output := []byte("hello")
	inSum, outSum := sum(input), sum(output)
	good, _ := json.Marshal(&sanitize.Report{Verdict: sanitize.VerdictClean, InputSize: 5, InputSHA256: inSum, OutputSize: 5, OutputSHA256: outSum})
	lying, _ := json.Marshal(&sanitize.Report{Verdict: sanitize.VerdictClean, InputSize: 5, InputSHA256: inSum, OutputSize: 4, OutputSHA256: outSum})
	f.Add(good, uint32(0))
	f.Add(lying, uint32(0))
	f.Add([]byte(`{"verdict":"rejected"}`), uint32(0))
	f.Add(good, uint32(2<<8))
	f.Add(good, uint32(syscall.SIGKILL))
	f.Add([]byte("panic: x\n"), uint32(2<<8))

	dir := f.TempDir()
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		f.Fatal(err)
	}
	defer out.Close()
	if _, err := out.Write(output); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, stdout []byte, status uint32) {
		res := &childResult{status: syscall.WaitStatus(status), stdout: &boundedBuffer{max: maxReportBytes}, stderr: &boundedBuffer{max: maxStderrBytes}}
		res.stdout.Write(stdout)
		res.stderr.Write(stdout)
		rep, trusted := judge(res, Job{Name: "a.txt"}, int64(len(input)), inSum, testLimits(), out)
		if rep == nil {
			t.Fatal("no report")
		}
		if rep.Verdict == sanitize.VerdictRejected {
			if rep.Reason == "" {
				t.Fatalf("rejected without a reason: %+v", rep)
			}
			return
		}
		if !trusted || status != 0 {
			t.Fatalf("verdict %s from status %#x, trusted %v", rep.Verdict, status, trusted)
		}
		if rep.OutputSize != int64(len(output)) || rep.OutputSHA256 != outSum || rep.InputSHA256 != inSum {
			t.Fatalf("accepted a report that does not match the files: %+v", rep)
		}
	})
}

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }
