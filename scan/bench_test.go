package scan_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/kakehashi/kakehashi/scan"
	"github.com/kakehashi/kakehashi/scan/scantest"
)

// BenchmarkScan times one clean 512 KiB file through each client and its
// real server, so protocol overhead shows next to the engine's time.
func BenchmarkScan(b *testing.B) {
	clamd := scantest.StartClamd(b)
	icap := scantest.StartCICAP(b, clamd.Socket)
	data := bytes.Repeat([]byte("kakehashi benchmark data\n"), 512<<10/25)
	for _, s := range []scan.Scanner{clamd.Scanner("unix"), clamd.Scanner("tcp"), icap.Scanner()} {
		b.Run(s.Name(), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if res := s.Scan(context.Background(), bytes.NewReader(data), int64(len(data))); res.Verdict != scan.Clean {
					b.Fatal(res)
				}
			}
		})
	}
}
