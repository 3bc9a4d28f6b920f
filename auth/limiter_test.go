package auth

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

func testLimiter() *Limiter {
	return NewLimiter(LimiterConfig{
		MaxFailures: 5,
		Window:      15 * time.Minute,
		LockFor:     time.Minute,
		MaxLock:     10 * time.Minute,
		ResetAfter:  24 * time.Hour,
		MaxKeys:     1000,
	})
}

// fail records n failures for key, one second apart from at, and returns
// the time of the last.
func fail(l *Limiter, key string, at time.Time, n int) time.Time {
	for i := range n {
		at = at.Add(time.Duration(min(i, 1)) * time.Second)
		l.Failure(key, at)
	}
	return at
}

func TestLimiterLocksAtMaxFailures(t *testing.T) {
	l := testLimiter()
	last := fail(l, "taro", t0, 4)
	if ok, _ := l.Allow("taro", last); !ok {
		t.Fatal("locked after 4 of 5 failures")
	}
	l.Failure("taro", last)
	tests := []struct {
		name  string
		at    time.Time
		ok    bool
		retry time.Duration
	}{
		{"at the 5th failure", last, false, time.Minute},
		{"half way", last.Add(30 * time.Second), false, 30 * time.Second},
		{"1ns before expiry", last.Add(time.Minute - 1), false, 1},
		{"at expiry", last.Add(time.Minute), true, 0},
	}
	for _, tc := range tests {
		ok, retry := l.Allow("taro", tc.at)
		if ok != tc.ok || retry != tc.retry {
			t.Errorf("%s: Allow = %v, %v; want %v, %v", tc.name, ok, retry, tc.ok, tc.retry)
		}
	}
	if ok, _ := l.Allow("hanako", last); !ok {
		t.Error("another key is locked too")
	}
}

func TestLimiterLockGrows(t *testing.T) {
	l := testLimiter()
	want := []time.Duration{1, 2, 4, 8, 10, 10, 10} // minutes, capped at MaxLock
	at := t0
	for i, w := range want {
		at = fail(l, "taro", at, 5)
		_, retry := l.Allow("taro", at)
		if retry != w*time.Minute {
			t.Fatalf("lock %d lasts %v, want %v", i+1, retry, w*time.Minute)
		}
		at = at.Add(retry)
	}
}

func TestLimiterLockDurationNoOverflow(t *testing.T) {
	l := NewLimiter(LimiterConfig{LockFor: time.Hour, MaxLock: time.Duration(1<<63 - 1)})
	for _, n := range []int{1, 40, 1000, 1 << 30} {
		if d := l.lockDuration(n); d <= 0 {
			t.Errorf("lockDuration(%d) = %v", n, d)
		}
	}
}

func TestLimiterWindow(t *testing.T) {
	tests := []struct {
		name   string
		gap    time.Duration // between the 4th and 5th failure
		locked bool
	}{
		{"5th failure 1ns inside the window", 15*time.Minute - 3*time.Second - 1, true},
		{"5th failure at the window's end", 15*time.Minute - 3*time.Second, false},
		{"5th failure long after", time.Hour, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := testLimiter()
			last := fail(l, "taro", t0, 4) // t0 .. t0+3s
			at := last.Add(tc.gap)
			l.Failure("taro", at)
			if ok, _ := l.Allow("taro", at); ok == tc.locked {
				t.Errorf("Allow = %v, want locked = %v", ok, tc.locked)
			}
		})
	}
}

func TestLimiterSuccessForgets(t *testing.T) {
	l := testLimiter()
	at := fail(l, "taro", t0, 4)
	l.Success("taro")
	at = fail(l, "taro", at, 4)
	if ok, _ := l.Allow("taro", at); !ok {
		t.Error("locked after Success and 4 new failures")
	}
	if l.Len() != 1 {
		t.Errorf("Len = %d, want 1", l.Len())
	}
	l.Success("taro")
	l.Success("never seen")
	if l.Len() != 0 {
		t.Errorf("Len = %d after Success, want 0", l.Len())
	}
}

func TestLimiterResetAfterQuiet(t *testing.T) {
	l := testLimiter()
	at := fail(l, "taro", t0, 5)
	at = fail(l, "taro", at.Add(time.Minute), 5) // second lock: 2 minutes
	if _, retry := l.Allow("taro", at); retry != 2*time.Minute {
		t.Fatalf("second lock = %v", retry)
	}
	at = fail(l, "taro", at.Add(24*time.Hour), 5)
	if _, retry := l.Allow("taro", at); retry != time.Minute {
		t.Errorf("lock after a quiet day = %v, want the first lock again", retry)
	}
}

func TestLimiterFailureWhileLockedIgnored(t *testing.T) {
	l := testLimiter()
	at := fail(l, "taro", t0, 5)
	fail(l, "taro", at.Add(time.Second), 20)
	if ok, retry := l.Allow("taro", at); ok || retry != time.Minute {
		t.Errorf("Allow = %v, %v; failures during a lock must not extend it", ok, retry)
	}
}

func TestLimiterBoundedMemory(t *testing.T) {
	l := testLimiter()
	victim := fail(l, "victim", t0, 5)
	for i := range 100_000 {
		l.Failure(fmt.Sprintf("user%06d", i), t0.Add(time.Duration(i)*time.Millisecond))
		if i%10_000 == 0 && l.Len() > 1000 {
			t.Fatalf("Len = %d after %d keys, want ≤ 1000", l.Len(), i+1)
		}
	}
	if l.Len() > 1000 {
		t.Errorf("Len = %d, want ≤ 1000", l.Len())
	}
	// Flooding with new keys flushes partial counts, not locks.
	if ok, _ := l.Allow("victim", victim.Add(time.Second)); ok {
		t.Error("a flood of new keys evicted a locked key")
	}
	// Asking never adds keys.
	l2 := testLimiter()
	for i := range 10_000 {
		l2.Allow(fmt.Sprintf("probe%d", i), t0)
	}
	if l2.Len() != 0 {
		t.Errorf("Allow added %d keys", l2.Len())
	}
}

func TestLimiterAllLockedStillBounded(t *testing.T) {
	l := NewLimiter(LimiterConfig{MaxFailures: 1, MaxKeys: 10})
	for i := range 100 {
		l.Failure(fmt.Sprintf("k%d", i), t0)
	}
	if l.Len() != 10 {
		t.Errorf("Len = %d, want 10", l.Len())
	}
	if ok, _ := l.Allow("k99", t0); ok {
		t.Error("newest locked key is not locked")
	}
}

func TestLimiterLongKeys(t *testing.T) {
	l := testLimiter()
	long := strings.Repeat("x", 1<<20)
	at := fail(l, long, t0, 5)
	if ok, _ := l.Allow(long, at); ok {
		t.Error("a 1 MiB key is not locked")
	}
	if ok, _ := l.Allow(long[1:], at); !ok {
		t.Error("a different long key shares the lock")
	}
	for k := range l.keys {
		if len(k) > maxLimiterKeyLen {
			t.Errorf("stored key of %d bytes", len(k))
		}
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := NewLimiter(LimiterConfig{MaxKeys: 50})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				key := fmt.Sprintf("k%d", (g*1000+i)%97)
				at := t0.Add(time.Duration(i) * time.Second)
				l.Allow(key, at)
				l.Failure(key, at)
				if i%7 == 0 {
					l.Success(key)
				}
			}
		}()
	}
	wg.Wait()
	if l.Len() > 50 {
		t.Errorf("Len = %d, want ≤ 50", l.Len())
	}
}

func TestIPKey(t *testing.T) {
	tests := []struct{ addr, key string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"2001:db8::1", "2001:db8::/64"},
		{"2001:db8::ffff:1234", "2001:db8::/64"},
		{"2001:db8:0:1::1", "2001:db8:0:1::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
	}
	for _, tc := range tests {
		if got := IPKey(netip.MustParseAddr(tc.addr)); got != tc.key {
			t.Errorf("IPKey(%s) = %s, want %s", tc.addr, got, tc.key)
		}
	}
}
