package image

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/engine"
)

func run(t testing.TB, name string, in []byte, limits sanitize.Limits) (*sanitize.Report, []byte) {
	t.Helper()
	e := &engine.Engine{Formats: map[sanitize.Family]sanitize.Sanitizer{sanitize.FamilyImage: &Sanitizer{}}, Limits: limits}
	var out bytes.Buffer
	rep, err := e.Sanitize(context.Background(), sanitize.Input{R: bytes.NewReader(in), Size: int64(len(in)), Name: name}, &out, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep, out.Bytes()
}

func gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	return img
}

// exifJPEG is a JPEG with an Exif APP1 (orientation 6 = rotate 90° and a
// GPS IFD pointer), a comment, and a zip appended after the image.
func exifJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, gradient(w, h), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	j := b.Bytes()
	tiffIFD := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x02" +
		"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00" + // Orientation = 6
		"\x88\x25\x00\x04\x00\x00\x00\x01\x00\x00\x00\x26" + // GPS IFD pointer
		"\x00\x00\x00\x00" +
		"\x00\x01\x00\x01\x00\x02\x00\x00\x00\x02N\x00\x00\x00\x00\x00\x00\x00")
	app1 := append([]byte("Exif\x00\x00"), tiffIFD...)
	seg := append([]byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}, app1...)
	com := append([]byte{0xFF, 0xFE, 0, 14}, "secret note!"...)
	out := append(append(append(append([]byte{}, j[:2]...), seg...), com...), j[2:]...)
	return append(out, "PK\x03\x04 polyglot payload.vbs"...)
}

func exiftoolTags(t *testing.T, data []byte) string {
	t.Helper()
	exiftool := testtool.Require(t, "exiftool", "libimage-exiftool-perl")
	p := filepath.Join(t.TempDir(), "x")
	os.WriteFile(p, data, 0o644)
	out, err := exec.Command(exiftool, "-a", "-G1", "-s", p).CombinedOutput()
	if err != nil {
		t.Fatalf("exiftool: %v %s", err, out)
	}
	return string(out)
}

func TestJPEGMetadataTrailerOrientation(t *testing.T) {
	in := exifJPEG(t, 64, 32)
	if tags := exiftoolTags(t, in); !strings.Contains(tags, "[GPS]") || !strings.Contains(tags, "Orientation") {
		t.Fatalf("fixture lacks EXIF/GPS, the check proves nothing:\n%s", tags)
	}
	rep, out := run(t, "photo.jpg", in, sanitize.Limits{})
	if rep.Verdict != sanitize.VerdictSanitized {
		t.Fatalf("%s %s", rep.Verdict, rep.Detail)
	}
	tot := rep.Totals()
	if tot[sanitize.RemovedImageMetadata] != 2 || tot[sanitize.RemovedTrailingData] != 1 {
		t.Errorf("report: %v", rep.Removed)
	}
	tags := exiftoolTags(t, out)
	for _, g := range []string{"[IFD0]", "[ExifIFD]", "[GPS]", "[XMP", "Comment"} {
		if strings.Contains(tags, g) {
			t.Errorf("%s left:\n%s", g, tags)
		}
	}
	if !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) || bytes.Contains(out, []byte("PK\x03\x04")) {
		t.Error("bytes after the end of the image")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
	if err != nil || cfg.Width != 32 || cfg.Height != 64 {
		t.Errorf("orientation 6 not applied: %+v %v", cfg, err)
	}
}

func pngWithChunks(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p := b.Bytes()
	chunk := func(typ, data string) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ+data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE([]byte(typ+data)))
	}
	ihdrEnd := 8 + 25
	out := append(append([]byte{}, p[:ihdrEnd]...), chunk("tEXt", "Author\x00Yamada Taro")...)
	out = append(out, chunk("tIME", "\x07\xea\x0b\x16\x0a\x00\x00")...)
	out = append(out, p[ihdrEnd:]...)
	return append(out, "<script>alert(1)</script>"...)
}

func TestLosslessFormatsKeepPixels(t *testing.T) {
	pal := image.NewPaletted(image.Rect(0, 0, 20, 10), color.Palette{color.Transparent, color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 0, 255, 128}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i % 3)
	}
	deep := image.NewRGBA64(image.Rect(0, 0, 16, 16))
	for i := range deep.Pix {
		deep.Pix[i] = uint8(i * 7)
	}
	enc := func(f func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	cases := []struct {
		name     string
		file     string
		in       []byte
		metadata int
		trailing bool
	}{
		{"png with text and trailer", "a.png", pngWithChunks(t, gradient(30, 20)), 2, true},
		{"16-bit png", "a.png", enc(func(b *bytes.Buffer) error { return png.Encode(b, deep) }), 0, false},
		{"paletted png with transparency", "a.png", enc(func(b *bytes.Buffer) error { return png.Encode(b, pal) }), 0, false},
		{"bmp with trailer", "a.bmp", append(enc(func(b *bytes.Buffer) error { return bmp.Encode(b, gradient(9, 7)) }), "junk"...), 0, true},
		{"tiff", "a.tif", enc(func(b *bytes.Buffer) error { return tiff.Encode(b, gradient(9, 7), nil) }), 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, out := run(t, c.file, c.in, sanitize.Limits{})
			if rep.Verdict == sanitize.VerdictRejected {
				t.Fatalf("%s %s", rep.Reason, rep.Detail)
			}
			tot := rep.Totals()
			if tot[sanitize.RemovedImageMetadata] != c.metadata || (tot[sanitize.RemovedTrailingData] == 1) != c.trailing {
				t.Errorf("report %v", rep.Removed)
			}
			a, _, err1 := image.Decode(bytes.NewReader(c.in))
			b, _, err2 := image.Decode(bytes.NewReader(out))
			if err1 != nil || err2 != nil {
				t.Fatalf("decode: %v %v", err1, err2)
			}
			if !samePixels(a, b) {
				t.Error("pixels changed")
			}
			if bytes.Contains(out, []byte("Yamada")) || bytes.Contains(out, []byte("<script>")) || bytes.HasSuffix(out, []byte("junk")) {
				t.Error("metadata or trailer left in the output")
			}
		})
	}
}

func samePixels(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}

func psnr(a, b image.Image) float64 {
	var sum float64
	n := 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range []float64{float64(r1>>8) - float64(r2>>8), float64(g1>>8) - float64(g2>>8), float64(b1>>8) - float64(b2>>8)} {
				sum += d * d
				n++
			}
		}
	}
	if sum == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(sum/float64(n)))
}

func TestJPEGQualityAndCMYK(t *testing.T) {
	convert := testtool.Path(t, "/usr/bin/convert", "imagemagick")
	dir := t.TempDir()
	cmyk := filepath.Join(dir, "cmyk.jpg")
	if out, err := exec.Command(convert, "-size", "120x80", "gradient:red-blue", "-colorspace", "CMYK", cmyk).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v %s", err, out)
	}
	var plain bytes.Buffer
	jpeg.Encode(&plain, gradient(120, 80), &jpeg.Options{Quality: 95})
	cmykBytes, _ := os.ReadFile(cmyk)
	for name, in := range map[string][]byte{"rgb": plain.Bytes(), "cmyk": cmykBytes} {
		rep, out := run(t, "a.jpg", in, sanitize.Limits{})
		if rep.Verdict == sanitize.VerdictRejected {
			t.Fatalf("%s: %s", name, rep.Detail)
		}
		a, _ := jpeg.Decode(bytes.NewReader(in))
		b, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if p := psnr(a, b); p < 30 {
			t.Errorf("%s: PSNR %.1f dB", name, p)
		}
	}
}

func TestAnimatedGIFKeepsFrames(t *testing.T) {
	pal := color.Palette{color.Black, color.White, color.NRGBA{255, 0, 0, 255}}
	g := &gif.GIF{LoopCount: 3}
	for i := 0; i < 3; i++ {
		f := image.NewPaletted(image.Rect(0, 0, 8, 8), pal)
		for j := range f.Pix {
			f.Pix[j] = uint8((i + j) % 3)
		}
		g.Image = append(g.Image, f)
		g.Delay = append(g.Delay, 10*(i+1))
		g.Disposal = append(g.Disposal, gif.DisposalBackground)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	// A comment extension before the first image, and bytes after the trailer.
	in := b.Bytes()
	i := bytes.IndexByte(in[13+9:], 0x21) + 13 + 9
	in = append(append(append([]byte{}, in[:i]...), "\x21\xfe\x05hello\x00"...), in[i:]...)
	in = append(in, "trailing"...)
	rep, out := run(t, "a.gif", in, sanitize.Limits{})
	if rep.Verdict == sanitize.VerdictRejected {
		t.Fatalf("%s", rep.Detail)
	}
	if tot := rep.Totals(); tot[sanitize.RemovedImageMetadata] != 1 || tot[sanitize.RemovedTrailingData] != 1 {
		t.Errorf("report %v", rep.Removed)
	}
	got, err := gif.DecodeAll(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Image) != 3 || got.Delay[2] != 30 || got.LoopCount != 3 || got.Disposal[1] != gif.DisposalBackground {
		t.Errorf("animation changed: %d frames, delays %v, loop %d", len(got.Image), got.Delay, got.LoopCount)
	}
	if bytes.Contains(out, []byte("hello")) {
		t.Error("comment left")
	}
}

func TestWebPBecomesPNG(t *testing.T) {
	convert := testtool.Path(t, "/usr/bin/convert", "imagemagick")
	p := filepath.Join(t.TempDir(), "a.webp")
	if out, err := exec.Command(convert, "-size", "40x30", "gradient:red-blue", p).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v %s", err, out)
	}
	in, _ := os.ReadFile(p)
	rep, out := run(t, "photo.webp", in, sanitize.Limits{})
	if rep.Verdict == sanitize.VerdictRejected || rep.OutputType != sanitize.TypePNG || rep.OutputName != "photo.png" {
		t.Fatalf("%s %s %s %s", rep.Verdict, rep.Detail, rep.OutputType, rep.OutputName)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(out)); err != nil || cfg.Width != 40 {
		t.Errorf("%+v %v", cfg, err)
	}
}

// TestDimensionBomb: a PNG header claiming 100000×100000 pixels (tens of
// GB decoded) is refused from the header, without allocating.
func TestDimensionBomb(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	in := b.Bytes()
	binary.BigEndian.PutUint32(in[16:], 100000)
	binary.BigEndian.PutUint32(in[20:], 100000)
	binary.BigEndian.PutUint32(in[29:], crc32.ChecksumIEEE(in[12:29]))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rep, _ := run(t, "bomb.png", in, sanitize.Limits{})
	runtime.ReadMemStats(&after)
	if rep.Reason != sanitize.ReasonDimensions {
		t.Fatalf("%s %s", rep.Reason, rep.Detail)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("allocated %d MB before refusing", grew>>20)
	}
	// At the limit passes, one over fails.
	ok := gradient(10, 10)
	var okb bytes.Buffer
	png.Encode(&okb, ok)
	if rep, _ := run(t, "a.png", okb.Bytes(), sanitize.Limits{MaxImagePixels: 100}); rep.Verdict == sanitize.VerdictRejected {
		t.Errorf("100 pixels at a limit of 100: %s", rep.Detail)
	}
	if rep, _ := run(t, "a.png", okb.Bytes(), sanitize.Limits{MaxImagePixels: 99}); rep.Reason != sanitize.ReasonDimensions {
		t.Errorf("100 pixels at a limit of 99: %s", rep.Reason)
	}
}

func TestTruncated(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, gradient(50, 50))
	rep, _ := run(t, "a.png", b.Bytes()[:b.Len()/2], sanitize.Limits{})
	if rep.Reason != sanitize.ReasonMalformed {
		t.Errorf("%s %s", rep.Reason, rep.Detail)
	}
}
