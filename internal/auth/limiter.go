package auth

import (
	"container/list"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// LimiterConfig sets a Limiter's rates. Zero fields take the defaults.
type LimiterConfig struct {
	// AccountAttempts login attempts per Per are allowed for one username
	// (default 5), AddressAttempts from one address (default 20); each is
	// also the burst.
	AccountAttempts int
	AddressAttempts int
	Per             time.Duration // default one minute
	// MaxKeys bounds the usernames and the addresses remembered, each
	// (default 10,000); beyond it the least recently seen are forgotten.
	MaxKeys int
}

// Limiter limits login attempts per account and per address with token
// buckets (golang.org/x/time/rate). It forgets a key once its bucket has
// refilled, which it would do anyway, and the least recently seen keys beyond
// MaxKeys, so memory stays bounded under a spray of names or addresses. It
// refuses, so it is not for the login page, where a refusal would let anyone
// lock an account out (Throttle slows logins instead); the web uses it for
// password changes by a signed-in user. Safe for concurrent use.
type Limiter struct {
	mu       sync.Mutex
	accounts *buckets
	addrs    *buckets
}

// NewLimiter returns a Limiter with c's rates.
func NewLimiter(c LimiterConfig) *Limiter {
	if c.AccountAttempts <= 0 {
		c.AccountAttempts = 5
	}
	if c.AddressAttempts <= 0 {
		c.AddressAttempts = 20
	}
	if c.Per <= 0 {
		c.Per = time.Minute
	}
	if c.MaxKeys <= 0 {
		c.MaxKeys = 10000
	}
	return &Limiter{
		accounts: newBuckets(c.AccountAttempts, c.Per, c.MaxKeys),
		addrs:    newBuckets(c.AddressAttempts, c.Per, c.MaxKeys),
	}
}

// Allow reports whether a login attempt for username from address may go
// ahead at time now, and if so counts it against both. An attempt refused
// by one counts against neither. An empty username or address is not
// limited on that side. Usernames are compared lower-cased.
func (l *Limiter) Allow(now time.Time, username, address string) bool {
	username = strings.ToLower(strings.TrimSpace(username))
	l.mu.Lock()
	defer l.mu.Unlock()
	l.accounts.sweep(now)
	l.addrs.sweep(now)
	var acc, addr *rate.Limiter
	if username != "" {
		acc = l.accounts.get(now, username)
		if acc.TokensAt(now) < 1 {
			return false
		}
	}
	if address != "" {
		addr = l.addrs.get(now, address)
		if addr.TokensAt(now) < 1 {
			return false
		}
	}
	if acc != nil {
		acc.AllowN(now, 1)
	}
	if addr != nil {
		addr.AllowN(now, 1)
	}
	return true
}

// Len returns how many usernames and addresses the Limiter remembers.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.accounts.lru.Len() + l.addrs.lru.Len()
}

// buckets is one key space: a rate.Limiter per key in least-recently-seen
// order (front = most recent).
type buckets struct {
	limit rate.Limit
	burst int
	idle  time.Duration // a bucket untouched this long is full again
	max   int
	keys  map[string]*list.Element
	lru   *list.List // of *bucket
}

type bucket struct {
	key  string
	lim  *rate.Limiter
	seen time.Time
}

func newBuckets(n int, per time.Duration, max int) *buckets {
	return &buckets{
		limit: rate.Limit(float64(n) / per.Seconds()),
		burst: n,
		idle:  per,
		max:   max,
		keys:  map[string]*list.Element{},
		lru:   list.New(),
	}
}

// get returns key's limiter, creating it (and forgetting the least recently
// seen key if full) when absent.
func (b *buckets) get(now time.Time, key string) *rate.Limiter {
	if e, ok := b.keys[key]; ok {
		bk := e.Value.(*bucket)
		if now.After(bk.seen) {
			bk.seen = now
		}
		b.lru.MoveToFront(e)
		return bk.lim
	}
	for b.lru.Len() >= b.max {
		b.remove(b.lru.Back())
	}
	bk := &bucket{key: key, lim: rate.NewLimiter(b.limit, b.burst), seen: now}
	b.keys[key] = b.lru.PushFront(bk)
	return bk.lim
}

// sweep forgets the buckets not seen for idle: they have refilled, so a new
// bucket would behave the same.
func (b *buckets) sweep(now time.Time) {
	for e := b.lru.Back(); e != nil; e = b.lru.Back() {
		if now.Sub(e.Value.(*bucket).seen) < b.idle {
			return
		}
		b.remove(e)
	}
}

func (b *buckets) remove(e *list.Element) {
	delete(b.keys, e.Value.(*bucket).key)
	b.lru.Remove(e)
}
