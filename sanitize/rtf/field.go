package rtf

import (
	"strings"

	"github.com/kakehashi/kakehashi/sanitize"
)

// maxInstruction bounds a field instruction; real ones are a line long.
const maxInstruction = 32 << 10

// harmlessFields are field types that only compute from the document itself
// (ECMA-376 Part 1 §17.16.5 lists the field types Word shares with RTF).
var harmlessFields = map[string]bool{
	"PAGE": true, "NUMPAGES": true, "SECTIONPAGES": true, "SECTION": true,
	"DATE": true, "TIME": true, "CREATEDATE": true, "SAVEDATE": true, "PRINTDATE": true,
	"EDITTIME": true, "TOC": true, "TC": true, "REF": true, "PAGEREF": true,
	"NOTEREF": true, "SEQ": true, "XE": true, "INDEX": true, "SYMBOL": true,
	"EQ": true, "STYLEREF": true, "NUMWORDS": true, "NUMCHARS": true, "TITLE": true,
	"SUBJECT": true, "AUTHOR": true, "LISTNUM": true, "AUTONUM": true,
	"AUTONUMLGL": true, "AUTONUMOUT": true, "FORMTEXT": true, "FORMCHECKBOX": true,
	"FORMDROPDOWN": true, "ADVANCE": true, "BIDIOUTLINE": true,
}

// outsideFields fetch or run something outside the document.
var outsideFields = map[string]sanitize.RemovalKind{
	"DDE":            sanitize.RemovedDDE,
	"DDEAUTO":        sanitize.RemovedDDE,
	"INCLUDETEXT":    sanitize.RemovedFieldInclude,
	"INCLUDEPICTURE": sanitize.RemovedFieldInclude,
	"INCLUDE":        sanitize.RemovedFieldInclude,
	"IMPORT":         sanitize.RemovedFieldInclude,
	"LINK":           sanitize.RemovedFieldInclude,
	"DATABASE":       sanitize.RemovedExternalData,
}

// fieldVerdict is the judgement on one field instruction.
type fieldVerdict struct {
	keep bool
	kind sanitize.RemovalKind // why it was removed; "" for an unlisted field
	typ  string               // the field type, for warnings
}

// judgeField decides on an instruction's text. Every word is checked for
// the outside-fetching types, not just the first, because fields nest
// (QUOTE { DDEAUTO … }) and a nested instruction is flattened into the text.
func judgeField(inst string, nested bool, removeLinks bool) fieldVerdict {
	words := strings.Fields(strings.ToUpper(inst))
	if len(words) == 0 {
		return fieldVerdict{typ: "(empty)"}
	}
	typ := strings.TrimLeft(words[0], "\\")
	for _, w := range words {
		if k, ok := outsideFields[strings.Trim(w, `"\`)]; ok {
			return fieldVerdict{kind: k, typ: typ}
		}
	}
	if nested {
		return fieldVerdict{typ: typ}
	}
	if typ == "HYPERLINK" {
		return judgeHyperlink(inst, removeLinks)
	}
	return fieldVerdict{keep: harmlessFields[typ], typ: typ}
}

// judgeHyperlink keeps links to web pages, mail addresses and bookmarks (\l)
// only: file:, UNC (\\server\share) and other schemes reach outside files
// and leak NTLM credentials when followed.
func judgeHyperlink(inst string, removeLinks bool) fieldVerdict {
	if removeLinks {
		return fieldVerdict{kind: sanitize.RemovedHyperlink, typ: "HYPERLINK"}
	}
	args := strings.Fields(inst)[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == `\l` || a == `\\l` {
			return fieldVerdict{keep: true, typ: "HYPERLINK"}
		}
		if strings.HasPrefix(a, `\`) {
			i++ // a switch with an argument (\o "tip", \t frame)
			continue
		}
		target := strings.ToLower(strings.Trim(a, `"`))
		for _, s := range []string{"http://", "https://", "mailto:"} {
			if strings.HasPrefix(target, s) {
				return fieldVerdict{keep: true, typ: "HYPERLINK"}
			}
		}
		break
	}
	return fieldVerdict{kind: sanitize.RemovedExternalRel, typ: "HYPERLINK"}
}
