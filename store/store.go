// Package store is the persistence contract of the gateway: one Store whose
// transactions (Tx) read and change users, sessions, transfers, approvals,
// jobs and audit records. It owns the contract and the errors only; the SQL
// lives in store/sqlstore and the conformance suite every implementation
// must pass lives in store/storetest.
//
// Every change of state happens inside Update together with its audit
// record, so a crash leaves either both or neither (DESIGN §3).
package store

import (
	"context"
	"errors"
	"time"

	"github.com/kakehashi/kakehashi"
)

// ErrNotFound is returned (wrapped in a *kakehashi.Error with code
// ENOTFOUND) when a looked-up record does not exist.
var ErrNotFound = &kakehashi.Error{Code: kakehashi.ENOTFOUND, Message: "見つかりません / not found"}

// ErrConflict is returned when a record would duplicate a unique key or a
// compare-and-set lost.
var ErrConflict = &kakehashi.Error{Code: kakehashi.ECONFLICT, Message: "競合しました / conflict"}

// IsNotFound reports whether err means the record does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// Store runs transactions. Update runs fn in a read-write transaction and
// commits when fn returns nil; View runs fn read-only. Implementations retry
// nothing themselves: fn may run once only.
type Store interface {
	View(ctx context.Context, fn func(Tx) error) error
	Update(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is one transaction. Its methods are grouped by the record they touch.
type Tx interface {
	Departments
	Users
	Sessions
	Transfers
	Approvals
	Jobs
	Audit
	Shares
}

// Departments stores the organisation tree.
type Departments interface {
	CreateDepartment(d *kakehashi.Department) error
	Department(id string) (*kakehashi.Department, error)
	ListDepartments() ([]kakehashi.Department, error)
}

// Credentials are a user's secrets, kept apart from kakehashi.User so they
// are never rendered by mistake.
type Credentials struct {
	PasswordHash       string
	MustChangePassword bool
	TOTPSecret         string // "" when MFA is not enrolled
	TOTPLastStep       int64  // the last accepted TOTP time step (replay protection)
}

// Users stores accounts.
type Users interface {
	CreateUser(u *kakehashi.User, c Credentials) error
	User(id string) (*kakehashi.User, error)
	UserByName(name string) (*kakehashi.User, error)
	ListUsers() ([]kakehashi.User, error)
	UpdateUser(u *kakehashi.User) error
	Credentials(userID string) (Credentials, error)
	SetPassword(userID, hash string, mustChange bool) error
	SetTOTPSecret(userID, secret string) error
	// AdvanceTOTPStep records step as used. It fails with ErrConflict when
	// step is not greater than the last one, so a code is accepted once.
	AdvanceTOTPStep(userID string, step int64) error
	CountUsers() (int, error)
}

// Session is a signed-in browser or an API token. Only the SHA-256 of the
// token is stored.
type Session struct {
	TokenHash  string
	UserID     string
	Zone       kakehashi.Zone
	API        bool     // an API token rather than a browser session
	Name       string   // API tokens: what it is for
	Scopes     []string // API tokens: what it may do; empty for browser sessions
	CSRFSecret []byte
	MFADone    bool      // the second factor was given (or is not enrolled)
	ReauthAt   time.Time // last password re-entry, for decisions that need it
	Created    time.Time
	Expires    time.Time
}

// Sessions stores sessions and API tokens.
type Sessions interface {
	CreateSession(s *Session) error
	Session(tokenHash string) (*Session, error)
	UpdateSession(s *Session) error
	DeleteSession(tokenHash string) error
	DeleteExpiredSessions(now time.Time) (int, error)
}

// TransferFilter selects transfers for listing.
type TransferFilter struct {
	SenderID    string // transfers this user sent
	RecipientID string // inbound transfers addressed to this user
	Direction   kakehashi.Direction
	State       kakehashi.State
	ExpiredAt   time.Time // non-zero: transfers with Expires before this and not yet expired
	Limit       int
}

// Transfers stores transfers and their files.
type Transfers interface {
	CreateTransfer(t *kakehashi.Transfer) error
	Transfer(id string) (*kakehashi.Transfer, error)
	ListTransfers(f TransferFilter) ([]kakehashi.Transfer, error)
	// SetTransferState moves t to state only if it is currently in from;
	// otherwise ErrConflict. This makes a replayed job a no-op.
	SetTransferState(id string, from, to kakehashi.State, rejectCode string, now time.Time) error
	AddFile(f *kakehashi.File) error
	File(id string) (*kakehashi.File, error)
	Files(transferID string) ([]kakehashi.File, error)
	UpdateFile(f *kakehashi.File) error
	// BlobReferenced reports whether any file record names the blob, as an
	// original or as a sanitized copy.
	BlobReferenced(blobID string) (bool, error)
}

// ApprovalFilter selects approvals for listing.
type ApprovalFilter struct {
	ApproverID string // pending approvals this user may decide now (own or delegated)
	TransferID string
	State      kakehashi.ApprovalState
	At         time.Time // when delegations are evaluated
}

// Approvals stores approval requests, decisions, delegations and exemptions.
type Approvals interface {
	CreateApproval(a *kakehashi.Approval) error
	Approval(id string) (*kakehashi.Approval, error)
	ListApprovals(f ApprovalFilter) ([]kakehashi.Approval, error)
	UpdateApproval(a *kakehashi.Approval) error
	AddDecision(d *kakehashi.Decision) error
	Decisions(approvalID string) ([]kakehashi.Decision, error)
	CreateDelegation(d *kakehashi.Delegation) error
	Delegations(approverID string) ([]kakehashi.Delegation, error)
	// DelegatorsOf returns the approvers who have delegated to delegateID
	// at time at.
	DelegatorsOf(delegateID string, at time.Time) ([]string, error)
	CreateExemption(e *kakehashi.Exemption) error
	ListExemptions() ([]kakehashi.Exemption, error)
	DeleteExemption(id string) error
}

// Job is a unit of background work. It is leased to one worker at a time;
// a lease that runs out (the worker died) makes the job claimable again.
type Job struct {
	ID       string
	Kind     string
	Ref      string // the record the job works on, usually a transfer ID
	Attempts int
	RunAt    time.Time
	LastErr  string
}

// Jobs is the durable job queue.
type Jobs interface {
	Enqueue(kind, ref string, runAt time.Time) (string, error)
	// Claim leases the next due job until leaseUntil, or returns ErrNotFound.
	Claim(now, leaseUntil time.Time) (*Job, error)
	Complete(id string) error
	// Retry makes the job due again at runAt, recording why it failed.
	Retry(id string, runAt time.Time, reason string) error
	// Fail ends the job for good (it is kept for the operator).
	Fail(id string, reason string) error
	CountJobs() (due int, failed int, err error)
	// ReleaseLeases makes every leased job claimable now. Only for a store
	// one process owns (SQLite): at start, no lease can belong to a live
	// worker, so a job cut off by a crash need not wait for its lease.
	ReleaseLeases() (int, error)
}

// Audit appends and reads the audit log. Append never changes a stored
// record; the hash chain is computed by package audit.
type Audit interface {
	AppendAudit(ev *kakehashi.AuditEvent) error
	LastAudit() (*kakehashi.AuditEvent, error) // ErrNotFound when empty
	ListAudit(f AuditFilter, fn func(*kakehashi.AuditEvent) error) error
}

// AuditFilter selects audit events; zero fields match all.
type AuditFilter struct {
	Since, Until time.Time
	Actor        string
	Action       string
	Object       string
	Text         string // substring of the detail
	AfterSeq     int64
	Limit        int
	Desc         bool
}

// ShareSecrets are a share's stored secrets: hashes only.
type ShareSecrets struct {
	TokenHash    string // SHA-256 of the link token
	PasswordHash string // argon2id, "" without a password
}

// ShareSession is an outside party's session on one share's pages.
type ShareSession struct {
	TokenHash  string
	ShareID    string
	Email      string // the recipient address a code was verified for
	PasswordOK bool
	OTPOK      bool
	Expires    time.Time
}

// Shares stores download links, their codes and sessions, and upload
// requests.
type Shares interface {
	CreateShare(s *kakehashi.Share, sec ShareSecrets) error
	Share(id string) (*kakehashi.Share, error)
	ShareByToken(tokenHash string) (*kakehashi.Share, ShareSecrets, error)
	ListShares(senderID string) ([]kakehashi.Share, error)
	RevokeShare(id string) error
	// CountShareDownload adds one download unless the limit is reached
	// (ErrConflict), recording the first use.
	CountShareDownload(id string, at time.Time) error
	SetShareCode(shareID, email, codeHash string, expires time.Time) error
	// ShareCode returns the code hash for email and counts one attempt.
	ShareCode(shareID, email string) (codeHash string, expires time.Time, attempts int, err error)
	DeleteShareCode(shareID, email string) error
	CreateShareSession(s *ShareSession) error
	ShareSession(tokenHash string) (*ShareSession, error)
	UpdateShareSession(s *ShareSession) error

	CreateUploadRequest(u *kakehashi.UploadRequest, tokenHash, codeHash string) error
	UploadRequest(id string) (*kakehashi.UploadRequest, error)
	UploadRequestByToken(tokenHash string) (*kakehashi.UploadRequest, string, error) // and the code hash
	ListUploadRequests(requesterID string) ([]kakehashi.UploadRequest, error)
	RevokeUploadRequest(id string) error
	// CountUploadRequestFiles adds n received files unless that exceeds
	// the request's limit (ErrConflict).
	CountUploadRequestFiles(id string, n int) error
}
