package web_test

import (
	"net/http"
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
	resp, body := do(t, srv, http.MethodPost, "/entry", entryForm("XA_BANBO", "BM_BAN_NAM", "2025", v+".HGD_TONG", "1"), "", nil)
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
