package scantest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/kakehashi/kakehashi/scan"
)

// Conformance checks a scanner that is backed by a clamd with DB's
// signature: clean files are Clean, Payload is Infected with Signature,
// also inside a zip, and a file whose bytes do not match its declared size,
// a failing reader or a cancelled context is Failed, never Clean. Subtests
// run in parallel.
func Conformance(t *testing.T, s scan.Scanner) {
	t.Helper()
	changed := bytes.Clone(Payload())
	changed[0] ^= 1
	big := make([]byte, 300<<10) // several chunks, under every limit
	rng := rand.NewChaCha8([32]byte{1})
	_, _ = rng.Read(big)

	cases := []struct {
		name string
		data []byte
		size int64 // declared size; len(data) when 0 and data is not empty
		want scan.Verdict
		sig  string
	}{
		{name: "empty", data: nil, want: scan.Clean},
		{name: "clean-text", data: []byte("こんにちは、世界\n"), want: scan.Clean},
		{name: "clean-multi-chunk", data: big, want: scan.Clean},
		{name: "payload", data: Payload(), want: scan.Infected, sig: Signature},
		// The boundary: one flipped bit and the hash signature no longer
		// matches.
		{name: "payload-one-bit-changed", data: changed, want: scan.Clean},
		{name: "payload-in-zip", data: Zip(t, "readme.txt", Payload()), want: scan.Infected, sig: Signature},
		{name: "unknown-size", data: Payload(), size: -1, want: scan.Infected, sig: Signature},
		{name: "longer-than-declared", data: []byte("hello, world"), size: 5, want: scan.Failed},
		{name: "shorter-than-declared", data: []byte("hello"), size: 6, want: scan.Failed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			size := tc.size
			if size == 0 {
				size = int64(len(tc.data))
			}
			res := s.Scan(context.Background(), bytes.NewReader(tc.data), size)
			Check(t, res, s.Name(), tc.want, tc.sig)
		})
	}
	t.Run("failing-reader", func(t *testing.T) {
		t.Parallel()
		r := io.MultiReader(bytes.NewReader(big[:100<<10]), errReader{})
		res := s.Scan(context.Background(), r, int64(len(big)))
		Check(t, res, s.Name(), scan.Failed, "")
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		res := s.Scan(ctx, bytes.NewReader([]byte("hello")), 5)
		Check(t, res, s.Name(), scan.Failed, "")
	})
}

// Check fails t unless res has verdict want (and signature sig when
// Infected), names scanner, and explains a Failed verdict.
func Check(t testing.TB, res scan.Result, scanner string, want scan.Verdict, sig string) {
	t.Helper()
	if res.Verdict != want {
		t.Fatalf("got %v, want %v", res, want)
	}
	if res.Scanner != scanner {
		t.Errorf("Scanner = %q, want %q", res.Scanner, scanner)
	}
	if want == scan.Infected && sig != "" && res.Signature != sig {
		t.Errorf("Signature = %q, want %q", res.Signature, sig)
	}
	if want == scan.Failed && res.Detail == "" {
		t.Errorf("Failed without Detail: %+v", res)
	}
	t.Logf("%v", res)
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }
