package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kehoach"
)

// The planner's pages (issue 14), driven as a planner's browser does:
// form posts, redirects, pages re-shown with the reason beside the field.

var planner = map[string]string{"X-Test-As": "planner"}

// planPost sends a form as user and fails unless the status is want; it
// returns the Location of a redirect, or the body.
func planPost(t *testing.T, srv *httptest.Server, user, path string, form url.Values, want int) string {
	t.Helper()
	resp, body := do(t, srv, "POST", path, form, "", map[string]string{"X-Test-As": user})
	if resp.StatusCode != want {
		t.Fatalf("POST %s as %s: status %d, want %d; body:\n%s", path, user, resp.StatusCode, want, excerpt(body))
	}
	if want == http.StatusSeeOther {
		return resp.Header.Get("Location")
	}
	return body
}

var planIDRE = regexp.MustCompile(`^/planner/plans/(\d+)`)

// smallPlan sets up, as the planner, a plan of two targets over two new
// elements collected on one new yearly form, and returns its id.
func smallPlan(t *testing.T, srv *httptest.Server, code string) string {
	t.Helper()
	planPost(t, srv, "planner", "/planner/elements", url.Values{"code": {"XA_TV_CO"}, "name": {"Xã có thư viện"}, "valueType": {"bool"},
		"aggregation": {"count_yes"}, "unitKinds": {"commune"}}, http.StatusSeeOther)
	planPost(t, srv, "planner", "/planner/elements", url.Values{"code": {"XA_DOI_VN"}, "name": {"Số đội văn nghệ"}, "valueType": {"integer"},
		"aggregation": {"last"}, "unitKinds": {"commune"}}, http.StatusSeeOther)
	planPost(t, srv, "planner", "/planner/forms", url.Values{"code": {"BM_TV"}, "name": {"Thư viện, văn nghệ (năm)"}, "periodType": {"yearly"},
		"cutoffDay": {"14"}, "deadlineDays": {"5"}, "elements": {"XA_TV_CO", "XA_DOI_VN"},
		"rules": {"#{XA_DOI_VN} <= 50 | medium | Quá 50 đội văn nghệ: kiểm tra lại"}}, http.StatusSeeOther)
	planPost(t, srv, "planner", "/planner/indicators", url.Values{"code": {"CT_XA_TV"}, "name": {"Tỷ lệ xã có thư viện"},
		"numerator": {"count(#{XA_TV_CO})"}, "denominator": {"units(commune)"}, "factor": {"100"}, "decimals": {"1"}}, http.StatusSeeOther)
	planPost(t, srv, "planner", "/planner/indicators", url.Values{"code": {"CT_DOI_VN"}, "name": {"Số đội văn nghệ"},
		"numerator": {"#{XA_DOI_VN}"}, "denominator": {""}, "factor": {"1"}, "decimals": {"0"}}, http.StatusSeeOther)
	loc := planPost(t, srv, "planner", "/planner/plans", url.Values{"code": {code}, "number": {"7/KH-UBND"}, "title": {"Kế hoạch thư viện và văn nghệ"},
		"issuer": {"TAMDUONG"}, "issuedOn": {"2022-02-01"}, "horizonFrom": {"2021"}, "horizonTo": {"2025"}, "sections": {"I | Mục tiêu"}}, http.StatusSeeOther)
	m := planIDRE.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("created plan redirects to %q", loc)
	}
	id := m[1]
	planPost(t, srv, "planner", "/planner/plans/"+id+"/targets", url.Values{"code": {"1"}, "text": {"Xã có thư viện"}, "indicator": {"CT_XA_TV"},
		"comparison": {">="}, "target": {"50"}, "baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"TAMDUONG"}, "countLabel": {"xã"}}, http.StatusSeeOther)
	planPost(t, srv, "planner", "/planner/plans/"+id+"/targets", url.Values{"code": {"2"}, "text": {"Đội văn nghệ"}, "indicator": {"CT_DOI_VN"},
		"comparison": {">="}, "target": {"20"}, "baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"TAMDUONG"}, "countLabel": {"đội"}}, http.StatusSeeOther)
	return id
}

// TestPlannerBuildsAndPublishesAPlan: from nothing to a published plan
// whose page shows the figures a reporter then enters.
func TestPlannerBuildsAndPublishesAPlan(t *testing.T) {
	srv := newServer(t)
	id := smallPlan(t, srv, "KH_TV")
	page := get(t, srv, "/planner/plans/"+id, http.StatusOK)
	for _, s := range []string{`data-plan-status="draft"`, `data-target="1"`, `data-target="2"`, `data-check="ok"`} {
		if !strings.Contains(page, s) {
			t.Errorf("set-up page lacks %q", s)
		}
	}
	// A draft is the planners': the others do not see it yet.
	for _, path := range []string{"/plans/" + id, "/plans/" + id + "/targets/1", "/api/plans/" + id} {
		if resp, _ := do(t, srv, "GET", path, nil, "", map[string]string{"X-Test-As": "viewer"}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s of a draft as a viewer: %d, want 404", path, resp.StatusCode)
		}
	}
	if _, body := do(t, srv, "GET", "/plans", nil, "", map[string]string{"X-Test-As": "reporter"}); strings.Contains(body, "Kế hoạch thư viện") {
		t.Error("a reporter's plan list shows the draft")
	}
	if loc := planPost(t, srv, "planner", "/planner/plans/"+id+"/publish", url.Values{}, http.StatusSeeOther); loc != "/plans/"+id {
		t.Errorf("publish redirects to %q", loc)
	}
	if page := get(t, srv, "/planner/plans/"+id, http.StatusOK); !strings.Contains(page, `data-plan-status="published"`) {
		t.Error("plan not published")
	}
	// Publishing twice is refused with the reason.
	if body := planPost(t, srv, "planner", "/planner/plans/"+id+"/publish", url.Values{}, http.StatusUnprocessableEntity); !strings.Contains(body, "đã ban hành") {
		t.Errorf("second publish: %s", excerpt(body))
	}
	// A reporter of Bản Bo enters the new form's figures.
	planPost(t, srv, "reporter", "/entry", url.Values{"unit": {"XA_BANBO"}, "form": {"BM_TV"}, "period": {"2024"},
		"v.XA_BANBO.XA_TV_CO": {"true"}, "v.XA_BANBO.XA_DOI_VN": {"3"}}, http.StatusSeeOther)
	if _, body := do(t, srv, "GET", "/plans", nil, "", map[string]string{"X-Test-As": "reporter"}); !strings.Contains(body, "Kế hoạch thư viện") {
		t.Error("a reporter's plan list lacks the published plan")
	}
	plan := get(t, srv, "/plans/"+id, http.StatusOK)
	x, y := xyOf(t, targetRow(t, plan, "1"))
	if x != 1 || y < 2 {
		t.Errorf("target 1 counts %d/%d, want 1 of the district's communes", x, y)
	}
	if row := targetRow(t, plan, "2"); !strings.Contains(row, "3/1") {
		t.Errorf("target 2 row lacks the 3 troupes entered:\n%s", row)
	}
	// Every step is in the audit log.
	audit := get(t, srv, "/admin/audit?entity=plan", http.StatusOK)
	if !strings.Contains(audit, "KH_TV") {
		t.Errorf("audit log lacks the plan")
	}
}

// TestPlannerBadInput: every refused input names its field and why, and
// nothing is saved.
func TestPlannerBadInput(t *testing.T) {
	srv := newServer(t)
	id := smallPlan(t, srv, "KH_BAD")
	target := func(change map[string]string) url.Values {
		v := url.Values{"code": {"9"}, "text": {"Mục tiêu thử"}, "indicator": {"CT_XA_TV"}, "comparison": {">="}, "target": {"50"},
			"baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"TAMDUONG"}}
		for k, s := range change {
			v.Set(k, s)
		}
		return v
	}
	for _, c := range []struct {
		name, path string
		form       url.Values
		status     int
		want       []string
	}{
		{"expression that does not parse", "/planner/indicators", url.Values{"code": {"CT_X"}, "name": {"x"}, "numerator": {"count(#{XA_TV_CO}"},
			"denominator": {"units(commune)"}, "factor": {"100"}, "decimals": {"1"}}, 422, []string{"Tử số: Cột ", "count(#{XA_TV_CO}"}},
		{"expression on an unknown element", "/planner/indicators", url.Values{"code": {"CT_X"}, "name": {"x"}, "numerator": {"#{KHONG_CO}"},
			"factor": {"1"}, "decimals": {"0"}}, 422, []string{"KHONG_CO không có trong danh mục"}},
		{"factor not a number", "/planner/indicators", url.Values{"code": {"CT_X"}, "name": {"x"}, "numerator": {"#{XA_TV_CO}"},
			"factor": {"một trăm"}, "decimals": {"0"}}, 422, []string{"Hệ số", "không phải là số"}},
		{"duplicate indicator code", "/planner/indicators", url.Values{"code": {"CT_XA_TV"}, "name": {"x"}, "numerator": {"#{XA_TV_CO}"},
			"factor": {"1"}, "decimals": {"0"}}, 409, []string{"Mã CT_XA_TV đã có"}},
		{"duplicate element code", "/planner/elements", url.Values{"code": {"XA_NVH"}, "name": {"x"}, "valueType": {"integer"},
			"aggregation": {"sum"}, "unitKinds": {"commune"}}, 409, []string{"Mã XA_NVH đã có"}},
		{"element nobody reports", "/planner/elements", url.Values{"code": {"XA_MOI"}, "name": {"x"}, "valueType": {"integer"},
			"aggregation": {"sum"}}, 422, []string{"ít nhất một loại đơn vị"}},
		{"duplicate plan code", "/planner/plans", url.Values{"code": {"KH_BAD"}, "number": {"1/KH"}, "title": {"x"}, "issuer": {"TAMDUONG"}}, 409, []string{"Mã kế hoạch KH_BAD đã có"}},
		{"plan of an unknown issuer", "/planner/plans", url.Values{"code": {"KH_NEW"}, "number": {"1/KH"}, "title": {"x"}, "issuer": {"KHONGCO"}}, 422, []string{"Không có đơn vị mã"}},
		{"horizon backwards", "/planner/plans", url.Values{"code": {"KH_NEW"}, "number": {"1/KH"}, "title": {"x"}, "issuer": {"TAMDUONG"},
			"horizonFrom": {"2025"}, "horizonTo": {"2021"}}, 422, []string{"trước năm bắt đầu"}},
		{"deadline before the baseline", "/planner/plans/" + id + "/targets", target(map[string]string{"deadline": "2020"}), 422, []string{"Thời hạn năm 2020 phải sau kỳ gốc"}},
		{"duplicate target code", "/planner/plans/" + id + "/targets", target(map[string]string{"code": "1"}), 409, []string{"đã có mục tiêu mã 1"}},
		{"milestone after the deadline", "/planner/plans/" + id + "/targets", target(map[string]string{"milestones": "2023: 30\n2026: 60"}), 422, []string{"Mốc năm 2026 phải nằm giữa kỳ gốc và thời hạn"}},
		{"milestone not a number", "/planner/plans/" + id + "/targets", target(map[string]string{"milestones": "2023: ba mươi"}), 422, []string{"Mốc trung gian cần dạng"}},
		{"target value not a number", "/planner/plans/" + id + "/targets", target(map[string]string{"target": "năm mươi"}), 422, []string{"Giá trị mục tiêu"}},
		{"unknown scope", "/planner/plans/" + id + "/targets", target(map[string]string{"scope": "XA_KHONGCO"}), 422, []string{"Không có đơn vị mã"}},
		{"unknown indicator", "/planner/plans/" + id + "/targets", target(map[string]string{"indicator": "CT_KHONGCO"}), 422, []string{"Không có chỉ tiêu mã"}},
		{"form with an element not in the library", "/planner/forms", url.Values{"code": {"BM_X"}, "name": {"x"}, "periodType": {"yearly"},
			"cutoffDay": {"14"}, "deadlineDays": {"5"}, "elements": {"KHONGCO"}}, 422, []string{"KHONGCO không có trong danh mục"}},
		{"form rule that does not parse", "/planner/forms", url.Values{"code": {"BM_X"}, "name": {"x"}, "periodType": {"yearly"},
			"cutoffDay": {"14"}, "deadlineDays": {"5"}, "elements": {"XA_TV_CO"}, "rules": {"#{XA_TV_CO <= 1 | high | x"}}, 422, []string{"Quy tắc 1, vế trái: Cột"}},
		{"form cut-off day out of the month", "/planner/forms", url.Values{"code": {"BM_X"}, "name": {"x"}, "periodType": {"yearly"},
			"cutoffDay": {"40"}, "deadlineDays": {"5"}, "elements": {"XA_TV_CO"}}, 422, []string{"Nghị định 09"}},
		// Taking XA_NVH, which has figures, off the demo's commune form.
		{"element with figures taken off a form", "/planner/forms/BM_XA", url.Values{"name": {"Thiết chế"}, "periodType": {"quarterly"},
			"cutoffDay": {"15"}, "deadlineDays": {"3"}, "elements": {"XA_TRAM_TT", "XA_NVH_CHUAN", "XA_CLB_DS"}}, 422, []string{"XA_NVH đã có", "không bỏ khỏi biểu mẫu"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := planPost(t, srv, "planner", c.path, c.form, c.status)
			for _, s := range c.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q:\n%s", s, excerpt(body))
				}
			}
			if !strings.Contains(body, `class="alert"`) {
				t.Errorf("no message on top")
			}
		})
	}
	// Nothing of the refused inputs was saved.
	home := get(t, srv, "/planner", http.StatusOK)
	for _, s := range []string{"CT_X", "XA_MOI", "KH_NEW", "BM_X"} {
		if strings.Contains(home, ">"+s+"<") {
			t.Errorf("refused %s was saved", s)
		}
	}
	if page := get(t, srv, "/planner/plans/"+id, http.StatusOK); strings.Contains(page, `data-target="9"`) {
		t.Error("a refused target was saved")
	}
	if page := get(t, srv, "/planner/forms/BM_XA", http.StatusOK); !regexp.MustCompile(`<p data-reporters>[^<]*<b>\d+</b> xã, phường, thị trấn`).MatchString(page) {
		t.Errorf("the form page does not say who fills it:\n%s", excerpt(page))
	}
	if page := get(t, srv, "/planner/forms/BM_XA", http.StatusOK); !strings.Contains(page, `value="XA_NVH" checked`) {
		t.Error("XA_NVH was taken off the form")
	}
}

// TestPlannerTargetOnElementNobodyReports: a target whose indicator reads
// an element no unit of its scope reports, or that no form collects, is
// refused, and so is publishing a plan holding one.
func TestPlannerTargetOnElementNobodyReports(t *testing.T) {
	srv := newServer(t)
	id := smallPlan(t, srv, "KH_NR")
	planPost(t, srv, "planner", "/planner/elements", url.Values{"code": {"TINH_BT"}, "name": {"Bảo tàng tỉnh"}, "valueType": {"integer"},
		"aggregation": {"last"}, "unitKinds": {"province"}}, http.StatusSeeOther)
	planPost(t, srv, "planner", "/planner/indicators", url.Values{"code": {"CT_BT"}, "name": {"Bảo tàng"}, "numerator": {"#{TINH_BT}"},
		"factor": {"1"}, "decimals": {"0"}}, http.StatusSeeOther)
	body := planPost(t, srv, "planner", "/planner/plans/"+id+"/targets", url.Values{"code": {"3"}, "text": {"Bảo tàng"}, "indicator": {"CT_BT"},
		"comparison": {">="}, "target": {"1"}, "baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"XA_BANBO"}}, http.StatusUnprocessableEntity)
	for _, s := range []string{"không đơn vị nào trong phạm vi XA_BANBO báo cáo chỉ số TINH_BT", "chưa có trên biểu mẫu nào"} {
		if !strings.Contains(body, s) {
			t.Errorf("lacks %q:\n%s", s, excerpt(body))
		}
	}
}

// TestPlannerScope: a planner bound to one commune plans only there; a
// reporter and a viewer plan nothing.
func TestPlannerScope(t *testing.T) {
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
	u := &kehoach.User{Username: "planner.banbo", Role: kehoach.RolePlanner, ViewScope: []string{"XA_BANBO"}}
	if err := db.CreateUser(ctx, u, testPassword); err != nil {
		t.Fatal(err)
	}
	tok, _, err := db.CreateSession(ctx, u.ID, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	as := map[string]string{"X-Test-As": "anonymous", "Cookie": "kehoach_session=" + tok}
	send := func(path string, form url.Values) (*http.Response, string) {
		return do(t, srv, "POST", path, form, "", as)
	}
	// The units offered are the planner's own.
	_, form := do(t, srv, "GET", "/planner/plans/new", nil, "", as)
	if !strings.Contains(form, `<option value="XA_BANBO">`) || strings.Contains(form, `<option value="TAMDUONG">`) {
		t.Errorf("the commune planner is offered other units:\n%s", excerpt(form))
	}
	if form := get(t, srv, "/planner/plans/new", http.StatusOK); !strings.Contains(form, `<option value="TAMDUONG">`) {
		t.Error("the district is not offered to an unscoped user")
	}
	// A plan of the district is outside the commune planner's scope.
	resp, body := send("/planner/plans", url.Values{"code": {"KH_HUYEN"}, "number": {"1/KH"}, "title": {"Huyện"}, "issuer": {"TAMDUONG"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "không thuộc phạm vi lập kế hoạch") {
		t.Fatalf("district plan by a commune planner: %d %s", resp.StatusCode, excerpt(body))
	}
	resp, _ = send("/planner/plans", url.Values{"code": {"KH_XA"}, "number": {"1/KH-UBND"}, "title": {"Kế hoạch xã"}, "issuer": {"XA_BANBO"},
		"horizonFrom": {"2021"}, "horizonTo": {"2025"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("commune plan by its planner: %d", resp.StatusCode)
	}
	id := planIDRE.FindStringSubmatch(resp.Header.Get("Location"))[1]
	target := url.Values{"code": {"1"}, "text": {"Nhà văn hóa"}, "indicator": {"CT_XA_NVH"}, "comparison": {">="}, "target": {"100"},
		"baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"TAMDUONG"}}
	resp, body = send("/planner/plans/"+id+"/targets", target)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "TAMDUONG không thuộc phạm vi") {
		t.Fatalf("target over the district: %d %s", resp.StatusCode, excerpt(body))
	}
	target.Set("scope", "XA_BANBO")
	if resp, body = send("/planner/plans/"+id+"/targets", target); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("target over the commune: %d %s", resp.StatusCode, excerpt(body))
	}
	// The demo plan is the district's: its targets are not this planner's.
	resp, _ = send("/planner/plans/1/targets/1a", url.Values{"code": {"1a"}, "text": {"x"}, "indicator": {"CT_CB_BD"}, "comparison": {">="},
		"target": {"1"}, "baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"XA_BANBO"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("changing the district's plan: %d", resp.StatusCode)
	}
	// Copying the district's plan into the commune's, scope adjusted.
	resp, body = send("/planner/plans/1/copy", url.Values{"code": {"KH_BANBO"}, "number": {"2/KH-UBND"}, "title": {"Kế hoạch của xã Bản Bo"},
		"issuer": {"XA_BANBO"}, "scope": {"XA_BANBO"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("copy: %d %s", resp.StatusCode, excerpt(body))
	}
	_, page := do(t, srv, "GET", resp.Header.Get("Location"), nil, "", as)
	if !strings.Contains(page, `data-target="1a"`) || !strings.Contains(page, "<td>XA_BANBO</td>") || strings.Contains(page, "<td>TAMDUONG</td>") {
		t.Errorf("copied plan's targets not scoped to the commune:\n%s", excerpt(page))
	}
	// Into each commune under the district: not this planner's.
	if resp, _ = send("/planner/plans/1/copy-each", url.Values{"under": {"TAMDUONG"}, "kind": {"commune"}, "codePrefix": {"KH_XA"},
		"number": {"3/KH"}, "title": {"Kế hoạch"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("copy into every commune by a commune planner: %d", resp.StatusCode)
	}
}

// TestPlannerCopyEach: the district's plan copied into one draft per
// commune, each issued by and scoped to its commune, in one step.
func TestPlannerCopyEach(t *testing.T) {
	srv := newServer(t)
	form := url.Values{"under": {"TAMDUONG"}, "kind": {"commune"}, "codePrefix": {"KH_XA"}, "number": {"5/KH-UBND"}, "title": {"Kế hoạch văn hóa"}}
	loc := planPost(t, srv, "planner", "/planner/plans/1/copy-each", form, http.StatusSeeOther)
	n, err := strconv.Atoi(strings.TrimPrefix(loc, "/planner?copied="))
	if err != nil || n < 2 {
		t.Fatalf("redirect %q", loc)
	}
	home := get(t, srv, loc, http.StatusOK)
	if !strings.Contains(home, "Đã tạo "+strconv.Itoa(n)+" bản nháp") || !strings.Contains(home, `data-plan="KH_XA_XA_BANBO"`) {
		t.Errorf("home lacks the copies:\n%s", excerpt(home))
	}
	m := regexp.MustCompile(`<tr data-plan="KH_XA_XA_BANBO"><td>[^<]*</td><td><a href="(/planner/plans/\d+)">Kế hoạch văn hóa – Bản Bo`).FindStringSubmatch(home)
	if m == nil {
		t.Fatal("no link to Bản Bo's copy")
	}
	page := get(t, srv, m[1], http.StatusOK)
	if !strings.Contains(page, "<td>XA_BANBO</td>") || strings.Contains(page, "<td>TAMDUONG</td>") || !strings.Contains(page, `value="XA_BANBO" required`) {
		t.Errorf("Bản Bo's copy is not scoped to it:\n%s", excerpt(page))
	}
	// Again: the codes are taken, and nothing more is created.
	planPost(t, srv, "planner", "/planner/plans/1/copy-each", form, http.StatusConflict)
	form.Set("kind", "province")
	if body := planPost(t, srv, "planner", "/planner/plans/1/copy-each", form, http.StatusUnprocessableEntity); !strings.Contains(body, "Không có đơn vị loại") {
		t.Errorf("no unit of the kind: %s", excerpt(body))
	}
}

// TestPlannerRevisions: a published target changes only with the decision
// that authorised it; its page shows the history and the plan as it
// stood before.
func TestPlannerRevisions(t *testing.T) {
	srv := newServer(t)
	target := url.Values{"code": {"2b"}, "text": {"Thôn, bản có cụm loa truyền thanh cơ sở hoạt động ổn định"}, "indicator": {"CT_BAN_LOA"},
		"comparison": {">="}, "target": {"90"}, "baselinePeriod": {"2021"}, "deadline": {"2026"}, "scope": {"TAMDUONG"}, "countLabel": {"bản"}}
	body := planPost(t, srv, "planner", "/planner/plans/1/targets/2b", target, http.StatusUnprocessableEntity)
	for _, s := range []string{"cần văn bản cho phép", "Cần số văn bản", "Cần ngày có hiệu lực"} {
		if !strings.Contains(body, s) {
			t.Errorf("lacks %q", s)
		}
	}
	target.Set("milestones", "2023: 95")
	target.Set("decisionNumber", "15/NQ-HĐND")
	target.Set("decisionDate", "2024-06-20")
	target.Set("decisionIssuer", "HĐND huyện Tam Đường")
	target.Set("effective", "2024-07-01")
	target.Set("decisionNote", "Nâng mục tiêu thêm một năm")
	planPost(t, srv, "planner", "/planner/plans/1/targets/2b", target, http.StatusSeeOther)

	page := get(t, srv, "/plans/1/targets/2b", http.StatusOK)
	for _, s := range []string{`data-milestone="2023"`, "Năm 2023: ≥ 95", "Lịch sử điều chỉnh", "Nâng mục tiêu thêm một năm", "15/NQ-HĐND", "01/07/2024", "≥ 100 đến Năm 2025", "≥ 90 đến Năm 2026"} {
		if !strings.Contains(page, s) {
			t.Errorf("target page lacks %q", s)
		}
	}
	now := targetRow(t, get(t, srv, "/plans/1", http.StatusOK), "2b")
	before := targetRow(t, get(t, srv, "/plans/1?stood=2024-06-30", http.StatusOK), "2b")
	if !strings.Contains(now, "Năm 2026") || !strings.Contains(before, "Năm 2025") || strings.Contains(before, "Năm 2026") {
		t.Errorf("plan as it stood: now %q, before %q", now, before)
	}
	if resp, _ := do(t, srv, "GET", "/plans/1?stood=30/06/2024", nil, "", nil); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad stood date: %d", resp.StatusCode)
	}
	// A published plan's target is not deleted.
	if body := planPost(t, srv, "planner", "/planner/plans/1/targets/2b/delete", url.Values{}, http.StatusUnprocessableEntity); !strings.Contains(body, "không xóa được") {
		t.Errorf("delete of a published target: %s", excerpt(body))
	}
	if audit := get(t, srv, "/admin/audit?action=revise", http.StatusOK); !strings.Contains(audit, "2b") {
		t.Error("revision not audited")
	}
}

// TestPlannerElementLibrary: an element's page lists the plans using it,
// and an edit that would change their numbers asks first.
func TestPlannerElementLibrary(t *testing.T) {
	srv := newServer(t)
	id := smallPlan(t, srv, "KH_LIB")
	// The district plan's element, now also used by a second plan.
	planPost(t, srv, "planner", "/planner/plans/"+id+"/targets", url.Values{"code": {"3"}, "text": {"Xã có nhà văn hóa"}, "indicator": {"CT_XA_NVH"},
		"comparison": {">="}, "target": {"100"}, "baselinePeriod": {"2021"}, "deadline": {"2025"}, "scope": {"TAMDUONG"}}, http.StatusSeeOther)
	page := get(t, srv, "/planner/elements/XA_NVH", http.StatusOK)
	for _, s := range []string{`data-use-plan="KH_LIB"`, `data-use-plan="` /* the demo's */} {
		if !strings.Contains(page, s) {
			t.Errorf("element page lacks %q", s)
		}
	}
	if strings.Count(page, "data-use-plan=") < 2 {
		t.Errorf("element page lists fewer than the two plans using it")
	}
	change := url.Values{"name": {"Xã có nhà văn hóa"}, "valueType": {"bool"}, "aggregation": {"count_yes"}, "unitKinds": {"commune", "village"}}
	body := planPost(t, srv, "planner", "/planner/elements/XA_NVH", change, http.StatusConflict)
	if !strings.Contains(body, "đổi số liệu của các kế hoạch") || !strings.Contains(body, `name="confirm" value="1"`) {
		t.Errorf("no warning before changing a used element:\n%s", excerpt(body))
	}
	change.Set("confirm", "1")
	planPost(t, srv, "planner", "/planner/elements/XA_NVH", change, http.StatusSeeOther)
	if page := get(t, srv, "/planner/elements/XA_NVH", http.StatusOK); !strings.Contains(page, `value="village" checked`) {
		t.Error("confirmed change not saved")
	}
	// An indicator's formula change warns the same way.
	ind := url.Values{"name": {"Tỷ lệ xã có thư viện"}, "numerator": {"count(#{XA_TV_CO})"}, "denominator": {"units(commune, village)"}, "factor": {"100"}, "decimals": {"1"}}
	if body := planPost(t, srv, "planner", "/planner/indicators/CT_XA_TV", ind, http.StatusConflict); !strings.Contains(body, `data-use-plan="KH_LIB"`) {
		t.Errorf("indicator change does not name the plan:\n%s", excerpt(body))
	}
}

// TestPlannerExpressionCheck: the live check answers with the column of
// the error, and the preview with the value for a unit and period, the
// same as the page's own "check" button without JavaScript.
func TestPlannerExpressionCheck(t *testing.T) {
	srv := sharedServer(t)
	var got struct {
		Numerator struct {
			OK     bool
			Column int
			Reason string
		}
		Value, Note string
	}
	check := func(q url.Values) {
		t.Helper()
		resp, body := do(t, srv, "GET", "/planner/check?"+q.Encode(), nil, "", planner)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		got.Numerator.OK, got.Value, got.Note = false, "", ""
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
	}
	check(url.Values{"numerator": {"count(#{XA_NVH) + 1"}, "denominator": {"units(commune)"}})
	if got.Numerator.OK || got.Numerator.Column != 7 || !strings.Contains(got.Numerator.Reason, "Cột 7") {
		t.Errorf("bad numerator: %+v", got.Numerator)
	}
	check(url.Values{"numerator": {"count(#{XA_NVH})"}, "denominator": {"units(commune)"}, "factor": {"100"}, "unit": {"TAMDUONG"}, "period": {"2024"}})
	if !got.Numerator.OK || got.Value == "" {
		t.Errorf("preview: %+v", got)
	}
	// The same without JavaScript: the form's check button.
	body := planPost(t, srv, "planner", "/planner/indicators", url.Values{"action": {"preview"}, "code": {"CT_THU"}, "name": {"Thử"},
		"numerator": {"count(#{XA_NVH})"}, "denominator": {"units(commune)"}, "factor": {"100"}, "decimals": {"1"},
		"previewUnit": {"TAMDUONG"}, "previewPeriod": {"2024"}}, http.StatusOK)
	if !strings.Contains(body, "Giá trị: <b>"+got.Value[:strings.Index(got.Value, " ")]) {
		t.Errorf("page preview differs from the live one (%q):\n%s", got.Value, excerpt(body))
	}
	if resp, _ := do(t, srv, "GET", "/planner/check?numerator=1", nil, "", map[string]string{"X-Test-As": "reporter"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reporter may check: %d", resp.StatusCode)
	}
}
