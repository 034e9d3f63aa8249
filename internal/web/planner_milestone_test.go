package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// target4a is the demo's target 4a as the planner's form posts it, its
// terms unchanged, its milestones changed by a decision (the plan is
// published: interim targets change only so).
func target4a(milestones string) url.Values {
	return url.Values{"code": {"4a"}, "section": {"II.1"}, "text": {`Hộ gia đình đạt danh hiệu "Gia đình văn hóa"`}, "indicator": {"CT_HGD_VH"},
		"comparison": {">="}, "target": {"88"}, "baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"TAMDUONG"}, "countLabel": {"hộ"},
		"milestones": {milestones}, "decisionNumber": {"5/NQ-HĐND"}, "decisionDate": {"2024-01-02"}, "decisionIssuer": {"HĐND huyện"}, "effective": {"2024-01-02"}}
}

// TestPlannerMilestonesNeedDecision: on a published plan a change of a
// target's milestones alone needs the deciding document, and is kept in the
// target's history with the old and new milestones.
func TestPlannerMilestonesNeedDecision(t *testing.T) {
	srv := newServer(t)
	v := target4a("2024: 95")
	for _, k := range []string{"decisionNumber", "decisionDate", "decisionIssuer", "effective"} {
		v.Del(k)
	}
	if body := planPost(t, srv, "planner", "/planner/plans/1/targets/4a", v, http.StatusUnprocessableEntity); !strings.Contains(body, "cần văn bản cho phép") {
		t.Errorf("milestones without a decision: %s", excerpt(body))
	}
	planPost(t, srv, "planner", "/planner/plans/1/targets/4a", target4a("2024: 95"), http.StatusSeeOther)
	if page := get(t, srv, "/plans/1/targets/4a", http.StatusOK); !strings.Contains(page, "5/NQ-HĐND") || !strings.Contains(page, "Mốc trung gian: không có → 2024: 95.") {
		t.Errorf("the target's history lacks the milestone revision: %s", excerpt(page))
	}
}

// TestPlannerMilestonesDecideStatus (issue 14, issue 9 point 6): the
// planner's form offers the yearly roadmap derived from the baseline to the
// target; a milestone set for 2024 decides the plan page's status (the
// straight-line projection said on track), its note names the milestone,
// the pace leads to the next one, and the target page and the API show it.
func TestPlannerMilestonesDecideStatus(t *testing.T) {
	srv := newServer(t)
	before := targetRow(t, get(t, srv, "/plans/1", http.StatusOK), "4a")
	if !strings.Contains(before, "st-on_track") {
		t.Fatalf("4a before milestones is not on track:\n%s", before)
	}
	edit := get(t, srv, "/planner/plans/1/targets/4a", http.StatusOK)
	// 75,78 % in 2021 to 88 % in 2025: 78,83, 81,89, 84,94 on the way.
	if !strings.Contains(edit, "2022: 78.83") || !strings.Contains(edit, "2024: 84.94") {
		t.Errorf("the planner's form lacks the derived roadmap:\n%s", excerpt(edit[strings.Index(edit, "milestones"):]))
	}
	planPost(t, srv, "planner", "/planner/plans/1/targets/4a", target4a("2024: 95\n2023: 80"), http.StatusSeeOther)
	row := targetRow(t, get(t, srv, "/plans/1", http.StatusOK), "4a")
	for _, s := range []string{"st-off_track", "so với mốc năm 2024: 95%"} {
		if !strings.Contains(row, s) {
			t.Errorf("4a with a 2024 milestone of 95 lacks %q:\n%s", s, row)
		}
	}
	page := get(t, srv, "/plans/1/targets/4a", http.StatusOK)
	for _, s := range []string{`data-milestone="2024" data-set="1"`, `data-milestone="2022">`, "Mốc do người lập kế hoạch đặt", "Lộ trình Năm 2024: 95"} {
		if !strings.Contains(page, s) {
			t.Errorf("target page lacks %q", s)
		}
	}
	// As of 2023 (82,7 % against the milestone of 80) the pace leads to
	// the 2024 milestone.
	if page := get(t, srv, "/plans/1/targets/4a?period=2023", http.StatusOK); !strings.Contains(page, "để đạt mốc 95% năm 2024") || !strings.Contains(page, "so với mốc năm 2023: 80%") {
		t.Errorf("target page as of 2023 lacks the pace to the 2024 milestone")
	}
	var api struct {
		Targets []struct {
			Code          string    `json:"code"`
			Status        string    `json:"status"`
			MilestonesSet bool      `json:"milestonesSet"`
			Milestones    []float64 `json:"milestones"`
		} `json:"targets"`
	}
	getJSON(t, srv, "/api/plans/1", http.StatusOK, &api)
	for _, tg := range api.Targets {
		if tg.Code == "4a" && (tg.Status != "off_track" || !tg.MilestonesSet || len(tg.Milestones) != 5 || tg.Milestones[3] != 95) {
			t.Errorf("API 4a: %+v", tg)
		}
	}
	// Milestones removed: the straight line and the projection again.
	planPost(t, srv, "planner", "/planner/plans/1/targets/4a", target4a(""), http.StatusSeeOther)
	if row := targetRow(t, get(t, srv, "/plans/1", http.StatusOK), "4a"); !strings.Contains(row, "st-on_track") || strings.Contains(row, "so với mốc") {
		t.Errorf("4a without milestones:\n%s", row)
	}
}

// TestPlannerMilestonesBadInput: a milestone outside the horizon, a line
// that is not "period: value" and one period twice are refused with the
// field's reason, and nothing changes.
func TestPlannerMilestonesBadInput(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct{ milestones, want string }{
		{"2030: 95", "phải nằm giữa kỳ gốc và thời hạn"},
		{"2021: 80", "phải nằm giữa kỳ gốc và thời hạn"},
		{"2024 95", "cần dạng"},
		{"2024: nhiều", "cần dạng"},
		{"2024: 90\n2024: 91", "ghi hai lần"},
	} {
		body := planPost(t, srv, "planner", "/planner/plans/1/targets/4a", target4a(tc.milestones), http.StatusUnprocessableEntity)
		if !strings.Contains(body, tc.want) {
			t.Errorf("milestones %q: page lacks %q:\n%s", tc.milestones, tc.want, excerpt(body))
		}
	}
	if row := targetRow(t, get(t, srv, "/plans/1", http.StatusOK), "4a"); strings.Contains(row, "so với mốc") {
		t.Errorf("a refused milestone was saved:\n%s", row)
	}
	// Only planners set milestones.
	if resp, _ := do(t, srv, "POST", "/planner/plans/1/targets/4a", target4a("2024: 95"), "", map[string]string{"X-Test-As": "reporter"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reporter setting milestones: %d, want 403", resp.StatusCode)
	}
}
