package auth

import (
	"context"
	"sync"
	"time"
)

// Throttle slows password guessing without refusing anyone: before a
// password is checked, the attempt waits a delay that grows with the
// recent failures of the account and of the address, and attempts with the
// same key (an account from an address) run one at a time, so that sending
// them in parallel does not skip the wait. A right password is always
// checked, after the wait, so nobody can lock an account or an address
// (every user behind the documented proxy shares one) by failing on
// purpose. Safe for concurrent use.
type Throttle struct {
	// Base is the delay after AccountFree failures of an account (or
	// AddressFree of an address); each further failure doubles it, up to
	// Max.
	Base, Max time.Duration
	// AccountFree and AddressFree are the failures that cost nothing: a
	// person mistyping a few times waits for nothing.
	AccountFree, AddressFree int

	mu    sync.Mutex
	locks map[string]*keyLock
}

// Throttle defaults.
const (
	DefaultThrottleBase = 250 * time.Millisecond
	DefaultThrottleMax  = 4 * time.Second
	DefaultAccountFree  = 3
	DefaultAddressFree  = 20
)

// NewThrottle returns a Throttle with base and max delays (the defaults
// when zero).
func NewThrottle(base, max time.Duration) *Throttle {
	if base <= 0 {
		base = DefaultThrottleBase
	}
	if max <= 0 {
		max = DefaultThrottleMax
	}
	if max < base {
		max = base
	}
	return &Throttle{Base: base, Max: max, AccountFree: DefaultAccountFree, AddressFree: DefaultAddressFree,
		locks: map[string]*keyLock{}}
}

// Delay returns how long an attempt waits before its password is checked,
// given the recent failures for its account and from its address (as
// CountFailedLogins counts them: the address's failures on names that are
// no account weigh a tenth, so a spray of made-up names slows its sender
// only a little).
func (t *Throttle) Delay(byAccount, byAddress int) time.Duration {
	addr := -1
	if byAddress >= t.AddressFree {
		addr = (byAddress - t.AddressFree) / 5 // an address serves many people: it grows slower
	}
	return max(t.steps(byAccount-t.AccountFree), t.steps(addr))
}

// steps is Base doubled n times, capped at Max; nothing for n < 0.
func (t *Throttle) steps(n int) time.Duration {
	if n < 0 {
		return 0
	}
	d := t.Base
	for range n {
		if d >= t.Max {
			break
		}
		d *= 2
	}
	return min(d, t.Max)
}

// keyLock is a queue of a few slots (often one) for one key, removed when nobody holds or
// waits for it, so that the map stays as small as the attempts in flight.
type keyLock struct {
	ch   chan struct{}
	refs int
}

// Lock waits, up to wait or until ctx ends, until no other attempt with
// key is running, and returns the function that lets the next one go.
// ok is false when the wait ran out (the caller answers "busy").
func (t *Throttle) Lock(ctx context.Context, key string, wait time.Duration) (unlock func(), ok bool) {
	return t.LockN(ctx, key, 1, wait)
}

// LockN is Lock letting n attempts with key run at once. A key is always
// used with the same n.
func (t *Throttle) LockN(ctx context.Context, key string, n int, wait time.Duration) (unlock func(), ok bool) {
	t.mu.Lock()
	l := t.locks[key]
	if l == nil {
		l = &keyLock{ch: make(chan struct{}, max(n, 1))}
		t.locks[key] = l
	}
	l.refs++
	t.mu.Unlock()
	release := func() {
		t.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(t.locks, key)
		}
		t.mu.Unlock()
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; release() }, true
	case <-timer.C:
	case <-ctx.Done():
	}
	release()
	return nil, false
}

// Len returns how many keys have an attempt running or waiting.
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.locks)
}

// Wait sleeps d or until ctx ends, and reports whether the whole wait
// passed.
func Wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
