package web

import (
	"net/http"
	"strings"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/store"
)

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	s.renderAdmin(w, r, http.StatusOK, map[string]any{"Flash": r.URL.Query().Get("flash")})
}

func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	err := s.cfg.Store.View(r.Context(), func(tx store.Tx) error {
		users, err := tx.ListUsers()
		if err != nil {
			return err
		}
		depts, err := tx.ListDepartments()
		if err != nil {
			return err
		}
		exs, err := tx.ListExemptions()
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, d := range depts {
			names[d.ID] = d.Name
		}
		data["Users"], data["Departments"], data["Exemptions"], data["DeptNames"], data["Roles"] = users, depts, exs, names, kakehashi.Roles
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "admin.html", data)
}

func roles(vals []string) []kakehashi.Role {
	var out []kakehashi.Role
	for _, v := range vals {
		if kakehashi.Role(v).Valid() && kakehashi.Role(v) != kakehashi.RoleUser {
			out = append(out, kakehashi.Role(v))
		}
	}
	return out
}

func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	r.ParseForm()
	u, otp, err := s.cfg.Accounts.CreateUser(r.Context(), s.subject(r), account.NewUser{
		Name: strings.TrimSpace(r.PostFormValue("name")), DisplayName: strings.TrimSpace(r.PostFormValue("display")),
		Email: strings.TrimSpace(r.PostFormValue("email")), DepartmentID: r.PostFormValue("department"),
		SupervisorID: r.PostFormValue("supervisor"), Roles: roles(r.PostForm["role"]),
	})
	if err != nil {
		s.renderAdmin(w, r, statusOf[kakehashi.ErrorCode(err)], map[string]any{"Error": errMessage(err)})
		return
	}
	s.renderAdmin(w, r, http.StatusOK, map[string]any{"Created": u, "OTP": otp})
}

func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	r.ParseForm()
	var u *kakehashi.User
	err := s.cfg.Store.View(r.Context(), func(tx store.Tx) (err error) {
		u, err = tx.User(r.PathValue("id"))
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u.Roles, u.Disabled = roles(r.PostForm["role"]), r.PostFormValue("disabled") == "1"
	if err := s.cfg.Accounts.UpdateUser(r.Context(), s.subject(r), u); err != nil {
		s.renderAdmin(w, r, statusOf[kakehashi.ErrorCode(err)], map[string]any{"Error": errMessage(err)})
		return
	}
	http.Redirect(w, r, "/admin?flash="+urlQuery("保存しました / saved"), http.StatusSeeOther)
}

func (s *Server) adminCreateDepartment(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if _, err := s.cfg.Accounts.CreateDepartment(r.Context(), s.subject(r), strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("parent")); err != nil {
		s.renderAdmin(w, r, statusOf[kakehashi.ErrorCode(err)], map[string]any{"Error": errMessage(err)})
		return
	}
	http.Redirect(w, r, "/admin?flash="+urlQuery("部署を追加しました / department added"), http.StatusSeeOther)
}

func (s *Server) adminCreateExemption(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_, err := s.cfg.Exchange.CreateExemption(r.Context(), s.subject(r), r.PostFormValue("kind"), strings.TrimSpace(r.PostFormValue("value")), strings.TrimSpace(r.PostFormValue("note")))
	if err != nil {
		s.renderAdmin(w, r, statusOf[kakehashi.ErrorCode(err)], map[string]any{"Error": errMessage(err)})
		return
	}
	http.Redirect(w, r, "/admin?flash="+urlQuery("免除ルールを追加しました / exemption added"), http.StatusSeeOther)
}

func (s *Server) adminDeleteExemption(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Exchange.DeleteExemption(r.Context(), s.subject(r), r.PathValue("id")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin?flash="+urlQuery("免除ルールを削除しました / exemption deleted"), http.StatusSeeOther)
}
