package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/approval"
	"github.com/kakehashi/kakehashi/exchange"
	"github.com/kakehashi/kakehashi/i18n"
	"github.com/kakehashi/kakehashi/sanitize"
	"github.com/kakehashi/kakehashi/store"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	lists, err := s.cfg.Exchange.List(r.Context(), s.subject(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sess := sessionOf(r)
	s.render(w, r, http.StatusOK, "home.html", map[string]any{"Lists": lists, "MustChange": s.cfg.Accounts.MustChangePassword(r.Context(), sess.UserID),
		"Flash": r.URL.Query().Get("flash")})
}

// directory returns the enabled users and the departments, for pickers.
func (s *Server) directory(r *http.Request) (users []kakehashi.User, depts []kakehashi.Department, err error) {
	err = s.cfg.Store.View(r.Context(), func(tx store.Tx) error {
		all, err := tx.ListUsers()
		if err != nil {
			return err
		}
		for _, u := range all {
			if !u.Disabled {
				users = append(users, u)
			}
		}
		depts, err = tx.ListDepartments()
		return err
	})
	return users, depts, err
}

func (s *Server) sendForm(w http.ResponseWriter, r *http.Request) {
	users, depts, err := s.directory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "send.html", map[string]any{"Users": users, "Departments": depts, "MaxBytes": s.cfg.Exchange.Policy.MaxFileBytes})
}

// receive streams a multipart upload: each file part goes straight into the
// blob store as it arrives (memory does not grow with file size), form
// fields are kept, and on any failure every stored part is deleted.
func (s *Server) receive(w http.ResponseWriter, r *http.Request) (exchange.SubmitRequest, error) {
	var req exchange.SubmitRequest
	if s.cfg.MaxUploadBytes > 0 {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return req, kakehashi.Errorf(kakehashi.EINVALID, "ファイルを選んでください / choose at least one file")
	}
	fields := map[string][]string{}
	fieldBytes := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.cfg.Exchange.Discard(r.Context(), req.Files)
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return req, kakehashi.Errorf(kakehashi.ETOOLARGE, "送信できる合計サイズを超えました / the upload is too large")
			}
			return req, kakehashi.Errorf(kakehashi.EINVALID, "アップロードが途中で切れました / the upload was interrupted")
		}
		if part.FileName() == "" {
			b, err := io.ReadAll(io.LimitReader(part, 8<<10))
			fieldBytes += len(b)
			if err != nil || fieldBytes > 64<<10 {
				s.cfg.Exchange.Discard(r.Context(), req.Files)
				return req, kakehashi.Errorf(kakehashi.EINVALID, "入力が大きすぎます / the form is too large")
			}
			fields[part.FormName()] = append(fields[part.FormName()], string(b))
			continue
		}
		if len(req.Files) >= kakehashi.MaxFilesPer {
			s.cfg.Exchange.Discard(r.Context(), req.Files)
			return req, kakehashi.Errorf(kakehashi.ETOOLARGE, "一度に送れるファイルは%d個までです / at most %d files per transfer", kakehashi.MaxFilesPer, kakehashi.MaxFilesPer)
		}
		info, err := s.cfg.Exchange.StoreFile(r.Context(), part)
		if err != nil {
			s.cfg.Exchange.Discard(r.Context(), req.Files)
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return req, kakehashi.Errorf(kakehashi.ETOOLARGE, "送信できる合計サイズを超えました / the upload is too large")
			}
			if kakehashi.ErrorCode(err) == kakehashi.EINTERNAL {
				return req, kakehashi.Errorf(kakehashi.EINVALID, "アップロードが途中で切れました / the upload was interrupted")
			}
			return req, err
		}
		req.Files = append(req.Files, exchange.Upload{Name: part.FileName(), Blob: info})
	}
	first := func(k string) string {
		if v := fields[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	req.Note, req.Destination, req.Reason = first("note"), first("destination"), first("reason")
	req.Recipients = fields["to"]
	if d := first("department"); d != "" {
		members, err := s.departmentMembers(r, d)
		if err != nil {
			s.cfg.Exchange.Discard(r.Context(), req.Files)
			return req, err
		}
		req.Recipients = append(req.Recipients, members...)
	}
	return req, nil
}

func (s *Server) departmentMembers(r *http.Request, dept string) ([]string, error) {
	var ids []string
	err := s.cfg.Store.View(r.Context(), func(tx store.Tx) error {
		users, err := tx.ListUsers()
		for _, u := range users {
			if u.DepartmentID == dept && !u.Disabled {
				ids = append(ids, u.ID)
			}
		}
		return err
	})
	return ids, err
}

// submit receives an upload and creates the transfer whose direction the
// listener's zone decides.
func (s *Server) submit(w http.ResponseWriter, r *http.Request) (*kakehashi.Transfer, error) {
	req, err := s.receive(w, r)
	if err != nil {
		return nil, err
	}
	req.Direction = kakehashi.Inbound
	if s.cfg.Zone == kakehashi.ZoneLGWAN {
		req.Direction = kakehashi.Outbound
	}
	t, err := s.cfg.Exchange.Submit(r.Context(), s.subject(r), req)
	if err != nil {
		s.cfg.Exchange.Discard(r.Context(), req.Files)
		return nil, err
	}
	return t, nil
}

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	t, err := s.submit(w, r)
	if err != nil {
		if kakehashi.ErrorCode(err) == kakehashi.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		users, depts, _ := s.directory(r)
		s.render(w, r, statusOf[kakehashi.ErrorCode(err)], "send.html", map[string]any{"Error": errMessage(err), "Users": users, "Departments": depts,
			"MaxBytes": s.cfg.Exchange.Policy.MaxFileBytes})
		return
	}
	http.Redirect(w, r, "/transfers/"+t.ID, http.StatusSeeOther)
}

func errMessage(err error) string {
	var ke *kakehashi.Error
	if errors.As(err, &ke) && ke.Code != kakehashi.EINTERNAL {
		return ke.Message
	}
	return "内部エラーが発生しました / an internal error occurred"
}

// fileView is a file with what the viewer may do with it.
type fileView struct {
	kakehashi.File
	Summary      string
	CanSanitized bool
	CanOriginal  bool
	CanAsk       bool
}

func (s *Server) transfer(w http.ResponseWriter, r *http.Request) {
	sub := s.subject(r)
	d, err := s.cfg.Exchange.Get(r.Context(), sub, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := i18n.Lang(langOf(r))
	pendingAsk := map[string]bool{}
	for _, a := range d.Approvals {
		if a.Kind == kakehashi.ApproveRelease && a.State == kakehashi.ApprovalPending && a.RequesterID == sub.User.ID {
			pendingAsk[a.FileID] = true
		}
	}
	t := d.Transfer
	recipient := slices.Contains(t.Recipients, sub.User.ID)
	var files []fileView
	for _, f := range d.Files {
		v := fileView{File: f}
		if len(f.Report) > 0 {
			v.Summary = reportSummary(f.Report, lang)
		}
		inbound := t.Direction == kakehashi.Inbound
		v.CanSanitized = inbound && s.cfg.Zone == kakehashi.ZoneLGWAN && f.Status.Deliverable() && t.State == kakehashi.StateAvailable
		v.CanOriginal = (inbound && s.cfg.Zone == kakehashi.ZoneLGWAN && recipient && f.OriginalRelease && t.State != kakehashi.StateExpired) ||
			(!inbound && s.cfg.Zone == kakehashi.ZoneInternet && t.SenderID == sub.User.ID && t.State == kakehashi.StateAvailable) ||
			(!inbound && s.cfg.Zone == kakehashi.ZoneLGWAN && t.SenderID != sub.User.ID && t.State != kakehashi.StateExpired)
		v.CanAsk = inbound && s.cfg.Zone == kakehashi.ZoneLGWAN && recipient && !f.OriginalRelease && !pendingAsk[f.ID] &&
			f.Status != kakehashi.FilePending && f.Status != kakehashi.FileInfected && t.State != kakehashi.StateExpired
		files = append(files, v)
	}
	s.render(w, r, http.StatusOK, "transfer.html", map[string]any{"Detail": d, "Files": files, "Names": s.names(r), "Flash": r.URL.Query().Get("flash")})
}

// reportSummary is the engine's own plain-language summary of what was
// removed and where.
func reportSummary(raw []byte, lang i18n.Lang) string {
	var rep sanitize.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return ""
	}
	return rep.Summary(string(lang))
}

// names maps user IDs to display names for screens.
func (s *Server) names(r *http.Request) map[string]string {
	out := map[string]string{"system": "system", "cli": "cli", "anonymous": "-"}
	s.cfg.Store.View(r.Context(), func(tx store.Tx) error {
		users, err := tx.ListUsers()
		for _, u := range users {
			out[u.ID] = u.DisplayName + " (" + u.Name + ")"
		}
		return err
	})
	return out
}

// download streams a file with a Content-Disposition that every browser
// reads correctly for Japanese names (RFC 6266 with the RFC 5987 filename*),
// and records the bytes actually sent.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	which := r.PathValue("copy")
	if which != exchange.CopySanitized && which != exchange.CopyOriginal {
		s.fail(w, r, kakehashi.Errorf(kakehashi.ENOTFOUND, "見つかりません / not found"))
		return
	}
	d, err := s.cfg.Exchange.Open(r.Context(), s.subject(r), r.PathValue("id"), which)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer d.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", ContentDisposition(d.Name))
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("X-Content-SHA256", d.SHA256)
	n, err := io.Copy(w, d)
	d.Done(n, err == nil && n == d.Size)
}

// ContentDisposition builds an attachment header for name: an ASCII
// fallback for old clients and, when the name is not plain ASCII, the
// UTF-8 filename* that every current browser prefers (RFC 6266 §4.3,
// RFC 5987 §3.2.1 attr-chars, everything else percent-encoded).
func ContentDisposition(name string) string {
	fallback := strings.Map(func(c rune) rune {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '%' || c == ';' {
			return '_'
		}
		return c
	}, name)
	v := `attachment; filename="` + fallback + `"`
	if fallback == name {
		return v
	}
	var b strings.Builder
	for _, c := range []byte(name) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return v + "; filename*=utf-8''" + b.String()
}

func (s *Server) requestRelease(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	id := r.PathValue("id")
	_, err := s.cfg.Exchange.RequestRelease(r.Context(), s.subject(r), id, strings.TrimSpace(r.PostFormValue("reason")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.backToTransferOfFile(w, r, id, "原本の取り出しを申請しました / the original has been requested")
}

func (s *Server) backToTransferOfFile(w http.ResponseWriter, r *http.Request, fileID, flash string) {
	var transferID string
	s.cfg.Store.View(r.Context(), func(tx store.Tx) error {
		f, err := tx.File(fileID)
		if err == nil {
			transferID = f.TransferID
		}
		return err
	})
	http.Redirect(w, r, "/transfers/"+transferID+"?flash="+urlQuery(flash), http.StatusSeeOther)
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	req := exchange.DecideRequest{ApprovalID: r.PathValue("id"), Approve: r.PostFormValue("decision") == "approve", Comment: strings.TrimSpace(r.PostFormValue("comment"))}
	out, err := s.decideWith(r, req, r.PostFormValue("password"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/transfers/"+out.Approval.TransferID+"?flash="+urlQuery("判断を記録しました / your decision is recorded"), http.StatusSeeOther)
}

func (s *Server) delegate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	from, err1 := time.ParseInLocation("2006-01-02", r.PostFormValue("from"), jst)
	until, err2 := time.ParseInLocation("2006-01-02", r.PostFormValue("until"), jst)
	if err1 != nil || err2 != nil {
		s.fail(w, r, kakehashi.Errorf(kakehashi.EINVALID, "日付を確認してください / check the dates"))
		return
	}
	if _, err := s.cfg.Exchange.Delegate(r.Context(), s.subject(r), r.PostFormValue("delegate"), from, until.Add(24*time.Hour)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?flash="+urlQuery("代理承認を設定しました / delegation set"), http.StatusSeeOther)
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// decideWith records an approver's decision, first checking their password
// when they gave one (a release of an original needs it).
func (s *Server) decideWith(r *http.Request, req exchange.DecideRequest, password string) (*approval.Outcome, error) {
	if password != "" {
		sess := sessionOf(r)
		if err := s.cfg.Accounts.Reauthenticate(r.Context(), sess, s.clientIP(r), password); err != nil {
			return nil, err
		}
		req.ReauthAt = sess.ReauthAt
	}
	return s.cfg.Exchange.Decide(r.Context(), s.subject(r), req)
}
