package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"kehoach/internal/store"
)

// TestPlannerFormUnits (issue 14, point 1): a planner assigns a form to
// named units. Only they are expected to report it: the completeness list,
// the coverage of its figures and the entry page's forms follow. A ceased
// unit, a village, an unknown code or a unit whose kind reports none of the
// form's elements is refused, naming it, and nothing is saved.
func TestPlannerFormUnits(t *testing.T) {
	srv, _, stop, err := openServer(t.TempDir(), func(db *store.DB) {
		// Nà Tăm ended before the test's day (10/03/2025).
		if _, err := db.Writer().Exec(`UPDATE units SET valid_to = '2024-12-31' WHERE code = 'XA_NATAM'`); err != nil {
			t.Fatal(err)
		}
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	form := func(units ...string) url.Values {
		return url.Values{"name": {"Hộ gia đình văn hóa (năm)"}, "periodType": {"yearly"}, "cutoffDay": {"14"}, "deadlineDays": {"5"},
			"elements": {"BAN_VH", "HGD_TONG", "HGD_VH"}, "units": units}
	}
	page := get(t, srv, "/planner/forms/BM_BAN_NAM", http.StatusOK)
	if !strings.Contains(page, `name="units" value="XA_BANBO"`) || strings.Contains(page, `name="units" value="XA_BANBO_B01"`) || strings.Contains(page, `name="units" value="XA_NATAM"`) {
		t.Fatalf("the picker offers the communes (not villages, not a ceased one): %s", excerpt(page))
	}
	for _, tc := range []struct {
		name, unit, want string
	}{
		{"ceased", "XA_NATAM", "đã thôi hoạt động từ ngày 01/01/2025"},
		{"village", "XA_BANBO_B01", "là thôn, bản"},
		{"unknown", "XA_KHONG_CO", "không có đơn vị mã XA_KHONG_CO"},
		{"reports none of its elements", "CQ_VHTT", "không báo cáo chỉ số nào của biểu mẫu"},
	} {
		body := planPost(t, srv, "planner", "/planner/forms/BM_BAN_NAM", form("XA_BANBO", tc.unit), http.StatusUnprocessableEntity)
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s: %s", tc.name, excerpt(body))
		}
	}
	var c completeness
	getJSON(t, srv, "/api/completeness?form=BM_BAN_NAM&period=2024&unit=TAMDUONG", http.StatusOK, &c)
	if c.Expected < 10 {
		t.Fatalf("a refused assignment was saved: %d units expected", c.Expected)
	}
	coverage := func() int {
		var res struct{ Rows [][]string }
		getJSON(t, srv, "/api/analytics?dimension=dx:CT_HGD_VH&dimension=pe:2024&dimension=ou:TAMDUONG&includeCoverage=true", http.StatusOK, &res)
		if len(res.Rows) != 1 || len(res.Rows[0]) < 6 {
			t.Fatalf("coverage rows %v", res.Rows)
		}
		n, _ := strconv.Atoi(res.Rows[0][5])
		return n
	}
	before := coverage()

	planPost(t, srv, "planner", "/planner/forms/BM_BAN_NAM", form("XA_BANBO", "XA_BINHLU"), http.StatusSeeOther)
	if page := get(t, srv, "/planner/forms/BM_BAN_NAM", http.StatusOK); !strings.Contains(page, `value="XA_BANBO" checked`) || !strings.Contains(page, `value="XA_BINHLU" checked`) {
		t.Errorf("the assignment is not shown: %s", excerpt(page))
	}
	getJSON(t, srv, "/api/completeness?form=BM_BAN_NAM&period=2024&unit=TAMDUONG", http.StatusOK, &c)
	if c.Expected != 2 || len(c.Units) != 2 {
		t.Errorf("completeness after the assignment: %+v, want Bản Bo and Bình Lư", c)
	}
	if after := coverage(); after == 0 || after >= before {
		t.Errorf("units expected to report CT_HGD_VH: %d before, %d after (want the villages of the two communes)", before, after)
	}
	// The entry page offers the form to Bản Bo, not to Khun Há.
	if page := get(t, srv, "/entry?unit=XA_BANBO", http.StatusOK); !strings.Contains(page, `value="BM_BAN_NAM"`) {
		t.Errorf("Bản Bo does not see the form: %s", excerpt(page))
	}
	if page := get(t, srv, "/entry?unit=XA_KHUNHA", http.StatusOK); strings.Contains(page, `value="BM_BAN_NAM"`) {
		t.Errorf("Khun Há still sees the form")
	}
	// None ticked: back to the kinds that report its elements.
	planPost(t, srv, "planner", "/planner/forms/BM_BAN_NAM", form(), http.StatusSeeOther)
	getJSON(t, srv, "/api/completeness?form=BM_BAN_NAM&period=2024&unit=TAMDUONG", http.StatusOK, &c)
	if c.Expected < 10 {
		t.Errorf("completeness after clearing the assignment: %+v", c)
	}
}
