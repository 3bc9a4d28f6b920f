package i18n

import (
	"github.com/kakehashi/kakehashi"

	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestTemplatesUseKnownKeys: every literal key the templates translate
// exists in both languages, so no screen shows a raw key.
func TestTemplatesUseKnownKeys(t *testing.T) {
	files, err := filepath.Glob("../web/templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	re := regexp.MustCompile(`\{\{t \$?\.Lang "([^"]+)"\}\}`)
	seen := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen++
			msg, ok := messages[m[1]]
			if !ok || msg[0] == "" || msg[1] == "" {
				t.Errorf("%s: key %q has no Japanese or English text", filepath.Base(f), m[1])
			}
		}
	}
	if seen < 50 {
		t.Errorf("found only %d translated strings: the pattern no longer matches the templates", seen)
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"": JA, "en": EN, "en-US,en;q=0.9": EN, "ja,en;q=0.8": JA, "fr,en;q=0.5": EN, "zh": JA} {
		if got := Parse(in); got != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestDynamicKeys: keys the templates build from values ("state." + State
// and so on) exist for every value.
func TestDynamicKeys(t *testing.T) {
	var keys []string
	for _, s := range []kakehashi.State{kakehashi.StateReceived, kakehashi.StateScanning, kakehashi.StateSanitizing, kakehashi.StateAwaitingApproval,
		kakehashi.StateAvailable, kakehashi.StateRejected, kakehashi.StateExpired} {
		keys = append(keys, "state."+string(s))
	}
	for _, f := range []kakehashi.FileStatus{kakehashi.FilePending, kakehashi.FileClean, kakehashi.FileSanitized, kakehashi.FileRejected,
		kakehashi.FileInfected, kakehashi.FileQuarantined, kakehashi.FilePassed} {
		keys = append(keys, "file."+string(f))
	}
	for _, r := range kakehashi.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, d := range []kakehashi.Direction{kakehashi.Inbound, kakehashi.Outbound} {
		keys = append(keys, "dir."+string(d))
	}
	for _, k := range []kakehashi.ApprovalKind{kakehashi.ApproveOutbound, kakehashi.ApproveRelease} {
		keys = append(keys, "approval.kind."+string(k))
	}
	for _, s := range []kakehashi.ApprovalState{kakehashi.ApprovalPending, kakehashi.ApprovalApproved, kakehashi.ApprovalRejected} {
		keys = append(keys, "approval."+string(s))
	}
	for _, k := range keys {
		if _, ok := messages[k]; !ok {
			t.Errorf("no text for %q", k)
		}
	}
}
