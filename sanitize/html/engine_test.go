package html

import (
	"bytes"
	"context"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

// TestThroughEngine runs files through the engine's detection and dispatch
// with only this family registered.
func TestThroughEngine(t *testing.T) {
	tests := []struct {
		name, file string
		data       []byte
		policy     sanitize.Policy
		wantType   sanitize.Type
		wantOut    sanitize.Type
		wantName   string
	}{
		{"html", "お知らせ.html", page(`<script>x()</script>`, ""), sanitize.Policy{}, sanitize.TypeHTML, sanitize.TypeHTML, "お知らせ.html"},
		{"html as text", "お知らせ.htm", page("", ""), sanitize.Policy{HTML: sanitize.ModeText}, sanitize.TypeHTML, sanitize.TypeTXT, "お知らせ.txt"},
		{"svg", "図.svg", []byte(benignSVG), sanitize.Policy{}, sanitize.TypeSVG, sanitize.TypeSVG, "図.svg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &engine.Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{sanitize.FamilyHTML: &Sanitizer{}}, Policy: tc.policy, TempDir: t.TempDir()}
			var out bytes.Buffer
			rep, err := e.Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(tc.data), Size: int64(len(tc.data)), Name: tc.file}, &out, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict == sanitize.VerdictRejected {
				t.Fatalf("rejected: %s %s", rep.Reason, rep.Detail)
			}
			if rep.Type != tc.wantType || rep.OutputType != tc.wantOut || rep.OutputName != tc.wantName {
				t.Errorf("type %s → %s named %q, want %s → %s named %q", rep.Type, rep.OutputType, rep.OutputName, tc.wantType, tc.wantOut, tc.wantName)
			}
			if !bytes.Contains(out.Bytes(), []byte("住民税の申告について")) && tc.wantType == sanitize.TypeHTML {
				t.Errorf("text lost:\n%s", out.String())
			}
		})
	}
}
