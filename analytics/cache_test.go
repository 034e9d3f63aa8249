package analytics

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"kehoach"
)

// The cache answers as the engine does, computes once per version, and is
// never stale: the figure saved is in the next answer (issue 16).
func TestCachedProgress(t *testing.T) {
	ctx := context.Background()
	f := &fakeSource{}
	f.unit("P", kehoach.KindProvince, "", "", "")
	f.unit("C1", kehoach.KindCommune, "P", "", "")
	f.unit("C2", kehoach.KindCommune, "P", "", "")
	f.element("YES", "sum", "yearly", kehoach.KindCommune)
	f.element("ALL", "sum", "yearly", kehoach.KindCommune)
	f.indicator("RATE", "#{YES}", "#{ALL}", 100)
	for _, c := range []string{"C1", "C2"} {
		f.set("ALL", c, "2023", 10)
		f.set("ALL", c, "2024", 10)
		f.set("YES", c, "2023", 4)
		f.set("YES", c, "2024", 5)
	}
	target := &kehoach.Target{Code: "1", IndicatorCode: "RATE", ScopeCode: "P", Op: kehoach.OpGE, Value: 80, BaselinePeriod: "2023", Deadline: "2025"}
	plan := &kehoach.Plan{Targets: []*kehoach.Target{target}}
	c := NewCached(New(f))

	want, err := New(f).PlanProgress(ctx, plan, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.PlanProgress(ctx, plan, "")
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Current != want[0].Current || got[0].Status != want[0].Status || got[0].Target != target {
		t.Fatalf("cached %+v, engine %+v", got[0], want[0])
	}
	if got[0].Current.Value != 50 {
		t.Fatalf("2024 rate %v, want 50", got[0].Current.Value)
	}
	again, _ := c.PlanProgress(ctx, plan, "")
	if &again[0].Series[0] != &got[0].Series[0] {
		t.Error("the second reading computed again: not cached")
	}
	rows, err := c.TargetBreakdown(ctx, target, kehoach.KindCommune, "2024")
	if err != nil || len(rows) != 2 {
		t.Fatalf("breakdown %v, %v", rows, err)
	}
	rows[0], rows[1] = rows[1], rows[0] // the caller may sort its slice
	rows2, _ := c.TargetBreakdown(ctx, target, kehoach.KindCommune, "2024")
	if rows2[0] != rows[1] {
		t.Error("the breakdown was computed again, or the caller's sort changed the cache")
	}

	// A page reads one version (kehoach.OneVersion): a figure saved
	// between its questions is in the next page, not in this one.
	page := kehoach.NewContextWithOneVersion(ctx)
	before, _ := c.PlanProgress(page, plan, "")
	named := before[0].Version

	// A saved figure: the next answers show it.
	f.set("YES", "C1", "2024", 9)
	if same, _ := c.PlanProgress(page, plan, ""); same[0].Current.Value != 50 || same[0].Version != named {
		t.Errorf("within one page, after a save: %v (%q, before %q)", same[0].Current.Value, same[0].Version, named)
	}
	got, _ = c.PlanProgress(ctx, plan, "")
	if got[0].Current.Value != 70 {
		t.Errorf("after a save the rate is %v, want 70", got[0].Current.Value)
	}
	if got[0].Version == named || named == "" {
		t.Errorf("the progress after a save is named %q as before (%q)", got[0].Version, named)
	}
	rows, _ = c.TargetBreakdown(ctx, target, kehoach.KindCommune, "2024")
	for _, r := range rows {
		if r.Unit.Code == "C1" && r.Point.Value != 90 {
			t.Errorf("after a save C1 is %v, want 90", r.Point.Value)
		}
	}
	// Another target (a planner's change, a scoped plan) is another entry.
	other := *target
	other.Value = 40
	got, _ = c.PlanProgress(ctx, &kehoach.Plan{Targets: []*kehoach.Target{&other}}, "")
	if got[0].Status != kehoach.StatusAchieved {
		t.Errorf("a target of 40%% at 70%% is %s", got[0].Status)
	}
}

// A page of a breakdown comes sorted as asked, from the cache, with the
// whole's length; a saved figure re-sorts it (issue 16).
func TestCachedBreakdownPage(t *testing.T) {
	ctx := context.Background()
	f := &fakeSource{}
	f.unit("P", kehoach.KindProvince, "", "", "")
	names := map[string]string{"C1": "Đồng Văn", "C2": "An Phú", "C3": "Bắc Mê", "C4": "Ân Thi"}
	for _, c := range []string{"C1", "C2", "C3", "C4"} {
		f.unit(c, kehoach.KindCommune, "P", "", "")
	}
	for _, u := range f.units {
		if n, ok := names[u.Code]; ok {
			u.Name = n
		}
	}
	f.element("YES", "sum", "yearly", kehoach.KindCommune)
	f.element("ALL", "sum", "yearly", kehoach.KindCommune)
	f.indicator("RATE", "#{YES}", "#{ALL}", 100)
	for i, c := range []string{"C1", "C2", "C3", "C4"} {
		f.set("ALL", c, "2024", 10)
		f.set("YES", c, "2024", float64(2*i+1)) // 10, 30, 50, 70 %
	}
	target := &kehoach.Target{Code: "1", IndicatorCode: "RATE", ScopeCode: "P", Op: kehoach.OpGE, Value: 60, BaselinePeriod: "2023", Deadline: "2025"}
	c := NewCached(New(f))
	codes := func(q kehoach.BreakdownQuery) string {
		t.Helper()
		q.Kind, q.Period = kehoach.KindCommune, "2024"
		p, err := c.TargetBreakdownPage(ctx, target, q)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 4 {
			t.Errorf("total %d, want 4", p.Total)
		}
		var out []string
		for _, r := range p.Rows {
			out = append(out, r.Unit.Code)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		q    kehoach.BreakdownQuery
		want string
	}{
		{kehoach.BreakdownQuery{}, "C1,C2,C3,C4"}, // lagging first: the largest gap
		{kehoach.BreakdownQuery{Sort: kehoach.SortName}, "C2,C4,C3,C1"},
		{kehoach.BreakdownQuery{Sort: kehoach.SortValueDesc, Limit: 2}, "C4,C3"},
		{kehoach.BreakdownQuery{Sort: kehoach.SortValueDesc, Offset: 2, Limit: 2}, "C2,C1"},
		{kehoach.BreakdownQuery{Sort: kehoach.SortStatus}, "C2,C3,C1,C4"}, // not met by name, then met
	} {
		if got := codes(tc.q); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.q, got, tc.want)
		}
	}
	f.set("YES", "C1", "2024", 9) // Đồng Văn now 90 %
	if got := codes(kehoach.BreakdownQuery{Sort: kehoach.SortValueDesc, Limit: 1}); got != "C1" {
		t.Errorf("after a save the highest is %s, want C1", got)
	}
}

// TestCachedPerTarget: a saved figure recomputes the targets that read it,
// and only them (issue 16: one save a second at the national scale made
// every plan page compute all its targets again).
func TestCachedPerTarget(t *testing.T) {
	ctx := context.Background()
	f := &fakeSource{}
	f.unit("P", kehoach.KindProvince, "", "", "")
	f.unit("C1", kehoach.KindCommune, "P", "", "")
	f.element("YES", "sum", "yearly", kehoach.KindCommune)
	f.element("OTHER", "sum", "yearly", kehoach.KindCommune)
	f.indicator("A", "#{YES}", "1", 1)
	f.indicator("B", "#{OTHER}", "1", 1)
	for _, y := range []string{"2023", "2024"} {
		f.set("YES", "C1", y, 4)
		f.set("OTHER", "C1", y, 6)
	}
	a := &kehoach.Target{Code: "a", IndicatorCode: "A", ScopeCode: "P", Op: kehoach.OpGE, Value: 8, BaselinePeriod: "2023", Deadline: "2025"}
	b := &kehoach.Target{Code: "b", IndicatorCode: "B", ScopeCode: "P", Op: kehoach.OpGE, Value: 8, BaselinePeriod: "2023", Deadline: "2025"}
	plan := &kehoach.Plan{Targets: []*kehoach.Target{a, b}}
	c := NewCached(New(f))
	first, err := c.PlanProgress(ctx, plan, "2024")
	if err != nil {
		t.Fatal(err)
	}
	f.set("OTHER", "C1", "2024", 9)
	next, err := c.PlanProgress(ctx, plan, "2024")
	if err != nil {
		t.Fatal(err)
	}
	if &next[0].Series[0] != &first[0].Series[0] {
		t.Error("target a, which reads nothing saved, was computed again")
	}
	if next[1].Current.Value != 9 || next[1].Status != kehoach.StatusAchieved {
		t.Errorf("target b after its figure was saved: %v %s, want 9 achieved", next[1].Current.Value, next[1].Status)
	}
	bd, err := c.TargetBreakdown(ctx, b, kehoach.KindCommune, "2024")
	if err != nil || len(bd) != 1 || bd[0].Point.Value != 9 {
		t.Fatalf("b's breakdown %v %v", bd, err)
	}
	// A's figure now: a's entry goes, b's stays.
	f.set("YES", "C1", "2024", 8)
	last, _ := c.PlanProgress(ctx, plan, "2024")
	if last[0].Current.Value != 8 || &last[1].Series[0] != &next[1].Series[0] {
		t.Errorf("after a's save: a %v (want 8), b recomputed %v", last[0].Current.Value, &last[1].Series[0] != &next[1].Series[0])
	}
	if bd2, _ := c.TargetBreakdown(ctx, b, kehoach.KindCommune, "2024"); bd2[0] != bd[0] {
		t.Error("b's breakdown was computed again after a's save")
	}
}

// After a save, a breakdown reads again only the units the saved figure is
// in and those above them; the others' rows are the version before's. It
// must answer as a fresh engine does after every save, for villages and
// communes, stocks carried by whole report and flows, removals too.
func TestCachedBreakdownAfterSaves(t *testing.T) {
	ctx := context.Background()
	f := tree()
	src := formSource{f, []*kehoach.Form{{Code: "F", PeriodType: "quarterly", Elements: []string{"STOCK", "FLOW"}}}}
	f.indicator("SF", "#{STOCK} + #{FLOW}", "1", 1)
	villages := []string{"V1", "V2", "V3"}
	quarters := []string{"2024Q1", "2024Q2", "2024Q3", "2024Q4"}
	for i, v := range villages {
		f.set("STOCK", v, "2024Q1", float64(10*i))
		f.set("FLOW", v, "2024Q2", float64(i))
	}
	target := &kehoach.Target{Code: "1", IndicatorCode: "SF", ScopeCode: "P", Op: kehoach.OpGE, Value: 12, BaselinePeriod: "2024Q1", Deadline: "2025Q4"}
	c := NewCached(New(src))
	r := rand.New(rand.NewPCG(7, 16))
	reused := 0
	for step := range 60 {
		v, q := villages[r.IntN(len(villages))], quarters[r.IntN(len(quarters))]
		el := []string{"STOCK", "FLOW"}[r.IntN(2)]
		if r.IntN(4) == 0 {
			f.del(el, v, q)
		} else {
			f.set(el, v, q, float64(r.IntN(20)))
		}
		for _, kind := range []string{kehoach.KindVillage, kehoach.KindCommune} {
			got, err := c.TargetBreakdown(ctx, target, kind, "2024Q4")
			if err != nil {
				t.Fatal(err)
			}
			want, err := New(src).TargetBreakdown(ctx, target, kind, "2024Q4")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("step %d %s: %d rows, want %d", step, kind, len(got), len(want))
			}
			for i := range got {
				g, w := got[i], want[i]
				if g.Unit.Code != w.Unit.Code || g.Point.HasValue != w.Point.HasValue || g.Point.Value != w.Point.Value ||
					g.Point.Coverage != w.Point.Coverage || g.Status != w.Status || g.Need != w.Need || g.Trend != w.Trend {
					t.Fatalf("step %d (%s %s %s) %s row %d: %s %v %v %s, a fresh engine %s %v %v %s", step, el, v, q, kind, i,
						g.Unit.Code, g.Point.Value, g.Point.HasValue, g.Status, w.Unit.Code, w.Point.Value, w.Point.HasValue, w.Status)
				}
			}
		}
		// The next save's breakdown by village keeps the other villages' rows.
		prev, _ := c.TargetBreakdown(ctx, target, kehoach.KindVillage, "2024Q4")
		f.set("FLOW", "V1", "2024Q3", float64(step))
		next, _ := c.TargetBreakdown(ctx, target, kehoach.KindVillage, "2024Q4")
		for _, a := range prev {
			for _, b := range next {
				if a == b && a.Unit.Code != "V1" {
					reused++
				}
			}
		}
	}
	if reused == 0 {
		t.Error("no row was kept across a save: every breakdown was read whole")
	}
}

// A figure changed in a report that stays leaves the targets of the
// report's other elements cached (issue 16: at the national scale a save
// recomputed seven indicators over 100,000 villages); a report that comes
// or goes moves them, since a stock is carried from the unit's latest
// report as a whole (report.go).
func TestCachedReportMates(t *testing.T) {
	ctx := context.Background()
	f := tree()
	src := formSource{f, []*kehoach.Form{{Code: "F", PeriodType: "quarterly", Elements: []string{"STOCK", "FLOW"}}}}
	f.indicator("S", "#{STOCK}", "1", 1)
	f.set("STOCK", "V2", "2024Q1", 40)
	f.set("FLOW", "V2", "2024Q1", 1)
	target := &kehoach.Target{Code: "1", IndicatorCode: "S", ScopeCode: "V2", Op: kehoach.OpGE, Value: 50, BaselinePeriod: "2024Q1", Deadline: "2024Q4"}
	plan := &kehoach.Plan{Targets: []*kehoach.Target{target}}
	c := NewCached(New(src))
	progress := func(when string) *kehoach.TargetProgress {
		t.Helper()
		got, err := c.PlanProgress(ctx, plan, "2024Q2")
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		fresh, err := New(src).PlanProgress(ctx, plan, "2024Q2")
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if g, w := got[0].Current, fresh[0].Current; g.HasValue != w.HasValue || g.Value != w.Value {
			t.Errorf("%s: cached %v %v, a fresh engine %v %v", when, g.Value, g.HasValue, w.Value, w.HasValue)
		}
		return got[0]
	}
	first := progress("first")
	if !first.Current.HasValue || first.Current.Value != 40 {
		t.Fatalf("2024Q2 carries %v %v, want 40 from 2024Q1", first.Current.Value, first.Current.HasValue)
	}
	// FLOW changed in V2's 2024Q1 report, which stays: not recomputed.
	f.set("FLOW", "V2", "2024Q1", 2)
	if again := progress("FLOW changed"); again.Version != first.Version || &again.Series[0] != &first.Series[0] {
		t.Errorf("a figure changed in a report that stays recomputed its mates' target (%q, before %q)", again.Version, first.Version)
	}
	// A 2024Q2 report of FLOW alone: V2's latest report lacks STOCK.
	f.set("FLOW", "V2", "2024Q2", 5)
	if p := progress("a new report"); p.Current.HasValue {
		t.Errorf("after V2's 2024Q2 report without STOCK, 2024Q2 is %v", p.Current.Value)
	}
	// And it goes again: 40 carried once more.
	f.del("FLOW", "V2", "2024Q2")
	if p := progress("the report removed"); !p.Current.HasValue || p.Current.Value != 40 {
		t.Errorf("after the 2024Q2 report went, 2024Q2 is %v %v, want 40", p.Current.Value, p.Current.HasValue)
	}
}
