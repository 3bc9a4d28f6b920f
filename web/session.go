package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/auth"
)

const (
	sessionCookie = "kakehashi_session"
	preCookie     = "kakehashi_pre" // login-form CSRF before there is a session
)

// session resolves the request's session: a bearer token on API routes, or
// the session cookie. viaBearer is true when the token came in a header,
// which a browser never sends by itself, so no CSRF check is needed.
func (s *Server) session(r *http.Request, rt *route) (sess *account.Session, viaBearer bool) {
	if rt.api {
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			sess, err := s.cfg.Accounts.Resolve(r.Context(), s.cfg.Zone, strings.TrimPrefix(h, "Bearer "))
			if err != nil {
				return nil, true
			}
			return sess, true
		}
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, false
	}
	sess, err = s.cfg.Accounts.Resolve(r.Context(), s.cfg.Zone, c.Value)
	if err != nil || sess.API {
		return nil, false // an API token in a cookie is not a browser session
	}
	return sess, false
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}

// csrfSecret is the session's secret, or for forms shown before sign-in a
// random value kept in a short-lived cookie.
func (s *Server) csrfSecret(w http.ResponseWriter, r *http.Request) []byte {
	if sess := sessionOf(r); sess != nil {
		return sess.CSRFSecret
	}
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) >= 32 {
		return []byte(c.Value)
	}
	if w == nil {
		return nil
	}
	v, _ := auth.NewToken()
	http.SetCookie(w, &http.Cookie{Name: preCookie, Value: v, Path: "/", MaxAge: 3600,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	return []byte(v)
}

// csrfOK checks the token of a form POST. Tokens are bound to the form's
// action path as well as to the session, so a token leaked from one form
// does not work for another.
func (s *Server) csrfOK(r *http.Request, sess *account.Session) bool {
	secret := s.csrfSecret(nil, r)
	if secret == nil {
		return false
	}
	token := r.Header.Get("X-CSRF-Token")
	if token == "" {
		token = r.URL.Query().Get("csrf")
	}
	// A multipart body is a file upload: reading a form value from it would
	// buffer the files, so its token travels in the query string instead.
	if token == "" && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		token = r.PostFormValue("csrf")
	}
	return token != "" && auth.CheckCSRF(secret, r.URL.Path, token)
}
