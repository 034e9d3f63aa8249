package report_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/app"
	"kehoach/internal/export"
	"kehoach/internal/report"
	"kehoach/internal/store"
)

// measure builds the yearly report of the plan with code plan and writes
// it in every format, after the engine has loaded: the time and the bytes
// allocated by the report alone.
func measure(t *testing.T, db *store.DB, plan, period string) (time.Duration, map[string]time.Duration, uint64, int, int) {
	t.Helper()
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("measure"))
	engine := analytics.New(db)
	start := time.Now()
	if err := engine.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: engine loaded in %v (not the report's cost)", plan, time.Since(start).Round(time.Millisecond))
	if fromSnapshot, rows := engine.LoadStats(); !fromSnapshot && rows > 1_000_000 {
		// The next run starts from it (as the server would).
		if err := engine.SaveSnapshot(ctx); err != nil {
			t.Logf("snapshot not saved: %v", err)
		}
	}
	plans, err := db.FindPlans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, p := range plans {
		if p.Code == plan {
			id = p.ID
		}
	}
	if id == 0 {
		t.Fatalf("no plan %s", plan)
	}
	villages, _ := db.FindUnits(ctx, kehoach.UnitFilter{Kind: kehoach.KindVillage})
	src := report.SourcesOf(kehoach.Services{Units: db, Plans: db, Data: db, Analytics: engine, Submissions: db})
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	if f := os.Getenv("KEHOACH_REPORT_PROFILE"); f != "" && len(villages) > 1000 {
		// A CPU profile of the national build alone (not the engine's load).
		out, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		pprof.StartCPUProfile(out)
		defer pprof.StopCPUProfile()
	}
	start = time.Now()
	r, _, err := report.Document(ctx, src, db, id, kehoach.DocReport, period, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	build := time.Since(start)
	formats := map[string]time.Duration{}
	for _, f := range export.Formats {
		s := time.Now()
		var buf bytes.Buffer
		if err := export.Write(&buf, f, r); err != nil {
			t.Fatal(err)
		}
		formats[f] = time.Since(s)
	}
	runtime.ReadMemStats(&m1)
	rows := 0
	for _, a := range r.Appendix {
		rows += len(a.Rows)
	}
	return build, formats, m1.TotalAlloc - m0.TotalAlloc, len(villages), rows
}

// TestNationalReportTime times the national plan's report (14 targets ×
// 34 provinces, appendix by province) on the generated national dataset
// beside the demo district's in the same run:
//
//	KEHOACH_REPORT_DB=sqlite:/tmp/gen-national.db go test ./internal/report -run NationalReportTime -v
//
// KEHOACH_REPORT_PROFILE=file writes a CPU profile of the national build.
func TestNationalReportTime(t *testing.T) {
	url := os.Getenv("KEHOACH_REPORT_DB")
	if url == "" {
		t.Skip("KEHOACH_REPORT_DB not set (a database made by kehoach gen --scale national)")
	}
	ctx := context.Background()
	demo, err := app.OpenDB(ctx, "sqlite:"+filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	if _, err := app.LoadDemoIfEmpty(ctx, demo); err != nil {
		t.Fatal(err)
	}
	plans, _ := demo.FindPlans(ctx)
	db, err := app.OpenDB(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dBuild, dFormats, dAlloc, dVillages, dRows := measure(t, demo, plans[0].Code, "2024")
	nBuild, nFormats, nAlloc, nVillages, nRows := measure(t, db, "GEN-national", "2024")
	t.Logf("district demo: %d villages, appendix %d rows: build %v, docx %v, pdf %v, xlsx %v, allocated %.1f MB",
		dVillages, dRows, dBuild.Round(time.Millisecond), dFormats["docx"].Round(time.Millisecond), dFormats["pdf"].Round(time.Millisecond), dFormats["xlsx"].Round(time.Millisecond), float64(dAlloc)/1e6)
	t.Logf("national: %d villages, appendix %d rows: build %v, docx %v, pdf %v, xlsx %v, allocated %.1f MB",
		nVillages, nRows, nBuild.Round(time.Millisecond), nFormats["docx"].Round(time.Millisecond), nFormats["pdf"].Round(time.Millisecond), nFormats["xlsx"].Round(time.Millisecond), float64(nAlloc)/1e6)
	t.Logf("ratios national/district: villages %.0f×, allocated %.1f×, build time %.1f×",
		float64(nVillages)/float64(dVillages), float64(nAlloc)/float64(dAlloc), nBuild.Seconds()/dBuild.Seconds())
	total := nBuild
	for _, d := range nFormats {
		total += d
	}
	if total > 5*time.Second {
		t.Errorf("national report in every format took %v, over 5 s", total)
	}
}
