package main

import (
	"fmt"
	"io"

	"github.com/kakehashi/kakehashi/sanitize"
)

// progress prints one line per finished file to stderr, numbered so the
// operator sees how far a long batch is, and a tally at the end.
type progress struct {
	w      io.Writer
	total  int
	n      int
	lang   string
	counts map[sanitize.Verdict]int
	errors int
}

func newProgress(w io.Writer, total int, lang string) *progress {
	return &progress{w: w, total: total, lang: lang, counts: map[sanitize.Verdict]int{}}
}

func (p *progress) done(r dirResult) {
	p.n++
	switch {
	case r.Error != "":
		p.errors++
		fmt.Fprintf(p.w, "[%d/%d] %s: %s\n", p.n, p.total, r.Path, r.Error)
	case r.Report.Verdict == sanitize.VerdictRejected:
		p.counts[r.Report.Verdict]++
		fmt.Fprintf(p.w, "[%d/%d] %s: %s — %s\n", p.n, p.total, r.Path, verdictLabel(r.Report.Verdict, p.lang), r.Report.Reason.Label(p.lang))
	default:
		p.counts[r.Report.Verdict]++
		fmt.Fprintf(p.w, "[%d/%d] %s → %s: %s\n", p.n, p.total, r.Path, r.Output, verdictLabel(r.Report.Verdict, p.lang))
	}
}

func (p *progress) finish(w io.Writer) {
	if p.lang == "en" {
		fmt.Fprintf(w, "%d files: %d clean, %d sanitized, %d rejected, %d errors\n", p.total,
			p.counts[sanitize.VerdictClean], p.counts[sanitize.VerdictSanitized], p.counts[sanitize.VerdictRejected], p.errors)
		return
	}
	fmt.Fprintf(w, "%d件: 問題なし %d、無害化 %d、拒否 %d、エラー %d\n", p.total,
		p.counts[sanitize.VerdictClean], p.counts[sanitize.VerdictSanitized], p.counts[sanitize.VerdictRejected], p.errors)
}

func verdictLabel(v sanitize.Verdict, lang string) string {
	ja := map[sanitize.Verdict]string{
		sanitize.VerdictClean:     "問題なし（再構成済み）",
		sanitize.VerdictSanitized: "無害化済み",
		sanitize.VerdictRejected:  "拒否",
	}
	if lang == "en" {
		return string(v)
	}
	return ja[v]
}
