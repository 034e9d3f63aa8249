package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestReportPartOfYear (issue 12): a nine-month report adds a flow over
// January to September, and a quarter's report judges a yearly target as
// of the quarter's end, not on figures saved for later quarters.
func TestReportPartOfYear(t *testing.T) {
	srv := newServer(t)
	// Cultural sessions held by a commune: a flow, counted each quarter;
	// at least 8 a year by 2025, from 4 in 2023.
	planPost(t, srv, "planner", "/planner/elements", url.Values{"code": {"XA_BUOI_SH"}, "name": {"Số buổi sinh hoạt văn hóa cộng đồng"},
		"valueType": {"integer"}, "aggregation": {"sum"}, "unitKinds": {"commune"}}, http.StatusSeeOther)
	planPost(t, srv, "planner", "/planner/forms", url.Values{"code": {"BM_BUOI"}, "name": {"Sinh hoạt cộng đồng (quý)"}, "periodType": {"quarterly"},
		"cutoffDay": {"14"}, "deadlineDays": {"5"}, "elements": {"XA_BUOI_SH"}}, http.StatusSeeOther)
	planPost(t, srv, "planner", "/planner/indicators", url.Values{"code": {"CT_BUOI"}, "name": {"Số buổi sinh hoạt văn hóa cộng đồng trong năm"},
		"numerator": {"#{XA_BUOI_SH}"}, "denominator": {""}, "factor": {"1"}, "decimals": {"0"}}, http.StatusSeeOther)
	loc := planPost(t, srv, "planner", "/planner/plans", url.Values{"code": {"KH_BUOI"}, "number": {"9/KH-UBND"}, "title": {"Kế hoạch sinh hoạt cộng đồng"},
		"issuer": {"TAMDUONG"}, "issuedOn": {"2023-01-10"}, "horizonFrom": {"2023"}, "horizonTo": {"2025"}, "sections": {"I | Mục tiêu"}}, http.StatusSeeOther)
	id := planIDRE.FindStringSubmatch(loc)[1]
	planPost(t, srv, "planner", "/planner/plans/"+id+"/targets", url.Values{"code": {"1"}, "text": {"Buổi sinh hoạt cộng đồng ở Bản Bo"}, "indicator": {"CT_BUOI"},
		"comparison": {">="}, "target": {"8"}, "baselinePeriod": {"2023"}, "deadline": {"2025"}, "scope": {"XA_BANBO"}, "countLabel": {"buổi"}}, http.StatusSeeOther)
	planPost(t, srv, "planner", "/planner/plans/"+id+"/publish", url.Values{}, http.StatusSeeOther)
	for p, v := range map[string]string{"2023Q1": "1", "2023Q2": "1", "2023Q3": "1", "2023Q4": "1", "2024Q1": "2", "2024Q2": "2", "2024Q3": "0"} {
		planPost(t, srv, "reporter", "/entry", url.Values{"unit": {"XA_BANBO"}, "form": {"BM_BUOI"}, "period": {p}, "v.XA_BANBO.XA_BUOI_SH": {v}}, http.StatusSeeOther)
	}
	row := func(period string) string {
		t.Helper()
		return targetRow(t, get(t, srv, "/plans/"+id+"/report?period="+period, http.StatusOK), "1")
	}
	cell := func(row string, i int) string {
		cells := strings.Split(row, "<td")
		if i+1 >= len(cells) {
			return ""
		}
		c := cells[i+1]
		return html.UnescapeString(strings.TrimSuffix(c[strings.Index(c, ">")+1:], "</td>"))
	}
	// Nine months: 2 + 2 + 0 = 4 sessions, not the third quarter's 0; last
	// year's nine months were 3.
	n9 := row("2024N9")
	if v := cell(n9, 2); v != "4" {
		t.Errorf("nine months: value %q, want 4 (Q1–Q3 added); row:\n%s", v, n9)
	}
	if v := cell(n9, 7); v != "+1" {
		t.Errorf("nine months: change on last year's nine months %q, want +1", v)
	}
	// Nine months, four sessions: 5,3 a year, short of 8.
	if !strings.Contains(n9, "st-off_track") {
		t.Errorf("nine months: want off track at 4 by September; row:\n%s", n9)
	}
	// The second quarter: 2 held in it; 4 by June is 8 a year, on track —
	// judged as of June, not on the year's figure (4 over the year is off
	// track), nor on the third quarter's figures saved since.
	q2 := row("2024Q2")
	if v := cell(q2, 2); v != "2" {
		t.Errorf("second quarter: value %q, want 2", v)
	}
	if !strings.Contains(q2, "st-on_track") {
		t.Errorf("second quarter: want on track (4 by June); row:\n%s", q2)
	}
	if y := row("2024"); !strings.Contains(y, "st-off_track") || cell(y, 2) != "4" {
		t.Errorf("the year: want 4 and off track; row:\n%s", y)
	}
}
