package ole

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/kakehashi/kakehashi/sanitize"
)

// conversion says how LibreOffice turns one legacy type into OOXML.
type conversion struct {
	inExt    string // the extension of the input copy, which LibreOffice's type detection also weighs
	inFilter string // the import filter, forced so that nothing else parses the file
	outExt   string
	export   string // the export filter name
	out      sanitize.Type
}

// conversionFor picks the filters from the inspected file. Word 6/95 and
// Excel 5/95 files have their own import filters.
func conversionFor(f *Findings) (conversion, bool) {
	switch f.Type {
	case sanitize.TypeDOC:
		in := "MS Word 97"
		if f.WordFib < 0x00C1 { // nFib of Word 97 (MS-DOC §2.5.2)
			in = "MS WinWord 6.0"
		}
		return conversion{"doc", in, "docx", "MS Word 2007 XML", sanitize.TypeDOCX}, true
	case sanitize.TypeXLS:
		in := "MS Excel 97"
		if f.BIFF5 {
			in = "MS Excel 95"
		}
		return conversion{"xls", in, "xlsx", "Calc MS Excel 2007 XML", sanitize.TypeXLSX}, true
	case sanitize.TypePPT:
		return conversion{"ppt", "MS PowerPoint 97", "pptx", "Impress MS PowerPoint 2007 XML", sanitize.TypePPTX}, true
	}
	return conversion{}, false
}

// profileXCU switches off what LibreOffice would otherwise carry over or run:
// VBA import and export in Writer, Calc and Impress (so no vbaProject.bin is
// written, research note cdr.md §4a), and macro execution (security level
// "very high" plus DisableMacrosExecution), and it blocks links to untrusted
// referers. It is written into a fresh user profile for every conversion, so
// no state leaks between files.
func profileXCU() string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
` + vbaOff("Writer") + vbaOff("Calc") + vbaOff("Impress") + `<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
`
}

func vbaOff(app string) string {
	var b bytes.Buffer
	for _, prop := range []string{"Load", "Save", "Executable"} {
		if app == "Impress" && prop == "Executable" {
			continue // Impress has no Executable switch
		}
		fmt.Fprintf(&b, `<item oor:path="/org.openoffice.Office.%s/Filter/Import/VBA"><prop oor:name="%s" oor:op="fuse"><value>false</value></prop></item>`+"\n", app, prop)
	}
	return b.String()
}

// convert copies in to a private directory under env.TempDir and runs
// LibreOffice on it. It returns the path of the converted file; the caller
// removes dir.
func convert(ctx context.Context, in sanitize.Input, env *sanitize.Env, c conversion, dir string) (string, error) {
	src := filepath.Join(dir, "in."+c.inExt)
	if err := copyInput(in, src); err != nil {
		return "", err
	}
	profile := filepath.Join(dir, "profile")
	if err := os.MkdirAll(filepath.Join(profile, "user"), 0o700); err != nil {
		return "", fmt.Errorf("making LibreOffice profile: %w", err)
	}
	if err := os.WriteFile(filepath.Join(profile, "user", "registrymodifications.xcu"), []byte(profileXCU()), 0o600); err != nil {
		return "", fmt.Errorf("writing LibreOffice profile: %w", err)
	}
	outDir := filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		return "", fmt.Errorf("making output directory: %w", err)
	}
	profileURL := (&url.URL{Scheme: "file", Path: profile}).String()
	args := []string{
		"-env:UserInstallation=" + profileURL,
		"--headless", "--norestore", "--nolockcheck", "--nologo", "--nodefault",
		"--infilter=" + c.inFilter,
		"--convert-to", c.outExt + ":" + c.export,
		"--outdir", outDir,
		src,
	}
	if err := runSoffice(ctx, env, dir, args); err != nil {
		return "", err
	}
	out := filepath.Join(outDir, "in."+c.outExt)
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		return "", sanitize.Reject(sanitize.ReasonConverter, "LibreOffice did not convert the %s file (no output)", c.inExt)
	}
	return out, nil
}

func copyInput(in sanitize.Input, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("writing converter input: %w", err)
	}
	_, err = io.Copy(f, in.Reader())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing converter input: %w", err)
	}
	return nil
}

// runSoffice runs LibreOffice with an argument vector and a minimal
// environment (HOME and TMPDIR in the scratch directory, so nothing of the
// gateway's own environment or home directory is visible). LibreOffice
// forks (soffice script → oosplash → soffice.bin), so it runs in its own
// process group and the whole group is killed when ctx ends or the wall
// time runs out.
func runSoffice(ctx context.Context, env *sanitize.Env, dir string, args []string) error {
	wall := env.Limits.WallTime
	if wall <= 0 {
		wall = sanitize.DefaultLimits().WallTime
	}
	ctx, cancel := context.WithTimeout(ctx, wall)
	defer cancel()
	cmd := exec.CommandContext(ctx, env.Tools.Soffice, args...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + dir, "TMPDIR=" + dir, "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "SAL_USE_VCLPLUGIN=svp"}
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &limitedBuffer{b: &stderr, left: 4096}
	setProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return sanitize.Reject(sanitize.ReasonTimeout, "LibreOffice did not finish within %v", wall)
		}
		return sanitize.Reject(sanitize.ReasonTimeout, "conversion cancelled: %v", ctx.Err())
	}
	if err != nil {
		return sanitize.Reject(sanitize.ReasonConverter, "LibreOffice failed: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}

// limitedBuffer keeps the first bytes of the converter's stderr for the
// rejection detail and drops the rest.
type limitedBuffer struct {
	b    *bytes.Buffer
	left int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	n := min(len(p), l.left)
	l.b.Write(p[:n])
	l.left -= n
	return len(p), nil
}
