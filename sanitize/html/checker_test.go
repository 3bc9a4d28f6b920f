package html

import (
	"fmt"
	"testing"
)

// recorder is a testing.TB that only records failures, to test the
// checkers themselves.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper()           {}
func (r *recorder) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }

// TestCheckersCatch shows the output checkers used everywhere can fail.
func TestCheckersCatch(t *testing.T) {
	html := map[string]string{
		"script":     `<p>x</p><script>alert(1)</script>`,
		"handler":    `<p onclick="x()">x</p>`,
		"js link":    `<a href="javascript:x()">x</a>`,
		"remote img": `<img src="http://x/y.gif">`,
		"iframe":     `<iframe></iframe>`,
		"file link":  `<a href="file:///etc/passwd">x</a>`,
	}
	for name, in := range html {
		r := &recorder{TB: t}
		checkHTML(r, []byte(in))
		if len(r.errs) == 0 {
			t.Errorf("checkHTML misses %s", name)
		}
	}
	svg := map[string]string{
		"script":   `<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>`,
		"foreign":  `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>`,
		"handler":  `<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>`,
		"use http": `<svg xmlns="http://www.w3.org/2000/svg"><use href="http://x/y.svg#a"/></svg>`,
	}
	for name, in := range svg {
		r := &recorder{TB: t}
		checkSVG(r, []byte(in))
		if len(r.errs) == 0 {
			t.Errorf("checkSVG misses %s", name)
		}
	}
	r := &recorder{TB: t}
	checkSVG(r, []byte(benignSVG))
	checkHTML(r, page("", `<a href="https://x/">x</a>`))
	if len(r.errs) != 0 {
		t.Errorf("checkers flag benign input: %v", r.errs)
	}
}
