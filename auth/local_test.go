package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kakehashi/kakehashi"
	"github.com/kakehashi/kakehashi/auth"
	"github.com/kakehashi/kakehashi/auth/authtest"
)

type storedUser struct {
	id, hash string
	disabled bool
}

// newLocal returns a Local over an in-memory user table, hashed with
// TestParams, and a counter of Lookup calls.
func newLocal(t *testing.T, accounts []authtest.Account) (*auth.Local, map[string]*storedUser, *atomic.Int64) {
	t.Helper()
	users := make(map[string]*storedUser)
	for i, a := range accounts {
		h, err := auth.HashPassword(a.Password, auth.TestParams)
		if err != nil {
			t.Fatal(err)
		}
		users[a.Name] = &storedUser{id: fmt.Sprintf("u%d", i+1), hash: h, disabled: a.Disabled}
	}
	var lookups atomic.Int64
	l := &auth.Local{
		Params: auth.TestParams,
		Lookup: func(ctx context.Context, name string) (string, string, bool, error) {
			lookups.Add(1)
			u := users[name]
			if u == nil {
				return "", "", false, nil
			}
			return u.id, u.hash, u.disabled, nil
		},
	}
	return l, users, &lookups
}

func TestLocalConformance(t *testing.T) {
	authtest.Run(t, func(t *testing.T, accounts []authtest.Account) auth.Authenticator {
		l, _, _ := newLocal(t, accounts)
		return l
	})
}

var accounts = []authtest.Account{
	{Name: "taro", Password: "taro's long password"},
	{Name: "jiro", Password: "jiro's long password", Disabled: true},
}

func TestLocalPrincipal(t *testing.T) {
	l, _, _ := newLocal(t, accounts)
	p, err := l.Authenticate(context.Background(), "taro", "taro's long password")
	if err != nil {
		t.Fatal(err)
	}
	want := auth.Principal{UserID: "u1", Name: "taro", Source: auth.SourceLocal}
	if p != want {
		t.Errorf("principal = %+v, want %+v", p, want)
	}
}

func TestLocalNoLookupWithoutPassword(t *testing.T) {
	l, _, lookups := newLocal(t, accounts)
	for _, pw := range []string{"", strings.Repeat("p", auth.MaxPasswordBytes+1)} {
		if _, err := l.Authenticate(context.Background(), "taro", pw); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("err = %v", err)
		}
	}
	if n := lookups.Load(); n != 0 {
		t.Errorf("Lookup called %d times for empty or overlong passwords", n)
	}
}

func TestLocalLookupResults(t *testing.T) {
	fault := errors.New("database is locked")
	tests := []struct {
		name      string
		lookupErr error
		hash      string
		invalid   bool // errors.Is(err, ErrInvalidCredentials)
	}{
		{"store fault is not a wrong password", fault, "", false},
		{"wrapped fault", fmt.Errorf("select user: %w", fault), "", false},
		{"not found as an error", kakehashi.Errorf(kakehashi.ENOTFOUND, "no such user"), "", true},
		{"corrupt stored hash", nil, "$argon2id$v=19$m=4294967295,t=1,p=1$AAAA$AAAA", true},
		{"empty stored hash", nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := &auth.Local{Params: auth.TestParams,
				Lookup: func(context.Context, string) (string, string, bool, error) {
					return "u1", tc.hash, false, tc.lookupErr
				}}
			p, err := l.Authenticate(context.Background(), "taro", "taro's long password")
			if err == nil || p != (auth.Principal{}) {
				t.Fatalf("Authenticate = %+v, %v; want a refusal", p, err)
			}
			if errors.Is(err, auth.ErrInvalidCredentials) != tc.invalid {
				t.Errorf("err = %v; ErrInvalidCredentials = %v, want %v", err, !tc.invalid, tc.invalid)
			}
			if !tc.invalid && !errors.Is(err, fault) {
				t.Errorf("err = %v does not wrap the store's fault", err)
			}
		})
	}
}

func TestLocalNeedsRehash(t *testing.T) {
	l, users, _ := newLocal(t, accounts)
	l.Params = auth.Params{Memory: 128, Time: 1, Threads: 1, KeyLen: 32}
	p, err := l.Authenticate(context.Background(), "taro", "taro's long password")
	if err != nil || !p.NeedsRehash {
		t.Fatalf("Authenticate = %+v, %v; want NeedsRehash", p, err)
	}
	// The caller re-hashes with l.Params and stores it; then no more.
	h, err := auth.HashPassword("taro's long password", l.Params)
	if err != nil {
		t.Fatal(err)
	}
	users["taro"].hash = h
	if p, err := l.Authenticate(context.Background(), "taro", "taro's long password"); err != nil || p.NeedsRehash {
		t.Errorf("after rehash: %+v, %v", p, err)
	}
}

func TestLocalMisconfigured(t *testing.T) {
	tests := []struct {
		name string
		l    *auth.Local
	}{
		{"no lookup", &auth.Local{Params: auth.TestParams}},
		{"bad params", &auth.Local{Params: auth.Params{Memory: 1, Time: 1, Threads: 1, KeyLen: 32},
			Lookup: func(context.Context, string) (string, string, bool, error) { return "u1", "", false, nil }}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.l.Authenticate(context.Background(), "taro", "taro's long password")
			if err == nil || p != (auth.Principal{}) || errors.Is(err, auth.ErrInvalidCredentials) {
				t.Errorf("Authenticate = %+v, %v; want a configuration error", p, err)
			}
		})
	}
}

func TestErrInvalidCredentialsCode(t *testing.T) {
	if got := kakehashi.ErrorCode(auth.ErrInvalidCredentials); got != kakehashi.EUNAUTHORIZED {
		t.Errorf("ErrorCode = %q, want %q", got, kakehashi.EUNAUTHORIZED)
	}
}
