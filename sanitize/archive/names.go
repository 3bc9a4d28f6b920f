package archive

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"

	"github.com/kakehashi/kakehashi/sanitize"
)

// maxNameBytes bounds one member name; longer names exceed what Windows
// (MAX_PATH) and most unzip tools accept and only serve to hide a suffix.
const maxNameBytes = 1024

// decodeName returns a member name as UTF-8. utf8Flag is the archive's own
// claim (ZIP general purpose bit 11). Without it, a name that is not valid
// UTF-8 is CP932, the encoding of Japanese Windows' built-in ZIP and of
// most Japanese archivers; valid UTF-8 is kept (see the package doc).
func decodeName(raw string, utf8Flag bool) string {
	if utf8Flag || utf8.ValidString(raw) {
		return strings.ToValidUTF8(raw, "\uFFFD")
	}
	s, err := japanese.ShiftJIS.NewDecoder().String(raw)
	if err != nil {
		return strings.ToValidUTF8(raw, "\uFFFD")
	}
	return s
}

// windowsDevices are names Windows opens as devices in any folder and with
// any extension ("NUL.txt"): extracting such a member writes to a device.
var windowsDevices = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true, "conin$": true, "conout$": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true, "com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true, "lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// cleanName checks a decoded member name and returns it in the one form the
// output uses: '/'-separated, relative, without "." or empty segments and
// without a trailing slash. Backslashes count as separators, because
// Windows extractors treat them so ("..\..\x" climbs out on Windows).
func cleanName(name string) (string, error) {
	bad := func(why string) error {
		return sanitize.Reject(sanitize.ReasonUnsafePath, "member %q: %s", clip(name), why)
	}
	switch {
	case name == "":
		return "", bad("empty name")
	case len(name) > maxNameBytes:
		return "", bad("name too long")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7F {
			return "", bad("NUL or control character")
		}
	}
	slashed := strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(slashed, "/") {
		return "", bad("absolute path")
	}
	var segs []string
	for _, s := range strings.Split(slashed, "/") {
		switch {
		case s == "" || s == ".":
			continue
		case s == "..":
			return "", bad("parent directory (..) segment")
		case strings.TrimRight(s, ". ") == "":
			// Windows drops trailing dots and spaces: ".. " climbs up
			// and "..." names the folder itself.
			return "", bad("segment of only dots and spaces")
		case strings.Contains(s, ":"):
			// "C:x" is drive-relative and "a.txt:x" an NTFS alternate
			// data stream: both write somewhere the name does not say.
			return "", bad("drive letter or stream name (:)")
		}
		stem, _, _ := strings.Cut(strings.TrimRight(s, ". "), ".")
		if windowsDevices[strings.ToLower(strings.TrimRight(stem, " "))] {
			return "", bad("Windows device name")
		}
		segs = append(segs, windowsSafe(s))
	}
	if len(segs) == 0 {
		return "", bad("empty name")
	}
	return strings.Join(segs, "/"), nil
}

// windowsSafe replaces the characters Windows cannot store in a file name,
// so the clerk's extractor does not invent its own replacement.
func windowsSafe(seg string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>"|?*`, r) {
			return '_'
		}
		return r
	}, seg)
}

// nameKey is the identity of a cleaned name on the file systems clerks use:
// Windows and macOS compare case-insensitively, macOS normalises Unicode,
// and Windows drops trailing dots and spaces.
func nameKey(clean string) string {
	segs := strings.Split(norm.NFC.String(clean), "/")
	for i, s := range segs {
		segs[i] = strings.ToLower(strings.TrimRight(s, ". "))
	}
	return strings.Join(segs, "/")
}

// nameSet finds members that would land on the same path, including a file
// that another member uses as a folder ("a" and "a/b").
type nameSet struct {
	files, dirs, explicitDirs map[string]bool
}

func newNameSet() *nameSet {
	return &nameSet{files: map[string]bool{}, dirs: map[string]bool{}, explicitDirs: map[string]bool{}}
}

// claim records clean as a file or folder, or rejects it as a duplicate.
func (s *nameSet) claim(clean string, dir bool) error {
	key := nameKey(clean)
	dup := func() error {
		return sanitize.Reject(sanitize.ReasonDuplicateName, "member %q appears twice (or as file and folder)", clip(clean))
	}
	if s.files[key] || (dir && s.explicitDirs[key]) || (!dir && s.dirs[key]) {
		return dup()
	}
	for p := path.Dir(key); p != "." && p != "/"; p = path.Dir(p) {
		if s.files[p] {
			return dup()
		}
		s.dirs[p] = true
	}
	if dir {
		s.dirs[key], s.explicitDirs[key] = true, true
	} else {
		s.files[key] = true
	}
	return nil
}

// outputNames hands out the names members get in the output ZIP. Input names
// are unique, but renaming can collide ("memo.docm" becomes "memo.docx"
// next to a real "memo.docx"): the later one gets " (2)" and so on.
type outputNames struct {
	taken map[string]bool // files and folders
	files map[string]bool
}

// maxRenames bounds the search for a free name; only a hostile archive
// needs more.
const maxRenames = 1000

func (o *outputNames) file(want string) (string, error) {
	o.init()
	for p := path.Dir(nameKey(want)); p != "." && p != "/"; p = path.Dir(p) {
		if o.files[p] {
			// A renamed member took a name that a later folder needs.
			return "", sanitize.Reject(sanitize.ReasonDuplicateName, "output folder %q is also a file", clip(p))
		}
	}
	dir, base := path.Split(want)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 1; i <= maxRenames; i++ {
		name := want
		if i > 1 {
			name = fmt.Sprintf("%s%s (%d)%s", dir, stem, i, ext)
		}
		if !o.taken[nameKey(name)] {
			o.takeWithParents(name)
			o.files[nameKey(name)] = true
			return name, nil
		}
	}
	return "", sanitize.Reject(sanitize.ReasonDuplicateName, "no free output name for %q", clip(want))
}

// dir records a folder; it reports whether the folder is new, and rejects
// a folder whose name a renamed file already took.
func (o *outputNames) dir(name string) (bool, error) {
	o.init()
	if o.files[nameKey(name)] {
		return false, sanitize.Reject(sanitize.ReasonDuplicateName, "output folder %q is also a file", clip(name))
	}
	if o.taken[nameKey(name)] {
		return false, nil
	}
	o.takeWithParents(name)
	return true, nil
}

func (o *outputNames) init() {
	if o.taken == nil {
		o.taken, o.files = map[string]bool{}, map[string]bool{}
	}
}

func (o *outputNames) takeWithParents(name string) {
	key := nameKey(name)
	for p := key; p != "." && p != "/"; p = path.Dir(p) {
		o.taken[p] = true
	}
}

// clip keeps hostile names short in details.
func clip(s string) string {
	if len(s) > 80 {
		return strings.ToValidUTF8(s[:80], "") + "…"
	}
	return s
}
