package account_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/account"
	"github.com/kakehashi/kakehashi/auth"
	"github.com/kakehashi/kakehashi/store/sqlstore"
)

type fixture struct {
	svc  *account.Service
	now  time.Time
	user *kakehashi.User
	pw   string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{now: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	f.svc = account.New(account.Service{Store: db, Params: auth.TestParams, Now: func() time.Time { return f.now }})
	f.user, f.pw, err = f.svc.CreateUser(context.Background(), kakehashi.Subject{}, account.NewUser{Name: "tanaka"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSessionsAreBoundToTheirZone(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	token, sess, err := f.svc.SignIn(ctx, kakehashi.ZoneInternet, "192.0.2.1", "tanaka", f.pw)
	if err != nil || !sess.MFADone {
		t.Fatalf("sign in: %v %+v", err, sess)
	}
	if _, err := f.svc.Resolve(ctx, kakehashi.ZoneInternet, token); err != nil {
		t.Errorf("same zone: %v", err)
	}
	if _, err := f.svc.Resolve(ctx, kakehashi.ZoneLGWAN, token); err == nil {
		t.Error("an internet-side session was accepted on LGWAN")
	}
	f.now = f.now.Add(13 * time.Hour)
	if _, err := f.svc.Resolve(ctx, kakehashi.ZoneInternet, token); err == nil {
		t.Error("an expired session was accepted")
	}
}

func TestDisabledUserLosesSessions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	token, _, _ := f.svc.SignIn(ctx, kakehashi.ZoneLGWAN, "192.0.2.1", "tanaka", f.pw)
	f.user.Disabled = true
	if err := f.svc.UpdateUser(ctx, kakehashi.Subject{}, f.user); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Resolve(ctx, kakehashi.ZoneLGWAN, token); err == nil {
		t.Error("a disabled user's session still works")
	}
	if _, _, err := f.svc.SignIn(ctx, kakehashi.ZoneLGWAN, "192.0.2.1", "tanaka", f.pw); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("disabled user signed in: %v", err)
	}
}

func TestLockout(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, _, err := f.svc.SignIn(ctx, kakehashi.ZoneInternet, "192.0.2.1", "tanaka", "wrong password!"); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	_, _, err := f.svc.SignIn(ctx, kakehashi.ZoneInternet, "192.0.2.1", "tanaka", f.pw)
	if kakehashi.ErrorCode(err) != kakehashi.EFORBIDDEN {
		t.Errorf("right password while locked: %v, want the lock", err)
	}
	f.now = f.now.Add(2 * time.Minute)
	if _, _, err := f.svc.SignIn(ctx, kakehashi.ZoneInternet, "192.0.2.1", "tanaka", f.pw); err != nil {
		t.Errorf("after the lock ran out: %v", err)
	}
}

func TestTOTPCodeWorksOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, sess, _ := f.svc.SignIn(ctx, kakehashi.ZoneLGWAN, "192.0.2.1", "tanaka", f.pw)
	secret, _, err := f.svc.BeginTOTP(f.user)
	if err != nil {
		t.Fatal(err)
	}
	code := func(at time.Time) string {
		c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if err := f.svc.ConfirmTOTP(ctx, sess, "192.0.2.1", secret, code(f.now)); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(30 * time.Second)
	_, sess, _ = f.svc.SignIn(ctx, kakehashi.ZoneLGWAN, "192.0.2.1", "tanaka", f.pw)
	if sess.MFADone {
		t.Fatal("a session of an enrolled user is complete without a code")
	}
	c := code(f.now)
	if err := f.svc.VerifyTOTP(ctx, sess, "192.0.2.1", c); err != nil || !sess.MFADone {
		t.Fatalf("first use of a code: %v", err)
	}
	_, sess2, _ := f.svc.SignIn(ctx, kakehashi.ZoneLGWAN, "192.0.2.1", "tanaka", f.pw)
	if err := f.svc.VerifyTOTP(ctx, sess2, "192.0.2.1", c); err == nil {
		t.Error("the same code was accepted twice")
	}
}

func TestAPITokenZoneAndScopes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, sess, _ := f.svc.SignIn(ctx, kakehashi.ZoneLGWAN, "192.0.2.1", "tanaka", f.pw)
	known := []string{"transfers:read", "transfers:write"}
	token, err := f.svc.CreateAPIToken(ctx, sess, "192.0.2.1", account.TokenRequest{Name: "文書管理", Scopes: []string{"transfers:write"}, Zone: kakehashi.ZoneInternet}, known)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Resolve(ctx, kakehashi.ZoneInternet, token)
	if err != nil || !got.API || !account.HasScope(got, "transfers:write") || account.HasScope(got, "transfers:read") {
		t.Errorf("token session %+v %v", got, err)
	}
	if _, err := f.svc.Resolve(ctx, kakehashi.ZoneLGWAN, token); err == nil {
		t.Error("an internet-zone token worked on LGWAN")
	}
	if _, err := f.svc.CreateAPIToken(ctx, sess, "", account.TokenRequest{Name: "x", Scopes: []string{"admin"}}, known); err == nil {
		t.Error("a token with an unknown scope was issued")
	}
	if _, err := f.svc.CreateAPIToken(ctx, sess, "", account.TokenRequest{Name: "x", Scopes: known, Zone: kakehashi.ZoneMyNumber}, known); err == nil {
		t.Error("a token for the mynumber zone was issued")
	}
}

func TestAdminCannotLockThemselvesOut(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin, _, _ := f.svc.CreateUser(ctx, kakehashi.Subject{}, account.NewUser{Name: "admin", Roles: []kakehashi.Role{kakehashi.RoleAdmin}})
	sub := kakehashi.Subject{User: admin, Zone: kakehashi.ZoneLGWAN}
	me := *admin
	me.Roles = nil
	if err := f.svc.UpdateUser(ctx, sub, &me); kakehashi.ErrorCode(err) != kakehashi.ECONFLICT {
		t.Errorf("admin removing their own admin role: %v", err)
	}
	if _, _, err := f.svc.CreateUser(ctx, kakehashi.Subject{User: f.user, Zone: kakehashi.ZoneLGWAN}, account.NewUser{Name: "x"}); kakehashi.ErrorCode(err) != kakehashi.EFORBIDDEN {
		t.Errorf("a non-admin created a user: %v", err)
	}
}
