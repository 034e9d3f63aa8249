package auth

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// ErrBusy is returned when a password hash had to wait longer than the
// gate allows for its turn: too many are being computed at once. Nothing
// was checked; the caller should answer "busy, try again" (503), not
// "wrong password".
var ErrBusy = errors.New("auth: too many password hashes in progress")

// DefaultHashWait is how long a hash waits for its turn by default: longer
// than a few hashes take (0.1 s each), short enough that a person at the
// login page is told soon that the server is busy.
const DefaultHashWait = 3 * time.Second

// Gate bounds the argon2id computations running at once. Each takes
// ArgonMemory (19 MiB) while it runs, so 250 concurrent failed logins
// would otherwise need about 5 GB; with the gate they need Limit × 19 MiB,
// and the rest wait in line up to Wait, then get ErrBusy. Hashes for an
// unknown username (the dummy hash that keeps a failed login's time the
// same) pass through the same gate, so they cannot be used to go around
// it. Safe for concurrent use.
type Gate struct {
	mu    sync.Mutex
	slots chan struct{}
	wait  time.Duration

	inFlight atomic.Int64
	peak     atomic.Int64
	refused  atomic.Int64
}

// NewGate returns a Gate letting limit hashes run at once (2 × GOMAXPROCS
// when limit <= 0) and callers wait up to wait (DefaultHashWait when
// wait <= 0).
func NewGate(limit int, wait time.Duration) *Gate {
	g := &Gate{}
	g.SetLimit(limit, wait)
	return g
}

// SetLimit changes the limit and the wait, as NewGate reads them. Hashes
// already running or waiting finish under the old limit.
func (g *Gate) SetLimit(limit int, wait time.Duration) {
	if limit <= 0 {
		limit = 2 * runtime.GOMAXPROCS(0)
	}
	if wait <= 0 {
		wait = DefaultHashWait
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.slots = make(chan struct{}, limit)
	g.wait = wait
}

// Limit returns how many hashes may run at once and how long a caller waits.
func (g *Gate) Limit() (int, time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return cap(g.slots), g.wait
}

// Do runs fn when a slot is free, waiting up to the gate's wait or until ctx
// ends. It returns ErrBusy after the wait, ctx's error if ctx ended first,
// and nil once fn has run.
func (g *Gate) Do(ctx context.Context, fn func()) error {
	g.mu.Lock()
	slots, wait := g.slots, g.wait
	g.mu.Unlock()
	select {
	case slots <- struct{}{}:
	default:
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case slots <- struct{}{}:
		case <-timer.C:
			g.refused.Add(1)
			return ErrBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-slots }()
	n := g.inFlight.Add(1)
	defer g.inFlight.Add(-1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	fn()
	return nil
}

// Stats returns the hashes running now, the most that ever ran at once
// since the last ResetStats, and how many callers got ErrBusy: what the
// tests check and what an operator may log.
func (g *Gate) Stats() (inFlight, peak, refused int64) {
	return g.inFlight.Load(), g.peak.Load(), g.refused.Load()
}

// ResetStats sets the peak and the refusals back to zero.
func (g *Gate) ResetStats() {
	g.peak.Store(g.inFlight.Load())
	g.refused.Store(0)
}

// Hashing is the process's gate, through which every argon2id computation
// of this package goes (HashPassword, VerifyPassword and their Context
// forms). The server sets its limit from its configuration.
var Hashing = NewGate(0, 0)
