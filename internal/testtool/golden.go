package testtool

import (
	"os"
	"testing"
)

// Golden compares got with the file at path, or rewrites the file when
// update is set (each package passes its own -update flag).
func Golden(tb testing.TB, path string, got []byte, update bool) {
	tb.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		tb.Errorf("%s differs from the result (run with -update if the change is intended):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
