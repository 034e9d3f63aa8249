package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestGateBounds: 40 callers at once through a gate of 3 never have more
// than 3 running; those that cannot get a turn within the wait get ErrBusy,
// the others run.
func TestGateBounds(t *testing.T) {
	g := NewGate(3, 30*time.Millisecond)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ran, busy := 0, 0
	release := make(chan struct{})
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := g.Do(context.Background(), func() { <-release })
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ran++
			case errors.Is(err, ErrBusy):
				busy++
			default:
				t.Errorf("Do: %v", err)
			}
		}()
	}
	// Hold the three slots past the wait, so that the others give up.
	time.Sleep(200 * time.Millisecond)
	close(release)
	wg.Wait()
	inFlight, peak, refused := g.Stats()
	if peak != 3 || inFlight != 0 {
		t.Errorf("peak %d, in flight %d; want 3 and 0", peak, inFlight)
	}
	if ran != 3 || busy != 37 || refused != 37 {
		t.Errorf("ran %d, busy %d (counted %d); want 3 and 37", ran, busy, refused)
	}
	// Freed, the gate lets callers through again.
	if err := g.Do(context.Background(), func() {}); err != nil {
		t.Errorf("after the rush: %v", err)
	}
}

// TestGateQueue: callers wait their turn rather than fail while the wait
// lasts, and a caller whose context ends stops waiting.
func TestGateQueue(t *testing.T) {
	g := NewGate(1, 5*time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- g.Do(context.Background(), func() { time.Sleep(5 * time.Millisecond) })
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a queued caller failed: %v", err)
		}
	}
	if _, peak, _ := g.Stats(); peak != 1 {
		t.Errorf("peak %d, want 1", peak)
	}
	hold := make(chan struct{})
	go g.Do(context.Background(), func() { <-hold })
	defer close(hold)
	for {
		if n, _, _ := g.Stats(); n == 1 {
			break
		}
		runtime.Gosched()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := g.Do(ctx, func() { t.Error("ran without a slot") }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Do with an ended context = %v", err)
	}
}

func TestGateDefaults(t *testing.T) {
	n, wait := NewGate(0, 0).Limit()
	if n != 2*runtime.GOMAXPROCS(0) || wait != DefaultHashWait {
		t.Errorf("defaults %d, %v", n, wait)
	}
}

// TestHashMemory measures what 200 concurrent failed logins cost in
// memory through the Hashing gate. It is a measurement, not a check, run
// on demand in a process of its own so that the peak is its own:
//
//	KEHOACH_HASH_MEASURE=200 go test -run TestHashMemory -v ./internal/auth/  # 200 at once: the old behaviour
//	KEHOACH_HASH_MEASURE=0 go test -run TestHashMemory -v ./internal/auth/    # the default gate
func TestHashMemory(t *testing.T) {
	v := os.Getenv("KEHOACH_HASH_MEASURE")
	if v == "" {
		t.Skip("set KEHOACH_HASH_MEASURE to the gate limit to measure (0: the default)")
	}
	limit, err := strconv.Atoi(v)
	if err != nil {
		t.Fatal(err)
	}
	old, oldWait := Hashing.Limit()
	Hashing.SetLimit(limit, time.Minute) // wait long: every login is hashed
	defer Hashing.SetLimit(old, oldWait)
	Hashing.ResetStats()
	hash, err := HashPassword("mật khẩu của ai đó")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			VerifyPassword(hash, fmt.Sprintf("đoán sai %d", i))
		}()
	}
	wg.Wait()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	_, peak, _ := Hashing.Stats()
	n, _ := Hashing.Limit()
	t.Logf("200 concurrent verifications, gate %d: peak in flight %d, took %v, peak RSS (VmHWM) %s, Go heap obtained from the OS (Sys) %d MiB",
		n, peak, time.Since(start).Round(time.Millisecond), vmHWM(), ms.Sys>>20)
}

// vmHWM reads the process's peak resident set size from /proc.
func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
