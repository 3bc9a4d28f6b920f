package kakehashi_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// importRules says which packages may not depend on which, and why. Rules
// apply to the whole dependency graph (go list -deps), not just direct
// imports, so a helper package cannot launder a forbidden import.
var importRules = []struct {
	pkgs   string // package path prefix, relative to the module
	banned []string
	why    string
}{
	{"sanitize", []string{"database/sql"}, "engines are pure: no storage"},
	{"sanitize", []string{"/store", "/blob", "/web", "/app", "/auth", "/audit"},
		"engines are pure: no storage, no transports, no services"},
	{".", []string{"/"}, "the root package is vocabulary only and depends on nothing in the module"},
	{"exchange", []string{"net/http", "database/sql", "/web", "/store/sqlstore", "/app"}, "domain services know no transport and no SQL"},
	{"approval", []string{"net/http", "database/sql", "/web", "/store/sqlstore", "/app"}, "domain services know no transport and no SQL"},
	{"account", []string{"net/http", "database/sql", "/web", "/store/sqlstore", "/app"}, "domain services know no transport and no SQL"},
	{"audit", []string{"net/http", "database/sql", "/web", "/store/sqlstore", "/app"}, "domain services know no transport and no SQL"},
	{"queue", []string{"net/http", "database/sql", "/web", "/store/sqlstore", "/app"}, "domain services know no transport and no SQL"},
	{"auth", []string{"net/http", "database/sql", "/store", "/web", "/app"}, "authentication primitives are pure"},
	{"web", []string{"database/sql", "/store/sqlstore", "/app", "/blob/localfs"}, "the transport reaches storage only through the store contract"},
	{"store", []string{"net/http", "/web", "/app", "/exchange"}, "persistence knows nothing above it"},
	{"blob", []string{"net/http", "database/sql", "/store", "/web", "/app"}, "blob stores hold bytes, nothing else"},
}

type listedPackage struct {
	ImportPath string
	Deps       []string
	Standard   bool
}

func listPackages(t *testing.T) (module string, pkgs []listedPackage) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	module = strings.TrimSpace(string(out))
	out, err = exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return module, pkgs
}

func TestImportDirection(t *testing.T) {
	module, pkgs := listPackages(t)
	if len(pkgs) < 3 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	for _, rule := range importRules {
		prefix := module
		if rule.pkgs != "." {
			prefix = module + "/" + rule.pkgs
		}
		for _, p := range pkgs {
			inScope := p.ImportPath == prefix || (rule.pkgs != "." && strings.HasPrefix(p.ImportPath, prefix+"/"))
			if !inScope {
				continue
			}
			for _, dep := range p.Deps {
				for _, ban := range rule.banned {
					if bannedDep(module, dep, ban) {
						t.Errorf("%s depends on %s: %s", p.ImportPath, dep, rule.why)
					}
				}
			}
		}
	}
}

// networkImporters are third-party packages in the sanitizers' dependency
// graph that import the network stack, each with why that is acceptable.
// Sanitizers parse hostile input and must not be able to reach a network:
// none of our packages may import it, and any other library that does must
// be named here, so a new one cannot slip in unnoticed. (The sandbox's new
// network namespace and seccomp filter are the runtime control.)
var networkImporters = map[string]string{
	"github.com/andybalholm/brotli": "7z's brotli decoder; the same package has HTTP compression helpers we never call",
	"github.com/spf13/afero":        "7z's file-system abstraction; its HttpFs adapter is never used",
	"go4.org/readerutil":            "7z's reader helpers publish expvar counters; nothing serves them",
	// pdfcpu fetches certificate revocation data when validating signatures
	// and images by URL when creating PDFs; sanitize/pdf only reads and
	// writes, calling neither.
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/sign":       "signature validation (revocation checks); never called",
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/primitives": "PDF creation with images by URL; never called",
}

var networkPackages = map[string]bool{"net": true, "net/http": true, "crypto/tls": true, "net/rpc": true, "net/smtp": true, "expvar": true}

// TestSanitizersCannotReachNetwork walks every package the sanitizers
// depend on and fails on any that imports the network stack, unless it is a
// standard package (reached only through a listed library) or listed above.
func TestSanitizersCannotReachNetwork(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}\t{{.Standard}}\t{{join .Imports \" \"}}", "./sanitize/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	used := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) < 3 || f[1] == "true" {
			continue
		}
		for _, imp := range strings.Fields(f[2]) {
			if !networkPackages[imp] {
				continue
			}
			if _, ok := networkImporters[f[0]]; !ok {
				t.Errorf("%s imports %s and is in a sanitizer's dependency graph", f[0], imp)
			}
			used[f[0]] = true
		}
	}
	for p := range networkImporters {
		if !used[p] {
			t.Errorf("%s is listed in networkImporters but no longer imports the network stack: remove it", p)
		}
	}
}

// bannedDep matches a dependency against a ban: "/x" means the module's own
// package x (and below), "/" any module package, anything else a standard
// library package exactly.
func bannedDep(module, dep, ban string) bool {
	switch {
	case ban == "/":
		return dep == module || strings.HasPrefix(dep, module+"/")
	case strings.HasPrefix(ban, "/"):
		p := module + ban
		return dep == p || strings.HasPrefix(dep, p+"/")
	default:
		return dep == ban
	}
}
