package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// TestApprovedOnly reads Bản Bo's 2024 household ratio with approved
// figures only and with all figures. The demo's 2023 grids are approved
// and its 2024 ones open (issue 9's demo story): approved only, 2024 shows
// the 2023 report carried forward, with 0 approved 2024 reports; the
// approval of the commune's 2024 grid shows its 2024 figures at once, and
// the unlock takes them away at once. All figures always show 2024.
func TestApprovedOnly(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	n := strconv.Itoa(len(villagesOf(t, srv, "XA_BANBO")))
	ask := func(figures, pe string) []string {
		var res struct{ Rows [][]string }
		getJSON(t, srv, "/api/analytics?dimension=dx:CT_HGD_VH&dimension=pe:"+pe+"&dimension=ou:XA_BANBO&includeCoverage=true&figures="+figures, http.StatusOK, &res)
		if len(res.Rows) != 1 {
			t.Fatalf("%s %s: rows %v, want one", figures, pe, res.Rows)
		}
		return res.Rows[0] // dx pe ou value reported expected approved
	}
	all, y2023 := ask("all", "2024"), ask("all", "2023")
	if all[4] != n || all[6] != "0" || y2023[6] != n {
		t.Fatalf("all figures: 2024 %v, 2023 %v; want 2024 reported by %s, none approved, 2023 all approved", all, y2023, n)
	}
	if all[3] == y2023[3] {
		t.Fatalf("2024 and 2023 have the same ratio %s: the test would prove nothing", all[3])
	}
	if got := ask("approved", "2024"); got[3] != y2023[3] {
		t.Errorf("approved only, 2024 not approved: %v, want 2023's %s carried forward", got, y2023[3])
	}
	grid := banBo2024
	post(t, srv, "reporter", "/submissions/submit", grid("draft", ""), http.StatusSeeOther)
	if got := ask("approved", "2024"); got[3] != y2023[3] {
		t.Errorf("approved only, submitted not approved: %v", got)
	}
	post(t, srv, "approver", "/submissions/approve", grid("submitted", ""), http.StatusSeeOther)
	if got := ask("approved", "2024"); got[3] != all[3] || got[6] != n {
		t.Errorf("approved only after approval: %v, want %v with %s approved", got, all, n)
	}
	// The district's target 4a, approved only: one commune of 13 approved
	// for 2024, so its status stays on 2023, with 2024 provisional.
	var p struct {
		Targets []struct {
			Code, Period string
			Provisional  *struct{ Period string }
		}
	}
	getJSON(t, srv, "/api/plans/1?figures=approved", http.StatusOK, &p)
	for _, tg := range p.Targets {
		if tg.Code == "4a" && (tg.Period != "2023" || tg.Provisional == nil || tg.Provisional.Period != "2024") {
			t.Errorf("4a approved only: period %q provisional %+v, want 2023 with 2024 provisional", tg.Period, tg.Provisional)
		}
	}
	post(t, srv, "approver", "/submissions/unlock", grid("approved", "Sửa số hộ thôn Bản Bo"), http.StatusSeeOther)
	if got := ask("approved", "2024"); got[3] != y2023[3] {
		t.Errorf("approved only after unlock: %v, want %s", got, y2023[3])
	}
}

// banBo2024 is a submission action's form for Bản Bo's 2024 yearly grid
// (BM_BAN_NAM), whose status is status.
func banBo2024(status, reason string) url.Values {
	v := url.Values{"unit": {"XA_BANBO"}, "form": {"BM_BAN_NAM"}, "period": {"2024"}, "status": {status}}
	if reason != "" {
		v.Set("reason", reason)
	}
	return v
}
