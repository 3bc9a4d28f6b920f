package sanitize

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Policy says, per format, what is removed, what is rejected, and which types
// are allowed at all. Its TOML form is the [sanitize.policy] table of the
// gateway configuration and the file given to `kakehashi sanitize --policy`.
// Active content that the format always removes (macros, JavaScript, OLE
// objects, DDE, …) has no switch: there is no setting that lets it through.
type Policy struct {
	// Allow lists the types accepted at all, by the codes in the file types
	// table of docs/sanitize-reference.md. Types
	// of the "rejected" family (executables, scripts, disk images, unknown)
	// can never be allowed. Empty means DefaultPolicy's list.
	Allow []Type `toml:"allow" json:"allow"`
	// ExtensionMismatch decides what happens when the file name's extension
	// does not match the content: "fix" (default) sanitizes and renames the
	// output to the right extension, reporting the mismatch; "reject" refuses
	// the file.
	ExtensionMismatch string `toml:"extension_mismatch" json:"extension_mismatch"`
	// RemoveHyperlinks removes ordinary hyperlinks from OOXML, ODF and RTF
	// (and URI link actions from PDF). Off by default: links to web pages are
	// what clerks expect to keep.
	RemoveHyperlinks bool `toml:"remove_hyperlinks" json:"remove_hyperlinks"`
	// RemoveMetadata removes document properties (author, company, last
	// editor, comments in properties) from Office and ODF files and all
	// metadata from images. Image metadata is always removed.
	RemoveMetadata bool `toml:"remove_metadata" json:"remove_metadata"`
	// CSVFormulas decides what happens to CSV/TSV cells that a spreadsheet
	// would run as a formula (starting with = + - @, tab or CR): "neutralize"
	// (default) prefixes them with an apostrophe; "keep" leaves them.
	CSVFormulas string `toml:"csv_formulas" json:"csv_formulas"`
	// HTML decides HTML files: "sanitize" (default) keeps the allow-listed
	// markup without scripts and outside references; "text" converts to plain
	// text; "reject" refuses them.
	HTML string `toml:"html" json:"html"`
	// SVG decides SVG images: "sanitize" (default) or "reject".
	SVG string `toml:"svg" json:"svg"`
	// ArchiveMemberRejected decides what a rejected archive member does to
	// its archive: "drop" (default) leaves it out and reports it; "reject"
	// rejects the whole archive.
	ArchiveMemberRejected string `toml:"archive_member_rejected" json:"archive_member_rejected"`
}

// Policy option values.
const (
	MismatchFix        = "fix"
	MismatchReject     = "reject"
	FormulasNeutralize = "neutralize"
	FormulasKeep       = "keep"
	ModeSanitize       = "sanitize"
	ModeText           = "text"
	ModeReject         = "reject"
	MemberDrop         = "drop"
	MemberReject       = "reject"
)

// DefaultPolicy allows every type Kakehashi can rebuild.
func DefaultPolicy() Policy {
	var allow []Type
	for t, info := range typeTable {
		if info.Family != FamilyRejected {
			allow = append(allow, t)
		}
	}
	sort.Slice(allow, func(i, j int) bool { return allow[i] < allow[j] })
	return Policy{
		Allow:                 allow,
		ExtensionMismatch:     MismatchFix,
		CSVFormulas:           FormulasNeutralize,
		HTML:                  ModeSanitize,
		SVG:                   ModeSanitize,
		ArchiveMemberRejected: MemberDrop,
	}
}

// WithDefaults fills empty fields from DefaultPolicy.
func (p Policy) WithDefaults() Policy {
	d := DefaultPolicy()
	if len(p.Allow) == 0 {
		p.Allow = d.Allow
	}
	if p.ExtensionMismatch == "" {
		p.ExtensionMismatch = d.ExtensionMismatch
	}
	if p.CSVFormulas == "" {
		p.CSVFormulas = d.CSVFormulas
	}
	if p.HTML == "" {
		p.HTML = d.HTML
	}
	if p.SVG == "" {
		p.SVG = d.SVG
	}
	if p.ArchiveMemberRejected == "" {
		p.ArchiveMemberRejected = d.ArchiveMemberRejected
	}
	return p
}

// Validate reports the first setting that is not valid, so a typo in the
// policy file stops the gateway instead of silently weakening it.
func (p Policy) Validate() error {
	for _, t := range p.Allow {
		if !t.Known() {
			return fmt.Errorf("policy: allow: unknown type %q", t)
		}
		if t.Family() == FamilyRejected {
			return fmt.Errorf("policy: allow: %q can never be allowed (it cannot be sanitized)", t)
		}
	}
	oneOf := func(key, v string, ok ...string) error {
		for _, o := range ok {
			if v == o {
				return nil
			}
		}
		return fmt.Errorf("policy: %s: %q is not one of %v", key, v, ok)
	}
	if err := oneOf("extension_mismatch", p.ExtensionMismatch, MismatchFix, MismatchReject); err != nil {
		return err
	}
	if err := oneOf("csv_formulas", p.CSVFormulas, FormulasNeutralize, FormulasKeep); err != nil {
		return err
	}
	if err := oneOf("html", p.HTML, ModeSanitize, ModeText, ModeReject); err != nil {
		return err
	}
	if err := oneOf("svg", p.SVG, ModeSanitize, ModeReject); err != nil {
		return err
	}
	return oneOf("archive_member_rejected", p.ArchiveMemberRejected, MemberDrop, MemberReject)
}

// Allows reports whether the policy accepts type t.
func (p Policy) Allows(t Type) bool {
	if t.Family() == FamilyRejected {
		return false
	}
	for _, a := range p.Allow {
		if a == t {
			return true
		}
	}
	return false
}

// ParsePolicy reads a policy in TOML. Unknown keys are errors. The result has
// defaults filled in and is validated.
func ParsePolicy(r io.Reader) (Policy, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return Policy{}, fmt.Errorf("reading policy: %w", err)
	}
	var p Policy
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		var strict *toml.StrictMissingError
		if errors.As(err, &strict) {
			var keys []string
			for _, e := range strict.Errors {
				keys = append(keys, strings.Join(e.Key(), "."))
			}
			return Policy{}, fmt.Errorf("parsing policy: unknown keys: %s", strings.Join(keys, ", "))
		}
		return Policy{}, fmt.Errorf("parsing policy: %w", err)
	}
	p = p.WithDefaults()
	return p, p.Validate()
}

// LoadPolicy reads a policy file; see ParsePolicy.
func LoadPolicy(path string) (Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return Policy{}, err
	}
	defer f.Close()
	return ParsePolicy(f)
}
