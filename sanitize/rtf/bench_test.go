package rtf

import (
	"bytes"
	"strings"
	"testing"
)

// BenchmarkSanitize runs a ~5 MB Japanese document with tables, fields and
// pictures.
func BenchmarkSanitize(b *testing.B) {
	doc := japaneseDoc(b, pngPict(), `{\field{\*\fldinst PAGE}{\fldrslt 1}}`)
	// One header, then the body (from the first \pard) repeated.
	body := doc[bytes.Index(doc, []byte(`\pard\plain`)) : len(doc)-1]
	var sb strings.Builder
	sb.Write(doc[:bytes.Index(doc, []byte(`\pard\plain`))])
	for sb.Len() < 5<<20 {
		sb.Write(body)
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
