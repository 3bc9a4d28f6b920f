//go:build !kakehashi_7z

package archive

import (
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

// TestSevenZipNotBuiltIn: without the kakehashi_7z tag a 7z is refused
// with a reason, never passed through.
func TestSevenZipNotBuiltIn(t *testing.T) {
	sevenZ := testtool.Require(t, "7z", "p7zip-full")
	data := makeWithTool(t, sevenZ, "x.7z", "a", "x.7z", "a.txt")
	run(t, "x.7z", data, "").wantReject(t, sanitize.ReasonUnsupported)
}
