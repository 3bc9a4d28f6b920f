//go:build !kakehashi_7z

package archive

import "github.com/kakehashi/kakehashi/sanitize"

// sanitizeSevenZip refuses 7z in the default build: the only Go 7z reader,
// github.com/bodgit/sevenzip, links net/http, which sanitize/... may not
// depend on (imports_test.go). The reader is in sevenzip.go behind the
// kakehashi_7z build tag.
func sanitizeSevenZip(_ *packer, _ sanitize.Input) error {
	return sanitize.Reject(sanitize.ReasonUnsupported, "7z archives are not supported by this build; re-pack as ZIP")
}
