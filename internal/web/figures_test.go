package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// TestApprovedOnly reads Bản Bo's 2024 household ratio with approved
// figures only and with all figures: nothing approved shows nothing, the
// approval of the commune's grid shows it at once, and the unlock takes it
// away at once; all figures always show it, with the approved count.
func TestApprovedOnly(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	n := len(villagesOf(t, srv, "XA_BANBO"))
	ask := func(figures string) [][]string {
		var res struct{ Rows [][]string }
		getJSON(t, srv, "/api/analytics?dimension=dx:CT_HGD_VH&dimension=pe:2024&dimension=ou:XA_BANBO&includeCoverage=true&figures="+figures, http.StatusOK, &res)
		return res.Rows
	}
	all := ask("all")
	if len(all) != 1 || all[0][4] != strconv.Itoa(n) {
		t.Fatalf("all figures: %v, want one row reported by %d villages", all, n)
	}
	if rows := ask("approved"); len(rows) != 0 {
		t.Errorf("approved only, nothing approved: %v, want no value", rows)
	}
	grid := func(status, reason string) url.Values {
		v := url.Values{"unit": {"XA_BANBO"}, "form": {"BM_BAN_NAM"}, "period": {"2024"}, "status": {status}}
		if reason != "" {
			v.Set("reason", reason)
		}
		return v
	}
	post(t, srv, "reporter", "/submissions/submit", grid("draft", ""), http.StatusSeeOther)
	if rows := ask("approved"); len(rows) != 0 {
		t.Errorf("approved only, submitted not approved: %v", rows)
	}
	post(t, srv, "approver", "/submissions/approve", grid("submitted", ""), http.StatusSeeOther)
	rows := ask("approved")
	if len(rows) != 1 || rows[0][3] != all[0][3] || rows[0][6] != strconv.Itoa(n) {
		t.Errorf("approved only after approval: %v, want %v with %d approved", rows, all, n)
	}
	if a := ask("all"); len(a) != 1 || a[0][6] != strconv.Itoa(n) {
		t.Errorf("all figures after approval: %v, want %d approved", a, n)
	}
	// The plan page marks what it reads; the API answers the same way.
	var p struct {
		Targets []struct {
			Code  string
			Value *float64
		}
	}
	getJSON(t, srv, "/api/plans/1?figures=approved", http.StatusOK, &p)
	for _, tg := range p.Targets {
		if tg.Code == "4a" && tg.Value != nil {
			t.Errorf("4a approved only (one commune approved, not all): %v, want no status year", *tg.Value)
		}
	}
	post(t, srv, "approver", "/submissions/unlock", grid("approved", "Sửa số hộ thôn Bản Bo"), http.StatusSeeOther)
	if rows := ask("approved"); len(rows) != 0 {
		t.Errorf("approved only after unlock: %v, want no value", rows)
	}
}
