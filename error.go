package kakehashi

import (
	"errors"
	"fmt"
)

// Error codes. Each transport maps them to its own status in exactly one
// place (HTTP status, SMTP reply, CLI exit code).
const (
	EINTERNAL     = "internal"     // a fault on our side; the user sees generic text
	EINVALID      = "invalid"      // the request itself is wrong
	ENOTFOUND     = "not_found"    // the named thing does not exist
	EFORBIDDEN    = "forbidden"    // the caller may not do this
	ECONFLICT     = "conflict"     // the state does not allow this now
	EREJECTED     = "rejected"     // content refused by policy (a sanitizer verdict)
	EUNAVAILABLE  = "unavailable"  // a dependency (scanner, converter) is down
	ETOOLARGE     = "too_large"    // a size or count limit was hit
	EUNAUTHORIZED = "unauthorized" // not signed in
)

// Error is the gateway's error with a code for machines and a message that is
// safe to show to a user. Detail for operators belongs in the wrapped error
// and in logs, never in Message.
type Error struct {
	Code    string
	Message string
	Err     error // optional cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
