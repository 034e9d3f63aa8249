package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

var asAdmin = map[string]string{"X-Test-As": "admin"}

// TestUnitAdminPages: the tree shows names with a "current only" filter;
// a unit is created and edited through the form; bad input says why, with
// the field, and saves nothing; every change is in the audit log.
func TestUnitAdminPages(t *testing.T) {
	srv := newServer(t)
	_, all := do(t, srv, "GET", "/admin/units", nil, "", asAdmin)
	_, cur := do(t, srv, "GET", "/admin/units?current=1", nil, "", asAdmin)
	// The server's clock is March 2025: the district still exists, the
	// communes of July 2025 not yet.
	if !strings.Contains(all, "Sin Suối Hồ") || !strings.Contains(all, "Huyện Tam Đường") {
		t.Errorf("full tree lacks units")
	}
	if strings.Contains(cur, "Sin Suối Hồ") || !strings.Contains(cur, "Huyện Tam Đường") {
		t.Errorf("current-only tree wrong")
	}

	bad := url.Values{"code": {"BAN_MOI"}, "name": {"Bản Mới"}, "kind": {"village"}, "parent": {"XA_BANBO"}, "validFrom": {"2024-01-01"}}
	resp, body := do(t, srv, "POST", "/admin/units", bad, "", asAdmin)
	if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "hiệu lực chồng lấn") || !strings.Contains(body, "30/06/2025") && !strings.Contains(body, "2025-06-30") {
		t.Fatalf("open-ended village under a commune that ends: status %d, body %.400s", resp.StatusCode, body)
	}
	if _, b := do(t, srv, "GET", "/units/BAN_MOI", nil, "", asAdmin); !strings.Contains(b, "không có đơn vị") {
		t.Errorf("bad unit was saved")
	}
	good := url.Values{"code": {"BAN_MOI"}, "name": {"Bản Mới"}, "kind": {"village"}, "subkind": {"bản"}, "parent": {"XA_BANBO"}, "validTo": {"2025-06-30"}}
	if resp, body := do(t, srv, "POST", "/admin/units", good, "", asAdmin); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %.300s", resp.StatusCode, body)
	}
	good.Set("name", "Bản Mới Đổi Tên")
	if resp, body := do(t, srv, "POST", "/admin/units/BAN_MOI", good, "", asAdmin); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d %.300s", resp.StatusCode, body)
	}
	// Validity backwards, and a parent inside the unit itself.
	for _, c := range []struct{ field, value, want string }{
		{"validFrom", "2025-08-01", "trước ngày bắt đầu"},
		{"parent", "BAN_MOI", "dưới chính nó"},
	} {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set(c.field, c.value)
		resp, body := do(t, srv, "POST", "/admin/units/BAN_MOI", f, "", asAdmin)
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, c.want) {
			t.Errorf("%s=%s: status %d, body lacks %q", c.field, c.value, resp.StatusCode, c.want)
		}
	}
	// A unit's page shows its own figures (a village of the demo has 2024's).
	if _, v := do(t, srv, "GET", "/units/XA_BANBO_B01", nil, "", asAdmin); !strings.Contains(v, "Số liệu mới nhất của đơn vị") || !strings.Contains(v, "Quý IV/2024") {
		t.Errorf("village page lacks its figures: %.1500s", v)
	}
	_, page := do(t, srv, "GET", "/units/BAN_MOI", nil, "", asAdmin)
	if !strings.Contains(page, "Bản Mới Đổi Tên") {
		t.Errorf("unit page lacks the new name")
	}
	_, audit := do(t, srv, "GET", "/admin/audit.csv?entity=unit", nil, "", asAdmin)
	if strings.Count(audit, "BAN_MOI") < 2 {
		t.Errorf("audit lacks the unit's create and update: %.500s", audit)
	}
}

// TestReorgPreviewApply: two communes made through the unit pages, with
// figures entered, are merged: the preview writes nothing and proposes
// moving their reporter's scope; bad input is refused with the reason and
// changes nothing; the merge applied is audited, the reporter's scope is
// the new commune's, and the analytics read the figures under the new
// tree added up exactly, while reading as it was gives what it gave.
func TestReorgPreviewApply(t *testing.T) {
	srv := newServer(t)
	post := func(path string, f url.Values) string {
		t.Helper()
		resp, body := do(t, srv, "POST", path, f, "", asAdmin)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: %d %.400s", path, resp.StatusCode, body)
		}
		return resp.Header.Get("Location")
	}
	for _, u := range [][3]string{{"XA_A", "Xã A", "LAICHAU"}, {"XA_B", "Xã B", "LAICHAU"}} {
		post("/admin/units", url.Values{"code": {u[0]}, "name": {u[1]}, "kind": {"commune"}, "subkind": {"xã"}, "parent": {u[2]}})
		post("/admin/units", url.Values{"code": {u[0] + "_1"}, "name": {"Bản " + u[1]}, "kind": {"village"}, "subkind": {"bản"}, "parent": {u[0]}})
	}
	post("/entry", url.Values{"unit": {"XA_A"}, "form": {"BM_BAN_NAM"}, "period": {"2024"}, "v.XA_A_1.HGD_TONG": {"100"}, "v.XA_A_1.HGD_VH": {"50"}})
	post("/entry", url.Values{"unit": {"XA_B"}, "form": {"BM_BAN_NAM"}, "period": {"2024"}, "v.XA_B_1.HGD_TONG": {"60"}, "v.XA_B_1.HGD_VH": {"30"}})
	userURL := post("/admin/users", url.Values{"username": {"rep.a"}, "role": {"reporter"}, "entryScope": {"XA_A"}, "password": {"dài-đủ-mười-ký-tự"}})

	merge := url.Values{"kind": {"merge"}, "date": {"2025-01-01"}, "units": {"XA_A, XA_B"}, "newCode": {"XA_AB"}, "newName": {"Xã A B"}, "action": {"preview"}}
	resp, body := do(t, srv, "POST", "/admin/reorg", merge, "", asAdmin)
	if resp.StatusCode != 200 || !strings.Contains(body, "Xem trước") || !strings.Contains(body, "XA_AB") ||
		!strings.Contains(body, `value="user:rep.a:entry:XA_A" checked`) || !strings.Contains(body, "XA_A_1_2501") {
		t.Fatalf("preview: %d %.3000s", resp.StatusCode, body)
	}
	if _, b := do(t, srv, "GET", "/units/XA_AB", nil, "", asAdmin); !strings.Contains(b, "không có đơn vị") {
		t.Fatalf("preview wrote the unit")
	}

	for _, c := range []struct {
		name string
		set  url.Values
		want string
	}{
		{"into own descendant", url.Values{"into": {"XA_A_1"}, "newCode": {""}, "newName": {""}}, "cấp dưới của chính nó"},
		{"before figures entered", url.Values{"date": {"2023-12-01"}}, "đã có số liệu cho kỳ bắt đầu 2024-01-01"},
		{"unknown unit", url.Values{"units": {"XA_A, XA_KHONGCO"}}, "không có đơn vị mã"},
		{"already reorganised", url.Values{"units": {"XA_A, XA_BANBO"}}, "đã được sắp xếp vào"},
	} {
		f := url.Values{}
		for k, v := range merge {
			f[k] = v
		}
		for k, v := range c.set {
			f[k] = v
		}
		f.Set("action", "apply")
		resp, body := do(t, srv, "POST", "/admin/reorg", f, "", asAdmin)
		if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, c.want) {
			i := strings.Index(body, `role="alert"`)
			t.Errorf("%s: status %d, body lacks %q: %.300s", c.name, resp.StatusCode, c.want, body[max(i, 0):])
		}
	}
	split := url.Values{"kind": {"split"}, "date": {"2025-01-01"}, "units": {"XA_A"}, "parts": {"K1 | A 1 | 60 |\nK2 | A 2 | 30 |"}, "action": {"apply"}}
	if resp, body := do(t, srv, "POST", "/admin/reorg", split, "", asAdmin); resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "tổng tỷ lệ là 90 %, phải bằng 100 %") {
		t.Errorf("split with shares of 90%%: %d %.300s", resp.StatusCode, body)
	}
	split.Set("parts", "K1 | A 1 | 60 |\nK2 | A 2 | 40 |")
	if resp, body := do(t, srv, "POST", "/admin/reorg", split, "", asAdmin); resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "chưa được giao: XA_A_1") {
		t.Errorf("split leaving villages unassigned: %d %.300s", resp.StatusCode, body)
	}
	if _, b := do(t, srv, "GET", "/units/XA_AB", nil, "", asAdmin); !strings.Contains(b, "không có đơn vị") {
		t.Fatalf("a refused reorganisation wrote the unit")
	}

	const q = "/api/analytics?dimension=dx:HGD_TONG&dimension=ou:XA_A;XA_B;LAICHAU&filter=pe:2024"
	before := getAnalytics(t, srv, q)
	merge.Set("action", "apply")
	merge.Add("confirm", "user:rep.a:entry:XA_A")
	post("/admin/reorg", merge)

	under := getAnalytics(t, srv, "/api/analytics?dimension=dx:HGD_TONG&dimension=ou:XA_AB;LAICHAU&filter=pe:2024&hierarchyDate=2025-01-02")
	if len(under.Rows) != 2 || under.Rows[0][1] != "XA_AB" || under.Rows[0][2] != "160" || under.Rows[0][3] != "false" {
		t.Errorf("households of the merged commune under the new tree: %v, want 160 exactly", under.Rows)
	}
	if len(before.Rows) != 3 || under.Rows[1][2] != before.Rows[2][2] {
		t.Errorf("province total under the new tree %v, as it was %v", under.Rows, before.Rows)
	}
	if after := getAnalytics(t, srv, q); !rowsEqual(after.Rows, before.Rows) {
		t.Errorf("as it was changed by the reorganisation: %v, before %v", after.Rows, before.Rows)
	}
	_, csv := do(t, srv, "GET", "/api/analytics.csv?dimension=dx:HGD_TONG&dimension=ou:XA_AB&filter=pe:2024&hierarchyDate=2025-01-02", nil, "", asAdmin)
	if !strings.Contains(csv, "estimated") || !strings.Contains(csv, "XA_AB,160,false") {
		t.Errorf("CSV under the new tree: %s", csv)
	}
	if resp, _ := do(t, srv, "GET", "/api/analytics?dimension=dx:HGD_TONG&dimension=ou:XA_AB&filter=pe:2024&hierarchyDate=2025-13-40", nil, "", asAdmin); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad hierarchyDate: %d", resp.StatusCode)
	}

	// The plan and target pages read beside under the tree of a day.
	if resp, page := do(t, srv, "GET", "/plans/1?hierarchyDate=2025-01-02", nil, "", asAdmin); resp.StatusCode != 200 || !strings.Contains(page, "Theo cây 02/01/2025") || !strings.Contains(page, `class="num under"`) {
		t.Errorf("plan page under the tree of a day: %d", resp.StatusCode)
	}
	if resp, page := do(t, srv, "GET", "/plans/1/targets/3b?hierarchyDate=2025-01-02", nil, "", asAdmin); resp.StatusCode != 200 || !strings.Contains(page, "Cùng chỉ số theo cây đơn vị ngày 02/01/2025") {
		t.Errorf("target page under the tree of a day: %d", resp.StatusCode)
	}
	_, audit := do(t, srv, "GET", "/admin/audit.csv?entity=unit", nil, "", asAdmin)
	if !strings.Contains(audit, "XA_AB") || !strings.Contains(audit, "XA_A_1_2501") || !strings.Contains(audit, "reorganise") && !strings.Contains(audit, "Sắp xếp") {
		t.Errorf("audit lacks the reorganisation: %.800s", audit)
	}
	if _, page := do(t, srv, "GET", userURL, nil, "", asAdmin); !strings.Contains(page, "XA_AB") {
		t.Errorf("the reporter's scope did not move to XA_AB")
	}
}

type analyticsAnswer struct {
	Rows [][]string `json:"rows"`
}

func getAnalytics(t *testing.T, srv *httptest.Server, path string) analyticsAnswer {
	t.Helper()
	resp, body := do(t, srv, "GET", path, nil, "", asAdmin)
	var a analyticsAnswer
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &a) != nil {
		t.Fatalf("%s: %d %.300s", path, resp.StatusCode, body)
	}
	return a
}

func numOf(s string) float64 {
	var v float64
	json.Unmarshal([]byte(s), &v)
	return v
}

func rowsEqual(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "|") != strings.Join(b[i], "|") {
			return false
		}
	}
	return true
}
