package analytics

import (
	"context"
	"math"
	"testing"

	"kehoach"
)

// tree builds: P (province) → D (district, until 2025-06-30) → C1, C2
// (communes, until 2025-06-30) → villages V1, V2 under C1 and V3 under C2;
// N (new commune from 2025-07-01) directly under P with village V4.
func tree() *fakeSource {
	f := &fakeSource{}
	f.unit("P", "province", "", "", "")
	f.unit("D", "district", "P", "", "2025-06-30")
	f.unit("C1", "commune", "D", "", "2025-06-30")
	f.unit("C2", "commune", "D", "", "2025-06-30")
	f.unit("V1", "village", "C1", "", "")
	f.unit("V2", "village", "C1", "", "")
	f.unit("V3", "village", "C2", "", "")
	f.unit("N", "commune", "P", "2025-07-01", "")
	f.unit("V4", "village", "N", "2025-07-01", "")
	f.element("FLOW", kehoach.AggSum, "quarterly", "village")
	f.element("AVG", kehoach.AggAverage, "quarterly", "village")
	f.element("STOCK", kehoach.AggLast, "quarterly", "village")
	f.element("EVENT", kehoach.AggCountYes, "quarterly", "village")
	f.element("YEARLY", kehoach.AggLast, "yearly", "village")
	return f
}

func value(t *testing.T, e *Engine, f *fakeSource, ex, unit, p string) (float64, bool) {
	t.Helper()
	if len(f.indicators) == 0 || f.indicators[len(f.indicators)-1].Code != "X" {
		f.indicators = append(f.indicators, &kehoach.Indicator{Code: "X", Numerator: ex, Denominator: "1", Factor: 1})
	} else {
		f.indicators[len(f.indicators)-1].Numerator = ex
	}
	f.meta++ // the indicator changed: reload
	pt, err := e.IndicatorValue(context.Background(), "X", unit, p)
	if err != nil {
		t.Fatalf("IndicatorValue(%s, %s, %s): %v", ex, unit, p, err)
	}
	return pt.Value, pt.HasValue
}

func TestAggregation(t *testing.T) {
	f := tree()
	f.set("FLOW", "V1", "2024Q1", 2)
	f.set("FLOW", "V1", "2024Q2", 3)
	f.set("FLOW", "V2", "2024Q2", 5)
	f.set("FLOW", "V3", "2024Q3", 7)
	f.set("AVG", "V1", "2024Q1", 10)
	f.set("AVG", "V1", "2024Q2", 20)
	f.set("AVG", "V2", "2024Q1", 40)
	f.set("STOCK", "V1", "2023Q4", 100)
	f.set("STOCK", "V1", "2024Q2", 110)
	f.set("STOCK", "V2", "2024Q1", 50)
	f.set("STOCK", "V3", "2023Q1", 30)
	f.set("EVENT", "V1", "2024Q1", 0)
	f.set("EVENT", "V1", "2024Q3", 1)
	f.set("EVENT", "V2", "2024Q2", 0)
	f.set("YEARLY", "V1", "2023", 8)
	f.set("STOCK", "V4", "2025Q3", 9)
	e := New(f)

	for _, tc := range []struct {
		name, expr, unit, period string
		want                     float64
		ok                       bool
	}{
		{"sum over units, one quarter", "#{FLOW}", "D", "2024Q2", 8, true},
		{"sum over a year's quarters", "#{FLOW}", "D", "2024", 17, true},
		{"sum over a half", "#{FLOW}", "C1", "2024S1", 10, true},
		{"sum: no figure in period", "#{FLOW}", "D", "2024Q4", 0, false},
		{"sum: unit itself", "#{FLOW}", "V3", "2024", 7, true},
		{"average over units and periods", "#{AVG}", "C1", "2024", (15.0 + 40) / 2, true},
		{"average: one quarter", "#{AVG}", "C1", "2024Q1", 25, true},
		{"last: carried forward into a quarter", "#{STOCK}", "V1", "2024Q1", 100, true},
		{"last: year takes latest quarter", "#{STOCK}", "V1", "2024", 110, true},
		{"last: summed over units", "#{STOCK}", "D", "2024Q1", 100 + 50 + 30, true},
		{"last: before any figure", "#{STOCK}", "V2", "2023Q4", 0, false},
		{"last: year before carried", "#{STOCK}", "D", "2023", 130, true},
		{"count_yes: any yes in year", "#{EVENT}", "D", "2024", 1, true},
		{"count_yes: reported no counts as value 0", "#{EVENT}", "D", "2024Q2", 0, true},
		{"count_yes: quarter with yes", "#{EVENT}", "V1", "2024Q3", 1, true},
		{"count() of yes units", "count(#{EVENT})", "D", "2024", 1, true},
		{"count() of stock units > 0", "count(#{STOCK})", "D", "2024", 3, true},
		{"units() of kind", "units(village)", "D", "2024", 3, true},
		{"units() two kinds", "units(village, commune)", "D", "2024", 5, true},
		{"yearly element carried into next year's quarter", "#{YEARLY}", "V1", "2024Q2", 8, true},
		{"yearly element not into its own year's quarter", "#{YEARLY}", "V1", "2023Q2", 0, false},
		{"old hierarchy in 2024", "units(village)", "P", "2024", 3, true},
		// V1–V3 keep no parent after their communes end: only V4 is reached.
		{"new hierarchy in 2026", "units(village)", "P", "2026", 1, true},
		{"district gone in 2026", "units(village)", "D", "2026", 0, true},
		{"both hierarchies in 2025 (the year of the change)", "units(commune)", "P", "2025", 3, true},
		{"new commune's village in Q3", "#{STOCK}", "P", "2025Q3", 9, true},
		{"old communes' villages in Q2", "#{STOCK}", "P", "2025Q2", 110 + 50 + 30, true},
		{"arithmetic", "#{FLOW} * 2 + 1", "D", "2024", 35, true},
		{"division by zero has no value", "#{FLOW} / (#{FLOW} - #{FLOW})", "D", "2024", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := value(t, e, f, tc.expr, tc.unit, tc.period)
			if ok != tc.ok || (ok && math.Abs(got-tc.want) > 1e-9) {
				t.Errorf("%s for %s in %s = %v (ok %v), want %v (ok %v)", tc.expr, tc.unit, tc.period, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestFreshness checks that a figure saved after the engine loaded is in the
// very next answer, that a removal is too, and that only the new figures
// are read.
func TestFreshness(t *testing.T) {
	f := tree()
	f.indicator("S", "#{STOCK}", "1", 1)
	f.set("STOCK", "V1", "2024Q1", 5)
	e := New(f)
	ctx := context.Background()
	get := func() (float64, bool) {
		pt, err := e.IndicatorValue(ctx, "S", "D", "2024Q1")
		if err != nil {
			t.Fatal(err)
		}
		return pt.Value, pt.HasValue
	}
	if v, ok := get(); !ok || v != 5 {
		t.Fatalf("first = %v %v, want 5", v, ok)
	}
	f.set("STOCK", "V2", "2024Q1", 7)
	if v, _ := get(); v != 12 {
		t.Fatalf("after save = %v, want 12", v)
	}
	f.set("STOCK", "V2", "2024Q1", 1)
	if v, _ := get(); v != 6 {
		t.Fatalf("after update = %v, want 6", v)
	}
	f.del("STOCK", "V1", "2024Q1")
	if v, _ := get(); v != 1 {
		t.Fatalf("after delete = %v, want 1", v)
	}
	scans := f.scans
	get()
	if f.scans != scans {
		t.Errorf("engine read figures again though nothing changed")
	}
}

func TestGrowAcrossPeriods(t *testing.T) {
	f := tree()
	f.indicator("F", "#{FLOW}", "1", 1)
	e := New(f)
	ctx := context.Background()
	// Out of order: later first, then much earlier, then later again.
	for _, p := range []string{"2024Q1", "2019Q2", "2030Q4", "2024Q1"} {
		f.set("FLOW", "V1", p, 1)
		if err := e.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for p, want := range map[string]float64{"2024": 1, "2019": 1, "2030": 1} {
		pt, err := e.IndicatorValue(ctx, "F", "V1", p)
		if err != nil || pt.Value != want {
			t.Errorf("%s = %v (%v), want %v", p, pt.Value, err, want)
		}
	}
}

func TestUnknownCodes(t *testing.T) {
	f := tree()
	f.indicator("F", "#{FLOW}", "1", 1)
	e := New(f)
	ctx := context.Background()
	if _, err := e.IndicatorValue(ctx, "NOPE", "P", "2024"); kehoach.ErrorCode(err) != kehoach.ENOTFOUND {
		t.Errorf("unknown indicator: %v", err)
	}
	if _, err := e.IndicatorValue(ctx, "F", "NOPE", "2024"); kehoach.ErrorCode(err) != kehoach.ENOTFOUND {
		t.Errorf("unknown unit: %v", err)
	}
	if _, err := e.IndicatorValue(ctx, "F", "P", "2024Q9"); kehoach.ErrorCode(err) != kehoach.EINVALID {
		t.Errorf("bad period: %v", err)
	}
}

// TestMetadataKeepsFigures (issue 16 point 8): new metadata over the same
// units and elements (a new unit, a new indicator) keeps the figures in
// memory and reads only those saved since, and answers as a fresh load
// does; a changed period type reads everything again.
func TestMetadataKeepsFigures(t *testing.T) {
	f := tree()
	f.set("FLOW", "V1", "2024Q1", 2)
	f.set("FLOW", "V3", "2024Q1", 5)
	f.set("STOCK", "V2", "2024Q1", 40)
	e := New(f)
	if v, _ := value(t, e, f, "#{FLOW}", "D", "2024Q1"); v != 7 {
		t.Fatalf("before: %v, want 7", v)
	}
	if _, rows := e.LoadStats(); rows != 3 {
		t.Fatalf("first load read %d figures, want 3", rows)
	}
	// A new village (units renumbered: it comes first) and a new indicator.
	f.units = append([]*kehoach.Unit{{ID: 99, Code: "V5", Name: "V5", Kind: "village", ParentCode: "C2"}}, f.units...)
	f.indicator("Y", "#{STOCK} + #{FLOW}", "1", 1)
	f.meta++
	f.set("FLOW", "V5", "2024Q1", 10)
	pt, err := e.IndicatorValue(context.Background(), "Y", "D", "2024Q1")
	if err != nil {
		t.Fatal(err)
	}
	if pt.Value != 40+17 {
		t.Errorf("after new metadata: %v, want 57", pt.Value)
	}
	if _, rows := e.LoadStats(); rows != 1 {
		t.Errorf("new metadata read %d figures, want only the 1 saved since", rows)
	}
	fresh, err := New(f).IndicatorValue(context.Background(), "Y", "D", "2024Q1")
	if err != nil || fresh.Value != pt.Value || fresh.Coverage != pt.Coverage {
		t.Errorf("a fresh load says %v %+v, the carried one %v %+v", fresh.Value, fresh.Coverage, pt.Value, pt.Coverage)
	}
	// An element now counted monthly: its quarters' figures no longer
	// read; everything is read again.
	for _, el := range f.elements {
		if el.Code == "STOCK" {
			el.PeriodType = "monthly"
		}
	}
	f.meta++
	if v, ok := value(t, e, f, "#{STOCK}", "D", "2024Q1"); ok {
		t.Errorf("a quarterly figure read as monthly: %v", v)
	}
	if _, rows := e.LoadStats(); rows != 4 {
		t.Errorf("a changed period type read %d figures, want all 4", rows)
	}
}

// formSource is a fakeSource whose elements are collected on forms.
type formSource struct {
	*fakeSource
	forms []*kehoach.Form
}

func (s formSource) FindForms(ctx context.Context) ([]*kehoach.Form, error) { return s.forms, nil }

// New metadata keeps each form's counts of reports with its figures when
// the form's report reads the same elements, and counts again a report
// whose elements changed: a stock is carried from a unit's latest report
// as a whole (report.go), so a wrong count shows in its value.
func TestMetadataKeepsReports(t *testing.T) {
	f := tree()
	src := formSource{f, []*kehoach.Form{{Code: "F", PeriodType: "quarterly", Elements: []string{"STOCK", "FLOW"}}}}
	f.set("STOCK", "V2", "2024Q1", 40)
	f.set("FLOW", "V2", "2024Q2", 3) // V2's report of 2024Q2 has no STOCK
	e := New(src)
	stock := func(when, p string) (float64, bool) {
		t.Helper()
		pt, err := e.IndicatorValue(context.Background(), "S", "V2", p)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		fresh, err := New(src).IndicatorValue(context.Background(), "S", "V2", p)
		if err != nil || fresh.HasValue != pt.HasValue || fresh.Value != pt.Value {
			t.Errorf("%s: the engine says %v %v, a fresh load %v %v", when, pt.Value, pt.HasValue, fresh.Value, fresh.HasValue)
		}
		return pt.Value, pt.HasValue
	}
	f.indicator("S", "#{STOCK}", "1", 1)
	if _, ok := stock("first load", "2024Q2"); ok {
		t.Errorf("first load: V2's 2024Q2 report lacks STOCK, yet it has a value")
	}
	// A new indicator: the counts carried (no figure read again).
	f.indicator("Y", "#{FLOW}", "1", 1)
	f.meta++
	if _, ok := stock("new indicator", "2024Q2"); ok {
		t.Errorf("new indicator: STOCK of 2024Q2 has a value")
	}
	if v, ok := stock("new indicator", "2024Q3"); ok {
		t.Errorf("new indicator: STOCK of 2024Q3 = %v, want none (V2's latest report, 2024Q2, lacks it)", v)
	}
	if v, ok := stock("new indicator", "2024Q1"); !ok || v != 40 {
		t.Errorf("new indicator: STOCK of 2024Q1 = %v %v, want 40; the counts were lost", v, ok)
	}
	if _, rows := e.LoadStats(); rows != 0 {
		t.Errorf("new indicator read %d figures, want 0", rows)
	}
	// FLOW moves to a form of its own: F's report is STOCK alone, so V2's
	// latest report of F is 2024Q1's, and its STOCK carries to 2024Q2.
	src.forms[0].Elements = []string{"STOCK"}
	src.forms = append(src.forms, &kehoach.Form{Code: "G", PeriodType: "quarterly", Elements: []string{"FLOW"}})
	e.src = src
	f.meta++
	if v, ok := stock("FLOW on another form", "2024Q2"); !ok || v != 40 {
		t.Errorf("FLOW on another form: STOCK of 2024Q2 = %v %v, want 40 carried from 2024Q1", v, ok)
	}
}

// unitCounting is a fakeSource that tells its units' version and counts
// the reads of its units.
type unitCounting struct {
	*fakeSource
	version int64
	reads   int
}

func (s *unitCounting) FindUnits(ctx context.Context, f kehoach.UnitFilter) ([]*kehoach.Unit, error) {
	s.reads++
	return s.fakeSource.FindUnits(ctx, f)
}

func (s *unitCounting) UnitsVersion(context.Context) (int64, error) { return s.version, nil }

// New metadata that left the units as they were reloads without reading
// them again (issue 16: 100,000 villages were most of such a reload); a
// unit changed is read again.
func TestMetadataKeepsUnits(t *testing.T) {
	ctx := context.Background()
	f := tree()
	f.indicator("S", "#{STOCK}", "1", 1)
	f.set("STOCK", "V2", "2024Q1", 40)
	src := &unitCounting{fakeSource: f, version: 1}
	e := New(src)
	name := func(when string) string {
		t.Helper()
		page, err := e.TargetBreakdown(ctx, &kehoach.Target{Code: "1", IndicatorCode: "S", ScopeCode: "C1", Op: kehoach.OpGE, Value: 1, BaselinePeriod: "2024Q1", Deadline: "2024Q4"}, "village", "2024Q1")
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		for _, r := range page {
			if r.Unit.Code == "V2" {
				return r.Unit.Name
			}
		}
		t.Fatalf("%s: no V2 in %v", when, page)
		return ""
	}
	name("first load")
	if src.reads != 1 {
		t.Fatalf("first load read the units %d times", src.reads)
	}
	f.indicator("Y", "#{FLOW}", "1", 1)
	f.meta++
	if got := name("new indicator"); got != "V2" || src.reads != 1 {
		t.Errorf("new indicator, units unchanged: read the units %d times, V2 named %q", src.reads, got)
	}
	f.units[f.unitID("V2")-1] = &kehoach.Unit{ID: f.unitID("V2"), Code: "V2", Name: "Nà Đon", Kind: "village", ParentCode: "C1"}
	src.version++
	f.meta++
	if got := name("V2 renamed"); got != "Nà Đon" || src.reads != 2 {
		t.Errorf("V2 renamed: read the units %d times, V2 named %q", src.reads, got)
	}
}
