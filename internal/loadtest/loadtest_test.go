package loadtest_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"kehoach/internal/loadtest"
)

// quick runs a short load test and fails on any error, lost, duplicated or
// wrong figure. Latencies are printed, not checked: the budget is for the
// full run on the 2-core machine (docs/performance.md).
func quick(t *testing.T, o loadtest.LocalOptions) {
	t.Helper()
	if testing.Short() {
		t.Skip("load test skipped with -short")
	}
	if d, err := time.ParseDuration(os.Getenv("KEHOACH_LOADTEST_DURATION")); err == nil {
		o.Duration = d
	}
	if n, err := strconv.Atoi(os.Getenv("KEHOACH_LOADTEST_REPORTERS")); err == nil {
		o.Reporters = n
	}
	var log bytes.Buffer
	o.Log = &log
	res, err := loadtest.RunLocal(context.Background(), o)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	var out bytes.Buffer
	res.Print(&out)
	t.Logf("\n%s", out.String())
	if res.Errors() > 0 {
		t.Errorf("%d errors", res.Errors())
	}
	v := res.Verify
	if v.Cells == 0 || v.Exact != v.Cells || v.Problems() > 0 {
		t.Errorf("figures saved %d, exactly once %d; problems %d (lost %d, duplicated %d, wrong %d, unexpected %d)",
			v.Cells, v.Exact, v.Problems(), v.Lost, v.Duplicated, v.Wrong, v.Unexpected)
	}
	if res.SubmissionsRoute && v.Submitted == 0 {
		t.Error("no grid submitted")
	}
	for _, r := range res.Routes {
		if r.Phase == loadtest.PhaseWork && r.Route == loadtest.RouteEntrySave && r.Count == 0 {
			t.Error("no save")
		}
	}
}

func TestLoadSQLite(t *testing.T) {
	quick(t, loadtest.LocalOptions{Backend: "sqlite", Dir: t.TempDir(), Reporters: 20, Leaders: 5, Communes: 2, Duration: 5 * time.Second, Seed: 1})
}

func TestLoadPostgres(t *testing.T) {
	pg := os.Getenv("KEHOACH_TEST_PG")
	if pg == "" {
		t.Skip("KEHOACH_TEST_PG not set")
	}
	quick(t, loadtest.LocalOptions{Backend: "postgres", Servers: 2, PG: pg, Reporters: 20, Leaders: 5, Communes: 2, Duration: 5 * time.Second, Seed: 2})
}
