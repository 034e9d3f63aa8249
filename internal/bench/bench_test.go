package bench

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/gen"
	"kehoach/internal/store"
)

// The benchmarks run on a dataset generated on the fly, at the scale named
// by KEHOACH_BENCH_SCALE (district by default; province for figures worth
// reading), or on the database named by KEHOACH_BENCH_DB (e.g. one that
// `kehoach gen --scale national` filled). `kehoach-bench` prints the same
// measures beside the SQL baseline.

type fixture struct {
	db *store.DB
	q  *Questions
	e  *analytics.Engine
}

var (
	benchOnce sync.Once
	benchFix  *fixture
	benchErr  error
)

// open generates a dataset at scale into a new SQLite file in dir.
func open(ctx context.Context, dir, scale string) (*store.DB, error) {
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "bench.db"))
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	spec, err := gen.Build(scale, 1)
	if err != nil {
		db.Close()
		return nil, err
	}
	if _, err := db.BulkLoad(ctx, spec.Bundle, "gen", spec.Values, nil); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func benchFixture(b testing.TB) *fixture {
	benchOnce.Do(func() {
		ctx := context.Background()
		var db *store.DB
		if url := os.Getenv("KEHOACH_BENCH_DB"); url != "" {
			db, benchErr = store.Open(ctx, url)
		} else {
			scale := os.Getenv("KEHOACH_BENCH_SCALE")
			if scale == "" {
				scale = gen.ScaleDistrict
			}
			dir, err := os.MkdirTemp("", "kehoach-bench-")
			if err != nil {
				benchErr = err
				return
			}
			db, benchErr = open(ctx, dir, scale)
		}
		if benchErr != nil {
			return
		}
		f := &fixture{db: db}
		if f.q, benchErr = Discover(ctx, db); benchErr != nil {
			return
		}
		f.e, _ = NewEngine(db, true)
		if benchErr = f.e.Refresh(ctx); benchErr != nil {
			return
		}
		benchFix = f
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFix
}

func benchQuery(b *testing.B, req func(*Questions) *kehoach.AnalyticsRequest) {
	benchQueryIn(context.Background(), b, req)
}

// benchQueryIn is benchQuery asking in ctx (approved figures only, say).
func benchQueryIn(ctx context.Context, b *testing.B, req func(*Questions) *kehoach.AnalyticsRequest) {
	f := benchFixture(b)
	r := req(f.q)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.e.Analytics(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQ1 is one indicator × the communes of a province × 8 quarters.
func BenchmarkQ1(b *testing.B) { benchQuery(b, (*Questions).Q1) }

// BenchmarkQ2 is the plan's 14 indicators × a province × the latest year.
func BenchmarkQ2(b *testing.B) { benchQuery(b, (*Questions).Q2) }

// BenchmarkQ2Plan is PlanProgress of the 14 targets scoped to a province.
func BenchmarkQ2Plan(b *testing.B) {
	f := benchFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.e.PlanProgress(ctx, f.q.Plan, f.q.Year); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQ3 is one indicator × every province × 20 quarters.
func BenchmarkQ3(b *testing.B) { benchQuery(b, (*Questions).Q3) }

// BenchmarkFreshness saves one village's figure through SaveFormValues and
// answers Q1 after it, which must show it (no rebuild).
func BenchmarkFreshness(b *testing.B) {
	f := benchFixture(b)
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("bench"))
	q := f.q
	stored, err := f.db.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{q.Village.Code}, Periods: []string{q.At}, Elements: []string{"G_B01", q.Element}})
	if err != nil {
		b.Fatal(err)
	}
	orig := map[string]string{"G_B01": "", q.Element: ""}
	for _, v := range stored {
		orig[v.Element] = v.Value
	}
	b.Cleanup(func() {
		// Put the figures back as they were.
		if _, err := f.db.SaveFormValues(ctx, kehoach.FormSave{Form: q.Form, Period: q.At, By: "bench",
			Values: map[string]map[string]string{q.Village.Code: orig}}); err != nil {
			b.Error(err)
		}
	})
	vals := []string{"true", "false"}
	i := 0
	for b.Loop() {
		v := vals[i%2]
		i++
		if _, err := f.db.SaveFormValues(ctx, kehoach.FormSave{Form: q.Form, Period: q.At, By: "bench",
			Values: map[string]map[string]string{q.Village.Code: {"G_B01": "true", q.Element: v}}}); err != nil {
			b.Fatal(err)
		}
		if _, err := f.e.Analytics(ctx, q.Q1()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBaselineAgrees builds the DHIS2-style table at the district scale and
// checks that SQL and the engine give the same numerators and denominators
// for Q1, Q2 and Q3, and that a saved figure is in the next Q1.
func TestBaselineAgrees(t *testing.T) {
	ctx := context.Background()
	db, err := open(ctx, t.TempDir(), gen.ScaleDistrict)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := Run(ctx, db, Options{Runs: 1, Baseline: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.DiffQ1+r.DiffQ2+r.DiffQ3 != 0 {
		t.Errorf("baseline and engine differ: Q1 %d, Q2 %d, Q3 %d cells: %v", r.DiffQ1, r.DiffQ2, r.DiffQ3, r.Notes)
	}
	if r.Q1Cells != 13*8 || r.Q2Cells != 14 || r.Q3Cells != 13*20 {
		t.Errorf("cells: Q1 %d, Q2 %d, Q3 %d; want 104, 14, 260", r.Q1Cells, r.Q2Cells, r.Q3Cells)
	}
	if !r.FreshSeen || r.FreshReloads != 0 || !r.FreshRestoreSeen {
		t.Errorf("freshness: seen %v, reloads %d, restored %v", r.FreshSeen, r.FreshReloads, r.FreshRestoreSeen)
	}
	// Issue 16 point 8: new metadata reads only the figures saved since.
	if !r.MetaSeen || r.MetaRowsRead >= r.FirstLoadRows/2 {
		t.Errorf("metadata change: same answer %v, read %d figures of %d", r.MetaSeen, r.MetaRowsRead, r.FirstLoadRows)
	}
	if !r.FirstLoadMeasured || !r.LoadFromSnapshot {
		t.Errorf("load: first measured %v, second from snapshot %v", r.FirstLoadMeasured, r.LoadFromSnapshot)
	}
}
