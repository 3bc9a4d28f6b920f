package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/kakehashi/kakehashi"
)

// statusOf is the one mapping from error codes to HTTP status.
var statusOf = map[string]int{
	kakehashi.EINVALID:      http.StatusBadRequest,
	kakehashi.ENOTFOUND:     http.StatusNotFound,
	kakehashi.EFORBIDDEN:    http.StatusForbidden,
	kakehashi.ECONFLICT:     http.StatusConflict,
	kakehashi.EREJECTED:     http.StatusUnprocessableEntity,
	kakehashi.EUNAVAILABLE:  http.StatusServiceUnavailable,
	kakehashi.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	kakehashi.EUNAUTHORIZED: http.StatusUnauthorized,
	kakehashi.EINTERNAL:     http.StatusInternalServerError,
}

// fail answers with err: JSON on API routes, a page otherwise. Internal
// errors show generic text; the detail goes to the log only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := kakehashi.ErrorCode(err)
	status := statusOf[code]
	msg := "内部エラーが発生しました / an internal error occurred"
	var ke *kakehashi.Error
	if errors.As(err, &ke) && code != kakehashi.EINTERNAL {
		msg = ke.Message
	}
	if code == kakehashi.EINTERNAL {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		writeJSON(w, status, map[string]string{"code": code, "message": msg})
		return
	}
	s.render(w, r, status, "error.html", map[string]any{"Message": localize(msg, langOf(r)), "Status": status})
}

// unauthenticated sends a browser to sign in (and back), an API client a 401.
func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request, rt *route) {
	if rt.api {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kakehashi"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"code": kakehashi.EUNAUTHORIZED, "message": "サインインしてください / please sign in"})
		return
	}
	if sess := sessionOf(r); sess != nil && !sess.MFADone {
		http.Redirect(w, r, "/login/mfa", http.StatusSeeOther)
		return
	}
	next := ""
	if r.Method == http.MethodGet {
		next = "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, "/login"+next, http.StatusSeeOther)
}

func isAPI(r *http.Request) bool {
	rt, _ := r.Context().Value(ctxRoute).(*route)
	return rt != nil && rt.api
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// localize picks one half of a "日本語 / English" message.
func localize(msg, lang string) string {
	ja, en, ok := strings.Cut(msg, " / ")
	if !ok {
		return msg
	}
	if lang == "en" {
		return en
	}
	return ja
}
