package scan_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestRunsNoPrograms enforces the package rule that scanners are reached
// only over their protocols: package scan must not depend on os/exec, so no
// file name can ever end up in a command line (DESIGN.md §5).
func TestRunsNoPrograms(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "github.com/kakehashi/kakehashi/scan").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "os/exec" {
			t.Fatal("package scan depends on os/exec")
		}
	}
}
