package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kehoach"
	"kehoach/analytics"
)

// TestDemoAcrossTheChange (issue 10, points 4 and 5): the demo loaded in
// December 2026 has figures up to 2026Q3 under the new communes; the 2022
// plan's target 3b (84,6 % of the communes' cultural houses meeting the
// standard) keeps its basis, the 13 old communes, to the end of the plan,
// and reads beside it under today's tree on the 6 new communes; the new
// communes' 2026 figures read back under the tree of 2022 add up to the
// district, exactly.
func TestDemoAcrossTheChange(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	db, err := OpenDB(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return now }
	if _, err := LoadDemoIfEmpty(ctx, db); err != nil {
		t.Fatal(err)
	}
	accounts, err := CreateDemoAccounts(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if a.Username == "xa.banbo" && a.Unit != "X25_BANBO" {
			t.Errorf("Bản Bo's reporter reports for %q, want the new commune X25_BANBO", a.Unit)
		}
	}
	e := analytics.New(db)
	e.Now = func() time.Time { return now }
	plans, err := db.FindPlans(ctx)
	if err != nil || len(plans) != 1 {
		t.Fatal(plans, err)
	}
	plan, err := db.FindPlanByID(ctx, plans[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	asWas, err := e.PlanProgress(ctx, plan, "")
	if err != nil {
		t.Fatal(err)
	}
	under, err := e.PlanProgressUnder(ctx, plan, "", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	for i, tp := range asWas {
		if tp.Target.Code != "3b" {
			continue
		}
		u := under[i]
		if tp.Current.Period != "2025" || tp.Current.Den != 13 || !tp.Current.HasValue {
			t.Errorf("3b as it was: %+v, want 2025 on the 13 communes", tp.Current)
		}
		if u.Current.Period != "2025" || u.Current.Den != 6 || !u.Current.HasValue || u.Current.Estimated {
			t.Errorf("3b under today's tree: %+v, want 2025 on the 6 new communes, exact", u.Current)
		}
		// Its breakdown by commune, as it was and under today's tree.
		old, err := e.TargetBreakdown(ctx, tp.Target, kehoach.KindCommune, "2025")
		if err != nil || len(old) != 13 {
			t.Errorf("3b by commune as it was: %d rows, %v; want the 13", len(old), err)
		}
		now, err := e.TargetBreakdownUnder(ctx, tp.Target, kehoach.KindCommune, "2025", "2026-12-01")
		if err != nil || len(now) != 6 || !strings.HasPrefix(now[0].Unit.Code, "X25_") && !strings.HasPrefix(now[0].Unit.Code, "P25_") || !now[0].Point.HasValue {
			t.Errorf("3b by commune under today's tree: %d rows, %v", len(now), err)
		}
	}
	for _, d := range []kehoach.Date{"2026-12-01", "2022-06-01"} {
		res, err := e.Analytics(ctx, &kehoach.AnalyticsRequest{HierarchyDate: d, Dimensions: []kehoach.Dimension{
			{Name: "dx", Items: []string{"HGD_TONG", "CT_XA_NVH_CHUAN"}}, {Name: "ou", Items: []string{"LAICHAU", "TAMDUONG"}}, {Name: "pe", Items: []string{"2023", "2026"}}}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, r := range res.Rows {
			got[r[0]+"/"+r[1]+"/"+r[2]] = r[3:]
		}
		if d == "2022-06-01" {
			// 2026's households, read under the tree of 2022: all of them
			// in the district, as in the province.
			if w, g := got["HGD_TONG/LAICHAU/2026"], got["HGD_TONG/TAMDUONG/2026"]; w == nil || g == nil || w[0] != g[0] || g[1] != "false" {
				t.Errorf("2026 households under the 2022 tree: district %v, province %v", g, w)
			}
		} else if g := got["CT_XA_NVH_CHUAN/TAMDUONG/2023"]; g == nil {
			// The district, gone today, reads as the communes that took over.
			t.Errorf("2023 under today's tree for the dissolved district: none (%v)", got)
		}
	}
}
