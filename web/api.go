package web

import (
	_ "embed"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/exchange"
)

//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPI returns the API description served at /api/v1/openapi.yaml.
func OpenAPI() []byte { return openapiYAML }

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Write(openapiYAML)
}

// decodeJSON reads a JSON body into v: a fixed struct, unknown fields
// refused, size bounded. Nothing in a request body can choose a type.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return kakehashi.Errorf(kakehashi.EINVALID, "JSONが不正です / invalid JSON: %v", err)
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return kakehashi.Errorf(kakehashi.EINVALID, "JSONが不正です / invalid JSON: trailing data")
	}
	return nil
}

type userJSON struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	DisplayName string           `json:"display_name"`
	Email       string           `json:"email,omitempty"`
	Department  string           `json:"department_id,omitempty"`
	Roles       []kakehashi.Role `json:"roles"`
	MFA         bool             `json:"mfa"`
	Disabled    bool             `json:"disabled"`
}

func toUserJSON(u *kakehashi.User) userJSON {
	return userJSON{u.ID, u.Name, u.DisplayName, u.Email, u.DepartmentID, append([]kakehashi.Role{kakehashi.RoleUser}, u.Roles...), u.MFA, u.Disabled}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, toUserJSON(sessionOf(r).User))
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) {
	users, _, err := s.directory(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []userJSON{}
	for i := range users {
		out = append(out, toUserJSON(&users[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

type transferJSON struct {
	ID          string              `json:"id"`
	Direction   kakehashi.Direction `json:"direction"`
	State       kakehashi.State     `json:"state"`
	SenderID    string              `json:"sender_id"`
	Recipients  []string            `json:"recipients,omitempty"`
	Note        string              `json:"note,omitempty"`
	Destination string              `json:"destination,omitempty"`
	Reason      string              `json:"reason,omitempty"`
	RejectCode  string              `json:"reject_code,omitempty"`
	Created     time.Time           `json:"created"`
	Expires     time.Time           `json:"expires"`
	Files       []fileJSON          `json:"files,omitempty"`
	Approvals   []approvalJSON      `json:"approvals,omitempty"`
}

type fileJSON struct {
	ID              string          `json:"id"`
	Name            string          `json:"name"`
	Size            int64           `json:"size"`
	SHA256          string          `json:"sha256"`
	Type            string          `json:"type,omitempty"`
	Status          string          `json:"status"`
	Reason          string          `json:"reason,omitempty"`
	ReasonText      string          `json:"reason_text,omitempty"`
	SanitizedName   string          `json:"sanitized_name,omitempty"`
	SanitizedSize   int64           `json:"sanitized_size,omitempty"`
	SanitizedSHA256 string          `json:"sanitized_sha256,omitempty"`
	OriginalRelease bool            `json:"original_released"`
	Report          json.RawMessage `json:"report,omitempty"`
}

type approvalJSON struct {
	ID          string                  `json:"id"`
	Kind        kakehashi.ApprovalKind  `json:"kind"`
	TransferID  string                  `json:"transfer_id"`
	FileID      string                  `json:"file_id,omitempty"`
	RequesterID string                  `json:"requester_id"`
	Reason      string                  `json:"reason,omitempty"`
	State       kakehashi.ApprovalState `json:"state"`
	Stage       int                     `json:"stage"`
	Stages      int                     `json:"stages"`
	CanDecide   bool                    `json:"can_decide"`
	Decisions   []kakehashi.Decision    `json:"decisions,omitempty"`
}

func toTransferJSON(t *kakehashi.Transfer) transferJSON {
	return transferJSON{ID: t.ID, Direction: t.Direction, State: t.State, SenderID: t.SenderID, Recipients: t.Recipients, Note: t.Note,
		Destination: t.Destination, Reason: t.Reason, RejectCode: t.RejectCode, Created: t.Created, Expires: t.Expires}
}

func toApprovalJSON(a exchange.ApprovalView) approvalJSON {
	return approvalJSON{a.ID, a.Kind, a.TransferID, a.FileID, a.RequesterID, a.Reason, a.State, a.Stage, len(a.Stages), a.CanDecide, a.Decisions}
}

func (s *Server) apiListTransfers(w http.ResponseWriter, r *http.Request) {
	l, err := s.cfg.Exchange.List(r.Context(), s.subject(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string][]transferJSON{"inbox": {}, "sent": {}}
	for i := range l.Inbox {
		out["inbox"] = append(out["inbox"], toTransferJSON(&l.Inbox[i]))
	}
	for i := range l.Sent {
		out["sent"] = append(out["sent"], toTransferJSON(&l.Sent[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiTransfer(w http.ResponseWriter, r *http.Request) {
	d, err := s.cfg.Exchange.Get(r.Context(), s.subject(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, detailJSON(d))
}

func detailJSON(d *exchange.Detail) transferJSON {
	out := toTransferJSON(&d.Transfer)
	for _, f := range d.Files {
		out.Files = append(out.Files, fileJSON{f.ID, f.Name, f.Size, f.SHA256, f.Type, string(f.Status), f.Reason, f.ReasonText,
			f.SanitizedName, f.SanitizedSize, f.SanitizedSHA256, f.OriginalRelease, json.RawMessage(nonEmpty(f.Report))})
	}
	for _, a := range d.Approvals {
		out.Approvals = append(out.Approvals, toApprovalJSON(a))
	}
	return out
}

func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// apiSend takes the same multipart form as the UI (fields note, to,
// department, destination, reason; file parts) and answers 202 with the
// transfer: processing continues in the background.
func (s *Server) apiSend(w http.ResponseWriter, r *http.Request) {
	t, err := s.submit(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/transfers/"+t.ID)
	writeJSON(w, http.StatusAccepted, toTransferJSON(t))
}

func (s *Server) apiRequestRelease(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.cfg.Exchange.RequestRelease(r.Context(), s.subject(r), r.PathValue("id"), body.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if a == nil {
		writeJSON(w, http.StatusOK, map[string]any{"released": true})
		return
	}
	writeJSON(w, http.StatusCreated, toApprovalJSON(exchange.ApprovalView{Approval: *a}))
}

func (s *Server) apiApprovals(w http.ResponseWriter, r *http.Request) {
	l, err := s.cfg.Exchange.List(r.Context(), s.subject(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []approvalJSON{}
	for _, a := range l.ToDecide {
		out = append(out, toApprovalJSON(a))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Approve  bool   `json:"approve"`
		Comment  string `json:"comment"`
		Password string `json:"password"` // needed to release an original
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	req := exchange.DecideRequest{ApprovalID: r.PathValue("id"), Approve: body.Approve, Comment: body.Comment}
	out, err := s.decideWith(r, req, body.Password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"approval": out.Approval.ID, "state": out.Approval.State, "final": out.Final})
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name         string           `json:"name"`
		DisplayName  string           `json:"display_name"`
		Email        string           `json:"email"`
		DepartmentID string           `json:"department_id"`
		SupervisorID string           `json:"supervisor_id"`
		Roles        []kakehashi.Role `json:"roles"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	u, otp, err := s.cfg.Accounts.CreateUser(r.Context(), s.subject(r), account.NewUser{Name: body.Name, DisplayName: body.DisplayName,
		Email: body.Email, DepartmentID: body.DepartmentID, SupervisorID: body.SupervisorID, Roles: body.Roles})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": toUserJSON(u), "one_time_password": otp})
}

func (s *Server) apiCreateExemption(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Kind  string `json:"kind"`
		Value string `json:"value"`
		Note  string `json:"note"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.cfg.Exchange.CreateExemption(r.Context(), s.subject(r), body.Kind, body.Value, body.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}
