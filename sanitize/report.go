package sanitize

import (
	"fmt"
	"sort"
	"strings"
)

// Verdict is the outcome for one file.
type Verdict string

const (
	// VerdictClean: rebuilt, and nothing needed removing.
	VerdictClean Verdict = "clean"
	// VerdictSanitized: rebuilt with active content removed (see Removed).
	VerdictSanitized Verdict = "sanitized"
	// VerdictRejected: no output; Reason says why.
	VerdictRejected Verdict = "rejected"
)

// Removal is one kind of content removed at one place.
type Removal struct {
	Kind RemovalKind `json:"kind"`
	// Location is where, in the format's own terms: a part name
	// ("word/vbaProject.bin"), a PDF object ("page 3 annotation 2"), an archive
	// member path ("a.zip/b.docx: word/document.xml").
	Location string `json:"location"`
	Count    int    `json:"count"`
}

// Report records what the engine did with one file. It is stored with the
// transfer and shown to the clerk, so it holds no secrets and no file content.
type Report struct {
	Verdict Verdict `json:"verdict"`
	Reason  Reason  `json:"reason,omitempty"`
	Detail  string  `json:"detail,omitempty"`

	Name        string `json:"name,omitempty"` // as the sender named it
	Type        Type   `json:"type"`
	OutputType  Type   `json:"output_type,omitempty"`
	OutputName  string `json:"output_name,omitempty"`
	DeclaredExt string `json:"declared_ext,omitempty"`
	// ExtMismatch is set when the declared extension is not one of Type's.
	ExtMismatch bool `json:"extension_mismatch,omitempty"`

	Removed []Removal `json:"removed"`
	// Members holds one report per archive member, in archive order.
	Members []MemberReport `json:"members,omitempty"`

	InputSHA256  string `json:"input_sha256"`
	InputSize    int64  `json:"input_size"`
	OutputSHA256 string `json:"output_sha256,omitempty"`
	OutputSize   int64  `json:"output_size,omitempty"`

	// Isolation says how the parser was confined. It is filled by the
	// sandbox; a run without isolation says so rather than staying silent.
	Isolation *Isolation `json:"isolation,omitempty"`
	Warnings  []string   `json:"warnings,omitempty"`
	// Engine is the converter that made the output when not the native
	// rebuild ("ghostscript", "libreoffice").
	Engine string `json:"engine,omitempty"`
}

// MemberReport is the report of one member of an archive.
type MemberReport struct {
	Path   string  `json:"path"`
	Report *Report `json:"report"`
}

// Isolation describes the confinement a sanitizing child ran under.
type Isolation struct {
	Sandboxed   bool     `json:"sandboxed"`
	NetworkNS   bool     `json:"network_namespace"`
	Landlock    string   `json:"landlock"` // "abi 7", or why not
	Seccomp     bool     `json:"seccomp"`
	Rlimits     bool     `json:"rlimits"`
	Unavailable []string `json:"unavailable,omitempty"` // what could not be applied, with why
}

// Remove records that count items of kind were removed at location. Repeated
// calls for the same kind and location add up.
func (r *Report) Remove(kind RemovalKind, location string, count int) {
	if count <= 0 {
		return
	}
	for i := range r.Removed {
		if r.Removed[i].Kind == kind && r.Removed[i].Location == location {
			r.Removed[i].Count += count
			return
		}
	}
	r.Removed = append(r.Removed, Removal{Kind: kind, Location: location, Count: count})
}

// Warn adds a warning for the operator (not a removal).
func (r *Report) Warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// RemovedAnything reports whether r or any member removed something.
func (r *Report) RemovedAnything() bool {
	if len(r.Removed) > 0 {
		return true
	}
	for _, m := range r.Members {
		if m.Report != nil && (m.Report.RemovedAnything() || m.Report.Verdict == VerdictRejected) {
			return true
		}
	}
	return false
}

// Totals sums removals by kind over r and all members.
func (r *Report) Totals() map[RemovalKind]int {
	t := map[RemovalKind]int{}
	var walk func(*Report)
	walk = func(r *Report) {
		for _, rm := range r.Removed {
			t[rm.Kind] += rm.Count
		}
		for _, m := range r.Members {
			if m.Report != nil {
				walk(m.Report)
			}
		}
	}
	walk(r)
	return t
}

// Summary returns a few lines a clerk can read, in lang ("ja" or "en").
func (r *Report) Summary(lang string) string {
	ja := lang != "en"
	var b strings.Builder
	name := r.Name
	if name == "" {
		name = "-"
	}
	switch r.Verdict {
	case VerdictRejected:
		if ja {
			fmt.Fprintf(&b, "%s: 拒否しました — %s\n", name, r.Reason.Label(lang))
		} else {
			fmt.Fprintf(&b, "%s: rejected — %s\n", name, r.Reason.Label(lang))
		}
	case VerdictClean:
		if ja {
			fmt.Fprintf(&b, "%s: 無害化しました（%s）。危険な要素は見つかりませんでした。\n", name, r.Type.Label(lang))
		} else {
			fmt.Fprintf(&b, "%s: sanitized (%s); no active content was found.\n", name, r.Type.Label(lang))
		}
	default:
		if ja {
			fmt.Fprintf(&b, "%s: 無害化しました（%s）。次を取り除きました:\n", name, r.Type.Label(lang))
		} else {
			fmt.Fprintf(&b, "%s: sanitized (%s). Removed:\n", name, r.Type.Label(lang))
		}
		totals := r.Totals()
		kinds := make([]RemovalKind, 0, len(totals))
		for k := range totals {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
		for _, k := range kinds {
			if ja {
				fmt.Fprintf(&b, "  - %s: %d件\n", k.Label(lang), totals[k])
			} else {
				fmt.Fprintf(&b, "  - %s: %d\n", k.Label(lang), totals[k])
			}
		}
	}
	if r.ExtMismatch && r.Verdict != VerdictRejected {
		if ja {
			fmt.Fprintf(&b, "  ※ 拡張子（.%s）が中身と違うため、%s として保存します。\n", r.DeclaredExt, r.OutputName)
		} else {
			fmt.Fprintf(&b, "  note: the extension (.%s) did not match the content; saved as %s.\n", r.DeclaredExt, r.OutputName)
		}
	}
	if r.Isolation != nil && len(r.Isolation.Unavailable) > 0 {
		if ja {
			fmt.Fprintf(&b, "  ※ 隔離機能の一部が使えませんでした: %s\n", strings.Join(r.Isolation.Unavailable, "; "))
		} else {
			fmt.Fprintf(&b, "  note: some isolation was unavailable: %s\n", strings.Join(r.Isolation.Unavailable, "; "))
		}
	}
	return b.String()
}
