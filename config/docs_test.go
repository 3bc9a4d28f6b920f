package config

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi/internal/docgen"
)

var update = flag.Bool("update", false, "rewrite docs/config.md")

// TestConfigDocs regenerates docs/config.md from the field comments and
// fails when the checked-in page differs (`make docs` rewrites it).
func TestConfigDocs(t *testing.T) {
	def := Default()
	sections := []struct {
		title, typ string
		value      any
		intro      string
	}{
		{"Top level", "Config", def, ""},
		{"[[listener]]", "Listener", def.Listeners[0], "One per zone. The quick start has two, on loopback."},
		{"[exchange]", "Exchange", def.Exchange, ""},
		{"[accounts]", "Accounts", def.Accounts, ""},
		{"[[scanner]]", "Scanner", Scanner{}, "None by default. Several may be listed: a file passes only when all answer clean."},
		{"[sanitize]", "Sanitize", def.Sanitize, ""},
		{"[mail]", "Mail", def.Mail, ""},
		{"[[approval.route]]", "Route", Route{}, "Absent by default."},
		{"[[approval.route.stage]]", "Stage", Stage{}, ""},
	}
	var b bytes.Buffer
	b.WriteString("# Configuration reference / 設定ファイル\n\n<!-- Generated from config/config.go by `make docs`. Do not edit by hand. -->\n\n")
	b.WriteString("`kakehashi serve --config FILE` reads one TOML file. Every key is optional; the defaults below are what\n")
	b.WriteString("`kakehashi quickstart` runs on. Unknown keys are errors (a typo must not switch a control off), and\n")
	b.WriteString("`kakehashi check-config --config FILE` validates a file and prints the flow table. Durations are written\n")
	b.WriteString("`\"90s\"`, `\"12h\"` or `\"7d\"`. An example is in docs/exchange.md.\n\n")
	for _, s := range sections {
		fields, err := docgen.StructFields(".", s.typ, s.value)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("## " + s.title + "\n\n")
		if s.intro != "" {
			b.WriteString(s.intro + "\n\n")
		}
		docgen.WriteFieldTable(&b, fields)
		b.WriteString("\n")
	}
	docgen.WriteTable(&b, []string{"rule (check-config refuses)", "why"}, []docgen.Row{
		{"a listener in zone `mynumber`", "nothing crosses out of マイナンバー利用事務系 (flow F1)"},
		{"two listeners on one address", "a request's zone must never be ambiguous"},
		{"`auto_release_clean` without scanners", "\"every scanner clean\" would be vacuously true"},
		{"a stage without approvers or with a mode other than any/all", "a request must never wait for nobody"},
	})
	const path = "../docs/config.md"
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, b.Bytes()) {
		t.Fatalf("docs/config.md is out of date: run `make docs` (%v)", err)
	}
}

func TestValidateRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"mynumber-listener", func(c *Config) { c.Listeners[0].Zone = "mynumber" }, "F1"},
		{"unknown-zone", func(c *Config) { c.Listeners[0].Zone = "dmz" }, "not internet or lgwan"},
		{"shared-address", func(c *Config) { c.Listeners[1].Address = c.Listeners[0].Address }, "used twice"},
		{"auto-release-without-scanner", func(c *Config) { c.Exchange.AutoReleaseClean = true }, "vacuously"},
		{"bad-model", func(c *Config) { c.Model = "gamma" }, "model"},
		{"bad-scanner", func(c *Config) { c.Scanners = []Scanner{{Name: "x", Kind: "exec", Address: "y"}} }, "not clamd or icap"},
		{"half-tls", func(c *Config) { c.Listeners[0].TLSCert = "cert.pem" }, "go together"},
		{"bad-proxy", func(c *Config) { c.Listeners[0].TrustedProxies = []string{"10.0.0.0/33"} }, "trusted_proxies"},
		{"empty-stage", func(c *Config) { c.Approval.Routes = []Route{{Department: "d", Stages: []Stage{{Mode: "any"}}}} }, "approvers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
	c := Default()
	if err := c.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := dir + "/k.toml"
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	c, err := Load(write(`data_dir = "d"
[exchange]
inbound_retention = "30d"
[[listener]]
zone = "lgwan"
address = "127.0.0.1:9000"
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != dir+"/d" || len(c.Listeners) != 1 || c.Exchange.InboundRetention.String() != "720h0m0s" || c.Exchange.MaxFileBytes != Default().Exchange.MaxFileBytes {
		t.Errorf("loaded %+v", c)
	}
	if _, err := Load(write("data_dri = \"x\"\n")); err == nil || !strings.Contains(err.Error(), "data_dri") {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := Load(write("[exchange]\ninbound_retention = \"soon\"\n")); err == nil {
		t.Error("a bad duration was accepted")
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("data_dir = \"d\"\n[[listener]]\nzone = \"lgwan\"\naddress = \"x:1\"\n")
	f.Add("[exchange]\ninbound_retention = \"7d\"\n")
	f.Add("[[approval.route]]\ndepartment = \"d\"\n[[approval.route.stage]]\nmode = \"all\"\napprovers = [\"a\"]\n")
	f.Fuzz(func(t *testing.T, body string) {
		p := t.TempDir() + "/k.toml"
		os.WriteFile(p, []byte(body), 0o600)
		c, err := Load(p)
		if err == nil {
			for _, l := range c.Listeners {
				if l.Zone != "internet" && l.Zone != "lgwan" {
					t.Fatalf("loaded a listener in zone %q", l.Zone)
				}
			}
		}
	})
}
