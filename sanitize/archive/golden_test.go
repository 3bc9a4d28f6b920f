package archive

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

// TestGoldenReport pins the report of a mixed archive: kept, renamed,
// cleaned and dropped members, a nested archive and a removal inside a
// member. Hashes and sizes are blanked: they depend on the deflate
// implementation, not on this package's decisions.
func TestGoldenReport(t *testing.T) {
	sjis, err := japanese.ShiftJIS.NewEncoder().String("報告書.txt")
	if err != nil {
		t.Fatal(err)
	}
	inner := buildZip(t, entry{name: "inner.txt", body: "\u202e inside\n"}, entry{name: "setup.exe", body: "MZ" + strings.Repeat("\x00", 100)})
	data := buildZip(t,
		entry{name: "docs/", dir: true},
		entry{name: `docs\a.txt`, body: "alpha\n"},
		entry{name: sjis, body: "本文\n", rawName: true},
		entry{name: "notes.text", body: "renamed\n"},
		entry{name: "notes.txt", body: "real\n"},
		entry{name: "bundle.zip", body: string(inner), stored: true},
		entry{name: "tool.exe", body: "MZ" + strings.Repeat("\x00", 100)},
	)
	r := run(t, "mixed.zip", data, "")
	r.files(t)
	blank(r.rep)
	got, err := json.MarshalIndent(r.rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testtool.Golden(t, filepath.Join("testdata", "mixed-report.golden"), append(got, '\n'), *update)
}

func blank(rep *sanitize.Report) {
	rep.InputSHA256, rep.OutputSHA256, rep.InputSize, rep.OutputSize = "", "", 0, 0
	for _, m := range rep.Members {
		blank(m.Report)
	}
}
