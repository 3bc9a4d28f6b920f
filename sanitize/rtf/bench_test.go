package rtf

import (
	"bytes"
	"strings"
	"testing"
)

// BenchmarkSanitize runs a ~5 MB Japanese document with tables, fields and
// pictures.
func BenchmarkSanitize(b *testing.B) {
	var sb strings.Builder
	para := japaneseDoc(b, pngPict(), `{\field{\*\fldinst PAGE}{\fldrslt 1}}`)
	sb.WriteString(`{\rtf1 `)
	for sb.Len() < 5<<20 {
		sb.Write(para[7 : len(para)-1])
	}
	sb.WriteString("}")
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, _, err := run(b, data, nil)
		if err != nil || !bytes.HasPrefix(out, []byte(`{\rtf1`)) {
			b.Fatalf("sanitize: %v", err)
		}
	}
}
