// Package audit owns the audit log (監査ログ): what is recorded for each
// action, the hash chain that makes the log tamper-evident, and its
// verification. Record runs inside the store transaction of the change it
// describes, so a change and its record commit together or not at all.
//
// Each event's hash is SHA-256 over a canonical encoding of all its fields
// and the previous event's hash. Editing, deleting, inserting or reordering
// any event changes a hash that a later event (or the stored head) depends
// on; Verify walks the chain and names the first event that breaks it. An
// attacker who can rewrite the whole database can recompute the chain, so
// operators should ship the log off the box (JSON lines) and can keep the
// head hash printed by Verify elsewhere to compare.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/store"
)

// Actions recorded by the gateway. Screens and exports show them with the
// labels in Label.
const (
	SignIn          = "auth.signin"
	SignInFailed    = "auth.signin_failed"
	SignOut         = "auth.signout"
	MFAEnrolled     = "auth.mfa_enrolled"
	PasswordChanged = "auth.password_changed"
	TokenCreated    = "auth.token_created"
	Upload          = "transfer.upload"
	Scanned         = "transfer.scanned"
	Sanitized       = "transfer.sanitized"
	StateChanged    = "transfer.state"
	Download        = "transfer.download"
	ReleaseAsked    = "approval.requested"
	Decided         = "approval.decided"
	Released        = "transfer.original_released"
	Exempted        = "approval.exempted"
	Expired         = "transfer.expired"
	UserCreated     = "admin.user_created"
	UserChanged     = "admin.user_changed"
	DeptCreated     = "admin.department_created"
	DelegationSet   = "admin.delegation_created"
	ExemptionSet    = "admin.exemption_created"
	ExemptionDel    = "admin.exemption_deleted"
	AuditExported   = "audit.exported"
	Started         = "system.started" // with the effective configuration's digest
)

// Outcomes.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// Event is what a caller records; Record fills in sequence, time and hashes.
type Event struct {
	Actor   string
	Zone    kakehashi.Zone
	IP      string
	Action  string
	Object  string
	Outcome string         // OK when empty
	Detail  map[string]any // encoded as a JSON object; never put secrets here
}

// Record appends ev to the chain inside tx.
func Record(tx store.Tx, now time.Time, ev Event) (*kakehashi.AuditEvent, error) {
	prev, err := tx.LastAudit()
	var seq int64 = 1
	var prevHash string
	switch {
	case err == nil:
		seq, prevHash = prev.Seq+1, prev.Hash
	case !store.IsNotFound(err):
		return nil, fmt.Errorf("reading the audit head: %w", err)
	}
	detail := "{}"
	if len(ev.Detail) > 0 {
		b, err := json.Marshal(ev.Detail)
		if err != nil {
			return nil, fmt.Errorf("encoding audit detail: %w", err)
		}
		detail = string(b)
	}
	if ev.Outcome == "" {
		ev.Outcome = OK
	}
	if ev.Actor == "" {
		ev.Actor = "anonymous"
	}
	e := &kakehashi.AuditEvent{
		Seq: seq, At: now.UTC().Truncate(time.Microsecond), Actor: ev.Actor, Zone: ev.Zone, IP: ev.IP,
		Action: ev.Action, Object: ev.Object, Outcome: ev.Outcome, Detail: detail, Prev: prevHash,
	}
	e.Hash = Hash(e)
	if err := tx.AppendAudit(e); err != nil {
		return nil, fmt.Errorf("appending audit event: %w", err)
	}
	return e, nil
}

// Hash computes the chain hash of e from all fields but Hash. Each field is
// length-prefixed, so no two different events encode alike.
func Hash(e *kakehashi.AuditEvent) string {
	h := sha256.New()
	var n [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(e.At.UnixMicro()))
	h.Write(n[:])
	for _, s := range []string{e.Actor, string(e.Zone), e.IP, e.Action, e.Object, e.Outcome, e.Detail, e.Prev} {
		field(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Problem is one break in the chain found by Verify.
type Problem struct {
	Seq    int64
	Reason string
}

// ErrBroken is returned by Verify when the chain does not hold.
var ErrBroken = errors.New("audit log chain is broken")

// Verify walks the whole log in tx and returns the number of events, the
// head hash and every problem: an event whose hash does not match its
// content (edited), whose Prev is not the previous hash (deleted or
// inserted), or whose sequence is not the previous plus one (reordered or
// deleted).
func Verify(tx store.Tx) (count int64, head string, problems []Problem, err error) {
	var prevHash string
	var prevSeq int64
	err = tx.ListAudit(store.AuditFilter{}, func(e *kakehashi.AuditEvent) error {
		count++
		if e.Seq != prevSeq+1 {
			problems = append(problems, Problem{e.Seq, fmt.Sprintf("sequence %d follows %d (an event was deleted or moved)", e.Seq, prevSeq)})
		}
		if e.Prev != prevHash {
			problems = append(problems, Problem{e.Seq, "previous-hash link does not match (an event before it was changed, deleted or inserted)"})
		}
		if Hash(e) != e.Hash {
			problems = append(problems, Problem{e.Seq, "content does not match its hash (the event was edited)"})
		}
		prevHash, prevSeq = e.Hash, e.Seq
		return nil
	})
	if err != nil {
		return count, prevHash, problems, err
	}
	if len(problems) > 0 {
		return count, prevHash, problems, ErrBroken
	}
	return count, prevHash, nil, nil
}
