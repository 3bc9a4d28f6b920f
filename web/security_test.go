package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kakehashi/kakehashi"
)

// TestHostHeaderChecked: a Host the listener was not configured for is
// refused before any handler runs (Accellion's SQL injection came in
// through the Host header).
func TestHostHeaderChecked(t *testing.T) {
	s := New(Config{Zone: kakehashi.ZoneLGWAN, Hosts: []string{"kakehashi.city.example.lg.jp"}})
	for host, want := range map[string]int{
		"kakehashi.city.example.lg.jp":      http.StatusOK,
		"kakehashi.city.example.lg.jp:8443": http.StatusOK,
		"KAKEHASHI.city.example.lg.jp":      http.StatusOK,
		"evil.example":                      http.StatusMisdirectedRequest,
		"x' OR 1=1--":                       http.StatusMisdirectedRequest,
		"":                                  http.StatusMisdirectedRequest,
	} {
		r := httptest.NewRequest("GET", "/healthz", nil)
		r.Host = host
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Host %q: %d, want %d", host, w.Code, want)
		}
	}
}

// TestForwardedForTrustedOnlyFromProxies: X-Forwarded-For is believed
// only from a configured proxy (transfer.sh's spoofed-header bypass).
func TestForwardedForTrustedOnlyFromProxies(t *testing.T) {
	s := New(Config{Zone: kakehashi.ZoneLGWAN, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}})
	for _, tc := range []struct {
		name, peer, xff, want string
	}{
		{"untrusted-peer-ignored", "192.0.2.7:5000", "10.9.9.9", "192.0.2.7"},
		{"trusted-proxy-believed", "10.0.0.5:5000", "198.51.100.3", "198.51.100.3"},
		{"rightmost-untrusted-hop", "10.0.0.5:5000", "203.0.113.1, 198.51.100.3, 10.0.0.6", "198.51.100.3"},
		{"garbage-falls-back-to-peer", "10.0.0.5:5000", "not-an-ip", "10.0.0.5"},
		{"all-hops-trusted", "10.0.0.5:5000", "10.0.0.7", "10.0.0.5"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		r.Header.Set("X-Forwarded-For", tc.xff)
		if got := s.clientIP(r); got != tc.want {
			t.Errorf("%s: clientIP = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func FuzzContentDisposition(f *testing.F) {
	for _, s := range []string{"a.txt", "議事録.docx", `a";b`, "\r\nX: y", "%41", strings.Repeat("長", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		v := ContentDisposition(kakehashi.CleanFileName(name))
		if strings.ContainsAny(v, "\r\n\x00") || !utf8.ValidString(v) {
			t.Fatalf("header value %q", v)
		}
		for _, c := range v {
			if c > 0x7e {
				t.Fatalf("non-ASCII in header %q", v)
			}
		}
		if strings.Count(v, `"`) != 2 {
			t.Fatalf("quotes unbalanced in %q", v)
		}
	})
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "//evil", "/\\evil", "/\t/evil", "https://x", "/a?b=c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\r\n") {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
	})
}
