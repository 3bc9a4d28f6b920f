package kakehashi

import "time"

// ApprovalKind says what an approval decides.
type ApprovalKind string

const (
	ApproveOutbound ApprovalKind = "outbound"         // 持ち出し: may the files leave LGWAN
	ApproveRelease  ApprovalKind = "original_release" // 原本: may the recipient have the original
)

// ApprovalState is the state of one approval request.
type ApprovalState string

const (
	ApprovalPending  ApprovalState = "pending"
	ApprovalApproved ApprovalState = "approved"
	ApprovalRejected ApprovalState = "rejected"
)

// Approval is a request for 上長承認. It passes its stages in order; a stage
// is passed when one (mode any) or all (mode all) of its approvers approve.
// One rejection rejects the whole request.
type Approval struct {
	ID          string
	Kind        ApprovalKind
	TransferID  string
	FileID      string // the file whose original is asked for (ApproveRelease)
	RequesterID string
	Reason      string
	State       ApprovalState
	Stage       int // the current stage, from 0
	Stages      []Stage
	Created     time.Time
	Decided     time.Time
}

// StageMode says how many approvers of a stage must approve.
type StageMode string

const (
	ModeAny StageMode = "any" // one approver is enough
	ModeAll StageMode = "all" // every approver of the stage
)

// Stage is one step of an approval route.
type Stage struct {
	Mode      StageMode
	Approvers []string // user IDs
}

// Decision is one approver's vote, recorded forever.
type Decision struct {
	ApprovalID string
	Stage      int
	ApproverID string // who clicked
	OnBehalfOf string // the absent approver, when ApproverID is a delegate (代理承認)
	Approve    bool
	Comment    string
	At         time.Time
}

// Delegation lets Delegate decide for Approver between From and Until.
type Delegation struct {
	ID         string
	ApproverID string
	DelegateID string
	From       time.Time
	Until      time.Time
}

// Active reports whether the delegation applies at t.
func (d Delegation) Active(t time.Time) bool {
	return !t.Before(d.From) && t.Before(d.Until)
}

// Exemption lets outbound transfers skip approval (admin rule). Kind is
// "department" (Value a department ID) or "type" (Value a file type such as
// "pdf": every file of the transfer must be of that type).
type Exemption struct {
	ID        string
	Kind      string
	Value     string
	Note      string
	CreatedBy string
	Created   time.Time
}
