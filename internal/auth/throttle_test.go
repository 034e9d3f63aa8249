package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestThrottleDelay(t *testing.T) {
	th := NewThrottle(250*time.Millisecond, 4*time.Second)
	ms := time.Millisecond
	for _, tc := range []struct {
		byAccount, byAddress int
		want                 time.Duration
	}{
		{0, 0, 0},
		{2, 0, 0},        // a few typos cost nothing
		{3, 0, 250 * ms}, // then it starts
		{4, 0, 500 * ms},
		{5, 0, 1000 * ms},
		{7, 0, 4000 * ms},
		{10, 0, 4000 * ms}, // capped: the owner still signs in, a few seconds later
		{1000, 0, 4000 * ms},
		{0, 19, 0}, // an address serves an office: it is allowed more
		{0, 20, 250 * ms},
		{0, 24, 250 * ms},
		{0, 25, 500 * ms},
		{0, 40, 4000 * ms},
		{4, 25, 500 * ms}, // the larger of the two
		{5, 25, 1000 * ms},
		{-1, -1, 0},
	} {
		if got := th.Delay(tc.byAccount, tc.byAddress); got != tc.want {
			t.Errorf("Delay(%d, %d) = %v, want %v", tc.byAccount, tc.byAddress, got, tc.want)
		}
	}
	if d := NewThrottle(0, 0); d.Base != DefaultThrottleBase || d.Max != DefaultThrottleMax {
		t.Errorf("defaults %v, %v", d.Base, d.Max)
	}
}

// TestThrottleLockSerialises: attempts with one key run one at a time,
// other keys are not held up, a waiter gives up after its wait, and the
// table forgets keys nobody uses.
func TestThrottleLockSerialises(t *testing.T) {
	th := NewThrottle(0, 0)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, ok := th.Lock(context.Background(), "hoa\x00127.0.0.1", 5*time.Second)
			if !ok {
				t.Error("a waiter gave up")
				return
			}
			defer unlock()
			n := running.Add(1)
			if n > peak.Load() {
				peak.Store(n)
			}
			time.Sleep(2 * time.Millisecond)
			running.Add(-1)
		}()
	}
	wg.Wait()
	if peak.Load() != 1 {
		t.Errorf("peak %d attempts of one key at once, want 1", peak.Load())
	}

	unlock, _ := th.Lock(context.Background(), "a", time.Second)
	other, ok := th.Lock(context.Background(), "b", 10*time.Millisecond)
	if !ok {
		t.Fatal("another key was held up")
	}
	other()
	if _, ok := th.Lock(context.Background(), "a", 10*time.Millisecond); ok {
		t.Error("a second holder of one key")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := th.Lock(ctx, "a", time.Second); ok {
		t.Error("locked with an ended context")
	}
	unlock()
	if n := th.Len(); n != 0 {
		t.Errorf("%d keys remembered after all unlocked", n)
	}
}

// TestThrottleLockN: n holders of one key at once, the next waits.
func TestThrottleLockN(t *testing.T) {
	th := NewThrottle(0, 0)
	var unlocks []func()
	for i := range 3 {
		u, ok := th.LockN(context.Background(), "address", 3, 10*time.Millisecond)
		if !ok {
			t.Fatalf("holder %d refused", i+1)
		}
		unlocks = append(unlocks, u)
	}
	if _, ok := th.LockN(context.Background(), "address", 3, 10*time.Millisecond); ok {
		t.Error("a 4th holder of a key of 3")
	}
	unlocks[0]()
	u, ok := th.LockN(context.Background(), "address", 3, 10*time.Millisecond)
	if !ok {
		t.Fatal("refused after one left")
	}
	u()
	unlocks[1]()
	unlocks[2]()
	if th.Len() != 0 {
		t.Errorf("%d keys left", th.Len())
	}
}
