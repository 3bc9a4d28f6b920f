package odf

import (
	"archive/zip"
	"path"
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// partAction is what happens to one package member.
type partAction int

const (
	dropPart partAction = iota
	filterXML
	copyRaw
	skip // mimetype and manifest: written separately
)

// classify decides a member by its path, reporting what a drop means.
func classify(name string) (partAction, sanitize.RemovalKind) {
	lower := strings.ToLower(name)
	top, _, nested := strings.Cut(name, "/")
	switch {
	case name == "mimetype", name == "META-INF/manifest.xml":
		return skip, ""
	case name == "content.xml", name == "styles.xml", name == "meta.xml", name == "settings.xml":
		return filterXML, ""
	case top == "Basic" || top == "Scripts" || top == "Dialogs":
		return dropPart, sanitize.RemovedBasicMacro
	case strings.HasPrefix(name, "Object ") && !strings.HasPrefix(name, "ObjectReplacements/"):
		return dropPart, sanitize.RemovedOLEObject
	case (top == "Pictures" || top == "Thumbnails" || top == "ObjectReplacements") && nested && isPicture(lower):
		return copyRaw, ""
	case top == "Configurations2":
		return dropPart, sanitize.RemovedCustomUI
	case strings.HasPrefix(name, "META-INF/") && strings.Contains(lower, "signatures"):
		return dropPart, ""
	case strings.HasSuffix(name, "/"):
		return dropPart, "" // directory entries are implied
	}
	return dropPart, sanitize.RemovedUnknownPart
}

// pictureExts are the image types ODF documents store; the bytes are
// checked against the type's magic number where it has one.
var pictureExts = map[string]string{
	".png": "\x89PNG", ".jpg": "\xFF\xD8\xFF", ".jpeg": "\xFF\xD8\xFF", ".gif": "GIF8",
	".svm": "VCLMTF", ".wmf": "", ".emf": "", ".bmp": "BM", ".tif": "", ".tiff": "",
}

func isPicture(lower string) bool {
	_, ok := pictureExts[path.Ext(lower)]
	return ok || !strings.Contains(path.Base(lower), ".") && strings.HasPrefix(lower, "objectreplacements/")
}

// safeName rejects traversal, absolute and Windows-style names.
func safeName(name string) bool {
	if name == "" || strings.ContainsAny(name, "\\:\x00") || strings.HasPrefix(name, "/") {
		return false
	}
	for _, seg := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// checkMembers applies the package-level rules before anything is read.
func checkMembers(files []*zip.File, env *sanitize.Env) error {
	seen := map[string]bool{}
	for _, f := range files {
		if !safeName(f.Name) {
			return sanitize.Reject(sanitize.ReasonUnsafePath, "part name %q", f.Name)
		}
		key := strings.ToLower(strings.TrimSuffix(f.Name, "/"))
		if seen[key] {
			return sanitize.Reject(sanitize.ReasonDuplicateName, "part %q appears twice", f.Name)
		}
		seen[key] = true
		if err := env.Budget.Member(); err != nil {
			return err
		}
		if f.Flags&1 != 0 {
			return sanitize.Reject(sanitize.ReasonEncrypted, "part %q is encrypted in the zip", f.Name)
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return sanitize.Reject(sanitize.ReasonMalformed, "part %q uses compression method %d", f.Name, f.Method)
		}
		// Ratio of small parts is harmless: deflate cannot make them big.
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64 > uint64(env.Limits.MaxRatio)*max(f.CompressedSize64, 1) {
			return sanitize.Reject(sanitize.ReasonCompressionBomb, "part %q expands %d times", f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
	}
	return nil
}
