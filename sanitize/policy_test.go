package sanitize

import (
	"strings"
	"testing"
)

func TestParsePolicy(t *testing.T) {
	cases := []struct {
		name    string
		toml    string
		wantErr string
		check   func(t *testing.T, p Policy)
	}{
		{name: "empty gives defaults", toml: "", check: func(t *testing.T, p Policy) {
			if !p.Allows(TypeDOCX) || !p.Allows(TypePDF) || p.Allows(TypeEXE) {
				t.Errorf("default allow list wrong: %v", p.Allow)
			}
			if p.ExtensionMismatch != MismatchFix || p.CSVFormulas != FormulasNeutralize || p.HTML != ModeSanitize {
				t.Errorf("defaults not filled: %+v", p)
			}
		}},
		{name: "narrow allow list", toml: `allow = ["pdf", "docx"]`, check: func(t *testing.T, p Policy) {
			if !p.Allows(TypePDF) || p.Allows(TypeXLSX) {
				t.Errorf("allow list not applied: %v", p.Allow)
			}
		}},
		{name: "switches", toml: "remove_hyperlinks = true\nremove_metadata = true\nhtml = \"text\"\nextension_mismatch = \"reject\"", check: func(t *testing.T, p Policy) {
			if !p.RemoveHyperlinks || !p.RemoveMetadata || p.HTML != ModeText || p.ExtensionMismatch != MismatchReject {
				t.Errorf("switches not read: %+v", p)
			}
		}},
		{name: "executables can never be allowed", toml: `allow = ["exe"]`, wantErr: "can never be allowed"},
		{name: "unknown type", toml: `allow = ["docz"]`, wantErr: "unknown type"},
		{name: "unknown key is an error", toml: `remove_macros = false`, wantErr: "remove_macros"},
		{name: "bad enum", toml: `csv_formulas = "maybe"`, wantErr: "csv_formulas"},
		{name: "bad svg mode", toml: `svg = "text"`, wantErr: "svg"},
		{name: "not toml", toml: `allow = [`, wantErr: "parsing policy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePolicy(strings.NewReader(c.toml))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, p)
		})
	}
}

func TestPolicyNeverAllowsRejectedFamily(t *testing.T) {
	p := Policy{Allow: AllTypes()}.WithDefaults()
	for _, typ := range AllTypes() {
		if typ.Family() == FamilyRejected && p.Allows(typ) {
			t.Errorf("%s allowed although it cannot be sanitized", typ)
		}
	}
}

func TestLimitsWithDefaults(t *testing.T) {
	l := Limits{MaxDepth: 2}.WithDefaults()
	if l.MaxDepth != 2 {
		t.Errorf("explicit MaxDepth overwritten: %d", l.MaxDepth)
	}
	if l.MaxMembers != DefaultLimits().MaxMembers || l.WallTime != DefaultLimits().WallTime {
		t.Errorf("zero fields not defaulted: %+v", l)
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(Limits{MaxExpandedBytes: 100, MaxMembers: 2}.WithDefaults())
	if err := b.Expand(100); err != nil {
		t.Fatalf("exactly the limit must pass: %v", err)
	}
	err := b.Expand(1)
	if r, ok := AsRejection(err); !ok || r.Reason != ReasonTooLarge {
		t.Fatalf("one byte over: err = %v, want too_large", err)
	}
	for i := 1; i <= 2; i++ {
		if err := b.Member(); err != nil {
			t.Fatalf("member %d of 2 must pass: %v", i, err)
		}
	}
	if r, ok := AsRejection(b.Member()); !ok || r.Reason != ReasonTooManyMembers {
		t.Fatal("third member must be rejected")
	}
}
