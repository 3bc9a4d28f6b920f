package image

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// BenchmarkJPEG12MP re-encodes a 12-megapixel photo (4000×3000).
func BenchmarkJPEG12MP(b *testing.B) {
	var in bytes.Buffer
	if err := jpeg.Encode(&in, gradient(4000, 3000), &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if rep, _ := run(b, "a.jpg", in.Bytes(), sanitize.Limits{}); rep.Verdict == sanitize.VerdictRejected {
			b.Fatal(rep.Detail)
		}
	}
}
