package bench

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestPages measures the plan page with 50 people at once beside
// /api/analytics, with the engine alone and with the cache (issue 16), on
// the dataset of KEHOACH_BENCH_SCALE or KEHOACH_BENCH_DB; each run lasts
// KEHOACH_BENCH_PAGES_SECONDS (2 by default: the figures worth reading
// come from a longer run, see docs/performance.md). Every request must
// answer 200.
func TestPages(t *testing.T) {
	if testing.Short() {
		t.Skip("measures for seconds")
	}
	f := benchFixture(t)
	secs := 2
	if s := os.Getenv("KEHOACH_BENCH_PAGES_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		secs = n
	}
	o := PagesOptions{Users: 50, Duration: time.Duration(secs) * time.Second}
	rs, err := Pages(context.Background(), f.db, f.e, f.q, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Plan.N == 0 || r.API.N == 0 || r.Plan.Errors+r.API.Errors > 0 {
			t.Errorf("%s: %+v", r.Mode, r)
		}
	}
	PrintPages(testWriter{t}, rs, o.Users)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
