package kakehashi

import "time"

// AuditEvent is one line of the audit log (監査ログ). Events are appended in
// the transaction of the change they describe and chained by hash: Hash
// covers every other field and the previous event's Hash, so an edited,
// deleted or reordered event breaks the chain.
type AuditEvent struct {
	Seq     int64
	At      time.Time
	Actor   string // user ID, "system", or "anonymous"
	Zone    Zone   // where the request came in; "" for background work
	IP      string
	Action  string // e.g. "transfer.upload", see package audit
	Object  string // the record acted on, e.g. a transfer ID
	Outcome string // "ok", "denied", "failed"
	Detail  string // JSON object with action-specific fields
	Prev    string // hex SHA-256 of the previous event ("" for the first)
	Hash    string // hex SHA-256 of this event
}
