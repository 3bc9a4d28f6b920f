package pdf

import (
	"bytes"
	"fmt"
	"sort"
)

// pdfDoc builds small PDFs object by object, so each test controls exactly
// which keys a file holds; update appends an incremental update section.
type pdfDoc struct {
	buf     bytes.Buffer
	offsets map[int]int
	size    int
}

// basePDF: one page with text; objects 1–5. extraCatalog and extraPage
// are spliced into the catalog and page dictionaries; objs adds objects.
func basePDF(extraCatalog, extraPage string, objs map[int]string) []byte {
	all := map[int]string{
		1: "<< /Type /Catalog /Pages 2 0 R " + extraCatalog + " >>",
		2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> " + extraPage + " >>",
		4: stream("BT /F1 24 Tf 72 720 Td (Hello Kakehashi) Tj ET", ""),
		5: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	for n, o := range objs {
		all[n] = o
	}
	d := &pdfDoc{offsets: map[int]int{}}
	d.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	d.section(all, -1)
	return d.buf.Bytes()
}

// update appends objects as an incremental update to a document made by
// basePDF (ISO 32000-1 §7.5.6).
func update(base []byte, objs map[int]string) []byte {
	d := &pdfDoc{offsets: map[int]int{}}
	d.buf.Write(base)
	prev := bytes.LastIndex(base, []byte("startxref\n"))
	var last int
	fmt.Sscanf(string(base[prev+len("startxref\n"):]), "%d", &last)
	d.section(objs, last)
	return d.buf.Bytes()
}

func (d *pdfDoc) section(objs map[int]string, prev int) {
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
		if n+1 > d.size {
			d.size = n + 1
		}
	}
	sort.Ints(nums)
	for _, n := range nums {
		d.offsets[n] = d.buf.Len()
		fmt.Fprintf(&d.buf, "%d 0 obj\n%s\nendobj\n", n, objs[n])
	}
	xref := d.buf.Len()
	d.buf.WriteString("xref\n")
	if prev < 0 {
		fmt.Fprintf(&d.buf, "0 %d\n0000000000 65535 f \n", d.size)
		for n := 1; n < d.size; n++ {
			if off, ok := d.offsets[n]; ok {
				fmt.Fprintf(&d.buf, "%010d 00000 n \n", off)
			} else {
				d.buf.WriteString("0000000000 65535 f \n")
			}
		}
	} else {
		for _, n := range nums {
			fmt.Fprintf(&d.buf, "%d 1\n%010d 00000 n \n", n, d.offsets[n])
		}
	}
	size := d.size
	if prev >= 0 && size < 20 {
		size = 20
	}
	prevKey := ""
	if prev >= 0 {
		prevKey = fmt.Sprintf(" /Prev %d", prev)
	}
	fmt.Fprintf(&d.buf, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", size, prevKey, xref)
}

func stream(data, extra string) string {
	return fmt.Sprintf("<< /Length %d %s >>\nstream\n%s\nendstream", len(data), extra, data)
}
