package ooxml

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// TestCorpus sanitizes every file in the directory named by
// KAKEHASHI_OOXML_CORPUS (for example oletools' tests/test-data, which may
// not be redistributed here) and applies checkOutput to each output. It is
// skipped when the variable is unset.
func TestCorpus(t *testing.T) {
	dir := os.Getenv("KAKEHASHI_OOXML_CORPUS")
	if dir == "" {
		t.Skip("KAKEHASHI_OOXML_CORPUS not set")
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	outDir := os.Getenv("KAKEHASHI_OOXML_CORPUS_OUT")
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out, rep, err := run(t, data, sanitize.Policy{})
		if err != nil {
			t.Logf("%s: %v", filepath.Base(name), err)
			continue
		}
		if err := checkOutput(out, false); err != nil {
			t.Errorf("%s: %v", filepath.Base(name), err)
		}
		t.Logf("%s: %s → %s removed %v warnings %v", filepath.Base(name), rep.Type, rep.OutputType, rep.Totals(), rep.Warnings)
		if outDir != "" {
			// Keep the input's base name (names repeat across types).
			path := filepath.Join(outDir, filepath.Base(name)+"."+string(rep.OutputType))
			if err := os.WriteFile(path, out, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
}
