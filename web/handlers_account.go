package web

import (
	"net/http"
	"strings"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
)

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, map[string]any{"Flash": r.URL.Query().Get("flash")})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	sess := sessionOf(r)
	if s.cfg.Zone == kakehashi.ZoneLGWAN && !sess.User.MFA && data["TOTPSecret"] == nil {
		secret, url, err := s.cfg.Accounts.BeginTOTP(sess.User)
		if err == nil {
			data["TOTPSecret"], data["TOTPURL"] = secret, url
		}
	}
	users, _, _ := s.directory(r)
	data["Users"], data["Scopes"] = users, Scopes
	s.render(w, r, status, "account.html", data)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	err := s.cfg.Accounts.ChangePassword(r.Context(), sessionOf(r), s.clientIP(r), r.PostFormValue("current"), r.PostFormValue("new"))
	if err != nil {
		s.renderAccount(w, r, statusOf[kakehashi.ErrorCode(err)], map[string]any{"Error": errMessage(err)})
		return
	}
	http.Redirect(w, r, "/account?flash="+urlQuery("パスワードを変更しました / password changed"), http.StatusSeeOther)
}

func (s *Server) enrollTOTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	secret, code := r.PostFormValue("secret"), strings.TrimSpace(r.PostFormValue("code"))
	if err := s.cfg.Accounts.ConfirmTOTP(r.Context(), sessionOf(r), s.clientIP(r), secret, code); err != nil {
		s.renderAccount(w, r, http.StatusBadRequest, map[string]any{"Error": errMessage(err), "TOTPSecret": secret})
		return
	}
	http.Redirect(w, r, "/account?flash="+urlQuery("二要素認証を登録しました / two-factor authentication enrolled"), http.StatusSeeOther)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	r.ParseForm()
	token, err := s.cfg.Accounts.CreateAPIToken(r.Context(), sessionOf(r), s.clientIP(r), account.TokenRequest{
		Name: strings.TrimSpace(r.PostFormValue("name")), Scopes: r.PostForm["scope"], Zone: kakehashi.Zone(r.PostFormValue("zone"))}, Scopes)
	if err != nil {
		s.renderAccount(w, r, statusOf[kakehashi.ErrorCode(err)], map[string]any{"Error": errMessage(err)})
		return
	}
	s.renderAccount(w, r, http.StatusOK, map[string]any{"Token": token})
}
