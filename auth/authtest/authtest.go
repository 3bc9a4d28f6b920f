// Package authtest is the conformance suite for auth.Authenticator. Every
// implementation (the local user table now, LDAP and OIDC later) runs the
// same cases, so that research rule R12 holds by construction: no
// credentials, an empty password, a wrong password, an unknown user and a
// disabled account are refused the same way by every identity source, and a
// refusal never comes with a Principal.
package authtest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/kakehashi/kakehashi/auth"
)

// Account is one user the Authenticator under test must know.
type Account struct {
	Name     string
	Password string
	Disabled bool
}

// Setup returns an Authenticator that knows exactly accounts and no one
// else. It may start servers; it registers their cleanup with t.
type Setup func(t *testing.T, accounts []Account) auth.Authenticator

// The accounts every run sets up.
var (
	alice = Account{Name: "alice", Password: "correct horse battery staple"}
	bob   = Account{Name: "bob.suzuki", Password: "すずき・ぼぶ・かけはし2026"}
	carol = Account{Name: "carol", Password: "carol's old but right password", Disabled: true}
)

// Run runs the conformance suite against the Authenticator setup returns.
func Run(t *testing.T, setup Setup) {
	t.Helper()
	a := setup(t, []Account{alice, bob, carol})
	ctx := context.Background()

	t.Run("valid", func(t *testing.T) {
		for _, acc := range []Account{alice, bob} {
			p, err := a.Authenticate(ctx, acc.Name, acc.Password)
			if err != nil {
				t.Fatalf("Authenticate(%q, right password) = %v", acc.Name, err)
			}
			if p.UserID == "" || p.Name != acc.Name || p.Source == "" {
				t.Errorf("Authenticate(%q) = %+v, want UserID, Name %q and Source set", acc.Name, p, acc.Name)
			}
		}
	})

	refused := []struct {
		name, user, password string
	}{
		{"no credentials", "", ""},
		{"no user name", "", alice.Password},
		{"empty password", alice.Name, ""},
		{"wrong password", alice.Name, "correct horse battery stapler"},
		{"password prefix", alice.Name, alice.Password[:len(alice.Password)-1]},
		{"password with trailing space", alice.Name, alice.Password + " "},
		{"password in other case", alice.Name, strings.ToUpper(alice.Password)},
		{"password with NUL", alice.Name, alice.Password + "\x00"},
		{"overlong password", alice.Name, alice.Password + strings.Repeat("x", auth.MaxPasswordBytes)},
		{"other user's password", alice.Name, bob.Password},
		{"unknown user", "mallory", alice.Password},
		{"unknown user, empty password", "mallory", ""},
		{"disabled user, right password", carol.Name, carol.Password},
		{"disabled user, wrong password", carol.Name, "wrong wrong wrong"},
		{"user name with NUL", alice.Name + "\x00", alice.Password},
		{"user name with wildcard", "*", alice.Password},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			p, err := a.Authenticate(ctx, tc.user, tc.password)
			if !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Errorf("err = %v, want ErrInvalidCredentials", err)
			}
			if p != (auth.Principal{}) {
				t.Errorf("principal = %+v with a refusal, want none", p)
			}
		})
	}

	t.Run("refusals are indistinguishable", func(t *testing.T) {
		var msgs []string
		for _, c := range []struct{ user, password string }{
			{"mallory", alice.Password},        // unknown user
			{alice.Name, "not the password"},   // wrong password
			{carol.Name, carol.Password},       // disabled
			{alice.Name, ""},                   // empty password
			{"mallory", "also not a password"}, // unknown, wrong
		} {
			_, err := a.Authenticate(ctx, c.user, c.password)
			if err == nil {
				t.Fatalf("Authenticate(%q) succeeded", c.user)
			}
			msgs = append(msgs, err.Error())
		}
		for _, m := range msgs[1:] {
			if m != msgs[0] {
				t.Errorf("refusals differ: %q and %q", msgs[0], m)
			}
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pw := alice.Password
				if i%2 == 1 {
					pw = "wrong password, concurrently"
				}
				_, err := a.Authenticate(ctx, alice.Name, pw)
				if (err == nil) != (i%2 == 0) {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent Authenticate: unexpected result, err = %v", err)
		}
	})
}
