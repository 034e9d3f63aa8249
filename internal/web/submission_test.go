package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"kehoach"
	"kehoach/internal/store"
)

// The grid the submission tests work on: Bản Bo's villages, 2024Q4.
const (
	subGrid    = "/entry?unit=XA_BANBO&form=BM_BAN&period=2024Q4"
	subCell    = "v.XA_BANBO_B01.BAN_LOA"
	subValues  = "dataSet=BM_BAN&orgUnit=XA_BANBO&children=true&period=2024Q4"
	subUnlock  = `action="/submissions/unlock"`
	subSubmit  = `action="/submissions/submit"`
	subApprove = `action="/submissions/approve"`
	subReturn  = `action="/submissions/return"`
	subSave    = "Lưu số liệu"
)

// as returns the header that makes a request act as user.
func as(user string) map[string]string { return map[string]string{"X-Test-As": user} }

// subForm is a submission action's form for Bản Bo's grid.
func subForm(unit, status, reason string) url.Values {
	v := url.Values{"unit": {unit}, "form": {"BM_BAN"}, "period": {"2024Q4"}, "status": {status}}
	if reason != "" {
		v.Set("reason", reason)
	}
	return v
}

// post sends a form as user and checks the status.
func post(t *testing.T, srv *httptest.Server, user, path string, form url.Values, want int) (*http.Response, string) {
	t.Helper()
	resp, body := do(t, srv, http.MethodPost, path, form, "", as(user))
	if resp.StatusCode != want {
		t.Fatalf("POST %s as %s: status %d, want %d; body:\n%s", path, user, resp.StatusCode, want, excerpt(body))
	}
	return resp, body
}

// page fetches path as user and checks the status.
func page(t *testing.T, srv *httptest.Server, user, path string, want int) string {
	t.Helper()
	resp, body := do(t, srv, http.MethodGet, path, nil, "", as(user))
	if resp.StatusCode != want {
		t.Fatalf("GET %s as %s: status %d, want %d; body:\n%s", path, user, resp.StatusCode, want, excerpt(body))
	}
	return body
}

// has fails the test unless body holds every one of want and none of not.
func has(t *testing.T, what, body string, want []string, not []string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("%s lacks %q", what, s)
		}
	}
	for _, s := range not {
		if strings.Contains(body, s) {
			t.Errorf("%s holds %q, which it must not", what, s)
		}
	}
}

// cellDisabled reports whether the grid's input for name is disabled.
func cellDisabled(t *testing.T, body, name string) bool {
	t.Helper()
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		t.Fatalf("grid has no field %s", name)
	}
	tag := body[i:]
	tag = tag[:strings.Index(tag, ">")]
	return strings.Contains(tag, " disabled")
}

// saveCell posts one figure through the grid as user.
func saveCell(t *testing.T, srv *httptest.Server, user, value string, want int) string {
	t.Helper()
	form := url.Values{"unit": {"XA_BANBO"}, "form": {"BM_BAN"}, "period": {"2024Q4"}, subCell: {value}}
	_, body := post(t, srv, user, "/entry", form, want)
	return body
}

// The whole journey: the buttons each role sees, submit, approve, a locked
// grid that refuses a save, unlock with a reason, save again; then a
// return with its reason.
func TestSubmissionJourney(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	saveCell(t, srv, "reporter", "true", http.StatusSeeOther)

	// Draft: the reporter may save and submit; the approver only reads.
	body := page(t, srv, "reporter", subGrid, http.StatusOK)
	has(t, "reporter's draft grid", body, []string{`data-status="draft"`, "Bản nháp", subSubmit, subSave}, []string{subApprove, subReturn, subUnlock})
	if cellDisabled(t, body, subCell) {
		t.Error("reporter's draft grid is disabled")
	}
	body = page(t, srv, "approver", subGrid, http.StatusOK)
	has(t, "approver's draft grid", body, []string{"Bản nháp", "chỉ đọc"}, []string{subSubmit, subApprove, subReturn, subUnlock, subSave})
	if !cellDisabled(t, body, subCell) {
		t.Error("approver's grid is editable")
	}
	body = page(t, srv, "admin", subGrid, http.StatusOK)
	has(t, "admin's draft grid", body, []string{subSubmit, subSave}, []string{subApprove, subUnlock})
	page(t, srv, "reporter2", subGrid, http.StatusForbidden)
	page(t, srv, "viewer", subGrid, http.StatusForbidden)

	// The reporter submits.
	resp, _ := post(t, srv, "reporter", "/submissions/submit", subForm("XA_BANBO", "draft", ""), http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/entry?") || !strings.Contains(loc, "saved=") {
		t.Fatalf("after submitting: Location %q", loc)
	}
	body = page(t, srv, "reporter", loc, http.StatusOK)
	has(t, "reporter's grid after submitting", body, []string{"Đã gửi duyệt số liệu quý iv/2024 của Bản Bo", `data-status="submitted"`, "Đã gửi", "gửi lúc", "(reporter)"},
		[]string{subSubmit, subApprove, subReturn, subSave})
	if !cellDisabled(t, body, subCell) {
		t.Error("submitted grid is editable")
	}
	// Submitting twice: the status the page showed is gone.
	post(t, srv, "reporter", "/submissions/submit", subForm("XA_BANBO", "draft", ""), http.StatusConflict)
	// A reporter may not approve, even in scope.
	post(t, srv, "reporter", "/submissions/approve", subForm("XA_BANBO", "submitted", ""), http.StatusForbidden)

	// The approver sees it waiting, with approve and return.
	body = page(t, srv, "approver", "/approvals", http.StatusOK)
	has(t, "approvals", body, []string{`data-submission="BM_BAN/XA_BANBO/2024Q4"`, "Bản Bo", "Quý IV/2024", `href="/entry?unit=XA_BANBO&amp;form=BM_BAN&amp;period=2024Q4"`}, nil)
	body = page(t, srv, "approver", subGrid, http.StatusOK)
	has(t, "approver's submitted grid", body, []string{subApprove, subReturn}, []string{subSubmit, subUnlock, subSave})

	// The approver approves from the approvals page.
	form := subForm("XA_BANBO", "submitted", "")
	form.Set("next", "approvals")
	resp, _ = post(t, srv, "approver", "/submissions/approve", form, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/approvals?done=") {
		t.Errorf("approving from the list goes to %q", loc)
	}
	body = page(t, srv, "approver", "/approvals", http.StatusOK)
	has(t, "approvals after approving", body, []string{"Không có báo cáo nào đang chờ duyệt."}, []string{`data-submission="BM_BAN/XA_BANBO/2024Q4"`})

	// Approved: read-only for the reporter, who can do nothing; the
	// approver may unlock.
	body = page(t, srv, "reporter", subGrid, http.StatusOK)
	has(t, "reporter's approved grid", body, []string{`data-status="approved"`, "Đã duyệt (khóa)", "đã được duyệt và khóa", "duyệt lúc", "(approver)"},
		[]string{subSubmit, subApprove, subReturn, subUnlock, subSave})
	if !cellDisabled(t, body, subCell) {
		t.Error("approved grid is editable")
	}
	body = page(t, srv, "approver", subGrid, http.StatusOK)
	has(t, "approver's approved grid", body, []string{subUnlock}, []string{subApprove, subReturn, subSubmit})

	// A save posted anyway is refused and saves nothing.
	before := values(t, srv, subValues)
	body = saveCell(t, srv, "reporter", "false", http.StatusUnprocessableEntity)
	has(t, "refused save", body, []string{"Số liệu kỳ Quý IV/2024 của Bản Bo", "đã được duyệt và khóa; người phê duyệt có thể mở khóa."}, nil)
	saveCell(t, srv, "admin", "false", http.StatusUnprocessableEntity) // nobody's save goes through
	sameValues(t, "after refused saves", before, values(t, srv, subValues))
	if v := before["XA_BANBO_B01.BAN_LOA/2024Q4"]; v != "true" {
		t.Errorf("the figure saved before submitting is %q", v)
	}

	// Unlocking needs a reason, said beside the field.
	body = post2(t, srv, "approver", "/submissions/unlock", subForm("XA_BANBO", "approved", ""), http.StatusUnprocessableEntity)
	has(t, "unlock without reason", body, []string{`<span class="field-error" role="alert">Cần ghi lý do mở khóa.</span>`, `data-status="approved"`}, nil)
	post(t, srv, "approver", "/submissions/unlock", subForm("XA_BANBO", "approved", "Bản 01 báo sai loa"), http.StatusSeeOther)
	body = page(t, srv, "reporter", subGrid, http.StatusOK)
	has(t, "reporter's unlocked grid", body, []string{`data-status="draft"`, "đã mở khóa: Bản 01 báo sai loa", subSubmit, subSave}, nil)
	if cellDisabled(t, body, subCell) {
		t.Error("unlocked grid is disabled")
	}
	saveCell(t, srv, "reporter", "false", http.StatusSeeOther)
	if got := values(t, srv, subValues)["XA_BANBO_B01.BAN_LOA/2024Q4"]; got != "false" {
		t.Errorf("after unlocking, the save gave %q", got)
	}

	// Submit again; the approver returns it with a reason, which the
	// reporter sees; the grid is editable again.
	post(t, srv, "reporter", "/submissions/submit", subForm("XA_BANBO", "draft", ""), http.StatusSeeOther)
	body = post2(t, srv, "approver", "/submissions/return", subForm("XA_BANBO", "submitted", "  "), http.StatusUnprocessableEntity)
	has(t, "return without reason", body, []string{"Cần ghi lý do trả lại."}, nil)
	post(t, srv, "approver", "/submissions/return", subForm("XA_BANBO", "submitted", "Thiếu số liệu nhà văn hóa"), http.StatusSeeOther)
	body = page(t, srv, "reporter", subGrid, http.StatusOK)
	has(t, "reporter's returned grid", body, []string{`data-status="returned"`, "Bị trả lại", ": Thiếu số liệu nhà văn hóa", subSubmit, subSave}, []string{subApprove})
	if cellDisabled(t, body, subCell) {
		t.Error("returned grid is disabled")
	}
	saveCell(t, srv, "reporter", "true", http.StatusSeeOther)

	// The JSON list shows the grid and its reason.
	var list struct {
		Submissions []struct {
			Form, OrgUnit, Period, Status, Reason, SubmittedBy, DecidedBy string
		} `json:"submissions"`
	}
	getJSON(t, srv, "/api/submissions?form=BM_BAN&period=2024Q4&unit=TAMDUONG", http.StatusOK, &list)
	if len(list.Submissions) != 1 {
		t.Fatalf("submissions: %+v", list)
	}
	if s := list.Submissions[0]; s.OrgUnit != "XA_BANBO" || s.Status != "returned" || s.Reason != "Thiếu số liệu nhà văn hóa" || s.SubmittedBy != "reporter" || s.DecidedBy != "approver" {
		t.Errorf("submission = %+v", s)
	}
}

// post2 posts a form as user, checks the status and returns the body.
func post2(t *testing.T, srv *httptest.Server, user, path string, form url.Values, want int) string {
	t.Helper()
	_, body := post(t, srv, user, path, form, want)
	return body
}

// The authorization of the submission routes: every route, every test
// user, a unit inside and one outside their scopes. The posts name a stale
// status, so that a caller who gets past authorization is answered 409
// and nothing changes; 303 for anonymous is the way to the login page.
func TestSubmissionAuthorization(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	// X25_BANBO is a commune of the province from 1/7/2025: outside the
	// approver's district.
	stale := func(unit, pe, reason string) url.Values {
		v := url.Values{"unit": {unit}, "form": {"BM_BAN"}, "period": {pe}, "status": {"approved"}}
		if reason != "" {
			v.Set("reason", reason)
		}
		return v
	}
	cases := []authzCase{
		//                                                                                anon admin plan  rep  rep2 appr view  v.bb
		{"GET", "/approvals", nil, [8]int{303, 200, 403, 403, 403, 200, 403, 403}},
		{"GET", "/completeness", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/completeness?form=BM_BAN&period=2024Q4", nil, [8]int{303, 200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/completeness?form=BM_BAN&period=2024Q4&unit=XA_BANBO", nil, [8]int{303, 200, 200, 200, 403, 200, 200, 200}},
		{"GET", "/completeness?form=BM_BAN&period=2024Q4&unit=XA_BINHLU", nil, [8]int{303, 200, 200, 403, 200, 200, 200, 403}},
		{"GET", "/entry?unit=X25_BANBO&form=BM_XA&period=2025Q3", nil, [8]int{303, 200, 403, 403, 403, 403, 403, 403}},
		{"POST", "/submissions/submit", stale("XA_BANBO", "2024Q4", ""), [8]int{303, 409, 403, 409, 403, 403, 403, 403}},
		{"POST", "/submissions/submit", stale("XA_BINHLU", "2024Q4", ""), [8]int{303, 409, 403, 403, 409, 403, 403, 403}},
		{"POST", "/submissions/approve", stale("XA_BANBO", "2024Q4", ""), [8]int{303, 409, 403, 403, 403, 409, 403, 403}},
		{"POST", "/submissions/approve", stale("X25_BANBO", "2025Q3", ""), [8]int{303, 409, 403, 403, 403, 403, 403, 403}},
		{"POST", "/submissions/return", stale("XA_BINHLU", "2024Q4", "lý do"), [8]int{303, 409, 403, 403, 403, 409, 403, 403}},
		{"POST", "/submissions/return", stale("X25_BANBO", "2025Q3", "lý do"), [8]int{303, 409, 403, 403, 403, 403, 403, 403}},
		{"POST", "/submissions/unlock", stale("XA_BANBO", "2024Q4", "lý do"), [8]int{303, 409, 403, 403, 403, 409, 403, 403}},
		{"POST", "/submissions/unlock", stale("X25_BANBO", "2025Q3", "lý do"), [8]int{303, 409, 403, 403, 403, 403, 403, 403}},
		{"GET", "/api/submissions", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/submissions?unit=XA_BANBO", nil, [8]int{401, 200, 200, 200, 403, 200, 200, 200}},
		{"GET", "/api/submissions?unit=XA_BINHLU&form=BM_BAN", nil, [8]int{401, 200, 200, 403, 200, 200, 200, 403}},
		{"GET", "/api/completeness?form=BM_BAN&period=2024Q4", nil, [8]int{401, 200, 200, 200, 200, 200, 200, 200}},
		{"GET", "/api/completeness?form=BM_BAN&period=2024Q4&unit=XA_BANBO", nil, [8]int{401, 200, 200, 200, 403, 200, 200, 200}},
		{"GET", "/api/completeness?form=BM_BAN&period=2024Q4&unit=XA_BINHLU", nil, [8]int{401, 200, 200, 403, 200, 200, 200, 403}},
	}
	for _, c := range cases {
		for i, user := range users {
			name := c.method + " " + c.path + " as " + user
			if c.form != nil {
				name += " for " + c.form.Get("unit")
			}
			t.Run(name, func(t *testing.T) {
				resp, body := do(t, srv, c.method, c.path, c.form, "", as(user))
				if resp.StatusCode != c.want[i] {
					t.Fatalf("status %d, want %d; body %.300s", resp.StatusCode, c.want[i], body)
				}
				switch {
				case resp.StatusCode == 303 && user == "anonymous":
					if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
						t.Errorf("anonymous redirected to %q, want the login page", loc)
					}
				case strings.HasPrefix(c.path, "/api/") && resp.StatusCode != 200:
					if !strings.Contains(body, `"status":"ERROR"`) {
						t.Errorf("API refusal is not JSON: %.200s", body)
					}
				case resp.StatusCode == 403:
					if !strings.Contains(body, "quyền") && !strings.Contains(body, "phạm vi") {
						t.Errorf("page refusal does not say why: %.300s", body)
					}
				}
			})
		}
	}
	// Nothing of the above changed anything.
	var list struct {
		Submissions []any `json:"submissions"`
	}
	// (The demo's past periods are approved; the latest is open.)
	getJSON(t, srv, "/api/submissions?period=2024Q4", http.StatusOK, &list)
	if len(list.Submissions) != 0 {
		t.Errorf("refused or stale posts stored submissions: %v", list.Submissions)
	}
}

// Bad posts: missing fields, unknown form or unit, a village, a grid
// without figures.
func TestSubmissionBadPosts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, tc := range []struct {
		name string
		form url.Values
		want int
		text string
	}{
		{"no unit", url.Values{"form": {"BM_BAN"}, "period": {"2024Q4"}}, 422, "Thiếu biểu mẫu, đơn vị hoặc kỳ báo cáo"},
		{"unknown unit", subForm("NOPE", "", ""), 404, "NOPE"},
		{"unknown form", url.Values{"unit": {"XA_BANBO"}, "form": {"BM_NOPE"}, "period": {"2024Q4"}}, 404, "BM_NOPE"},
		{"bad period", url.Values{"unit": {"XA_BANBO"}, "form": {"BM_BAN"}, "period": {"2024Q9"}}, 422, "2024Q9"},
		{"a village", subForm("XA_BANBO_B01", "", ""), 422, "không phải đơn vị báo cáo"},
		{"nothing saved", url.Values{"unit": {"XA_BANBO"}, "form": {"BM_BAN"}, "period": {"2019Q1"}}, 422, "Chưa có số liệu nào"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := post2(t, srv, "admin", "/submissions/submit", tc.form, tc.want)
			if !strings.Contains(body, tc.text) {
				t.Errorf("body lacks %q:\n%s", tc.text, excerpt(body))
			}
		})
	}
}

// newServerDB is newServer that also hands out its database, for tests
// that write through the store as well as through HTTP.
func newServerDB(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	return newServerDBWith(t, nil)
}

// newServerDBWith is newServerDB with a change to the store's settings
// (as serve's flags make) before the server starts.
func newServerDBWith(t *testing.T, change func(*store.DB)) (*httptest.Server, *store.DB) {
	t.Helper()
	srv, db, stop, err := openServer(t.TempDir(), change, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return srv, db
}

// An approved period refuses changes through every path: the grid's POST
// and a direct call of the store, for the commune's villages and for the
// commune's own figures of the form's period alike.
func TestApprovedPeriodRefusesEveryPath(t *testing.T) {
	t.Parallel()
	srv, db := newServerDB(t)
	saveCell(t, srv, "reporter", "true", http.StatusSeeOther)
	post(t, srv, "reporter", "/submissions/submit", subForm("XA_BANBO", "draft", ""), http.StatusSeeOther)
	post(t, srv, "approver", "/submissions/approve", subForm("XA_BANBO", "submitted", ""), http.StatusSeeOther)
	before := values(t, srv, subValues)

	// 1. The web grid, as the reporter and as the administrator.
	for _, user := range []string{"reporter", "admin"} {
		body := saveCell(t, srv, user, "false", http.StatusUnprocessableEntity)
		has(t, "grid save as "+user, body, []string{"đã được duyệt và khóa; người phê duyệt có thể mở khóa."}, nil)
	}
	// 2. Any caller of the store: no original (an import), with an actor.
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("tool"))
	for _, v := range []map[string]map[string]string{
		{"XA_BANBO_B01": {"BAN_LOA": "false"}},
		{"XA_BANBO_B02": {"BAN_NVH": ""}},
		{"XA_BANBO_B03": {"BAN_DVN": "true"}, "XA_BINHLU_B01": {"BAN_DVN": "true"}},
	} {
		_, err := db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN", Period: "2024Q4", Values: v, By: "tool"})
		if kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorMessage(err), "đã được duyệt và khóa") {
			t.Errorf("store save %v: %v, want EINVALID (locked)", v, err)
		}
	}
	sameValues(t, "after every refused path", before, values(t, srv, subValues))
	// Another commune and another period are open (2024, of another form:
	// the demo's earlier quarters are approved, issue 9).
	if _, err := db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN", Period: "2024Q4", Values: map[string]map[string]string{"XA_BINHLU_B01": {"BAN_DVN": "true"}}, By: "tool"}); err != nil {
		t.Errorf("another commune: %v", err)
	}
	if _, err := db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", Values: map[string]map[string]string{"XA_BANBO_B01": {"HGD_TONG": "150"}}, By: "tool"}); err != nil {
		t.Errorf("another period: %v", err)
	}
}

// Approver ≠ submitter through the routes: the administrator, who may
// both submit and approve, is refused the approval of a grid they
// submitted (403, the grid page says why, nothing changes) and is not
// offered it; another approver may approve; with self-approval allowed
// the administrator may.
func TestSubmissionSelfApproval(t *testing.T) {
	t.Parallel()
	t.Run("refused by default", func(t *testing.T) {
		t.Parallel()
		srv, db := newServerDB(t)
		if db.SelfApprovalAllowed() {
			t.Fatal("the server allows self-approval by default")
		}
		saveCell(t, srv, "admin", "true", http.StatusSeeOther)
		post(t, srv, "admin", "/submissions/submit", subForm("XA_BANBO", "draft", ""), http.StatusSeeOther)

		// Not offered: the grid shows return but not approve, and says why;
		// the approvals list shows the row without its approve button.
		body := page(t, srv, "admin", subGrid, http.StatusOK)
		has(t, "admin's own submitted grid", body, []string{subReturn, "không thể tự duyệt"}, []string{subApprove})
		body = page(t, srv, "admin", "/approvals", http.StatusOK)
		rows := rowsOf(body, `data-submission="BM_BAN/XA_BANBO/2024Q4"`)
		if len(rows) != 1 {
			t.Fatalf("approvals list has %d rows for the grid", len(rows))
		}
		has(t, "admin's own row on the approvals list", rows[0], []string{`data-own="true"`}, []string{subApprove})

		// Posted anyway: refused, from the grid and from the list.
		body = post2(t, srv, "admin", "/submissions/approve", subForm("XA_BANBO", "submitted", ""), http.StatusForbidden)
		has(t, "refused self-approval", body, []string{"Tài khoản admin đã gửi duyệt", "không thể tự duyệt", `data-status="submitted"`}, nil)
		form := subForm("XA_BANBO", "submitted", "")
		form.Set("next", "approvals")
		body = post2(t, srv, "admin", "/submissions/approve", form, http.StatusForbidden)
		has(t, "refused self-approval from the list", body, []string{"không thể tự duyệt", "Phê duyệt số liệu"}, nil)
		s, err := db.FindSubmission(context.Background(), "BM_BAN", "XA_BANBO", "2024Q4")
		if err != nil || s.Status != kehoach.SubmissionSubmitted {
			t.Fatalf("after refused self-approvals: %+v, %v", s, err)
		}

		// Another approver sees the button and approves.
		body = page(t, srv, "approver", subGrid, http.StatusOK)
		has(t, "approver's grid", body, []string{subApprove}, []string{"không thể tự duyệt"})
		post(t, srv, "approver", "/submissions/approve", subForm("XA_BANBO", "submitted", ""), http.StatusSeeOther)
	})
	t.Run("allowed when the server says so", func(t *testing.T) {
		t.Parallel()
		srv, _ := newServerDBWith(t, func(db *store.DB) { db.AllowSelfApproval = true })
		saveCell(t, srv, "admin", "true", http.StatusSeeOther)
		post(t, srv, "admin", "/submissions/submit", subForm("XA_BANBO", "draft", ""), http.StatusSeeOther)
		body := page(t, srv, "admin", subGrid, http.StatusOK)
		has(t, "admin's own grid, self-approval allowed", body, []string{subApprove, subReturn}, []string{"không thể tự duyệt"})
		post(t, srv, "admin", "/submissions/approve", subForm("XA_BANBO", "submitted", ""), http.StatusSeeOther)
		body = page(t, srv, "admin", subGrid, http.StatusOK)
		has(t, "admin's grid after approving", body, []string{`data-status="approved"`, "(admin)"}, nil)
	})
}
