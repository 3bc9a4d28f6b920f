package scan

import (
	"context"
	"fmt"
	"io"
	"sync"
)

// Multi runs every scanner over the same file at once and returns their
// results in the order of scanners. A stream cannot be read twice, so open
// is called once per scanner and must return an independent reader of the
// same bytes each time (size long). An open, read or close failure, or a
// panicking scanner, is that scanner's Failed result.
func Multi(ctx context.Context, open func() (io.ReadCloser, error), size int64, scanners ...Scanner) []Result {
	results := make([]Result, len(scanners))
	var wg sync.WaitGroup
	for i, s := range scanners {
		wg.Go(func() {
			results[i] = scanOne(ctx, open, size, s)
		})
	}
	wg.Wait()
	return results
}

// scanOne runs one scanner of Multi over its own reader.
func scanOne(ctx context.Context, open func() (io.ReadCloser, error), size int64, s Scanner) (res Result) {
	name := "scanner"
	defer func() {
		// A Scanner from elsewhere must not take the process down with it,
		// nor leave its slot looking Clean.
		if p := recover(); p != nil {
			res = failed(name, "scanner panicked: %v", p)
		}
	}()
	name = s.Name()
	rc, err := open()
	if err != nil {
		return failed(name, "open file for scanning: %v", err)
	}
	res = s.Scan(ctx, rc, size)
	if err := rc.Close(); err != nil && res.Verdict == Clean {
		// Every byte was read, but a reader that fails to close may not
		// have delivered what was stored; stay closed.
		return failed(name, "close file after scanning: %v", err)
	}
	if res.Scanner == "" {
		res.Scanner = name
	}
	return res
}

// Overall folds results into one verdict: Infected if any scanner found
// something; otherwise Failed if any could not scan, or gave no known
// verdict, or there were no results at all; otherwise Clean.
func Overall(results []Result) Verdict {
	if len(results) == 0 {
		return Failed
	}
	v := Clean
	for _, r := range results {
		switch r.Verdict {
		case Infected:
			return Infected
		case Clean:
		default:
			v = Failed
		}
	}
	return v
}

// String formats r for logs: "clamd: infected (Kakehashi.Test.UNOFFICIAL)".
func (r Result) String() string {
	switch r.Verdict {
	case Infected:
		return fmt.Sprintf("%s: %v (%s)", r.Scanner, r.Verdict, r.Signature)
	case Failed:
		return fmt.Sprintf("%s: %v (%s)", r.Scanner, r.Verdict, r.Detail)
	}
	return fmt.Sprintf("%s: %v", r.Scanner, r.Verdict)
}
