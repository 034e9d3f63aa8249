package analytics

import (
	"context"
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

	// A saved figure: the next answers show it.
	f.set("YES", "C1", "2024", 9)
	got, _ = c.PlanProgress(ctx, plan, "")
	if got[0].Current.Value != 70 {
		t.Errorf("after a save the rate is %v, want 70", got[0].Current.Value)
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
