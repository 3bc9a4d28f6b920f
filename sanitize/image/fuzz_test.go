package image

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/kakehashi/kakehashi/sanitize"
)

// FuzzSanitize: an accepted image decodes again with the same dimensions
// (or rotated ones, for EXIF orientation), and the output has nothing after
// its end marker.
func FuzzSanitize(f *testing.F) {
	var b bytes.Buffer
	png.Encode(&b, gradient(4, 3))
	f.Add(b.Bytes(), "a.png")
	b.Reset()
	jpeg.Encode(&b, gradient(4, 3), nil)
	f.Add(b.Bytes(), "a.jpg")
	b.Reset()
	gif.Encode(&b, gradient(4, 3), nil)
	f.Add(b.Bytes(), "a.gif")
	f.Fuzz(func(t *testing.T, in []byte, name string) {
		rep, out := run(t, name, in, sanitize.Limits{MaxImagePixels: 1 << 20})
		if rep.Reason == sanitize.ReasonCrash {
			t.Fatalf("panic: %s", rep.Detail)
		}
		if rep.Verdict == sanitize.VerdictRejected {
			return
		}
		cfgIn, _, err := image.DecodeConfig(bytes.NewReader(in))
		cfgOut, _, err2 := image.DecodeConfig(bytes.NewReader(out))
		if err != nil || err2 != nil {
			t.Fatalf("decode: %v %v", err, err2)
		}
		same := cfgIn.Width == cfgOut.Width && cfgIn.Height == cfgOut.Height
		rotated := cfgIn.Width == cfgOut.Height && cfgIn.Height == cfgOut.Width
		if !same && !rotated {
			t.Fatalf("dimensions %dx%d became %dx%d", cfgIn.Width, cfgIn.Height, cfgOut.Width, cfgOut.Height)
		}
		x := inspect(rep.OutputType, sanitize.Input{R: bytes.NewReader(out), Size: int64(len(out))})
		if x.trailing != 0 || x.metadata != 0 {
			t.Fatalf("output has %d metadata blocks and %d trailing bytes", x.metadata, x.trailing)
		}
	})
}
