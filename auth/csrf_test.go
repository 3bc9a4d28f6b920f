package auth

import "testing"

func TestCSRF(t *testing.T) {
	secret := []byte("session-secret-0123456789abcdef")
	const action = "POST /transfers/01HX/approve"
	tok := CSRFToken(secret, action)
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name   string
		secret []byte
		action string
		token  string
		want   bool
	}{
		{"valid", secret, action, tok, true},
		{"wrong action", secret, "POST /transfers/01HX/reject", tok, false},
		{"action with trailing slash", secret, action + "/", tok, false},
		{"other method", secret, "GET /transfers/01HX/approve", tok, false},
		{"wrong secret", []byte("another-session-secret-012345"), action, tok, false},
		{"empty secret", nil, action, CSRFToken(nil, action), false},
		{"tampered first char", secret, action, flip(tok, 0), false},
		{"tampered last char", secret, action, flip(tok, len(tok)-1), false},
		{"truncated", secret, action, tok[:len(tok)-1], false},
		{"extended", secret, action, tok + "A", false},
		{"padded", secret, action, tok + "=", false},
		{"empty token", secret, action, "", false},
		{"std base64 alphabet", secret, action, "+/" + tok[2:], false},
		{"session token instead", secret, action, string(secret), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckCSRF(tc.secret, tc.action, tc.token); got != tc.want {
				t.Errorf("CheckCSRF = %v, want %v", got, tc.want)
			}
		})
	}
	if CSRFToken(secret, action) != tok {
		t.Error("CSRFToken is not deterministic")
	}
}
