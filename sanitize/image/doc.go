// Package image sanitizes raster images (family image: JPEG, PNG, GIF, BMP,
// TIFF, WebP) by decoding them to pixels and encoding a new file.
//
// Whatever an image file carries besides its pixels is gone after the
// re-encode: EXIF (camera, GPS position), XMP, ICC profiles, comments,
// application blocks, and bytes appended after the end of the image — the
// place polyglots (a JPEG that is also a ZIP) keep their second format.
// Before decoding, the container is walked (bounded) to report what was
// there (RemovedImageMetadata, RemovedTrailingData), and the dimensions from
// the header are checked against Limits (ReasonDimensions): a 100000×100000
// PNG of a few hundred bytes would otherwise allocate tens of gigabytes.
//
// A JPEG's EXIF orientation is applied to the pixels before EXIF is dropped,
// so a phone photo is not delivered sideways. GIF animations keep every
// frame, their delays, disposal and loop count. WebP has no encoder in Go
// and becomes PNG. Decoders are the standard library's and
// golang.org/x/image's; the latter has had TIFF denial-of-service bugs, which
// is why dimensions are checked first and the sandbox bounds memory.
package image
