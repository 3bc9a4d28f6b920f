package pdf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// BenchmarkHundredPages sanitizes a 100-page text PDF with a script on
// every page.
func BenchmarkHundredPages(b *testing.B) {
	objs := map[int]string{1: "<< /Type /Catalog /Pages 2 0 R >>", 5: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
	var kids []string
	for i := 0; i < 100; i++ {
		page, content := 10+2*i, 11+2*i
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		objs[page] = fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 5 0 R >> >> /AA << /O << /S /JavaScript /JS (app.alert\\(%d\\)) >> >> >>", content, i)
		text := strings.Repeat(fmt.Sprintf("BT /F1 10 Tf 72 %%d Td (Page %d: notice to residents, office hours change.) Tj ET\n", i), 1)
		var sb strings.Builder
		for y := 700; y > 80; y -= 14 {
			fmt.Fprintf(&sb, text, y)
		}
		objs[content] = stream(sb.String(), "")
	}
	objs[2] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count 100 >>", strings.Join(kids, " "))
	d := &pdfDoc{offsets: map[int]int{}}
	d.buf.WriteString("%PDF-1.7\n")
	d.section(objs, -1)
	in := d.buf.Bytes()
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if rep, _ := run(b, in, sanitize.Policy{}, "", sanitize.Tools{}); rep.Verdict != sanitize.VerdictSanitized {
			b.Fatalf("%s %s", rep.Verdict, rep.Detail)
		}
	}
	b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
