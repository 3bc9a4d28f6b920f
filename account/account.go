// Package account owns who people are to the gateway: creating and
// changing user accounts and departments, signing in (password, lockout,
// TOTP second factor), sessions bound to the zone they were opened in, and
// API tokens with scopes. The cryptography and rate limiting are package
// auth's; records are the store's; cookies and headers are web's.
package account

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/netip"
	"slices"
	"time"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/audit"
	"github.com/kakehashi/kakehashi/auth"
	"github.com/kakehashi/kakehashi/store"
)

// Service manages accounts and sessions.
type Service struct {
	Store      store.Store
	Params     auth.Params   // argon2id cost for new hashes
	SessionTTL time.Duration // absolute lifetime of a browser session
	Issuer     string        // shown in authenticator apps
	Now        func() time.Time
	Log        *slog.Logger

	accounts *auth.Limiter // failures per user name
	addrs    *auth.Limiter // failures per client address
}

// New returns a Service with its limiters.
func New(s Service) *Service {
	s.accounts = auth.NewLimiter(auth.LimiterConfig{})
	s.addrs = auth.NewLimiter(auth.LimiterConfig{MaxFailures: 20})
	if s.SessionTTL == 0 {
		s.SessionTTL = 12 * time.Hour
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Issuer == "" {
		s.Issuer = "Kakehashi"
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Params == (auth.Params{}) {
		s.Params = auth.DefaultParams
	}
	return &s
}

// Session is a resolved, valid session.
type Session struct {
	store.Session
	User *kakehashi.User
}

// errLocked is what a locked account or address sees: the same for both,
// and it says when to try again.
func errLocked(retry time.Duration) error {
	return kakehashi.Errorf(kakehashi.EFORBIDDEN, "サインインの失敗が続いたため一時的にロックしています。%d秒後に再度お試しください / too many failed sign-ins; try again in %d seconds",
		int(retry.Seconds())+1, int(retry.Seconds())+1)
}

// SignIn checks a password and opens a session in zone. The returned token
// is given to the client once; only its hash is stored. When the user has
// TOTP enrolled the session is partial until VerifyTOTP succeeds.
func (s *Service) SignIn(ctx context.Context, zone kakehashi.Zone, ip, name, password string) (token string, sess *Session, err error) {
	now := s.Now()
	ipKey := ip
	if a, err := netip.ParseAddr(ip); err == nil {
		ipKey = auth.IPKey(a)
	}
	if ok, retry := s.addrs.Allow(ipKey, now); !ok {
		return "", nil, errLocked(retry)
	}
	if ok, retry := s.accounts.Allow(name, now); !ok {
		return "", nil, errLocked(retry)
	}
	local := &auth.Local{Params: s.Params, Lookup: func(ctx context.Context, name string) (string, string, bool, error) {
		var id, hash string
		var disabled bool
		err := s.Store.View(ctx, func(tx store.Tx) error {
			u, err := tx.UserByName(name)
			if err != nil {
				return err
			}
			c, err := tx.Credentials(u.ID)
			if err != nil {
				return err
			}
			id, hash, disabled = u.ID, c.PasswordHash, u.Disabled
			return nil
		})
		return id, hash, disabled, err
	}}
	p, err := local.Authenticate(ctx, name, password)
	if err != nil {
		if errors.Is(err, auth.ErrInvalidCredentials) {
			s.accounts.Failure(name, now)
			s.addrs.Failure(ipKey, now)
		}
		s.record(ctx, audit.Event{Actor: "anonymous", Zone: zone, IP: ip, Action: audit.SignInFailed, Outcome: audit.Denied,
			Detail: map[string]any{"name": name}})
		return "", nil, auth.ErrInvalidCredentials
	}
	s.accounts.Success(name)
	token, stored := auth.NewToken()
	secret := make([]byte, 32)
	rand.Read(secret)
	err = s.Store.Update(ctx, func(tx store.Tx) error {
		u, err := tx.User(p.UserID)
		if err != nil {
			return err
		}
		if p.NeedsRehash {
			if h, err := auth.HashPassword(password, s.Params); err == nil {
				c, _ := tx.Credentials(u.ID)
				tx.SetPassword(u.ID, h, c.MustChangePassword)
			}
		}
		sess = &Session{User: u, Session: store.Session{TokenHash: stored, UserID: u.ID, Zone: zone, CSRFSecret: secret,
			MFADone: !u.MFA, ReauthAt: now, Created: now, Expires: now.Add(s.SessionTTL)}}
		if err := tx.CreateSession(&sess.Session); err != nil {
			return err
		}
		_, err = audit.Record(tx, now, audit.Event{Actor: u.ID, Zone: zone, IP: ip, Action: audit.SignIn,
			Detail: map[string]any{"mfa_pending": u.MFA}})
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// VerifyTOTP completes a partial session with a TOTP code. Each code is
// accepted once (the last step is advanced with compare-and-set).
func (s *Service) VerifyTOTP(ctx context.Context, sess *Session, ip, code string) error {
	now := s.Now()
	if ok, retry := s.accounts.Allow("totp:"+sess.UserID, now); !ok {
		return errLocked(retry)
	}
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		c, err := tx.Credentials(sess.UserID)
		if err != nil {
			return err
		}
		step, ok := auth.VerifyTOTP(c.TOTPSecret, code, now, c.TOTPLastStep)
		if !ok || c.TOTPSecret == "" {
			return errBadCode
		}
		if err := tx.AdvanceTOTPStep(sess.UserID, step); err != nil {
			return errBadCode // a concurrent use of the same code
		}
		sess.MFADone = true
		if err := tx.UpdateSession(&sess.Session); err != nil {
			return err
		}
		_, err = audit.Record(tx, now, audit.Event{Actor: sess.UserID, Zone: sess.Zone, IP: ip, Action: audit.SignIn, Detail: map[string]any{"mfa": "totp"}})
		return err
	})
	if errors.Is(err, errBadCode) {
		s.accounts.Failure("totp:"+sess.UserID, now)
		s.record(ctx, audit.Event{Actor: sess.UserID, Zone: sess.Zone, IP: ip, Action: audit.SignInFailed, Outcome: audit.Denied, Detail: map[string]any{"mfa": "totp"}})
	}
	return err
}

var errBadCode = kakehashi.Errorf(kakehashi.EUNAUTHORIZED, "確認コードが正しくありません / wrong verification code")

// Resolve returns the session for a token presented in zone. A session is
// valid only in the zone it was opened in, for an enabled user, before it
// expires; anything else is "not signed in".
func (s *Service) Resolve(ctx context.Context, zone kakehashi.Zone, token string) (*Session, error) {
	var sess *Session
	err := s.Store.View(ctx, func(tx store.Tx) error {
		st, err := tx.Session(auth.HashToken(token))
		if err != nil {
			return err
		}
		if st.Zone != zone || !s.Now().Before(st.Expires) {
			return store.ErrNotFound
		}
		u, err := tx.User(st.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return store.ErrNotFound
		}
		sess = &Session{Session: *st, User: u}
		return nil
	})
	if err != nil {
		return nil, kakehashi.Errorf(kakehashi.EUNAUTHORIZED, "サインインしてください / please sign in")
	}
	return sess, nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, sess *Session, ip string) error {
	return s.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.DeleteSession(sess.TokenHash); err != nil {
			return err
		}
		_, err := audit.Record(tx, s.Now(), audit.Event{Actor: sess.UserID, Zone: sess.Zone, IP: ip, Action: audit.SignOut})
		return err
	})
}

// Reauthenticate checks the user's password again (before releasing an
// original) and stamps the session.
func (s *Service) Reauthenticate(ctx context.Context, sess *Session, ip, password string) error {
	if _, _, err := s.SignInCheck(ctx, sess.User.Name, password); err != nil {
		s.record(ctx, audit.Event{Actor: sess.UserID, Zone: sess.Zone, IP: ip, Action: audit.SignInFailed, Outcome: audit.Denied, Detail: map[string]any{"reauth": true}})
		return err
	}
	sess.ReauthAt = s.Now()
	return s.Store.Update(ctx, func(tx store.Tx) error { return tx.UpdateSession(&sess.Session) })
}

// SignInCheck verifies a password without opening a session, with the
// same lockout as SignIn.
func (s *Service) SignInCheck(ctx context.Context, name, password string) (string, bool, error) {
	now := s.Now()
	if ok, retry := s.accounts.Allow(name, now); !ok {
		return "", false, errLocked(retry)
	}
	var hash string
	var id string
	err := s.Store.View(ctx, func(tx store.Tx) error {
		u, err := tx.UserByName(name)
		if err != nil {
			return err
		}
		c, err := tx.Credentials(u.ID)
		id, hash = u.ID, c.PasswordHash
		return err
	})
	if err != nil {
		return "", false, auth.ErrInvalidCredentials
	}
	ok, rehash, err := auth.VerifyPassword(hash, password)
	if err != nil || !ok {
		s.accounts.Failure(name, now)
		return "", false, auth.ErrInvalidCredentials
	}
	s.accounts.Success(name)
	return id, rehash, nil
}

// record writes an audit event on its own (for failures, where there is no
// other change to share a transaction with).
func (s *Service) record(ctx context.Context, ev audit.Event) {
	err := s.Store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
		_, err := audit.Record(tx, s.Now(), ev)
		return err
	})
	if err != nil {
		s.Log.Error("recording an audit event", "action", ev.Action, "err", err)
	}
}

// HasScope reports whether an API session may use scope. Browser sessions
// (no scopes) may use everything their roles allow.
func HasScope(sess *Session, scope string) bool {
	if !sess.API {
		return true
	}
	return scope != "" && slices.Contains(sess.Scopes, scope)
}
