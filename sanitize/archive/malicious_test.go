package archive

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

var update = flag.Bool("update", false, "rewrite testdata/malicious/*")

// maliciousFiles are the named regression files: how each is made, and the
// reason it must be rejected for (with Policy.ArchiveMemberRejected
// "reject", so that a member-level verdict becomes the archive's).
var maliciousFiles = []struct {
	name string
	make func(t testing.TB) []byte
	want sanitize.Reason
}{
	{"zip-slip.zip", func(t testing.TB) []byte {
		return buildZip(t, entry{name: "good.txt", body: "fine\n"}, entry{name: "../../../../../../tmp/evil.txt", body: "evil\n"})
	}, sanitize.ReasonUnsafePath},
	{"zip-slip-win.zip", func(t testing.TB) []byte {
		return buildZip(t, entry{name: "good.txt", body: "fine\n"}, entry{name: `..\..\..\..\Windows\Temp\evil.txt`, body: "evil\n"})
	}, sanitize.ReasonUnsafePath},
	{"zip-slip.tar", func(t testing.TB) []byte {
		return buildTar(t, tarEntry{name: "good.txt", body: "fine\n"}, tarEntry{name: "../../../../../../tmp/evil.txt", body: "evil\n"})
	}, sanitize.ReasonUnsafePath},
	{"dup.zip", func(t testing.TB) []byte {
		return buildZip(t, entry{name: "invoice.txt", body: "the real one\n"}, entry{name: "invoice.txt", body: "the other one\n"})
	}, sanitize.ReasonDuplicateName},
	{"symlink.zip", func(t testing.TB) []byte {
		return buildZip(t, entry{name: "passwd", body: "/etc/passwd", unixLink: true})
	}, sanitize.ReasonLink},
	{"symlink.tar", func(t testing.TB) []byte {
		return buildTar(t, tarEntry{name: "passwd", flag: '2', link: "/etc/passwd"})
	}, sanitize.ReasonLink},
	{"bomb-ratio.zip", func(t testing.TB) []byte {
		return buildZip(t, entry{name: "zeros.txt", body: strings.Repeat("\x00", 10<<20)})
	}, sanitize.ReasonCompressionBomb},
	{"overlap.zip", func(t testing.TB) []byte { return overlapZip(t, 16) }, sanitize.ReasonCompressionBomb},
	{"nested-depth.zip", func(t testing.TB) []byte {
		data := buildZip(t, entry{name: "deepest.txt", body: "deep\n"})
		for i := range 6 {
			data = buildZip(t, entry{name: sprintf("level%d.zip", 6-i), body: string(data), stored: true})
		}
		return data
	}, sanitize.ReasonTooDeep},
}

// TestGenerateMalicious rewrites testdata/malicious with -update.
func TestGenerateMalicious(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/malicious")
	}
	for _, m := range maliciousFiles {
		if err := os.WriteFile(filepath.Join("testdata", "malicious", m.name), m.make(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMaliciousRegressions(t *testing.T) {
	strict := testEngine(sanitize.Limits{}, sanitize.Policy{ArchiveMemberRejected: sanitize.MemberReject})
	for _, m := range maliciousFiles {
		t.Run(m.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "malicious", m.name))
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if len(data) > 32<<10 {
				t.Errorf("%d bytes: regression files stay small", len(data))
			}
			runWith(t, strict, m.name, data, "").wantReject(t, m.want)
		})
	}
}
