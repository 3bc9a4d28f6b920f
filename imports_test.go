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
	{"sanitize", []string{"net", "net/http", "database/sql", "crypto/tls"},
		"sanitizers parse hostile input and run in a sandbox without network; they must not be able to reach one"},
	{"sanitize", []string{"/store", "/blob", "/web", "/app", "/auth", "/audit"},
		"engines are pure: no storage, no transports, no services"},
	{".", []string{"/"}, "the root package is vocabulary only and depends on nothing in the module"},
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
