package auth

import (
	"container/list"
	"net/netip"
	"sync"
	"time"
)

// LimiterConfig configures a Limiter. Zero fields take the defaults named.
// One Limiter keyed by account name and another keyed by client address
// (IPKey) together give rule R21's "lockout/backoff per account and per IP".
type LimiterConfig struct {
	// MaxFailures failures of one key within Window lock it. Default 5.
	MaxFailures int
	// Window is how long a failure counts towards MaxFailures, measured
	// from the first failure of the current series. Default 15 minutes.
	Window time.Duration
	// LockFor is how long the first lock lasts; each further lock of the
	// same key doubles it. Default 1 minute.
	LockFor time.Duration
	// MaxLock caps the doubling. Default 1 hour. The cap matters: anyone
	// can lock an account by failing with its name, and an unbounded lock
	// would turn that into a permanent denial of service.
	MaxLock time.Duration
	// ResetAfter is the quiet time after which a key starts over, its
	// earlier locks forgotten. Default 24 hours.
	ResetAfter time.Duration
	// MaxKeys bounds how many keys are tracked, so that failing with ever
	// new names or addresses cannot grow memory without limit. When full,
	// the least recently failed key that is not locked is dropped first;
	// locked keys go only when every tracked key is locked. Default 10000.
	MaxKeys int
}

func (c LimiterConfig) withDefaults() LimiterConfig {
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	if c.Window <= 0 {
		c.Window = 15 * time.Minute
	}
	if c.LockFor <= 0 {
		c.LockFor = time.Minute
	}
	if c.MaxLock <= 0 {
		c.MaxLock = time.Hour
	}
	if c.MaxLock < c.LockFor {
		c.MaxLock = c.LockFor
	}
	if c.ResetAfter <= 0 {
		c.ResetAfter = 24 * time.Hour
	}
	if c.MaxKeys <= 0 {
		c.MaxKeys = 10000
	}
	return c
}

// Limiter counts failed attempts per key and locks a key for a time that
// doubles with each lock (exponential backoff). It keeps its state in
// memory, bounded by MaxKeys, and takes the time from its callers, so tests
// need no sleeping. It is safe for concurrent use.
//
// The expected use: call Allow before checking credentials and refuse
// without checking if it says no; after the check, call Failure or Success.
type Limiter struct {
	cfg LimiterConfig

	mu   sync.Mutex
	keys map[string]*list.Element
	// Two lists, each ordered least recently failed first. Eviction takes
	// from counting before locked, so an attacker who fills the table with
	// new keys flushes at most unlocked partial counts, not a lock.
	counting *list.List // keys never locked since they started over
	locked   *list.List // keys locked at least once
}

type limiterEntry struct {
	key         string
	failures    int       // in the current window
	windowStart time.Time // first failure of the current window
	last        time.Time // latest failure
	locks       int       // locks since the key started over
	until       time.Time // locked before this instant
	inLocked    bool      // which list holds the entry
}

// NewLimiter returns an empty Limiter with cfg, defaults filled in.
func NewLimiter(cfg LimiterConfig) *Limiter {
	return &Limiter{
		cfg:      cfg.withDefaults(),
		keys:     make(map[string]*list.Element),
		counting: list.New(),
		locked:   list.New(),
	}
}

// maxLimiterKeyLen bounds the memory one key can hold; longer keys (an attacker's
// 1 MB "user name") are tracked by their hash.
const maxLimiterKeyLen = 128

func limiterKey(key string) string {
	if len(key) > maxLimiterKeyLen {
		return HashToken(key)
	}
	return key
}

// Allow reports whether an attempt for key may proceed at now, and if not,
// how long until it may. It never adds a key, so merely asking costs no
// memory.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	el := l.keys[limiterKey(key)]
	if el == nil {
		return true, 0
	}
	e := el.Value.(*limiterEntry)
	if now.Before(e.until) {
		return false, e.until.Sub(now)
	}
	return true, 0
}

// Failure records a failed attempt for key at now. The MaxFailures-th
// failure within Window locks the key. A failure reported while the key is
// locked (an attempt that should have been refused by Allow) is ignored
// rather than extending the lock.
func (l *Limiter) Failure(key string, now time.Time) {
	key = limiterKey(key)
	l.mu.Lock()
	defer l.mu.Unlock()
	el := l.keys[key]
	if el == nil {
		if len(l.keys) >= l.cfg.MaxKeys {
			l.evict()
		}
		el = l.counting.PushBack(&limiterEntry{key: key})
		l.keys[key] = el
	}
	e := el.Value.(*limiterEntry)
	if now.Before(e.until) {
		return
	}
	if e.inLocked && now.Sub(e.last) >= l.cfg.ResetAfter {
		// Quiet long enough: start over, as if the key were new.
		l.locked.Remove(el)
		*e = limiterEntry{key: key}
		el = l.counting.PushBack(e)
		l.keys[key] = el
	}
	if e.failures == 0 || now.Sub(e.windowStart) >= l.cfg.Window {
		e.failures, e.windowStart = 0, now
	}
	e.failures++
	e.last = now
	if e.failures < l.cfg.MaxFailures {
		l.list(e).MoveToBack(el)
		return
	}
	e.locks++
	e.failures = 0
	e.until = now.Add(l.lockDuration(e.locks))
	if e.inLocked {
		l.locked.MoveToBack(el)
		return
	}
	l.counting.Remove(el)
	e.inLocked = true
	l.keys[key] = l.locked.PushBack(e)
}

// Success forgets key: a correct password ends the series of failures.
//
// Call it for account keys. For address keys it is usually better not to:
// an attacker who holds one valid account could otherwise sign in to it
// between guesses at others and keep their address's count at zero.
func (l *Limiter) Success(key string) {
	key = limiterKey(key)
	l.mu.Lock()
	defer l.mu.Unlock()
	if el := l.keys[key]; el != nil {
		l.list(el.Value.(*limiterEntry)).Remove(el)
		delete(l.keys, key)
	}
}

// Len returns the number of keys tracked; never more than MaxKeys.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

func (l *Limiter) list(e *limiterEntry) *list.List {
	if e.inLocked {
		return l.locked
	}
	return l.counting
}

// evict drops one key: the least recently failed unlocked one, or if every
// key has been locked, the least recently failed of those.
func (l *Limiter) evict() {
	el := l.counting.Front()
	if el == nil {
		el = l.locked.Front()
	}
	if el == nil {
		return
	}
	e := el.Value.(*limiterEntry)
	l.list(e).Remove(el)
	delete(l.keys, e.key)
}

// lockDuration is LockFor·2^(n-1), capped at MaxLock, computed without
// overflow however many locks there were.
func (l *Limiter) lockDuration(n int) time.Duration {
	d := l.cfg.LockFor
	for i := 1; i < n; i++ {
		if d >= l.cfg.MaxLock/2 {
			return l.cfg.MaxLock
		}
		d *= 2
	}
	return min(d, l.cfg.MaxLock)
}

// IPKey returns the Limiter key for a client address. IPv6 addresses are
// grouped by their /64, because a single customer usually holds a whole
// /64 and could otherwise rotate through 2^64 addresses, each with a fresh
// count. IPv4-mapped IPv6 addresses count as the IPv4 address.
func IPKey(addr netip.Addr) string {
	addr = addr.Unmap()
	if addr.Is6() {
		p, err := addr.WithZone("").Prefix(64)
		if err == nil {
			return p.String()
		}
	}
	return addr.WithZone("").String()
}
