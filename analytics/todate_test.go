package analytics

import (
	"context"
	"math"
	"testing"

	"kehoach"
)

// TestNineMonths: a nine-month reading adds a flow over the first three
// quarters (not the third alone, not the fourth), takes a stock as at the
// end of September, and counts coverage over the three quarters.
func TestNineMonths(t *testing.T) {
	f := tree()
	f.set("FLOW", "V1", "2023Q1", 1)
	f.set("FLOW", "V1", "2023Q3", 2)
	f.set("FLOW", "V2", "2023Q2", 4)
	f.set("FLOW", "V1", "2023Q4", 8)
	f.set("STOCK", "V1", "2023Q2", 50)
	f.set("STOCK", "V1", "2023Q4", 70)
	f.set("AVG", "V1", "2023Q1", 10)
	f.set("AVG", "V1", "2023Q3", 20)
	f.set("AVG", "V1", "2023Q4", 90)
	e := New(f)
	for _, tc := range []struct {
		name, expr, unit, period string
		want                     float64
	}{
		{"flow: three quarters", "#{FLOW}", "D", "2023N9", 7},
		{"flow: the third quarter alone", "#{FLOW}", "D", "2023Q3", 2},
		{"flow: the year", "#{FLOW}", "D", "2023", 15},
		{"stock: at the end of September", "#{STOCK}", "V1", "2023N9", 50},
		{"average over the quarters reported", "#{AVG}", "V1", "2023n9", 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := value(t, e, f, tc.expr, tc.unit, tc.period)
			if !ok || math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("%s for %s in %s = %v (ok %v), want %v", tc.expr, tc.unit, tc.period, got, ok, tc.want)
			}
		})
	}
	value(t, e, f, "#{FLOW}", "D", "2023N9")
	pt, err := e.IndicatorValue(context.Background(), "X", "D", "2023N9")
	if err != nil {
		t.Fatal(err)
	}
	// Coverage: V1 and V2 reported in the nine months; V3 did not.
	if c := pt.Coverage; c.Expected != 3 || c.Reported != 2 {
		t.Errorf("coverage of nine months = %d/%d, want 2/3", c.Reported, c.Expected)
	}
	if _, err := e.IndicatorValue(context.Background(), "X", "D", "20x3N9"); kehoach.ErrorCode(err) != kehoach.EINVALID {
		t.Errorf("a malformed nine-month id: err %v, want EINVALID", err)
	}
}

// TestSubYearStatus: a report of part of the year judges a yearly target
// as of the end of that part, not of the whole year: a flow at its yearly
// pace, a stock where it stands in the year.
func TestSubYearStatus(t *testing.T) {
	f := tree()
	// Sessions held (a flow), at least 8 a year by 2025 from 4 in 2023.
	f.indicator("SESS", "#{FLOW}", "1", 1)
	// A share of a stock, at least 90 % by 2025 from 60 % in 2023.
	f.element("HH", kehoach.AggLast, "quarterly", "village")
	f.indicator("PCT", "#{STOCK}", "#{HH}", 100)
	for q, v := range []float64{1, 1, 1, 1} {
		f.set("FLOW", "V1", "2023Q"+string(rune('1'+q)), v)
	}
	f.set("FLOW", "V1", "2024Q1", 2)
	f.set("FLOW", "V1", "2024Q2", 2)
	f.set("HH", "V1", "2023Q4", 100)
	f.set("STOCK", "V1", "2023Q4", 60)
	f.set("STOCK", "V1", "2024Q1", 68)
	flow := &kehoach.Target{Code: "1", IndicatorCode: "SESS", ScopeCode: "C1", Op: kehoach.OpGE, Value: 8, BaselinePeriod: "2023", Deadline: "2025"}
	stock := &kehoach.Target{Code: "2", IndicatorCode: "PCT", ScopeCode: "C1", Op: kehoach.OpGE, Value: 90, BaselinePeriod: "2023", Deadline: "2025"}
	milestone := *stock
	milestone.Code, milestone.Milestones = "3", []kehoach.Milestone{{Period: "2024", Value: 80}}
	plan := &kehoach.Plan{Targets: []*kehoach.Target{flow, stock, &milestone}}
	e := New(f)
	progress := func(asOf string) []*kehoach.TargetProgress {
		t.Helper()
		tps, err := e.PlanProgress(context.Background(), plan, asOf)
		if err != nil {
			t.Fatalf("PlanProgress(%s): %v", asOf, err)
		}
		return tps
	}
	for _, tc := range []struct {
		asOf    string
		target  int
		status  string
		current float64
	}{
		// Four sessions by June are eight a year: on track, not achieved;
		// read as the year's figure, 4 against 8 is off track.
		{"2024S1", 0, kehoach.StatusOnTrack, 4},
		// The second quarter: judged on the half year to date, its own
		// figure (2 held in it) shown.
		{"2024Q2", 0, kehoach.StatusOnTrack, 2},
		{"2024", 0, kehoach.StatusOffTrack, 4},
		// 60 % → 68 % in one quarter is on its way to 90 %; as a whole
		// year's gain it would not be.
		{"2024Q1", 1, kehoach.StatusOnTrack, 68},
		{"2024", 1, kehoach.StatusOffTrack, 68},
		// The planner's 80 % for 2024, a quarter of the way from 60 %:
		// 65 % by March; 68 % is past it.
		{"2024Q1", 2, kehoach.StatusOnTrack, 68},
		{"2024", 2, kehoach.StatusOffTrack, 68},
		// Nine months: the end of the third quarter, with nothing held in
		// it: four by September are 5,3 a year.
		{"2024N9", 0, kehoach.StatusOffTrack, 4},
	} {
		tp := progress(tc.asOf)[tc.target]
		if tp.Status != tc.status || !tp.Current.HasValue || math.Abs(tp.Current.Value-tc.current) > 1e-9 {
			t.Errorf("target %s as of %s: status %s, current %v (has %v); want %s, %v",
				tp.Target.Code, tc.asOf, tp.Status, tp.Current.Value, tp.Current.HasValue, tc.status, tc.current)
		}
	}
	// The breakdown of part of the year: a village on its yearly pace is on
	// track; its figure is the one to date.
	ups, err := e.TargetBreakdown(context.Background(), flow, "village", "2024S1")
	if err != nil {
		t.Fatal(err)
	}
	for _, up := range ups {
		if up.Unit.Code == "V1" && (up.Status != kehoach.StatusOnTrack || up.Point.Value != 4 || !up.Meets) {
			t.Errorf("V1 in 2024S1: status %s, value %v, meets %v; want on track, 4, meets", up.Status, up.Point.Value, up.Meets)
		}
	}
	ups, err = e.TargetBreakdown(context.Background(), flow, "village", "2024N9")
	if err != nil {
		t.Fatal(err)
	}
	if ups[len(ups)-1].Unit.Code != "V1" || ups[len(ups)-1].Point.Value != 4 {
		t.Errorf("nine months' breakdown: last %s = %v, want V1 = 4", ups[len(ups)-1].Unit.Code, ups[len(ups)-1].Point.Value)
	}
	// Two more in the third quarter: six by September is on pace.
	f.set("FLOW", "V1", "2024Q3", 2)
	if tp := progress("2024N9")[0]; tp.Status != kehoach.StatusOnTrack || tp.Current.Value != 6 {
		t.Errorf("nine months with the third quarter: status %s, current %v; want on track, 6", tp.Status, tp.Current.Value)
	}
}
