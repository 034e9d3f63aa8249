package report

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kehoach"
	"kehoach/period"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fakes: each service embeds its interface and answers only what Build
// asks; anything else panics, which shows a new dependency at once.
type fakePlans struct {
	kehoach.PlanService
	plan *kehoach.Plan
}

func (f fakePlans) FindPlanByID(_ context.Context, id int64) (*kehoach.Plan, error) {
	if id != f.plan.ID {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có kế hoạch %d", id)
	}
	return f.plan, nil
}

type fakeUnits struct {
	kehoach.UnitService
	units []*kehoach.Unit
}

func (f fakeUnits) FindUnits(_ context.Context, flt kehoach.UnitFilter) ([]*kehoach.Unit, error) {
	var out []*kehoach.Unit
	for _, u := range f.units {
		if (flt.Parent == "" || u.ParentCode == flt.Parent) && (len(flt.Codes) == 0 || contains(flt.Codes, u.Code)) {
			out = append(out, u)
		}
	}
	return out, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

type fakeData struct {
	kehoach.DataService
}

func (fakeData) FindIndicators(context.Context) ([]*kehoach.Indicator, error) {
	return []*kehoach.Indicator{{Code: "I_NVH", Numerator: "#{NVH}", Denominator: "#{THON}", Factor: 100, Decimals: 1}}, nil
}

func (fakeData) FindForms(context.Context) ([]*kehoach.Form, error) {
	return []*kehoach.Form{{Code: "BM", Name: "Thiết chế văn hóa (quý)", PeriodType: "quarterly", Elements: []string{"NVH", "THON"}}}, nil
}

// fakeAnalytics answers from a table of points by (unit, period).
type fakeAnalytics struct {
	kehoach.AnalyticsService
	units  []*kehoach.Unit
	points map[string]kehoach.Point // "UNIT/PERIOD"
}

func (f fakeAnalytics) IndicatorValue(_ context.Context, _, unit, p string) (kehoach.Point, error) {
	return f.points[unit+"/"+p], nil
}

func (f fakeAnalytics) PlanProgress(_ context.Context, plan *kehoach.Plan, asOf string) ([]*kehoach.TargetProgress, error) {
	var out []*kehoach.TargetProgress
	for _, t := range plan.Targets {
		tp := &kehoach.TargetProgress{Target: t, Indicator: &kehoach.Indicator{Code: t.IndicatorCode, Factor: 100, Decimals: 1}}
		for _, p := range []string{"2021", "2022", "2023", "2024"} {
			pt := f.points[t.ScopeCode+"/"+p]
			pt.Period = p
			tp.Series = append(tp.Series, pt)
			if p == asOf {
				tp.Current = pt
				break
			}
		}
		tp.Baseline = tp.Series[0]
		tp.Status = kehoach.StatusAtRisk
		tp.Projection, tp.HasProjection = 84, true
		out = append(out, tp)
	}
	return out, nil
}

func (f fakeAnalytics) TargetBreakdown(_ context.Context, t *kehoach.Target, kind, p string) ([]*kehoach.UnitProgress, error) {
	var out []*kehoach.UnitProgress
	for _, u := range f.units {
		if u.Kind != kind {
			continue
		}
		pt := f.points[u.Code+"/"+p]
		up := &kehoach.UnitProgress{Unit: u, Point: pt, Status: kehoach.StatusNoData}
		if pt.HasValue {
			up.Meets = kehoach.Meets(t.Op, pt.Value, t.Value)
			up.Status = map[bool]string{true: kehoach.StatusAchieved, false: kehoach.StatusOffTrack}[up.Meets]
		}
		out = append(out, up)
	}
	return out, nil
}

type fakeSubmissions struct {
	kehoach.SubmissionService
}

func (fakeSubmissions) Completeness(_ context.Context, f kehoach.CompletenessFilter) (*kehoach.Completeness, error) {
	return &kehoach.Completeness{Form: f.Form, Period: f.Period, Deadline: "2024-12-18", Expected: 3, Submitted: 2, CompletenessRate: 200.0 / 3,
		Units: []*kehoach.UnitCompleteness{{Unit: "XC", Name: "Xã Cê", Reported: false}, {Unit: "XA", Name: "Xã A", Reported: true}, {Unit: "XB", Name: "Xã Bê", Reported: true}}}, nil
}

func pt(num, den float64) kehoach.Point {
	return kehoach.Point{Num: num, Den: den, Value: num / den * 100, HasValue: true}
}

// fixture is a small district plan: one target over three communes, with
// figures for 2021 (baseline) to 2024 and quarters of 2024.
func fixture() Sources {
	units := []*kehoach.Unit{
		{Code: "H", Name: "Huyện Mẫu", Kind: kehoach.KindDistrict},
		{Code: "XA", Name: "Xã A", Kind: kehoach.KindCommune, ParentCode: "H"},
		{Code: "XB", Name: "Xã Bê", Kind: kehoach.KindCommune, ParentCode: "H"},
		{Code: "XC", Name: "Xã Cê", Kind: kehoach.KindCommune, ParentCode: "H"},
		{Code: "CQ", Name: "Phòng Văn hóa", Kind: kehoach.KindAgency, ParentCode: "H"},
	}
	plan := &kehoach.Plan{ID: 7, Code: "KH", Number: "15/KH-UBND", Title: "Kế hoạch phát triển thiết chế văn hóa", IssuerCode: "H",
		Place: "Mẫu Sơn", HorizonFrom: "2022", HorizonTo: "2025", Signer: "Nguyễn Văn Ấn",
		Sections: []*kehoach.Section{{Number: "II.1", Title: "Thiết chế văn hóa"}},
		Targets: []*kehoach.Target{{ID: 1, Code: "1a", Text: "Thôn có nhà văn hóa", IndicatorCode: "I_NVH", Op: kehoach.OpGE, Value: 90,
			Deadline: "2025", BaselinePeriod: "2021", ScopeCode: "H", CountLabel: "thôn", Section: "II.1"}},
		Tasks: []*kehoach.Task{
			{Code: "T1", Title: "Rà soát nhà văn hóa", LeadCode: "CQ", Status: kehoach.TaskDone},
			{Code: "T2", Title: "Xây nhà văn hóa thôn Nà", LeadCode: "CQ", Status: kehoach.TaskProgress, Due: "2024-06-30"},
			{Code: "T3", Title: "Tập huấn", LeadCode: "XA", Status: kehoach.TaskOpen, Due: "2025-12-31"},
		},
	}
	points := map[string]kehoach.Point{
		"H/2021": pt(30, 50), "H/2022": pt(35, 50), "H/2023": pt(39, 50), "H/2024": pt(42, 50),
		"H/2024Q3": pt(41, 50), "H/2024Q2": pt(40, 50), "H/2023Q3": pt(38, 50),
		"XA/2024": pt(18, 18), "XB/2024": pt(14, 17), "XA/2024Q3": pt(18, 18), "XB/2024Q3": pt(13, 17),
		// Nine months as the engine reads them (January to September).
		"H/2024N9": pt(41, 50), "H/2023N9": pt(37, 50), "XA/2024N9": pt(18, 18), "XB/2024N9": pt(12, 17),
	}
	return Sources{
		Plans: fakePlans{plan: plan}, Units: fakeUnits{units: units}, Data: fakeData{},
		Analytics: fakeAnalytics{units: units, points: points}, Submissions: fakeSubmissions{},
		Tasks: PlanTasks{Units: fakeUnits{units: units}},
	}
}

var now = time.Date(2024, 12, 20, 3, 0, 0, 0, time.UTC)

// The content model of a yearly report, a nine-month report and a letter,
// compared with golden JSON (the model, not any file's bytes).
func TestBuildGolden(t *testing.T) {
	for _, c := range []struct{ name, kind, period string }{
		{"report_2024", kehoach.DocReport, "2024"},
		{"report_2024N9", kehoach.DocReport, "2024N9"},
		{"report_2024Q3", kehoach.DocReport, "2024Q3"},
		{"letter_2024", kehoach.DocLetter, "2024"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Build(context.Background(), fixture(), Request{PlanID: 7, Kind: c.kind, Period: c.period, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(r, "", "  ")
			path := filepath.Join("testdata", c.name+".golden.json")
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Errorf("model differs from %s; got:\n%s", path, got)
			}
		})
	}
}

// Bad input gets a clear Vietnamese message naming the field.
func TestBuildBadInput(t *testing.T) {
	empty := fixture()
	empty.Analytics = fakeAnalytics{points: map[string]kehoach.Point{}}
	noTasks := fixture()
	noTasks.Tasks = nil
	for _, c := range []struct {
		name  string
		src   Sources
		req   Request
		code  string
		field string
		msg   string
	}{
		{"before horizon", fixture(), Request{PlanID: 7, Kind: kehoach.DocReport, Period: "2019"}, kehoach.EINVALID, "period", "ngoài thời hạn"},
		{"after horizon", fixture(), Request{PlanID: 7, Kind: kehoach.DocReport, Period: "2027Q1"}, kehoach.EINVALID, "period", "ngoài thời hạn"},
		{"month", fixture(), Request{PlanID: 7, Kind: kehoach.DocReport, Period: "202403"}, kehoach.EINVALID, "period", "không hợp lệ"},
		{"garbage", fixture(), Request{PlanID: 7, Kind: kehoach.DocReport, Period: "năm ngoái"}, kehoach.EINVALID, "period", "không hợp lệ"},
		{"no figures", empty, Request{PlanID: 7, Kind: kehoach.DocReport, Period: "2023"}, kehoach.EINVALID, "period", "chưa có số liệu"},
		{"kind", fixture(), Request{PlanID: 7, Kind: "memo", Period: "2024"}, kehoach.EINVALID, "kind", "Loại văn bản"},
		{"plan", fixture(), Request{PlanID: 8, Kind: kehoach.DocReport, Period: "2024"}, kehoach.ENOTFOUND, "", "kế hoạch"},
		{"bad date", fixture(), Request{PlanID: 7, Kind: kehoach.DocReport, Period: "2024", Texts: &kehoach.ReportTexts{Date: "05/02/2024"}}, kehoach.EINVALID, "date", "chưa hợp lệ"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build(context.Background(), c.src, c.req)
			if kehoach.ErrorCode(err) != c.code || !strings.Contains(kehoach.ErrorMessage(err), c.msg) {
				t.Fatalf("err = %v, want %s with %q", err, c.code, c.msg)
			}
			if c.field != "" && kehoach.ErrorFields(err)[c.field] == "" {
				t.Errorf("no reason for field %q in %v", c.field, kehoach.ErrorFields(err))
			}
		})
	}
	r, err := Build(context.Background(), noTasks, Request{PlanID: 7, Kind: kehoach.DocReport, Period: "2024", Now: now})
	if err != nil || r.Tasks != nil {
		t.Fatalf("without task data: tasks %v, err %v", r.Tasks, err)
	}
}

// A final review covers the whole horizon, and the cut-off window of
// Decree 09 is printed.
func TestFinalPeriod(t *testing.T) {
	src := fixture()
	plan, _ := src.Plans.FindPlanByID(context.Background(), 7)
	p, err := ParsePeriod("final", plan, period.Decree09)
	if err != nil {
		t.Fatal(err)
	}
	if p.Label != "giai đoạn 2022 - 2025" || p.From != "15/12/2021" || p.To != "14/12/2025" {
		t.Errorf("final = %+v", p)
	}
	q, _ := ParsePeriod("2024S1", plan, period.Decree09)
	if q.From != "15/12/2023" || q.To != "14/06/2024" || q.Label != "6 tháng đầu năm 2024" {
		t.Errorf("2024S1 = %+v", q)
	}
}
