package sanitize

import (
	"archive/zip"
	"bytes"
	"testing"
)

func input(name string, b []byte) Input {
	return Input{R: bytes.NewReader(b), Size: int64(len(b)), Name: name}
}

// zipWith builds a zip holding the named members, for container detection.
func zipWith(t *testing.T, members map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range members {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func contentTypes(main string) string {
	return `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Override PartName="/x/main.xml" ContentType="` + main + `"/></Types>`
}

func TestDetect(t *testing.T) {
	iso := make([]byte, 40000)
	copy(iso[32769:], "CD001")
	tarHead := make([]byte, 512)
	copy(tarHead[257:], "ustar")
	bmp := append([]byte("BM"), make([]byte, 30)...)
	bmp[14] = 40

	cases := []struct {
		name string
		file string
		data []byte
		want Type
	}{
		{"pdf", "a.pdf", []byte("%PDF-1.7\n"), TypePDF},
		{"pdf after junk within 1 KiB", "a.pdf", append(bytes.Repeat([]byte{' '}, 1000), "%PDF-1.4"...), TypePDF},
		{"pdf header past 1 KiB is not a pdf", "a.pdf", append(bytes.Repeat([]byte{' '}, 1030), "%PDF-1.4"...), TypeTXT},
		{"jpeg", "a.jpg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), TypeJPEG},
		{"jpeg named png", "a.png", []byte("\xFF\xD8\xFF\xE0"), TypeJPEG},
		{"png", "a.png", []byte("\x89PNG\r\n\x1a\n...."), TypePNG},
		{"gif89a", "a.gif", []byte("GIF89a...."), TypeGIF},
		{"bmp", "a.bmp", bmp, TypeBMP},
		{"BM text is text", "a.txt", []byte("BMW drivers meeting notes\n"), TypeTXT},
		{"tiff le", "a.tif", []byte("II*\x00...."), TypeTIFF},
		{"tiff be", "a.tif", []byte("MM\x00*...."), TypeTIFF},
		{"webp", "a.webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), TypeWEBP},
		{"7z", "a.7z", []byte("7z\xBC\xAF\x27\x1C\x00\x04"), TypeSevenZip},
		{"gzip", "a.gz", []byte("\x1F\x8B\x08\x00"), TypeGZIP},
		{"tar", "a.tar", tarHead, TypeTAR},
		{"rar", "a.rar", []byte("Rar!\x1A\x07\x01\x00"), TypeRAR},
		{"rtf", "a.rtf", []byte(`{\rtf1\ansi hello}`), TypeRTF},
		{"exe", "a.exe", []byte("MZ\x90\x00"), TypeEXE},
		{"exe named pdf", "invoice.pdf", []byte("MZ\x90\x00"), TypeEXE},
		{"elf", "a", []byte("\x7FELF\x02\x01"), TypeELF},
		{"lnk", "a.lnk", []byte("L\x00\x00\x00\x01\x14\x02\x00\x00\x00"), TypeLNK},
		{"cab", "a.cab", []byte("MSCF\x00\x00"), TypeCAB},
		{"chm", "a.chm", []byte("ITSF\x03\x00"), TypeCHM},
		{"iso", "a.iso", iso, TypeISO},
		{"utf-8 text", "メモ.txt", []byte("日本語のテキスト\n"), TypeTXT},
		{"shift_jis text", "a.txt", []byte("\x93\xfa\x96\x7b\x8c\xea\n"), TypeTXT},
		{"csv by extension", "a.csv", []byte("a,b\n1,2\n"), TypeCSV},
		{"tsv by extension", "a.tsv", []byte("a\tb\n"), TypeTSV},
		{"empty is text", "empty.txt", nil, TypeTXT},
		{"text named vbs is a script", "a.vbs", []byte("MsgBox 1\n"), TypeScript},
		{"text named bat is a script", "run.BAT", []byte("echo 1\r\n"), TypeScript},
		{"shebang", "a.txt", []byte("#!/bin/sh\necho\n"), TypeScript},
		{"hta", "a.html", []byte("<html><head><HTA:APPLICATION id=x></head></html>"), TypeHTA},
		{"html", "a.html", []byte("<!DOCTYPE html><html><body>x</body></html>"), TypeHTML},
		{"html with leading space", "a.htm", []byte("\r\n  <html>"), TypeHTML},
		{"svg", "a.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), TypeSVG},
		{"svg with xml decl", "a.svg", []byte(`<?xml version="1.0"?><svg/>`), TypeSVG},
		{"html fragment", "a.html", []byte(`<a href="data:application/octet-stream;base64,TVqQ">x</a>`), TypeHTML},
		{"angle-bracket text is text", "a.txt", []byte("<重要> 会議は10時から\n"), TypeTXT},
		{"tag-like word is text", "a.txt", []byte("<abstract> of the memo\n"), TypeTXT},
		{"xml", "a.xml", []byte(`<?xml version="1.0"?><root/>`), TypeXML},
		{"binary garbage", "a.bin", []byte{0x00, 0x01, 0x02, 0x03}, TypeUnknown},
		{"mbox", "a.txt", []byte("From a@example.jp  Thu Jul 31 13:51:21 2008\nFrom: a\n\nbody"), TypeEML},
		{"rfc 5322 message", "a.txt", []byte("Received: x\r\nFrom: a@example.jp\r\nTo: b@example.jp\r\nSubject: s\r\n\r\nbody"), TypeEML},
		{"text with a colon line is not mail", "a.txt", []byte("議題: 予算\n日時: 10時\n場所: 3F\n"), TypeTXT},
		{"uuencoded", "a.txt", []byte("see below\nbegin 644 clam.exe\nM35I0``(````$``\\`__\n"), TypeEncoded},
		{"binhex", "a.txt", []byte("(This file must be converted with BinHex 4.0)\n:#'0XB@"), TypeEncoded},
		{"begin without mode is text", "a.txt", []byte("begin here\nMore text\n"), TypeTXT},
		{"tnef", "winmail.dat", []byte("\x78\x9F\x3E\x22\xaf\x01"), TypeTNEF},
		{"bzip2", "a.bz2", []byte("BZh91AY&SY"), TypeBZIP2},
		{"lzh", "a.lzh", []byte("\x1f\x00-lh5-\x00\x00"), TypeLZH},
		{"arj", "a.arj", []byte("\x60\xEA\x2c\x00"), TypeARJ},
		{"cpio newc", "a.cpio", []byte("070701000000"), TypeCPIO},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Detect(input(c.file, c.data)); got != c.want {
				t.Errorf("Detect(%s) = %q, want %q", c.file, got, c.want)
			}
		})
	}
}

func TestDetectZipContainers(t *testing.T) {
	cases := []struct {
		name    string
		members map[string]string
		want    Type
	}{
		{"docx", map[string]string{"[Content_Types].xml": contentTypes(mimeOOXMLWord + "document.main+xml")}, TypeDOCX},
		{"docm", map[string]string{"[Content_Types].xml": contentTypes("application/vnd.ms-word.document.macroEnabled.main+xml")}, TypeDOCM},
		{"dotm", map[string]string{"[Content_Types].xml": contentTypes("application/vnd.ms-word.template.macroEnabledTemplate.main+xml")}, TypeDOTM},
		{"xlsx", map[string]string{"[Content_Types].xml": contentTypes(mimeOOXMLExcel + "sheet.main+xml")}, TypeXLSX},
		{"xlsm", map[string]string{"[Content_Types].xml": contentTypes("application/vnd.ms-excel.sheet.macroEnabled.main+xml")}, TypeXLSM},
		{"xlsb", map[string]string{"[Content_Types].xml": contentTypes("application/vnd.ms-excel.sheet.binary.macroEnabled.main")}, TypeXLSB},
		{"pptx", map[string]string{"[Content_Types].xml": contentTypes(mimeOOXMLPPT + "presentation.main+xml")}, TypePPTX},
		{"ppsm", map[string]string{"[Content_Types].xml": contentTypes("application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml")}, TypePPSM},
		{"odt", map[string]string{"mimetype": "application/vnd.oasis.opendocument.text"}, TypeODT},
		{"ods", map[string]string{"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}, TypeODS},
		{"jar", map[string]string{"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n", "a/B.class": "\xCA\xFE"}, TypeJAR},
		{"apk", map[string]string{"AndroidManifest.xml": "x", "classes.dex": "dex\n"}, TypeAPK},
		{"plain zip", map[string]string{"a.txt": "hello"}, TypeZIP},
		{"content types without a main part", map[string]string{"[Content_Types].xml": "<Types/>"}, TypeZIP},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := zipWith(t, c.members)
			if got := Detect(input("x.zip", b)); got != c.want {
				t.Errorf("Detect = %q, want %q", got, c.want)
			}
		})
	}
}

func TestDeclaredExtAndOutputName(t *testing.T) {
	cases := []struct {
		name, ext, out string
		typ            Type
	}{
		{"memo.docm", "docm", "memo.docx", TypeDOCM},
		{"photo.PNG", "png", "photo.jpg", TypeJPEG},
		{`C:\Users\x\報告書.pdf`, "pdf", "報告書.pdf", TypePDF},
		{"../../etc/passwd", "", "passwd.txt", TypeTXT},
		{"archive.tar.gz", "gz", "archive.zip", TypeGZIP},
		{"archive.tar.gz", "gz", "archive.zip", TypeZIP},
		{"BACKUP.TAR.GZ", "gz", "BACKUP.zip", TypeZIP},
		{"noext", "", "noext.rtf", TypeRTF},
		{".hidden", "hidden", "file.txt", TypeTXT},
	}
	for _, c := range cases {
		if got := DeclaredExt(c.name); got != c.ext {
			t.Errorf("DeclaredExt(%q) = %q, want %q", c.name, got, c.ext)
		}
		if got := OutputName(c.name, c.typ); got != c.out {
			t.Errorf("OutputName(%q, %s) = %q, want %q", c.name, c.typ, got, c.out)
		}
	}
}

func TestTypeTableIsComplete(t *testing.T) {
	for _, typ := range AllTypes() {
		info := typ.Info()
		if info.LabelJA == "" || info.LabelEN == "" || info.MIME == "" {
			t.Errorf("%s: missing label or MIME", typ)
		}
		if info.Family != FamilyRejected && typ.OutputType().Ext() == "" {
			t.Errorf("%s: sanitizable but its output has no extension", typ)
		}
		if out := info.Output; out != "" && out.Family() == FamilyRejected {
			t.Errorf("%s: output type %s is of the rejected family", typ, out)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"%PDF-1.7", "PK\x03\x04", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "<html>", "{\\rtf1", "MZ"} {
		f.Add([]byte(s), "a.bin")
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		got := Detect(input(name, data))
		if !got.Known() {
			t.Fatalf("Detect returned unknown type %q", got)
		}
	})
}
