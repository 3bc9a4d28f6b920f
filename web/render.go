package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/auth"
	"github.com/kakehashi/kakehashi/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are parsed once from the embedded files: templates are fixed at
// build time and user data only ever fills them (never parsed as one —
// the CrushFTP template-injection lesson).
var pages = parsePages()

var jst = time.FixedZone("JST", 9*60*60)

func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"t":     func(l i18n.Lang, key string) string { return i18n.T(l, key) },
		"msg":   func(l i18n.Lang, m string) string { return i18n.Split(m, l) },
		"time":  func(t time.Time) string { return t.In(jst).Format("2006-01-02 15:04") },
		"bytes": humanSize,
		"short": func(s string) string {
			if len(s) > 12 {
				return s[:12] + "…"
			}
			return s
		},
		"join": strings.Join,
		"dict": func(l i18n.Lang, rows any) map[string]any { return map[string]any{"Lang": l, "Rows": rows} },
		"hasRole": func(u *kakehashi.User, r string) bool {
			return u != nil && u.Has(kakehashi.Role(r))
		},
	}
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	out := map[string]*template.Template{}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		name := strings.TrimPrefix(n, "templates/")
		if name == "layout.html" {
			continue
		}
		out[name] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, n))
	}
	return out
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// page is what every template gets besides its own data.
type page struct {
	Lang  i18n.Lang
	A11y  bool
	Zone  kakehashi.Zone
	User  *kakehashi.User
	CSRF  func(action string) string
	Path  string // the current page, for forms that come back to it
	Flash string
	Data  map[string]any
}

func langOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		return string(i18n.Parse(c.Value))
	}
	return string(i18n.Parse(r.Header.Get("Accept-Language")))
}

func a11yOf(r *http.Request) bool {
	c, err := r.Cookie("a11y")
	return err == nil && c.Value == "1"
}

// render writes the page name with data.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	t, ok := pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	// One secret for every form of the page: before sign-in the first call
	// sets a fresh pre-sign-in cookie, and a second fresh one would replace
	// it, leaving the earlier forms (the display and language switches in
	// the header) with tokens that no longer verify.
	var secret []byte
	csrf := func(action string) string {
		if secret == nil {
			secret = s.csrfSecret(w, r)
		}
		return auth.CSRFToken(secret, action)
	}
	p := page{Lang: i18n.Lang(langOf(r)), A11y: a11yOf(r), Zone: s.cfg.Zone, Data: data, Path: r.URL.RequestURI(), CSRF: csrf}
	if sess := sessionOf(r); sess != nil && sess.MFADone {
		p.User = sess.User
	}
	if f, ok := data["Flash"].(string); ok {
		p.Flash = f
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout.html", p); err != nil {
		s.log.Error("rendering", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}
