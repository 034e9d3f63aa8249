package bench

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestPages measures the plan page and a target's breakdown by village
// with 50 people at once beside /api/analytics in the same run (issue 16),
// as fresh loads one after another, as reloads that revalidate, and with
// a second of reading between pages, on the dataset
// of KEHOACH_BENCH_SCALE or KEHOACH_BENCH_DB; each run lasts
// KEHOACH_BENCH_PAGES_SECONDS (2 by default: the figures worth reading
// come from longer runs, see docs/performance.md). Every request must
// answer 200 or 304.
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
	ctx := context.Background()
	routes, err := RoutesOf(ctx, f.db, f.q)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ServePages(ctx, f.db, f.e)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var rs []*PagesResult
	for _, o := range []PagesOptions{{}, {Revalidate: true}, {Think: time.Second}} {
		o.Users, o.Duration = 50, time.Duration(secs)*time.Second
		r, err := Pages(ctx, srv.URL, srv.Username, srv.Password, routes, o)
		if err != nil {
			t.Fatal(err)
		}
		r.Label = "kehoach"
		for _, s := range []RouteStats{r.Plan, r.Target, r.API} {
			if s.N == 0 || s.Errors > 0 {
				t.Errorf("%+v", r)
			}
		}
		rs = append(rs, r)
	}
	PrintPages(testWriter{t}, rs...)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
