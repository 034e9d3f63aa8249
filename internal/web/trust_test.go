package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestCarryForwardByReport is issue 9's 9.900 % case: a village that
// enters only its 2025 household count (1) has no 2025 ratio, rather than
// last year's cultural households (carried forward, element by element)
// over this year's total. Its 2025 report is one whole: the cultural
// households it lacks are not taken from 2024.
func TestCarryForwardByReport(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	v := villagesOf(t, srv, "XA_BANBO")[0]
	ask := func(pe string) [][]string {
		var res struct{ Rows [][]string }
		getJSON(t, srv, "/api/analytics?dimension=dx:CT_HGD_VH&dimension=pe:"+pe+"&dimension=ou:"+v+"&includeNumDen=true", http.StatusOK, &res)
		return res.Rows
	}
	before := ask("2025")
	if len(before) != 1 {
		t.Fatalf("%s before 2025 entry: rows %v, want the 2024 report carried forward", v, before)
	}
	f := entryForm("XA_BANBO", "BM_BAN_NAM", "2025", v+".HGD_TONG", "1")
	f.Set("k."+v+".HGD_TONG", "1") // unusual, confirmed (the plausibility check)
	resp, body := do(t, srv, http.MethodPost, "/entry", f, "", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d; body:\n%s", resp.StatusCode, excerpt(body))
	}
	if rows := ask("2025"); len(rows) != 0 {
		t.Errorf("%s in 2025 after entering only its household count: %v, want no value (its 2025 report has no cultural households)", v, rows)
	}
	// 2024 is untouched.
	if rows := ask("2024"); len(rows) != 1 || rows[0][3] != before[0][3] {
		t.Errorf("%s in 2024: %v, want %v", v, rows, before)
	}
}

// TestEarlyReportDoesNotFlipStatus is issue 9's flip on one early report:
// the Bản Bo reporter enters one village's 2025 figures (118 households,
// 100 cultural). Target 4a keeps its status and current year, computed on
// the latest year every unit reported; 2025 is shown beside it as
// provisional with its coverage, on the page and in /api/plans/1.
func TestEarlyReportDoesNotFlipStatus(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	type target struct {
		Code, Status, Period string
		Value                *float64
		Coverage             struct{ Expected, Reported int }
		Provisional          *struct {
			Period   string
			Value    float64
			Coverage struct{ Expected, Reported int }
		}
	}
	plan4a := func() target {
		var p struct{ Targets []target }
		getJSON(t, srv, "/api/plans/1", http.StatusOK, &p)
		for _, tg := range p.Targets {
			if tg.Code == "4a" {
				return tg
			}
		}
		t.Fatal("no target 4a in /api/plans/1")
		return target{}
	}
	before := plan4a()
	if before.Value == nil || before.Coverage.Expected == 0 || before.Coverage.Reported != before.Coverage.Expected {
		t.Fatalf("4a before: %+v, want a value on a fully covered year", before)
	}
	if before.Provisional != nil {
		t.Fatalf("4a before any 2025 report has a provisional value %+v", before.Provisional)
	}
	v := villagesOf(t, srv, "XA_BANBO")[0]
	resp, body := do(t, srv, http.MethodPost, "/entry", entryForm("XA_BANBO", "BM_BAN_NAM", "2025", v+".HGD_TONG", "118", v+".HGD_VH", "100"), "", map[string]string{"X-Test-As": "reporter"})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save as the Bản Bo reporter: status %d; body:\n%s", resp.StatusCode, excerpt(body))
	}
	after := plan4a()
	if after.Status != before.Status || after.Period != before.Period || *after.Value != *before.Value {
		t.Errorf("4a after one village's 2025 report: %s %s %v, want %s %s %v as before", after.Status, after.Period, *after.Value, before.Status, before.Period, *before.Value)
	}
	p := after.Provisional
	if p == nil || p.Period != "2025" || p.Coverage.Reported != 1 || p.Coverage.Expected != before.Coverage.Expected {
		t.Fatalf("4a provisional %+v, want 2025 with 1/%d reported", p, before.Coverage.Expected)
	}
	row := targetRow(t, get(t, srv, "/plans/1", http.StatusOK), "4a")
	want := "1/" + strconv.Itoa(p.Coverage.Expected) + " đơn vị đã báo cáo"
	if !strings.Contains(row, `<div class="provisional" data-period="2025"><b>Tạm tính Năm 2025:</b>`) || !strings.Contains(row, want) {
		t.Errorf("plan page row of 4a lacks the provisional 2025 value with %q:\n%s", want, row)
	}
}

// TestAnalyticsCoverage asks /api/analytics for coverage columns: Bản Bo's
// 2024 household ratio was reported by every village; after one village's
// early 2025 report, 2025 shows 1 of them.
func TestAnalyticsCoverage(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	villages := villagesOf(t, srv, "XA_BANBO")
	ask := func(pe string) (names []string, rows [][]string) {
		var res struct {
			Headers []struct{ Name string }
			Rows    [][]string
		}
		getJSON(t, srv, "/api/analytics?dimension=dx:CT_HGD_VH&dimension=pe:"+pe+"&dimension=ou:XA_BANBO&includeCoverage=true", http.StatusOK, &res)
		for _, h := range res.Headers {
			names = append(names, h.Name)
		}
		return names, res.Rows
	}
	names, rows := ask("2024")
	if strings.Join(names, ",") != "dx,pe,ou,value,reported,expected,approved" {
		t.Fatalf("headers %v", names)
	}
	n := strconv.Itoa(len(villages))
	if len(rows) != 1 || rows[0][4] != n || rows[0][5] != n {
		t.Errorf("2024 rows %v, want %s/%s reported", rows, n, n)
	}
	resp, body := do(t, srv, http.MethodPost, "/entry", entryForm("XA_BANBO", "BM_BAN_NAM", "2025", villages[0]+".HGD_TONG", "118", villages[0]+".HGD_VH", "100"), "", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", resp.StatusCode, excerpt(body))
	}
	if _, rows = ask("2025"); len(rows) != 1 || rows[0][4] != "1" || rows[0][5] != n {
		t.Errorf("2025 rows %v, want 1/%s reported", rows, n)
	}
}

// TestDemoStory is issue 9's demo: its past periods were submitted and
// approved with plausible dates, so the completeness page agrees with the
// plan page; the latest period stays open.
func TestDemoStory(t *testing.T) {
	t.Parallel()
	var c struct{ Expected, Submitted, OnTime int }
	getJSON(t, sharedServer(t), "/api/completeness?form=BM_BAN_NAM&period=2023&unit=TAMDUONG", http.StatusOK, &c)
	if c.Expected < 10 || c.Submitted != c.Expected || c.OnTime == 0 || c.OnTime == c.Expected {
		t.Errorf("2023 completeness %+v, want every grid submitted, most but not all on time", c)
	}
	getJSON(t, sharedServer(t), "/api/completeness?form=BM_BAN_NAM&period=2024&unit=TAMDUONG", http.StatusOK, &c)
	if c.Submitted != 0 {
		t.Errorf("2024 completeness %+v, want the latest period open", c)
	}
	var res struct{ Rows [][]string }
	getJSON(t, sharedServer(t), "/api/analytics?dimension=dx:CT_HGD_VH&dimension=pe:2023&dimension=ou:TAMDUONG&includeCoverage=true", http.StatusOK, &res)
	if len(res.Rows) != 1 || res.Rows[0][4] != res.Rows[0][5] || res.Rows[0][6] != res.Rows[0][5] {
		t.Errorf("2023 district coverage %v, want every village reported and approved", res.Rows)
	}
}

// TestPaceExplained: the plan page says, in a sentence, the pace still
// needed beside the trend, with the figures the API gives; the trend chart
// shows the milestones; the breakdown gives each unit's pace.
func TestPaceExplained(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	var full struct {
		Targets []struct {
			Code    string
			Need    float64
			Trend   float64
			HasPace bool
		}
	}
	getJSON(t, srv, "/api/plans/1", http.StatusOK, &full)
	page := get(t, srv, "/plans/1", http.StatusOK)
	seen := 0
	for _, tg := range full.Targets {
		if !tg.HasPace {
			continue
		}
		seen++
		row := targetRow(t, page, tg.Code)
		if !strings.Contains(row, `<span class="pace">cần `) || !strings.Contains(row, "điểm %/năm, xu hướng hiện tại ") {
			t.Errorf("target %s (need %v, trend %v): row lacks the pace sentence:\n%s", tg.Code, tg.Need, tg.Trend, row)
		}
		if !strings.Contains(row, `class="spark-milestone"`) {
			t.Errorf("target %s: chart lacks milestones", tg.Code)
		}
	}
	if seen == 0 {
		t.Fatal("no target of the demo has a pace: the test would prove nothing")
	}
	bd := get(t, srv, "/plans/1/targets/4a?period=2023", http.StatusOK)
	if !strings.Contains(bd, `<span class="pace">cần `) {
		t.Errorf("the breakdown of 4a gives no unit's pace")
	}
}
