package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPlannerHeaderRevisions (issue 14): a published plan's header changes
// only as a revision with its decision; the plan as it stood before the
// effective day shows the old header, the plan's history lists the change;
// a draft's header is a plain edit.
func TestPlannerHeaderRevisions(t *testing.T) {
	srv := newServer(t)
	var p struct {
		Number, Title, Issuer, IssuedOn, Place, LegalBasis, HorizonFrom, HorizonTo, Signer string
	}
	getJSON(t, srv, "/api/plans/1", http.StatusOK, &p)
	header := func(title, horizonTo string) url.Values {
		return url.Values{"number": {p.Number}, "title": {title}, "issuer": {p.Issuer}, "issuedOn": {p.IssuedOn}, "place": {p.Place},
			"legalBasis": {p.LegalBasis}, "horizonFrom": {p.HorizonFrom}, "horizonTo": {horizonTo}, "signer": {p.Signer},
			"sections": {"I | Mục đích, yêu cầu"}}
	}
	const newTitle = "Kế hoạch nâng cao hiệu quả công tác tư tưởng (điều chỉnh)"
	// Without a decision: refused, naming the fields, and nothing saved.
	body := planPost(t, srv, "planner", "/planner/plans/1", header(newTitle, "2026"), http.StatusUnprocessableEntity)
	for _, s := range []string{"cần văn bản cho phép", "Cần số văn bản", "Cần ngày có hiệu lực", `name="decisionNumber"`} {
		if !strings.Contains(body, s) {
			t.Errorf("header change without a decision: page lacks %q", s)
		}
	}
	// A decision that takes effect before it was issued.
	bad := header(newTitle, "2026")
	bad.Set("decisionNumber", "20/NQ-HĐND")
	bad.Set("decisionDate", "2024-06-20")
	bad.Set("decisionIssuer", "HĐND huyện Tam Đường")
	bad.Set("effective", "2024-06-01")
	if body := planPost(t, srv, "planner", "/planner/plans/1", bad, http.StatusUnprocessableEntity); !strings.Contains(body, "không thể trước ngày ban hành") {
		t.Errorf("effective before the decision: %s", excerpt(body))
	}
	if page := get(t, srv, "/plans/1", http.StatusOK); strings.Contains(page, newTitle) {
		t.Fatal("a refused header change was saved")
	}
	ok := bad
	ok.Set("effective", "2024-07-01")
	ok.Set("decisionNote", "Kéo dài kế hoạch đến năm 2026")
	planPost(t, srv, "planner", "/planner/plans/1", ok, http.StatusSeeOther)

	if page := get(t, srv, "/plans/1", http.StatusOK); !strings.Contains(page, newTitle) {
		t.Error("plan page lacks the revised title")
	}
	before := get(t, srv, "/plans/1?stood=2024-06-30", http.StatusOK)
	if strings.Contains(before, newTitle) || !strings.Contains(before, p.Title) {
		t.Error("the plan as it stood on 2024-06-30 does not show the old title")
	}
	edit := get(t, srv, "/planner/plans/1", http.StatusOK)
	for _, s := range []string{`data-header="1"`, "Thông tin kế hoạch", "20/NQ-HĐND", "Kéo dài kế hoạch đến năm 2026", "2022–2026"} {
		if !strings.Contains(edit, s) {
			t.Errorf("plan's history lacks %q", s)
		}
	}
	if audit := get(t, srv, "/admin/audit?action=revise&entity=plan", http.StatusOK); !strings.Contains(audit, "TD-2022-TUTUONG") {
		t.Error("header revision not audited")
	}
	// The same header again changes nothing and needs no decision.
	planPost(t, srv, "planner", "/planner/plans/1", header(newTitle, "2026"), http.StatusSeeOther)

	// A draft's header is a plain edit: no decision, no revision.
	id := smallPlan(t, srv, "KH_NHAP")
	draft := url.Values{"number": {"8/KH-UBND"}, "title": {"Kế hoạch nháp đã sửa tên"}, "issuer": {"TAMDUONG"}, "issuedOn": {"2022-02-01"},
		"horizonFrom": {"2021"}, "horizonTo": {"2026"}, "sections": {"I | Mục tiêu"}}
	planPost(t, srv, "planner", "/planner/plans/"+id, draft, http.StatusSeeOther)
	if edit := get(t, srv, "/planner/plans/"+id, http.StatusOK); !strings.Contains(edit, "Kế hoạch nháp đã sửa tên") || strings.Contains(edit, `data-header="1"`) {
		t.Error("a draft's header edit was not plain")
	}
	// Outside the planner role: refused.
	if resp, _ := do(t, srv, "POST", "/planner/plans/1", ok, "", map[string]string{"X-Test-As": "viewer"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer revising the header: %d, want 403", resp.StatusCode)
	}
}
