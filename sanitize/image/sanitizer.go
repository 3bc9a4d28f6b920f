package image

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	_ "golang.org/x/image/webp" // registers the WebP decoder

	"github.com/kakehashi/kakehashi/sanitize"
)

// Sanitizer re-encodes raster images.
type Sanitizer struct{}

var _ sanitize.Sanitizer = (*Sanitizer)(nil)

// maxFrames bounds the frames of an animated GIF.
const maxFrames = 10000

// jpegQuality keeps re-encoded photos visually the same (PSNR well above
// 30 dB in the tests) at a size close to the camera's.
const jpegQuality = 90

// Sanitize implements sanitize.Sanitizer.
func (s *Sanitizer) Sanitize(ctx context.Context, in sanitize.Input, out io.Writer, env *sanitize.Env, rep *sanitize.Report) error {
	cfg, format, err := image.DecodeConfig(in.Reader())
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "image header: %v", err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height, env.Limits); err != nil {
		return err
	}
	if format != formatOf(rep.Type) {
		return sanitize.Reject(sanitize.ReasonMalformed, "%s content decodes as %s", rep.Type, format)
	}
	x := inspect(rep.Type, in)
	rep.Remove(sanitize.RemovedImageMetadata, env.Loc(""), x.metadata)
	if x.trailing > 0 {
		rep.Remove(sanitize.RemovedTrailingData, env.Loc(fmt.Sprintf("%d bytes after the image", x.trailing)), 1)
	}
	if err := env.Budget.Expand(int64(cfg.Width) * int64(cfg.Height) * 4); err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 64<<10)
	if err := encode(rep, in, w, x); err != nil {
		return err
	}
	return w.Flush()
}

func checkDimensions(w, h int, l sanitize.Limits) error {
	if w <= 0 || h <= 0 {
		return sanitize.Reject(sanitize.ReasonMalformed, "image is %d×%d", w, h)
	}
	if w > l.MaxImageSide || h > l.MaxImageSide || int64(w)*int64(h) > l.MaxImagePixels {
		return sanitize.Reject(sanitize.ReasonDimensions, "image is %d×%d; limits are %d per side and %d pixels", w, h, l.MaxImageSide, l.MaxImagePixels)
	}
	return nil
}

func formatOf(t sanitize.Type) string {
	if t == sanitize.TypeJPEG {
		return "jpeg"
	}
	return string(t)
}

// encode decodes the pixels and writes them in a fresh file.
func encode(rep *sanitize.Report, in sanitize.Input, w io.Writer, x extras) error {
	if rep.Type == sanitize.TypeGIF {
		return encodeGIF(in, w)
	}
	img, _, err := image.Decode(in.Reader())
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "image data: %v", err)
	}
	switch rep.Type {
	case sanitize.TypeJPEG:
		return jpeg.Encode(w, orient(img, x.orientation), &jpeg.Options{Quality: jpegQuality})
	case sanitize.TypePNG:
		return png.Encode(w, img)
	case sanitize.TypeBMP:
		return bmp.Encode(w, img)
	case sanitize.TypeTIFF:
		return tiff.Encode(w, img, &tiff.Options{Compression: tiff.Deflate})
	case sanitize.TypeWEBP:
		rep.OutputType = sanitize.TypePNG
		return png.Encode(w, img)
	}
	return sanitize.Reject(sanitize.ReasonUnsupported, "no encoder for %s", rep.Type)
}

func encodeGIF(in sanitize.Input, w io.Writer) error {
	g, err := gif.DecodeAll(in.Reader())
	if err != nil {
		return sanitize.Reject(sanitize.ReasonMalformed, "GIF data: %v", err)
	}
	if len(g.Image) > maxFrames {
		return sanitize.Reject(sanitize.ReasonTooLarge, "%d frames", len(g.Image))
	}
	// A fresh GIF with the same frames, timing, disposal and loop count;
	// comments and application blocks are not carried over.
	return gif.EncodeAll(w, &gif.GIF{Image: g.Image, Delay: g.Delay, Disposal: g.Disposal, LoopCount: g.LoopCount, BackgroundIndex: g.BackgroundIndex, Config: g.Config})
}
