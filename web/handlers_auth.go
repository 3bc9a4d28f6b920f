package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/i18n"
)

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := staticFS.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}

// safeNext keeps a post-login redirect on this site: a path, never a URL
// with a host or a scheme-relative "//evil".
//
// Browsers drop tabs and newlines from URLs and read a backslash as a
// slash, so "/<TAB>/evil" and "/<BACKSLASH>evil" would leave the site:
// any control character or backslash sends the user home instead.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f {
			return "/"
		}
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	data := map[string]any{"Next": safeNext(r.URL.Query().Get("next"))}
	if r.URL.Query().Get("signedout") != "" {
		data["Flash"] = "サインアウトしました / you have signed out"
	}
	s.render(w, r, http.StatusOK, "login.html", data)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	name, password := strings.TrimSpace(r.FormValue("user")), r.FormValue("password")
	token, sess, err := s.cfg.Accounts.SignIn(r.Context(), s.cfg.Zone, s.clientIP(r), name, password)
	if err != nil {
		status := http.StatusUnauthorized
		if kakehashi.ErrorCode(err) == kakehashi.EFORBIDDEN {
			status = http.StatusTooManyRequests
		}
		msg := "ユーザー名またはパスワードが正しくありません / wrong user name or password"
		if ke, ok := err.(*kakehashi.Error); ok {
			msg = ke.Message
		}
		s.render(w, r, status, "login.html", map[string]any{"Error": msg, "Name": name, "Next": safeNext(r.FormValue("next"))})
		return
	}
	s.setSessionCookie(w, token, sess.Expires)
	if !sess.MFADone {
		http.Redirect(w, r, "/login/mfa", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}

func (s *Server) mfaForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "mfa.html", nil)
}

func (s *Server) mfa(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	sess := sessionOf(r)
	// Japanese IMEs type full-width digits; accept them as the digits they are.
	code := strings.Map(func(c rune) rune {
		if c >= '０' && c <= '９' {
			return '0' + c - '０'
		}
		return c
	}, strings.TrimSpace(r.FormValue("code")))
	if err := s.cfg.Accounts.VerifyTOTP(r.Context(), sess, s.clientIP(r), code); err != nil {
		msg := "確認コードが正しくありません / wrong verification code"
		s.render(w, r, http.StatusUnauthorized, "mfa.html", map[string]any{"Error": msg})
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if sess := sessionOf(r); sess != nil {
		s.cfg.Accounts.SignOut(r.Context(), sess, s.clientIP(r))
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login?signedout=1", http.StatusSeeOther)
}

// prefs stores the language and accessibility choice in cookies, so they
// also apply before sign-in.
func (s *Server) prefs(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	year := time.Now().Add(365 * 24 * time.Hour)
	if l := r.FormValue("lang"); l != "" {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(i18n.Parse(l)), Path: "/", Expires: year, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
	}
	if a := r.FormValue("a11y"); a == "0" || a == "1" {
		http.SetCookie(w, &http.Cookie{Name: "a11y", Value: a, Path: "/", Expires: year, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
	}
	http.Redirect(w, r, safeNext(r.FormValue("back")), http.StatusSeeOther)
}
