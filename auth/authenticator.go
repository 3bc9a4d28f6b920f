package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/kakehashi/kakehashi"
)

// Authenticator checks a user name and a password against one identity
// source. Implementations: Local (the gateway's own user table); LDAP and
// OIDC come later.
//
// Authenticate returns a Principal only together with a nil error. Unknown
// user, wrong password and disabled account all return an error for which
// errors.Is(err, ErrInvalidCredentials) holds, so a caller cannot tell them
// apart and neither can an attacker. Any other error is a fault of the
// source (database or directory unreachable) and must be treated as "not
// signed in" too (research rule R19: a session is created only after
// success, never after an error).
type Authenticator interface {
	Authenticate(ctx context.Context, user, password string) (Principal, error)
}

// Principal is who a successful Authenticate found.
type Principal struct {
	UserID string // the user's ID in the store
	Name   string // the sign-in name as given
	Source string // which Authenticator vouched: SourceLocal, later "ldap"
	// NeedsRehash is set by Local when the stored hash was made with other
	// parameters than Local.Params: the caller should hash the password it
	// holds again and store the result.
	NeedsRehash bool
}

// SourceLocal is Principal.Source for users checked by Local.
const SourceLocal = "local"

// ErrInvalidCredentials is the one error for an unknown user, a wrong
// password and a disabled account. It is a *kakehashi.Error with code
// EUNAUTHORIZED, so the transports map it like any other; its message is
// safe to show and says no more than that the sign-in failed.
var ErrInvalidCredentials error = &kakehashi.Error{
	Code:    kakehashi.EUNAUTHORIZED,
	Message: "ユーザー名またはパスワードが正しくありません / wrong user name or password",
}

// Local authenticates against password hashes kept by the store, which it
// reaches only through Lookup, so this package needs no storage.
type Local struct {
	// Lookup returns the user's ID, PHC password hash and whether the
	// account is disabled. For an unknown name it returns an empty id, or
	// an error with kakehashi code ENOTFOUND; any other error is a fault
	// and is returned (wrapped) by Authenticate.
	Lookup func(ctx context.Context, name string) (id, encodedHash string, disabled bool, err error)
	// Params are the argon2id parameters new hashes should use; a stored
	// hash with other parameters gets Principal.NeedsRehash. Zero means
	// DefaultParams.
	Params Params
}

var _ Authenticator = (*Local)(nil)

// Authenticate checks user and password against the hash Lookup returns.
//
// An unknown user costs the same argon2id work as a known one (the password
// is checked against a dummy hash made with l.Params), and a disabled user's
// password is checked before refusing, so response time does not reveal
// which names exist or which accounts are disabled. An empty or overlong
// password is refused before Lookup: that reveals nothing about the user,
// and an empty password must never reach a directory bind (RFC 4513 §5.1.2:
// an empty-password simple bind is an unauthenticated bind that succeeds).
//
// Authenticate does no rate limiting; callers consult a Limiter first.
func (l *Local) Authenticate(ctx context.Context, user, password string) (Principal, error) {
	if user == "" || checkPasswordLength(password) != nil {
		return Principal{}, ErrInvalidCredentials
	}
	p := l.Params
	if p == (Params{}) {
		p = DefaultParams
	}
	if err := p.check(hashLimits); err != nil {
		return Principal{}, fmt.Errorf("auth: local authenticator: params: %w", err)
	}
	if l.Lookup == nil {
		return Principal{}, errors.New("auth: local authenticator: no Lookup")
	}
	id, encoded, disabled, err := l.Lookup(ctx, user)
	if err != nil && kakehashi.ErrorCode(err) != kakehashi.ENOTFOUND {
		return Principal{}, fmt.Errorf("auth: look up user: %w", err)
	}
	if err != nil || id == "" {
		l.dummyVerify(password, p)
		return Principal{}, ErrInvalidCredentials
	}
	ok, rehash, err := verifyPassword(encoded, password, p, hashLimits)
	if err != nil {
		// A corrupt stored hash is the operator's problem, not the
		// user's; say so in the log detail, spend the usual work, and
		// still answer with the one error.
		l.dummyVerify(password, p)
		return Principal{}, fmt.Errorf("%w (user %s: %v)", ErrInvalidCredentials, id, err)
	}
	if !ok || disabled {
		return Principal{}, ErrInvalidCredentials
	}
	return Principal{UserID: id, Name: user, Source: SourceLocal, NeedsRehash: rehash}, nil
}

// dummyVerify spends the work of one verification with parameters p.
func (l *Local) dummyVerify(password string, p Params) {
	dummy := encodePHC(p, make([]byte, saltLen), make([]byte, p.KeyLen))
	_, _, _ = verifyPassword(dummy, password, p, hashLimits)
}
