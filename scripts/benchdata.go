//go:build ignore

// Benchdata writes the files scripts/bench-peers.sh times: office documents,
// PDFs, images and archives of set sizes, each in a benign form (for speed)
// and with active content (to see whether a peer's output is really clean).
// Everything is generated from a fixed seed, so runs compare like with like.
//
//	go run scripts/benchdata.go DIR
package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/benchdata.go DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	must(os.MkdirAll(dir, 0o755))
	rng := rand.New(rand.NewSource(1))

	photo := noiseJPEG(rng, 2800, 2000)
	// A camera-like photo with GPS EXIF and a zip appended (a polyglot).
	must(os.WriteFile(filepath.Join(dir, "photo.jpg"), withExifAndTrailer(noiseJPEG(rng, 4000, 3000)), 0o644))

	must(os.WriteFile(filepath.Join(dir, "docx-1mb.docx"), docx(rng, 2, photo, false), 0o644))
	must(os.WriteFile(filepath.Join(dir, "docx-10mb.docx"), docx(rng, 20, photo, false), 0o644))
	must(os.WriteFile(filepath.Join(dir, "macro-1mb.docm"), docx(rng, 2, photo, true), 0o644))
	// Text only, about 100 pages: bench-peers.sh turns it into a PDF.
	must(os.WriteFile(filepath.Join(dir, "text-100p.docx"), docxText(4000), 0o644))

	// A 100 MB zip of the documents and photos above, stored so the size is
	// real, plus text.
	var members []member
	for i := 0; len(members) < 200; i++ {
		members = append(members,
			member{fmt.Sprintf("課%02d/写真%03d.jpg", i%10, i), photo, zip.Store},
			member{fmt.Sprintf("課%02d/報告%03d.txt", i%10, i), []byte(strings.Repeat("本日の会議の議事録です。\n", 2000)), zip.Deflate},
		)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for len(b.Bytes()) < 100<<20 {
		for _, m := range members {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("%d/%s", b.Len(), m.name), Method: m.method})
			must(err)
			_, err = w.Write(m.data)
			must(err)
			if b.Len() >= 100<<20 {
				break
			}
		}
	}
	must(zw.Close())
	must(os.WriteFile(filepath.Join(dir, "archive-100mb.zip"), b.Bytes(), 0o644))
}

type member struct {
	name   string
	data   []byte
	method uint16
}

func noiseJPEG(rng *rand.Rand, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// Smooth gradients with some noise compress like photos do.
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(rng.Intn(64) + 96), 255})
		}
	}
	var b bytes.Buffer
	must(jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}))
	return b.Bytes()
}

// withExifAndTrailer inserts an APP1 Exif segment carrying a GPS IFD pointer
// and appends a small zip after the end-of-image marker.
func withExifAndTrailer(j []byte) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x88\x25\x00\x04\x00\x00\x00\x01\x00\x00\x00\x1a\x00\x00\x00\x00" +
		"\x00\x01\x00\x01\x00\x02\x00\x00\x00\x02N\x00\x00\x00\x00\x00\x00\x00")
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := append([]byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}, app1...)
	out := append(append(append([]byte{}, j[:2]...), seg...), j[2:]...)
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("payload.vbs")
	w.Write([]byte("MsgBox \"polyglot\"\n"))
	zw.Close()
	return append(out, z.Bytes()...)
}

// docx builds a Word document with images and Japanese text; with macro it
// is a docm carrying a (dummy) VBA project and a DDE field.
func docx(rng *rand.Rand, images int, photo []byte, macro bool) []byte {
	var body strings.Builder
	for i := 0; i < images; i++ {
		for p := 0; p < 40; p++ {
			fmt.Fprintf(&body, `<w:p><w:r><w:t>第%d章 第%d段落。住民の皆様へのお知らせと、関係各課との調整事項を記載します。</w:t></w:r></w:p>`, i+1, p+1)
		}
		fmt.Fprintf(&body, `<w:p><w:r><w:drawing><wp:inline><wp:extent cx="4000000" cy="3000000"/><wp:docPr id="%d" name="p%d"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="%d" name="p%d.jpg"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImg%d"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="4000000" cy="3000000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`, i+1, i+1, i+1, i+1, i)
	}
	if macro {
		body.WriteString(`<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>結果</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`)
	}
	main := "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	if macro {
		main = "application/vnd.ms-word.document.macroEnabled.main+xml"
	}
	var rels strings.Builder
	for i := 0; i < images; i++ {
		fmt.Fprintf(&rels, `<Relationship Id="rIdImg%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image%d.jpeg"/>`, i, i)
	}
	if macro {
		rels.WriteString(`<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>`)
	}
	parts := []member{
		{"[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Override PartName="/word/document.xml" ContentType="` + main + `"/></Types>`), zip.Deflate},
		{"_rels/.rels", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`), zip.Deflate},
		{"word/_rels/document.xml.rels", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`), zip.Deflate},
		{"word/document.xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>` + body.String() + `</w:body></w:document>`), zip.Deflate},
	}
	for i := 0; i < images; i++ {
		// Each image differs a little so the package is not trivially small.
		img := append(append([]byte{}, photo...), byte(i))
		parts = append(parts, member{fmt.Sprintf("word/media/image%d.jpeg", i), img, zip.Store})
	}
	if macro {
		parts = append(parts, member{"word/vbaProject.bin", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 504) + "Attribute VB_Name = \"ThisDocument\"\r\nSub AutoOpen()\r\nShell \"calc\"\r\nEnd Sub"), zip.Deflate})
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: p.method})
		must(err)
		_, err = w.Write(p.data)
		must(err)
	}
	must(zw.Close())
	return b.Bytes()
}

func docxText(paragraphs int) []byte {
	var body strings.Builder
	for p := 0; p < paragraphs; p++ {
		fmt.Fprintf(&body, `<w:p><w:r><w:t>%d. 住民の皆様へのお知らせ。Notice to residents: the office hours change from next month.</w:t></w:r></w:p>`, p+1)
	}
	parts := []member{
		{"[Content_Types].xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`), zip.Deflate},
		{"_rels/.rels", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`), zip.Deflate},
		{"word/document.xml", []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`), zip.Deflate},
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: p.method})
		must(err)
		_, err = w.Write(p.data)
		must(err)
	}
	must(zw.Close())
	return b.Bytes()
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
