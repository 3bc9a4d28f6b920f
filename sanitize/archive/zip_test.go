package archive

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
)

func TestZipRebuildsMembers(t *testing.T) {
	data := buildZip(t,
		entry{name: "docs/", dir: true},
		entry{name: "docs/readme.txt", body: "hello archive\n"},
		entry{name: "notes.txt", body: "keep this \u202e text\n", stored: true},
		entry{name: "empty.txt"},
	)
	r := run(t, "in.zip", data, "")
	got := r.files(t)
	want := map[string]string{"docs/": "", "docs/readme.txt": "hello archive\n", "notes.txt": "keep this  text\n", "empty.txt": ""}
	for name, body := range want {
		if got[name] != body {
			t.Errorf("%s = %q, want %q", name, got[name], body)
		}
	}
	if len(got) != len(want) {
		t.Errorf("output has %v", got)
	}
	if r.rep.Verdict != sanitize.VerdictSanitized {
		t.Errorf("verdict %s, want sanitized (a member removed a bidi override)", r.rep.Verdict)
	}
	if len(r.rep.Members) != 3 || r.rep.Members[0].Path != "docs/readme.txt" {
		t.Errorf("member reports %+v", r.rep.Members)
	}
}

func TestZipUnsafeNames(t *testing.T) {
	cases := []struct {
		name string
		want sanitize.Reason // "" = accepted
		out  string          // the output name when accepted
	}{
		{"../../evil.txt", sanitize.ReasonUnsafePath, ""},
		{"a/../../evil.txt", sanitize.ReasonUnsafePath, ""},
		{"/etc/x", sanitize.ReasonUnsafePath, ""},
		{`C:\x`, sanitize.ReasonUnsafePath, ""},
		{"C:x", sanitize.ReasonUnsafePath, ""},
		{`..\..\x`, sanitize.ReasonUnsafePath, ""},
		{`\\server\share\x`, sanitize.ReasonUnsafePath, ""},
		{"a\x00b.txt", sanitize.ReasonUnsafePath, ""},
		{"a\nb.txt", sanitize.ReasonUnsafePath, ""},
		{"report.txt:hidden", sanitize.ReasonUnsafePath, ""},
		{"dir/NUL.txt", sanitize.ReasonUnsafePath, ""},
		{"com1", sanitize.ReasonUnsafePath, ""},
		{strings.Repeat("a", maxNameBytes+1), sanitize.ReasonUnsafePath, ""},
		{strings.Repeat("a", maxNameBytes-4) + ".txt", "", strings.Repeat("a", maxNameBytes-4) + ".txt"},
		{".. /x.txt", sanitize.ReasonUnsafePath, ""},
		{"a/.../x.txt", sanitize.ReasonUnsafePath, ""},
		{"..foo.txt", "", "..foo.txt"}, // just outside "..": a name, not a step up
		{"./a.txt", "", "a.txt"},
		{"dir//a.txt", "", "dir/a.txt"},
		{`dir\sub\a.txt`, "", "dir/sub/a.txt"},
		{"console.txt", "", "console.txt"},
		{`what?.txt`, "", "what_.txt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, "in.zip", buildZip(t, entry{name: c.name, body: "text\n"}), "")
			if c.want != "" {
				r.wantReject(t, c.want)
				return
			}
			got := r.files(t)
			if got[c.out] != "text\n" {
				t.Errorf("output %v, want %q", keys(got), c.out)
			}
		})
	}
}

func TestZipDuplicateNames(t *testing.T) {
	nfd := norm.NFD.String("café.txt")
	cases := []struct {
		name    string
		a, b    string
		aDir    bool
		allowed bool
	}{
		{name: "exact", a: "a.txt", b: "a.txt"},
		{name: "after cleaning", a: "a.txt", b: "./a.txt"},
		{name: "backslash", a: "d/a.txt", b: `d\a.txt`},
		{name: "case", a: "Report.TXT", b: "report.txt"},
		{name: "unicode normalisation", a: "café.txt", b: nfd},
		{name: "trailing dot", a: "a.txt", b: "a.txt."},
		{name: "file used as folder", a: "a", b: "a/b.txt"},
		{name: "folder then file", a: "a/", b: "a", aDir: true},
		{name: "different names", a: "a.txt", b: "b.txt", allowed: true},
		{name: "folder then its file", a: "a/", b: "a/b.txt", aDir: true, allowed: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, "in.zip", buildZip(t, entry{name: c.a, body: map[bool]string{false: "1\n"}[c.aDir], dir: c.aDir}, entry{name: c.b, body: "2\n"}), "")
			if c.allowed {
				r.files(t)
				return
			}
			r.wantReject(t, sanitize.ReasonDuplicateName)
		})
	}
}

func TestZipLinks(t *testing.T) {
	cases := map[string]entry{
		"unix symlink":           {name: "link", body: "/etc/passwd", unixLink: true},
		"symlink via mode":       {name: "link2", body: "../x", mode: 0o777 | 1<<27}, // os.ModeSymlink
		"windows reparse point":  {name: "junction", body: "x"},
		"symlink to a directory": {name: "up", body: "../../", unixLink: true},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			data := buildZip(t, entry{name: "ok.txt", body: "fine\n"}, e)
			if name == "windows reparse point" {
				data = setExternalAttrs(t, data, "junction", dosReparsePoint)
			}
			run(t, "in.zip", data, "").wantReject(t, sanitize.ReasonLink)
		})
	}
}

// setExternalAttrs patches the central directory entry of name.
func setExternalAttrs(t testing.TB, data []byte, name string, attrs uint32) []byte {
	t.Helper()
	out := bytes.Clone(data)
	for i := 0; ; i++ {
		j := bytes.Index(out[i:], []byte("PK\x01\x02"))
		if j < 0 {
			t.Fatalf("no central entry %q", name)
		}
		i += j
		n := int(le16(out[i+28:]))
		if string(out[i+46:i+46+n]) == name {
			putLE32(out[i+38:], attrs)
			return out
		}
	}
}

func TestZipJapaneseNames(t *testing.T) {
	sjis := func(s string) string {
		b, err := japanese.ShiftJIS.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// "表" is 0x95 0x5C in CP932: the trail byte is a backslash.
	names := []string{"日本語のファイル.txt", "資料/表.txt", "ﾃｽﾄ.txt", "①②.txt"}
	var entries []entry
	for _, n := range names {
		entries = append(entries, entry{name: sjis(n), body: n + "\n", rawName: true})
	}
	entries = append(entries, entry{name: "utf8名.txt", body: "utf8\n"}) // flagged UTF-8 by archive/zip
	r := run(t, "sjis.zip", buildZip(t, entries...), "")
	got := r.files(t)
	for _, n := range names {
		if got[n] != n+"\n" {
			t.Errorf("missing %q in %v", n, keys(got))
		}
	}
	if got["utf8名.txt"] != "utf8\n" {
		t.Errorf("UTF-8 name lost: %v", keys(got))
	}
}

func TestZipMemberCount(t *testing.T) {
	for _, n := range []int{10, 11} {
		var entries []entry
		for i := range n {
			entries = append(entries, entry{name: sprintf("f%02d.txt", i), body: "x\n"})
		}
		r := runWith(t, testEngine(sanitize.Limits{MaxMembers: 10}, sanitize.Policy{}), "in.zip", buildZip(t, entries...), "")
		if n == 10 {
			if got := r.files(t); len(got) != 10 {
				t.Errorf("10 members: output has %d", len(got))
			}
			continue
		}
		r.wantReject(t, sanitize.ReasonTooManyMembers)
	}
}

func TestZipCompressionRatio(t *testing.T) {
	zeros := strings.Repeat("\x00", 20<<20) // deflates to ~20 KB: 1000:1
	t.Run("high ratio", func(t *testing.T) {
		run(t, "bomb.zip", buildZip(t, entry{name: "zeros.txt", body: zeros}), "").wantReject(t, sanitize.ReasonCompressionBomb)
	})
	t.Run("header lies small", func(t *testing.T) {
		// The headers claim 100 bytes; the data inflates to 20 MiB.
		data := rawZip(t, rawEntry{name: "lie.txt", data: deflate(t, zeros), method: zip.Deflate, size: 100, crc: 0})
		run(t, "lie.zip", data, "").wantReject(t, sanitize.ReasonMalformed)
	})
	t.Run("header claims a plausible ratio", func(t *testing.T) {
		// 3 MiB from 20 KB passes the header check (150:1); counting
		// the bytes as they inflate catches the lie.
		data := rawZip(t, rawEntry{name: "lie.txt", data: deflate(t, zeros), method: zip.Deflate, size: 3 << 20})
		run(t, "lie.zip", data, "").wantReject(t, sanitize.ReasonMalformed)
	})
	t.Run("header declares the ratio", func(t *testing.T) {
		data := rawZip(t, rawEntry{name: "big.txt", data: deflate(t, zeros), method: zip.Deflate, size: 20 << 20})
		r := run(t, "big.zip", data, "")
		r.wantReject(t, sanitize.ReasonCompressionBomb)
		if !strings.Contains(r.rep.Detail, "declares") {
			t.Errorf("detail %q: want the header check to fire before reading", r.rep.Detail)
		}
	})
	t.Run("under the floor", func(t *testing.T) {
		small := strings.Repeat("\x00", ratioFloor-1)
		got := run(t, "ok.zip", buildZip(t, entry{name: "zeros.txt", body: small}), "")
		// Zeros are not text: the member is dropped, the archive is not
		// rejected for its ratio.
		if got.rep.Verdict == sanitize.VerdictRejected {
			t.Fatalf("rejected: %s %s", got.rep.Reason, got.rep.Detail)
		}
	})
	t.Run("many members under the floor", func(t *testing.T) {
		var entries []entry
		for i := range 3 {
			entries = append(entries, entry{name: sprintf("z%d.txt", i), body: strings.Repeat("\x00", ratioFloor-10)})
		}
		r := run(t, "bombs.zip", buildZip(t, entries...), "")
		r.wantReject(t, sanitize.ReasonCompressionBomb)
		if !strings.Contains(r.rep.Detail, "archive expands") {
			t.Errorf("detail %q", r.rep.Detail)
		}
	})
	t.Run("expanded total", func(t *testing.T) {
		body := strings.Repeat("abcdefghij\n", 100<<10) // 1.1 MB of text per member
		data := buildZip(t, entry{name: "a.txt", body: body, stored: true}, entry{name: "b.txt", body: body, stored: true})
		e := testEngine(sanitize.Limits{MaxExpandedBytes: int64(len(body)) + 10}, sanitize.Policy{})
		runWith(t, e, "big.zip", data, "").wantReject(t, sanitize.ReasonTooLarge)
	})
}

func TestZipOverlappingEntries(t *testing.T) {
	data := overlapZip(t, 3)
	run(t, "overlap.zip", data, "").wantReject(t, sanitize.ReasonCompressionBomb)
}

func TestZipUnsupportedMethod(t *testing.T) {
	data := rawZip(t,
		rawEntry{name: "ok.txt", data: []byte("fine\n"), method: zip.Store},
		rawEntry{name: "d64.txt", data: []byte("whatever"), method: 9, size: 8},
	)
	r := run(t, "d64.zip", data, "")
	got := r.files(t)
	if _, ok := got["d64.txt"]; ok || got["ok.txt"] != "fine\n" {
		t.Fatalf("output %v", keys(got))
	}
	m := r.rep.Members[1].Report
	if m.Reason != sanitize.ReasonUnsupported || !strings.Contains(m.Detail, "Deflate64") {
		t.Errorf("member report %s %q", m.Reason, m.Detail)
	}
}

func TestZipRejectedMemberPolicy(t *testing.T) {
	exe := "MZ" + strings.Repeat("\x00", 200)
	data := buildZip(t, entry{name: "a.txt", body: "fine\n"}, entry{name: "tool.exe", body: exe})
	t.Run("drop", func(t *testing.T) {
		r := run(t, "in.zip", data, "")
		got := r.files(t)
		if _, ok := got["tool.exe"]; ok {
			t.Fatal("executable kept")
		}
		if r.rep.Totals()[sanitize.RemovedMember] != 1 || r.rep.Removed[0].Location != "tool.exe" {
			t.Errorf("removals %+v", r.rep.Removed)
		}
	})
	t.Run("reject", func(t *testing.T) {
		e := testEngine(sanitize.Limits{}, sanitize.Policy{ArchiveMemberRejected: sanitize.MemberReject})
		runWith(t, e, "in.zip", data, "").wantReject(t, sanitize.ReasonUnsupported)
	})
}

func TestZipRenameClash(t *testing.T) {
	// "notes.text" is text, written with text's own extension: it becomes
	// "notes.txt", which a real member already has.
	data := buildZip(t, entry{name: "d/notes.txt", body: "one\n"}, entry{name: "d/notes.text", body: "two\n"})
	got := run(t, "in.zip", data, "").files(t)
	if got["d/notes.txt"] != "one\n" || got["d/notes (2).txt"] != "two\n" {
		t.Errorf("output %v", got)
	}
}

func TestZipNestingDepth(t *testing.T) {
	inner := buildZip(t, entry{name: "deep.txt", body: "deep\n"})
	middle := buildZip(t, entry{name: "inner.zip", body: string(inner), stored: true})
	outer := buildZip(t, entry{name: "middle.zip", body: string(middle), stored: true}, entry{name: "top.txt", body: "top\n"})
	t.Run("within depth", func(t *testing.T) {
		got := run(t, "outer.zip", outer, "").files(t)
		mid, err := readOutput([]byte(got["middle.zip"]))
		if err != nil {
			t.Fatal(err)
		}
		in, err := readOutput([]byte(mid["inner.zip"]))
		if err != nil || in["deep.txt"] != "deep\n" {
			t.Fatalf("inner %v %v", in, err)
		}
	})
	t.Run("too deep, dropped", func(t *testing.T) {
		r := runWith(t, testEngine(sanitize.Limits{MaxDepth: 1}, sanitize.Policy{}), "outer.zip", outer, "")
		got := r.files(t)
		mid, err := readOutput([]byte(got["middle.zip"]))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := mid["inner.zip"]; ok || got["top.txt"] != "top\n" {
			t.Fatalf("outer %v middle %v", keys(got), keys(mid))
		}
		deep := r.rep.Members[0].Report.Members[0].Report
		if deep.Reason != sanitize.ReasonTooDeep {
			t.Errorf("inner member reason %q", deep.Reason)
		}
	})
	t.Run("too deep, rejected", func(t *testing.T) {
		e := testEngine(sanitize.Limits{MaxDepth: 1}, sanitize.Policy{ArchiveMemberRejected: sanitize.MemberReject})
		runWith(t, e, "outer.zip", outer, "").wantReject(t, sanitize.ReasonTooDeep)
	})
}

func TestZipMalformed(t *testing.T) {
	good := buildZip(t, entry{name: "a.txt", body: strings.Repeat("text ", 100)})
	cases := map[string][]byte{
		"truncated":       good[:len(good)-30],
		"not a zip":       []byte("PK\x03\x04 but nothing else"),
		"corrupt deflate": corruptData(good),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			run(t, "bad.zip", data, "").wantReject(t, sanitize.ReasonMalformed)
		})
	}
}

// corruptData flips bytes inside the first member's compressed data, so
// the CRC-32 or the deflate stream fails.
func corruptData(data []byte) []byte {
	out := bytes.Clone(data)
	start := 30 + int(le16(out[26:])) + int(le16(out[28:]))
	for i := start; i < start+8; i++ {
		out[i] ^= 0x55
	}
	return out
}

// TestOutputOpensInUnzip checks the output with an independent reader:
// Info-ZIP's unzip must test it clean and list the UTF-8 names.
func TestOutputOpensInUnzip(t *testing.T) {
	unzip := testtool.Require(t, "unzip", "unzip")
	name, err := japanese.ShiftJIS.NewEncoder().String("資料/日本語のファイル.txt")
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, "in.zip", buildZip(t, entry{name: name, body: "本文\n", rawName: true}, entry{name: "b.txt", body: "b\n"}), "")
	path := filepath.Join(t.TempDir(), "out.zip")
	if err := os.WriteFile(path, r.out, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(unzip, "-tq", path).CombinedOutput(); err != nil {
		t.Fatalf("unzip -t: %v\n%s", err, out)
	}
	out, err := exec.Command(unzip, "-Z1", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "資料/日本語のファイル.txt") {
		t.Errorf("unzip lists %q", out)
	}
}

func TestZipUnicodePathExtra(t *testing.T) {
	// A CP437-era name with the UTF-8 name in extra field 0x7075, as
	// Info-ZIP writes it; a stale field (CRC of another name) is ignored.
	field := func(utf8Name, headerName string) []byte {
		b := []byte{0x75, 0x70, 0, 0, 1}
		b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE([]byte(headerName)))
		b = append(b, utf8Name...)
		binary.LittleEndian.PutUint16(b[2:], uint16(len(b)-4))
		return b
	}
	data := rawZip(t,
		rawEntry{name: "r_sum_.txt", data: []byte("one\n"), extra: field("résumé.txt", "r_sum_.txt")},
		rawEntry{name: "stale.txt", data: []byte("two\n"), extra: field("other.txt", "renamed.txt")},
	)
	got := run(t, "u.zip", data, "").files(t)
	if got["résumé.txt"] != "one\n" || got["stale.txt"] != "two\n" {
		t.Errorf("output %v", keys(got))
	}
}
