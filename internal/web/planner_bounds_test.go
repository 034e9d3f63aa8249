package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kehoach"
)

// bound is the bound form of a village of Bản Bo.
func bound(unit, min, max string) url.Values {
	return url.Values{"target": {"unit"}, "unit": {unit}, "min": {min}, "max": {max}}
}

// TestPlannerBounds (issue 9, point 4): the planner sets an element's
// bound for a unit on its page, is told why a bound is refused (min above
// max, not a number, an unknown unit or one that does not report the
// element, a unit outside the plan scope) with what was typed kept, has
// ranges proposed from history and saves those kept; the reporter's figure
// outside the bound then gets the warning with the range, and once
// commented on, the approver finds it in the list across grids.
func TestPlannerBounds(t *testing.T) {
	t.Parallel()
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	// A planner and an approver of Bình Lư only.
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
	session := func(u *kehoach.User) map[string]string {
		if err := db.CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
		tok, _, err := db.CreateSession(ctx, u.ID, "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"X-Test-As": "anonymous", "Cookie": "kehoach_session=" + tok}
	}
	plannerBL := session(&kehoach.User{Username: "planner.binhlu", Role: kehoach.RolePlanner, ViewScope: []string{"XA_BINHLU"}})
	approverBL := session(&kehoach.User{Username: "approver.binhlu", Role: kehoach.RoleApprover, EntryScope: []string{"XA_BINHLU"}})

	v := villagesOf(t, srv, "XA_BANBO")[0]
	page := "/planner/elements/HGD_TONG/bounds"
	run(t, srv, []scenario{
		{Name: "the empty page", URL: page, Headers: as("planner"), ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"<h1>Khoảng cho phép · ", "Chưa đặt khoảng cho phép nào", `action="/planner/elements/HGD_TONG/bounds"`, "Đề xuất từ lịch sử"}},
		{Name: "min above max", Method: "POST", URL: page, Form: bound(v, "300", "50"), Headers: as("planner"), ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent: []string{"Giá trị lớn nhất phải từ giá trị nhỏ nhất trở lên", `name="min" value="300"`, `name="max" value="50"`, `name="unit" value="` + v + `"`}},
		{Name: "not a number", Method: "POST", URL: page, Form: bound(v, "năm mươi", ""), Headers: as("planner"), ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent: []string{"Giá trị nhỏ nhất: không phải là số", `value="năm mươi"`}},
		{Name: "a fraction for a count", Method: "POST", URL: page, Form: bound(v, "", "12,5"), Headers: as("planner"), ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent: []string{"Giá trị lớn nhất: phải là số nguyên"}},
		{Name: "no end", Method: "POST", URL: page, Form: bound(v, "", ""), Headers: as("planner"), ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent: []string{"Cần giá trị nhỏ nhất, giá trị lớn nhất, hoặc cả hai"}},
		{Name: "unknown unit", Method: "POST", URL: page, Form: bound("XA_NOPE", "1", "2"), Headers: as("planner"), ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent: []string{`Không có đơn vị mã &#34;XA_NOPE&#34;`}},
		{Name: "a commune does not report households", Method: "POST", URL: page, Form: bound("XA_BANBO", "1", "2"), Headers: as("planner"), ExpectedStatus: http.StatusUnprocessableEntity,
			ExpectedContent: []string{"không báo cáo chỉ số HGD_TONG"}},
		{Name: "outside the plan scope", Method: "POST", URL: page, Form: bound(v, "1", "2"), Headers: plannerBL, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"không thuộc phạm vi lập kế hoạch"}},
		{Name: "a kind's bound needs every unit", Method: "POST", URL: page, Form: url.Values{"target": {"kind"}, "kind": {"village"}, "max": {"5000"}}, Headers: plannerBL,
			ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{"cần phạm vi lập kế hoạch toàn bộ"}},
		{Name: "proposals outside the plan scope", URL: page + "?propose=1&under=XA_BANBO", Headers: plannerBL, ExpectedStatus: http.StatusForbidden,
			ExpectedContent: []string{"XA_BANBO không thuộc phạm vi lập kế hoạch"}},
		{Name: "a yes/no element", Method: "POST", URL: "/planner/elements/BAN_LOA/bounds", Form: bound(v, "0", "1"), Headers: as("planner"),
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"không phải là số: không đặt khoảng cho phép được"}},
		{Name: "unknown element", URL: "/planner/elements/NOPE/bounds", Headers: as("planner"), ExpectedStatus: http.StatusNotFound},
		{Name: "a reporter", URL: page, Headers: as("reporter"), ExpectedStatus: http.StatusForbidden},
	}, false)
	if bs, err := db.FindBounds(ctx, "HGD_TONG"); err != nil || len(bs) != 0 {
		t.Fatalf("a refused form saved %+v %v", bs, err)
	}

	// Saved, with Vietnamese thousands dots; listed; then the kind's bound.
	resp, body := do(t, srv, "POST", page, bound(v, "50", "1.000"), "", as("planner"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?saved=1" {
		t.Fatalf("save: %d %s", resp.StatusCode, excerpt(body))
	}
	resp, body = do(t, srv, "POST", page, url.Values{"target": {"kind"}, "kind": {"village"}, "max": {"5000"}, "note": {"Bản lớn nhất huyện ~ 400 hộ"}}, "", as("planner"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("kind's bound: %d %s", resp.StatusCode, excerpt(body))
	}
	list := get(t, srv, page+"?saved=1", http.StatusOK)
	for _, want := range []string{"Đã lưu khoảng cho phép.", `data-bound="kind:village"`, "Mọi đơn vị loại", `data-bound="` + v + `"`, "1.000", "Bản lớn nhất huyện"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	// Edit: the form filled with the unit's bound; saving replaces it.
	if edit := get(t, srv, page+"?unit="+v, http.StatusOK); !strings.Contains(edit, `name="min" value="50"`) || !strings.Contains(edit, `name="max" value="1000"`) {
		t.Errorf("the edit form is not filled:\n%s", excerpt(edit))
	}
	if resp, body = do(t, srv, "POST", page, bound(v, "50", "200"), "", as("planner")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", resp.StatusCode, excerpt(body))
	}
	if bs, _ := db.FindBounds(ctx, "HGD_TONG"); len(bs) != 2 || *bs[1].Max != 200 {
		t.Fatalf("after the edit: %+v", bs)
	}

	// Proposed from history, for Bản Bo's villages; v's own is shown and
	// not ticked.
	prop := get(t, srv, page+"?propose=1&under=XA_BANBO", http.StatusOK)
	rows := rowsOf(prop, "data-proposal")
	if len(rows) < 2 || !strings.Contains(prop, "Đề xuất từ ") || !strings.Contains(prop, "50–200") {
		t.Fatalf("proposals: %d rows\n%s", len(rows), excerpt(prop))
	}
	w := villagesOf(t, srv, "XA_BANBO")[1]
	keep := url.Values{"keep": {w}, "unit": {v, w}, "min." + w: {"80"}, "max." + w: {"40"}, "note." + w: {"đề xuất"}}
	resp, body = do(t, srv, "POST", page+"/proposals", keep, "", as("planner"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Giá trị lớn nhất phải từ giá trị nhỏ nhất trở lên") || !strings.Contains(body, `name="max.`+w+`" value="40"`) {
		t.Fatalf("a refused proposal: %d %s", resp.StatusCode, excerpt(body))
	}
	keep.Set("max."+w, "180")
	if resp, body = do(t, srv, "POST", page+"/proposals", keep, "", as("planner")); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?saved=1" {
		t.Fatalf("proposals kept: %d %s", resp.StatusCode, excerpt(body))
	}
	if bs, _ := db.FindBounds(ctx, "HGD_TONG"); len(bs) != 3 {
		t.Fatalf("after the proposals: %+v", bs)
	}

	// Through the API, the same reason and range as a conflict (409),
	// nothing saved; with confirmUnusual=true a dry run passes.
	doc := `{"dataValues":[{"dataElement":"HGD_TONG","orgUnit":"` + v + `","period":"2024","value":"250"}]}`
	a := postSet(t, srv, "/api/dataValueSets", "application/json", doc, "reporter", http.StatusConflict)
	if len(a.Response.Conflicts) != 1 || !strings.Contains(a.Response.Conflicts[0].Value, "Số liệu khác thường, cần xác nhận hoặc ghi chú: ngoài khoảng cho phép (50–200)") {
		t.Fatalf("the API's conflict: %+v", a.Response.Conflicts)
	}
	postSet(t, srv, "/api/dataValueSets?dryRun=true&confirmUnusual=true", "application/json", doc, "reporter", http.StatusOK)

	// The reporter sees the range beside the field before typing.
	key := v + ".HGD_TONG"
	grid := get(t, srv, "/entry?unit=XA_BANBO&form=BM_BAN_NAM&period=2024", http.StatusOK)
	if c := cellOf(t, grid, key); !strings.Contains(c, `<span class="range"`) || !strings.Contains(c, "cho phép 50–200") {
		t.Errorf("the range is not beside the field:\n%s", c)
	}
	if c := cellOf(t, grid, w+".HGD_TONG"); !strings.Contains(c, "cho phép 80–180") {
		t.Errorf("the kept proposal is not beside its field:\n%s", c)
	}

	// The reporter's figure above v's 200 gets the warning with the range.
	q := "orgUnit=" + v + "&period=2024&dataSet=BM_BAN_NAM"
	stored := values(t, srv, q)[key+"/2024"]
	f := entryForm("XA_BANBO", "BM_BAN_NAM", "2024", key, "250")
	f.Set("o."+key, stored)
	resp, body = do(t, srv, http.MethodPost, "/entry", f, "", as("reporter"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(cellOf(t, body, key), "ngoài khoảng cho phép (50–200)") {
		t.Fatalf("the warning: %d\n%s", resp.StatusCode, excerpt(body))
	}
	f.Set("m."+key, "Bản mới nhập thêm 2 tổ")
	if resp, body = do(t, srv, http.MethodPost, "/entry", f, "", as("reporter")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("with a comment: %d\n%s", resp.StatusCode, excerpt(body))
	}

	// The approver's list across grids.
	flagged := "/approvals/flagged"
	run(t, srv, []scenario{
		{Name: "the district's approver", URL: flagged, Headers: as("approver"), ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"<h1>Số liệu cần kiểm tra</h1>", `data-flagged="HGD_TONG/` + v + `/2024"`, "ngoài khoảng cho phép (50–200)",
				"Bản mới nhập thêm 2 tổ", `href="/entry?unit=XA_BANBO&amp;form=BM_BAN_NAM&amp;period=2024"`, ">250<"}},
		{Name: "narrowed to the form and period", URL: flagged + "?form=BM_BAN_NAM&period=2024", Headers: as("approver"), ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{`data-flagged="HGD_TONG/` + v + `/2024"`}},
		{Name: "another period", URL: flagged + "?period=2023", Headers: as("approver"), ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Không có số liệu nào cần kiểm tra."}},
		{Name: "another commune's approver", URL: flagged, Headers: approverBL, ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{"Không có số liệu nào cần kiểm tra."}, NotExpectedContent: []string{"data-flagged="}},
		{Name: "a bad period", URL: flagged + "?period=2024Q9", Headers: as("approver"), ExpectedStatus: http.StatusUnprocessableEntity},
		{Name: "a bad page", URL: flagged + "?page=x", Headers: as("approver"), ExpectedStatus: http.StatusUnprocessableEntity},
		{Name: "past the last page", URL: flagged + "?page=2", Headers: as("approver"), ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"Không có trang 2"}},
		{Name: "the reporter", URL: flagged, Headers: as("reporter"), ExpectedStatus: http.StatusForbidden},
	}, false)

	// Approved, the grid leaves the list.
	sub := url.Values{"form": {"BM_BAN_NAM"}, "unit": {"XA_BANBO"}, "period": {"2024"}}
	if resp, body = do(t, srv, "POST", "/submissions/submit", sub, "", as("reporter")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, excerpt(body))
	}
	if resp, body = do(t, srv, "POST", "/submissions/approve", sub, "", as("approver")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", resp.StatusCode, excerpt(body))
	}
	if page := get(t, srv, flagged, http.StatusOK); strings.Contains(page, `data-flagged="HGD_TONG/`+v+`/2024"`) {
		t.Error("an approved grid's figure is still listed")
	}

	// Deleted.
	bs, _ := db.FindBounds(ctx, "HGD_TONG")
	if resp, body = do(t, srv, "POST", page+"/"+strconv.FormatInt(bs[0].ID, 10)+"/delete", url.Values{}, "", plannerBL); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a kind's bound deleted by a commune's planner: %d %s", resp.StatusCode, excerpt(body))
	}
	if resp, _ = do(t, srv, "POST", page+"/"+strconv.FormatInt(bs[0].ID, 10)+"/delete", url.Values{}, "", as("planner")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", resp.StatusCode)
	}
	if resp, _ = do(t, srv, "POST", page+"/"+strconv.FormatInt(bs[0].ID, 10)+"/delete", url.Values{}, "", as("planner")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("deleted twice: %d", resp.StatusCode)
	}
}
