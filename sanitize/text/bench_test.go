package text

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/kakehashi/kakehashi/sanitize"
)

func BenchmarkShiftJISCSV10MB(b *testing.B) {
	row := "山田太郎,東京都千代田区,03-1234-5678,-1500,=SUM(A1:A3),備考です\r\n"
	plain := strings.Repeat(row, 10<<20/len(row))
	in, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(plain))
	if err != nil {
		b.Fatal(err)
	}
	bench(b, sanitize.TypeCSV, in)
}

func BenchmarkUTF8Text10MB(b *testing.B) {
	line := "本日の会議の議事録です。The minutes of today's meeting.\n"
	bench(b, sanitize.TypeTXT, []byte(strings.Repeat(line, 10<<20/len(line))))
}

func bench(b *testing.B, typ sanitize.Type, in []byte) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := run(b, typ, in, sanitize.Policy{}); err != nil {
			b.Fatal(err)
		}
	}
}
