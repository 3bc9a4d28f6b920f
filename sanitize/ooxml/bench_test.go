package ooxml

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// bigDocx is a docx of about size bytes: 100 KB of Japanese text (with a
// DDE field, so document.xml is rewritten) and one incompressible "photo"
// (a PNG header followed by random bytes, stored deflated like Office does).
// The text is the same at every size, so B/op shows whether memory grows
// with the media (it must not: media is copied raw).
func bigDocx(tb testing.TB, size int) []byte {
	var body strings.Builder
	for i := 0; body.Len() < 100<<10; i++ {
		body.WriteString(para(japanese + "　行政手続きの案内文、段落番号。"))
	}
	body.WriteString(`<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDEAUTO x</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`)
	o := docxWith(ctDocx, body.String())
	photo := make([]byte, size)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range photo {
		photo[i] = byte(rng.Uint32())
	}
	copy(photo, tinyPNG[:8])
	o.addBytes("word/media/image1.png", "", photo)
	o.rel("word/document.xml", "rIdImg", relOffice+"image", "media/image1.png")
	return o.build(tb)
}

func benchSanitize(b *testing.B, size int) {
	in := bigDocx(b, size)
	env := &sanitize.Env{Limits: sanitize.DefaultLimits(), Policy: sanitize.DefaultPolicy()}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		env.Budget = sanitize.NewBudget(env.Limits)
		rep := &sanitize.Report{}
		if err := (&Sanitizer{}).Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(in), Size: int64(len(in))}, io.Discard, env, rep); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSanitizeDocx1MB(b *testing.B)  { benchSanitize(b, 1<<20) }
func BenchmarkSanitizeDocx10MB(b *testing.B) { benchSanitize(b, 10<<20) }

// BenchmarkSanitizeSmallDocm measures files per second on a small macro
// document (every part is checked, three are rewritten).
func BenchmarkSanitizeSmallDocm(b *testing.B) {
	in := vbaDocm(b)
	env := &sanitize.Env{Limits: sanitize.DefaultLimits(), Policy: sanitize.DefaultPolicy()}
	b.ReportAllocs()
	for b.Loop() {
		env.Budget = sanitize.NewBudget(env.Limits)
		if err := (&Sanitizer{}).Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(in), Size: int64(len(in))}, io.Discard, env, &sanitize.Report{}); err != nil {
			b.Fatal(err)
		}
	}
}
