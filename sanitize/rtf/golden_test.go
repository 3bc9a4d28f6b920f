package rtf

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

// TestGoldenReports pins what the report says for every regression file;
// go test ./sanitize/rtf -run TestGoldenReports -args -update rewrites it.
func TestGoldenReports(t *testing.T) {
	names := make([]string, 0, len(malicious))
	for name := range malicious {
		names = append(names, name)
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join("testdata", "malicious", name))
		if err != nil {
			t.Fatal(err)
		}
		_, rep, err := run(t, data, nil)
		fmt.Fprintf(&sb, "%s:\n", name)
		if r, ok := sanitize.AsRejection(err); ok {
			fmt.Fprintf(&sb, "  rejected %s\n", r.Reason)
			continue
		}
		for _, rm := range rep.Removed {
			fmt.Fprintf(&sb, "  removed %s at %q ×%d\n", rm.Kind, rm.Location, rm.Count)
		}
	}
	testtool.Golden(t, filepath.Join("testdata", "reports.golden"), []byte(sb.String()), *update)
}
