package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// A period the page does not offer, posted anyway, is refused by the
// server: far past, future. (The periods are closed whatever the clock: the
// harness gives the web testNow but the store the real time.)
func TestEntrySaveClosedPeriod(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const b1 = "XA_BANBO_B01"
	for _, tc := range []struct {
		form, period, want string
	}{
		{"BM_BAN_NAM", "2010", "quá cũ"},
		{"BM_BAN_NAM", "2030", "chưa đến"},
		{"BM_BAN", "2031Q1", "chưa đến"},
	} {
		el := "HGD_TONG"
		if tc.form == "BM_BAN" {
			el = "BAN_DVN"
		}
		f := entryForm("XA_BANBO", tc.form, tc.period, b1+"."+el, "1")
		resp, body := do(t, srv, http.MethodPost, "/entry", f, "", nil)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s %s: status %d, want 422; body:\n%s", tc.form, tc.period, resp.StatusCode, excerpt(body))
			continue
		}
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s %s: page lacks %q:\n%s", tc.form, tc.period, tc.want, excerpt(body))
		}
	}
	if got := values(t, srv, "orgUnit="+b1+"&period=2010&period=2030&period=2031Q1"); len(got) != 0 {
		t.Errorf("figures stored for closed periods: %v", got)
	}
}
