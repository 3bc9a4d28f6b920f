package auth_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kakehashi/kakehashi/auth"
)

// Example shows the order of a password sign-in as web performs it: ask the
// limiters, authenticate, record the outcome, and only then make a session,
// whose token goes to the client and whose hash goes to the store.
func Example() {
	hash, _ := auth.HashPassword("taro's long password", auth.TestParams)
	local := &auth.Local{
		Params: auth.TestParams,
		Lookup: func(ctx context.Context, name string) (string, string, bool, error) {
			if name == "taro" {
				return "u1", hash, false, nil
			}
			return "", "", false, nil
		},
	}
	accounts := auth.NewLimiter(auth.LimiterConfig{})
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

	signIn := func(user, password string) {
		if ok, wait := accounts.Allow(user, now); !ok {
			fmt.Println("locked, retry after", wait)
			return
		}
		p, err := local.Authenticate(context.Background(), user, password)
		if err != nil {
			accounts.Failure(user, now)
			fmt.Println("refused:", err)
			return
		}
		accounts.Success(user)
		token, stored := auth.NewToken()
		fmt.Println("signed in:", p.UserID, len(token), len(stored))
	}

	signIn("taro", "taro's long password")
	for range 5 {
		signIn("taro", "guess")
	}
	signIn("taro", "taro's long password")
	// Output:
	// signed in: u1 43 64
	// refused: unauthorized: ユーザー名またはパスワードが正しくありません / wrong user name or password
	// refused: unauthorized: ユーザー名またはパスワードが正しくありません / wrong user name or password
	// refused: unauthorized: ユーザー名またはパスワードが正しくありません / wrong user name or password
	// refused: unauthorized: ユーザー名またはパスワードが正しくありません / wrong user name or password
	// refused: unauthorized: ユーザー名またはパスワードが正しくありません / wrong user name or password
	// locked, retry after 1m0s
}
