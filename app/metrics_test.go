package app_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/config"
)

func TestMetrics(t *testing.T) {
	o := newOffice(t, func(c *config.Config) { c.MetricsAddress = "127.0.0.1:0" })
	sender := o.g.Client(kakehashi.ZoneInternet)
	sender.Login(o.clerk)
	_, loc, _ := upload(t, sender, url.Values{"to": {o.recipient.ID}}, map[string][]byte{"memo.txt": []byte("メモ\n")})
	o.g.WaitState(transferID(t, loc), kakehashi.StateAvailable)
	resp, err := http.Get(o.g.MetricsURL())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`kakehashi_transfers{direction="inbound",state="available"} 1`,
		`kakehashi_sanitize_seconds_count{verdict="clean"} 1`,
		`kakehashi_http_requests_total{route="POST /send",status="303",zone="internet"} 1`,
		`kakehashi_jobs{state="failed"} 0`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// The metrics listener is not a zone listener: nothing else is there.
	if resp, err := http.Get(strings.TrimSuffix(o.g.MetricsURL(), "/metrics") + "/login"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("metrics listener answers /login with %d", resp.StatusCode)
		}
	}
}
