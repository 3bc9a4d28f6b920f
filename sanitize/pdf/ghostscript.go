package pdf

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/kakehashi/kakehashi/sanitize"
)

// ghostscript rebuilds the input with Ghostscript's pdfwrite device, in
// safe mode, dropping annotations and embedded files (research/cdr.md §4a:
// with these switches no tested payload survives). It returns the rebuilt
// file, opened for reading.
func ghostscript(ctx context.Context, in sanitize.Input, env *sanitize.Env) (*os.File, error) {
	if env.Tools.Ghostscript == "" {
		return nil, fmt.Errorf("the fallback converter (Ghostscript) is not installed")
	}
	dir, err := os.MkdirTemp(env.TempDir, "gs-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	src, dst := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	f, err := os.Create(src)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, in.Reader()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, env.Tools.Ghostscript,
		"-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dNOPROMPT",
		"-sDEVICE=pdfwrite", "-dPreserveAnnots=false", "-dPreserveEmbeddedFiles=false",
		"-o", dst, src)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "TMPDIR=" + dir}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("the Ghostscript rebuild failed too: %v: %.200s", err, out)
	}
	// Ghostscript exits 0 and writes a blank page for input it cannot read
	// at all; a blank page is not the clerk's document.
	if bytes.Contains(out, []byte("No pages will be processed")) {
		return nil, fmt.Errorf("the Ghostscript rebuild found no pages")
	}
	rebuilt, err := os.Open(dst)
	if err != nil {
		return nil, fmt.Errorf("the Ghostscript rebuild wrote nothing: %w", err)
	}
	// The directory is removed on return; the open file stays readable.
	return rebuilt, nil
}
