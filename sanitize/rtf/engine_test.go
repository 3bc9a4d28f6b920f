package rtf

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

// TestThroughEngine runs clam.exe.rtf through the engine's detection and
// dispatch with only this family registered.
func TestThroughEngine(t *testing.T) {
	data, err := os.ReadFile("/usr/share/clamav-testfiles/clam.exe.rtf")
	if err != nil {
		t.Skipf("clamav-testfiles: %v", err)
	}
	e := &engine.Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{sanitize.FamilyRTF: &Sanitizer{}}, TempDir: t.TempDir()}
	var out bytes.Buffer
	rep, err := e.Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(data), Size: int64(len(data)), Name: "clam.exe.rtf"}, &out, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != sanitize.VerdictSanitized || rep.OutputType != sanitize.TypeRTF || rep.Totals()[sanitize.RemovedRTFObject] != 1 {
		t.Fatalf("verdict %s (%s %s), output %s, removed %+v", rep.Verdict, rep.Reason, rep.Detail, rep.OutputType, rep.Removed)
	}
	balanced(t, out.Bytes())
	noActive(t, out.Bytes())
}
