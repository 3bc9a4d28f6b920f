package formats

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/testtool"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/sanitize/sandbox"
)

func TestMain(m *testing.M) {
	sandbox.MaybeChild(NewEngine)
	os.Exit(m.Run())
}

const corpusDir = "/usr/share/clamav-testfiles"

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func sandboxConfig() sandbox.Config {
	return sandbox.Config{Policy: sanitize.DefaultPolicy(), Limits: sanitize.DefaultLimits(), NewEngine: NewEngine}
}

// TestClamavTestfilesCorpus runs every file of Debian's clamav-testfiles (a
// harmless clam.exe inside 44 container formats) through the sandboxed
// engine. Each file must be rejected with a reason and leave no output, or
// produce an output in which independent checkers find nothing: the clam.exe
// payload (MD5 signature), macros (ClamAV heuristics) and active content
// (YARA rules run by ClamAV's own unpackers). PDF outputs must pass qpdf
// --check and OOXML outputs must open in LibreOffice.
func TestClamavTestfilesCorpus(t *testing.T) {
	testtool.Path(t, corpusDir+"/clam.exe", "clamav-testfiles")
	files, err := filepath.Glob(corpusDir + "/*")
	if err != nil || len(files) < 40 {
		t.Fatalf("corpus has %d files (%v)", len(files), err)
	}
	outDir := t.TempDir()
	accepted := map[string]*sanitize.Report{}
	var golden strings.Builder
	for _, f := range files {
		name := filepath.Base(f)
		out := filepath.Join(outDir, name+".out")
		rep, err := sandbox.Run(context.Background(), sandboxConfig(), sandbox.Job{InputPath: f, OutputPath: out, Name: name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fmt.Fprintf(&golden, "%-24s %-9s %-10s %-22s %v\n", name, rep.Verdict, rep.Type, rep.Reason, rep.Totals())
		_, statErr := os.Stat(out)
		switch rep.Verdict {
		case sanitize.VerdictRejected:
			if rep.Reason == "" {
				t.Errorf("%s: rejected without a reason", name)
			}
			if statErr == nil {
				t.Errorf("%s: rejected but an output exists", name)
			}
			t.Logf("%-24s rejected  %-22s %s", name, rep.Reason, rep.Detail)
		default:
			if statErr != nil {
				t.Errorf("%s: verdict %s but no output: %v", name, rep.Verdict, statErr)
				continue
			}
			// Give the output its real extension so the checkers (and
			// LibreOffice) treat it as what it is.
			named := filepath.Join(outDir, name+"."+rep.OutputType.Ext())
			if err := os.Rename(out, named); err != nil {
				t.Fatal(err)
			}
			accepted[named] = rep
			t.Logf("%-24s %-9s %s → %s, removed %v", name, rep.Verdict, rep.Type, rep.OutputType, rep.Totals())
		}
	}
	testtool.Golden(t, filepath.Join("testdata", "clamav-testfiles.golden"), []byte(golden.String()), *update)
	if len(accepted) == 0 {
		t.Fatal("nothing in the corpus was accepted: the checks below would prove nothing")
	}

	if found := testtool.Clamscan(t, testtool.ClamDB(t, "testdata/active.yar"), outDir); len(found) > 0 {
		t.Errorf("payload, macros or active content left in outputs:\n%s", strings.Join(found, "\n"))
	}

	byFilter := map[string][]string{}
	for path, rep := range accepted {
		switch rep.OutputType {
		case sanitize.TypePDF:
			if err := pdfCheck(t, path); err != nil {
				t.Errorf("%s: %v", filepath.Base(path), err)
			}
		case sanitize.TypeDOCX:
			byFilter["MS Word 2007 XML"] = append(byFilter["MS Word 2007 XML"], path)
		case sanitize.TypeXLSX:
			byFilter["Calc MS Excel 2007 XML"] = append(byFilter["Calc MS Excel 2007 XML"], path)
		case sanitize.TypePPTX:
			byFilter["Impress MS PowerPoint 2007 XML"] = append(byFilter["Impress MS PowerPoint 2007 XML"], path)
		}
	}
	filters := make([]string, 0, len(byFilter))
	for f := range byFilter {
		filters = append(filters, f)
	}
	sort.Strings(filters)
	for _, filter := range filters {
		opened := officeOpens(t, filter, byFilter[filter])
		for _, p := range byFilter[filter] {
			if !opened[p] {
				t.Errorf("%s does not open in LibreOffice with filter %q", filepath.Base(p), filter)
			}
		}
	}
}

// TestCheckersFireOnInputs proves the corpus checks can fail: the same
// clamscan calls that must find nothing in the outputs find the payload and
// active content in the untouched inputs.
func TestCheckersFireOnInputs(t *testing.T) {
	testtool.Path(t, corpusDir+"/clam.exe", "clamav-testfiles")
	dir := t.TempDir()
	for _, name := range []string{"clam.zip", "clam.pdf", "clam.exe.rtf", "clam.ole.doc"} {
		b, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	found := strings.Join(testtool.Clamscan(t, testtool.ClamDB(t, "testdata/active.yar"), dir), "\n")
	// The MD5 signature is named after the file it was made from.
	for _, name := range []string{"clam.zip", "clam.pdf", "clam.exe.rtf", "clam.ole.doc"} {
		if !strings.Contains(found, name+": clam.exe.UNOFFICIAL FOUND") {
			t.Errorf("the payload signature did not fire on %s:\n%s", name, found)
		}
	}
	for _, want := range []string{"clam.pdf: YARA.PDF_EmbeddedFile", "clam.exe.rtf: YARA.RTF_Object"} {
		if !strings.Contains(found, want) {
			t.Errorf("the YARA rules did not fire (%s):\n%s", want, found)
		}
	}
}
