package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestReviewsAndEmulation drives the review pages as the planner and a
// commune: a sơ kết, Bản Bo's self-assessment, a commendation, criteria
// from the plan's figures and task states, and the ranking they explain.
func TestReviewsAndEmulation(t *testing.T) {
	srv := newServer(t)
	as := func(u string) map[string]string { return map[string]string{"X-Test-As": u} }
	if resp, _ := do(t, srv, "POST", "/plans/1/reviews", url.Values{"kind": {"preliminary"}, "title": {"Sơ kết"}, "heldOn": {"2023-12-20"}}, "", as("reporter")); resp.StatusCode != 403 {
		t.Errorf("a reporter made a review: %d", resp.StatusCode)
	}
	if resp, body := do(t, srv, "POST", "/plans/1/reviews", url.Values{"kind": {"preliminary"}, "title": {""}, "heldOn": {"2031-01-01"}}, "", as("planner")); resp.StatusCode != 422 || !strings.Contains(body, "thời gian của kế hoạch") {
		t.Errorf("bad review: %d", resp.StatusCode)
	}
	resp, _ := do(t, srv, "POST", "/plans/1/reviews", url.Values{"kind": {"preliminary"}, "title": {"Sơ kết giữa kỳ"}, "heldOn": {"2023-12-20"}}, "", as("planner"))
	review := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(review, "/reviews/") {
		t.Fatalf("create review: %d %s", resp.StatusCode, review)
	}
	resp, _ = do(t, srv, "POST", review+"/assessments", url.Values{"unit": {"XA_BANBO"}, "text": {"Đã ban hành kế hoạch, tuyên truyền ở 10 bản"}, "selfScore": {"85"}}, "", as("reporter"))
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.Contains(loc, "done=") {
		t.Fatalf("assessment: %d %s", resp.StatusCode, loc)
	}
	resp, _ = do(t, srv, "POST", review+"/assessments", url.Values{"unit": {"XA_BINHLU"}, "text": {"x"}, "selfScore": {"85"}}, "", as("reporter"))
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=") {
		t.Errorf("another commune's assessment accepted: %s", loc)
	}
	resp, _ = do(t, srv, "POST", review+"/commendations", url.Values{"unit": {"XA_BANBO"}, "achievement": {"Hoàn thành tốt nhiệm vụ tuyên truyền"}, "level": {"district"}, "decision": {"Quyết định số 15/QĐ-UBND"}, "decidedOn": {"2023-12-25"}}, "", as("planner"))
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "done=") {
		t.Fatalf("commendation: %s", loc)
	}
	page := get(t, srv, review, 200)
	for _, want := range []string{`data-unit="XA_BANBO"`, "Đã ban hành kế hoạch", "<b>1 quá hạn</b> / 2", "Quyết định số 15/QĐ-UBND", "Giấy khen của Chủ tịch UBND huyện"} {
		if !strings.Contains(page, want) {
			t.Errorf("review page lacks %q", want)
		}
	}

	// Criteria: bad ones are refused with the row's reason; good ones rank.
	if resp, body := do(t, srv, "POST", "/plans/1/emulation", url.Values{"name1": {"Loa"}, "kind1": {"indicator:KHONG_CO"}, "weight1": {"1"}}, "", as("planner")); resp.StatusCode != 422 || !strings.Contains(body, "không có chỉ tiêu mã KHONG_CO") {
		t.Errorf("bad criterion: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "POST", "/plans/1/emulation", url.Values{"name1": {"Đúng hạn"}, "kind1": {"tasks_on_time"}, "weight1": {"2"},
		"name2": {"Tự chấm"}, "kind2": {"self_score"}, "weight2": {"1"}, "name3": {"Cụm loa"}, "kind3": {"indicator:CT_BAN_LOA"}, "weight3": {"1"}}, "", as("planner")); resp.StatusCode != 303 {
		t.Fatalf("save criteria: %d", resp.StatusCode)
	}
	table := get(t, srv, "/plans/1/emulation?asof=2024-01-15", 200)
	rows := rowsOf(table, "data-unit")
	if len(rows) < 10 || !strings.Contains(table, "Cụm loa") || !strings.Contains(table, "Sơ kết giữa kỳ") {
		t.Fatalf("emulation table: %d rows", len(rows))
	}
	// Bản Bo is the only body with a self-score: with no task done by
	// anyone, it ranks first on it and the loudspeaker share.
	if !strings.HasPrefix(rows[0], "XA_BANBO") && !strings.Contains(table, `data-unit="XA_BANBO" data-rank="1"`) {
		t.Errorf("first row %q", rows[0])
	}
}
