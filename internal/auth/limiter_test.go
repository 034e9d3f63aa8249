package auth

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func TestLimiterAccount(t *testing.T) {
	l := NewLimiter(LimiterConfig{})
	now := t0
	// Five attempts for one account pass at once (the burst), from
	// different addresses; the sixth is refused.
	for i := range 5 {
		if !l.Allow(now, "nguyenvana", fmt.Sprintf("10.0.0.%d", i)) {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if l.Allow(now, "NguyenVanA", "10.0.0.9") {
		t.Fatal("6th attempt within the minute allowed (username compared lower-cased)")
	}
	// Another account from a fresh address is unaffected.
	if !l.Allow(now, "tranthib", "10.0.0.10") {
		t.Fatal("other account refused")
	}
	// One attempt comes back every 12 s (5 a minute).
	if l.Allow(now.Add(11*time.Second), "nguyenvana", "10.0.0.9") {
		t.Error("allowed after 11 s")
	}
	if !l.Allow(now.Add(12*time.Second), "nguyenvana", "10.0.0.9") {
		t.Error("refused after 12 s")
	}
	if l.Allow(now.Add(13*time.Second), "nguyenvana", "10.0.0.9") {
		t.Error("allowed twice after 12 s")
	}
	// After a full minute of quiet the whole burst is back.
	now = now.Add(13*time.Second + time.Minute)
	for i := range 5 {
		if !l.Allow(now, "nguyenvana", "10.0.1.1") {
			t.Fatalf("after recovery: attempt %d refused", i+1)
		}
	}
}

func TestLimiterAddress(t *testing.T) {
	l := NewLimiter(LimiterConfig{})
	// Twenty attempts from one address over many names pass, the 21st not.
	for i := range 20 {
		if !l.Allow(t0, fmt.Sprintf("user%d", i), "203.0.113.7") {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if l.Allow(t0, "user99", "203.0.113.7") {
		t.Fatal("21st attempt from one address allowed")
	}
	// A refusal by the address does not use up the account's attempts.
	for i := range 5 {
		if !l.Allow(t0, "user99", "198.51.100.1") {
			t.Fatalf("user99 from another address: attempt %d refused", i+1)
		}
	}
	if !l.Allow(t0.Add(3*time.Second), "someone", "203.0.113.7") {
		t.Error("address refused 3 s later (one attempt back every 3 s)")
	}
	// Empty keys are not limited on that side.
	for range 30 {
		if !l.Allow(t0, "", "") {
			t.Fatal("attempt with neither username nor address refused")
		}
	}
}

func TestLimiterEviction(t *testing.T) {
	l := NewLimiter(LimiterConfig{MaxKeys: 100})
	for i := range 50 {
		l.Allow(t0, fmt.Sprintf("u%d", i), fmt.Sprintf("a%d", i))
	}
	if n := l.Len(); n != 100 {
		t.Fatalf("Len = %d, want 100", n)
	}
	// A minute later every bucket has refilled: all are forgotten.
	l.Allow(t0.Add(time.Minute), "late", "")
	if n := l.Len(); n != 1 {
		t.Errorf("Len after a quiet minute = %d, want 1", n)
	}
	// A spray of names never holds more than MaxKeys per key space.
	for i := range 1000 {
		l.Allow(t0.Add(time.Minute), fmt.Sprintf("spray%d", i), fmt.Sprintf("addr%d", i))
	}
	if n := l.Len(); n != 200 {
		t.Errorf("Len after a spray = %d, want 200 (100 names + 100 addresses)", n)
	}
	// A refused key stays remembered while its bucket is empty.
	l2 := NewLimiter(LimiterConfig{AccountAttempts: 2, Per: 10 * time.Second})
	l2.Allow(t0, "x", "")
	l2.Allow(t0, "x", "")
	if l2.Allow(t0.Add(4*time.Second), "x", "") {
		t.Error("3rd attempt in 4 s allowed with 2 per 10 s")
	}
	if !l2.Allow(t0.Add(5*time.Second), "x", "") {
		t.Error("attempt after 5 s refused with 2 per 10 s")
	}
}

func TestLimiterConcurrent(t *testing.T) {
	// Many goroutines on one account: exactly the burst gets through.
	l := NewLimiter(LimiterConfig{})
	results := make(chan bool, 100)
	for i := range 100 {
		go func() { results <- l.Allow(t0, "mot", fmt.Sprintf("10.0.%d.1", i)) }()
	}
	n := 0
	for range 100 {
		if <-results {
			n++
		}
	}
	if n != 5 {
		t.Errorf("%d attempts allowed, want 5", n)
	}
}
