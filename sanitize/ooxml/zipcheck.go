package ooxml

import (
	"archive/zip"
	"errors"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// ratioFloor is the uncompressed size below which the per-member ratio is
// not checked: deflate cannot expand more than ~1032:1, so a member under
// 1 MiB cannot be a bomb, and small XML parts legitimately compress well.
const ratioFloor = 1 << 20

// member is one zip entry that passed the checks.
type member struct {
	f    *zip.File
	name string // the part name without the leading "/"
}

// openZip opens the package and checks every member before anything is
// decompressed: names (ECMA-376 Part 2 §6.2.2: no empty, "." or ".."
// segments, no backslashes), duplicates (part names compare
// case-insensitively, Part 2 §6.2.2.3), member count, expanded size, ratio,
// encryption and compression method. The returned members keep zip order.
func openZip(in sanitize.Input, env *sanitize.Env, budget *sanitize.Budget) ([]member, error) {
	zr, err := zip.NewReader(in.R, in.Size)
	if errors.Is(err, zip.ErrInsecurePath) {
		return nil, sanitize.Reject(sanitize.ReasonUnsafePath, "zip member with an insecure path")
	}
	if err != nil {
		return nil, sanitize.Reject(sanitize.ReasonMalformed, "opening zip: %v", err)
	}
	seen := make(map[string]bool)
	var out []member
	for _, f := range zr.File {
		if err := budget.Member(); err != nil {
			return nil, err
		}
		if err := checkName(f.Name); err != nil {
			return nil, err
		}
		key := strings.ToLower(strings.TrimSuffix(f.Name, "/"))
		if seen[key] {
			return nil, sanitize.Reject(sanitize.ReasonDuplicateName, "zip member %q appears twice", clip(f.Name))
		}
		seen[key] = true
		if strings.HasSuffix(f.Name, "/") {
			continue // folder entries are not parts
		}
		if err := checkEntry(f, env.Limits, budget); err != nil {
			return nil, err
		}
		out = append(out, member{f: f, name: f.Name})
	}
	return out, nil
}

// checkName rejects names that could escape a folder or alias another part.
func checkName(name string) error {
	bad := func(why string) error {
		return sanitize.Reject(sanitize.ReasonUnsafePath, "zip member %q: %s", clip(name), why)
	}
	switch {
	case name == "":
		return bad("empty name")
	case strings.ContainsRune(name, '\\'):
		return bad("backslash")
	case strings.HasPrefix(name, "/"):
		return bad("absolute path")
	case len(name) > 1024:
		return bad("name too long")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7F {
			return bad("control character")
		}
	}
	segs := strings.Split(strings.TrimSuffix(name, "/"), "/")
	for i, s := range segs {
		switch {
		case s == "", s == ".", s == "..":
			return bad("empty, . or .. segment")
		case i == 0 && strings.Contains(s, ":"):
			return bad("drive letter or scheme")
		}
	}
	return nil
}

// checkEntry bounds one member from its headers.
func checkEntry(f *zip.File, lim sanitize.Limits, budget *sanitize.Budget) error {
	if f.Flags&0x1 != 0 {
		return sanitize.Reject(sanitize.ReasonMalformed, "zip member %q is encrypted", clip(f.Name))
	}
	if f.Method != zip.Store && f.Method != zip.Deflate {
		return sanitize.Reject(sanitize.ReasonMalformed, "zip member %q uses compression method %d", clip(f.Name), f.Method)
	}
	if f.Method == zip.Store && f.CompressedSize64 != f.UncompressedSize64 {
		return sanitize.Reject(sanitize.ReasonMalformed, "stored zip member %q has inconsistent sizes", clip(f.Name))
	}
	u, c := f.UncompressedSize64, f.CompressedSize64
	if u >= ratioFloor && u/max(c, 1) > uint64(lim.MaxRatio) {
		return sanitize.Reject(sanitize.ReasonCompressionBomb, "zip member %q expands %d:1", clip(f.Name), u/max(c, 1))
	}
	if u > uint64(lim.MaxExpandedBytes) {
		return sanitize.Reject(sanitize.ReasonTooLarge, "zip member %q is %d bytes uncompressed", clip(f.Name), u)
	}
	// Every member is charged at its declared size; archive/zip fails a
	// read that goes past it, so the declaration is an upper bound.
	return budget.Expand(int64(u))
}

// clip keeps hostile names short in details.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
