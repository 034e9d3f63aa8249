package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kehoach"
)

// A figure's history shows the savers' addresses to administrators only:
// everyone else who may view the unit sees who saved and when, not from
// where. The JSON API, which no page of the administrator backs, shows
// them to nobody.
func TestHistoryAddressesAdminOnly(t *testing.T) {
	t.Parallel()
	srv, db := newServerDB(t)
	// One save through the grid (from the test's loopback address) and one
	// by a tool from an address of its own; the demo holds "true".
	const toolAddr = "203.0.113.7"
	saveCell(t, srv, "reporter", "false", http.StatusSeeOther)
	tool := kehoach.SystemActor("tool")
	tool.Address = toolAddr
	ctx := kehoach.NewContextWithActor(context.Background(), tool)
	if _, err := db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN", Period: "2024Q4",
		Values: map[string]map[string]string{"XA_BANBO_B01": {"BAN_LOA": "true"}}, By: "tool"}); err != nil {
		t.Fatal(err)
	}
	post(t, srv, "reporter", "/submissions/submit", subForm("XA_BANBO", "draft", ""), http.StatusSeeOther)
	addrs := []string{"127.0.0.1", toolAddr}

	const path = "/entry/history?unit=XA_BANBO_B01&element=BAN_LOA&period=2024Q4"
	for _, tc := range []struct {
		user string
		show bool
	}{
		{"admin", true},
		{"planner", false},
		{"reporter", false},
		{"approver", false},
		{"viewer", false},
		{"viewer.banbo", false},
	} {
		t.Run(tc.user, func(t *testing.T) {
			body := page(t, srv, tc.user, path, http.StatusOK)
			rows := eventRows(body)
			if len(rows) != 2 {
				t.Fatalf("%d changes shown, want 2:\n%s", len(rows), excerpt(body))
			}
			// Who and when, for everyone.
			has(t, "history as "+tc.user, body, []string{">reporter<", ">tool<", "<time datetime="}, nil)
			for _, a := range addrs {
				if got := strings.Contains(body, a); got != tc.show {
					t.Errorf("history as %s shows address %s: %v, want %v", tc.user, a, got, tc.show)
				}
			}
			if got := strings.Contains(body, "<th>Địa chỉ</th>"); got != tc.show {
				t.Errorf("history as %s has the address column: %v, want %v", tc.user, got, tc.show)
			}
			if tc.show {
				if cells := cellsOf(rows[1]); len(cells) < 3 || cells[1] != "tool" || cells[2] != toolAddr {
					t.Errorf("admin's second row %q, want tool from %s", cells, toolAddr)
				}
			}
		})
	}

	t.Run("the API", func(t *testing.T) {
		for _, p := range []string{
			"/api/submissions",
			"/api/submissions?unit=XA_BANBO&form=BM_BAN",
			"/api/completeness?form=BM_BAN&period=2024Q4",
			"/api/dataValueSets?" + url.Values{"dataSet": {"BM_BAN"}, "orgUnit": {"XA_BANBO"}, "children": {"true"}, "period": {"2024Q4"}}.Encode(),
			"/api/units/XA_BANBO_B01",
		} {
			for _, user := range []string{"viewer", "viewer.banbo", "reporter", "admin"} {
				resp, body := do(t, srv, http.MethodGet, p, nil, "", as(user))
				if resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s as %s: %d", p, user, resp.StatusCode)
				}
				for _, a := range addrs {
					if strings.Contains(body, a) {
						t.Errorf("GET %s as %s shows address %s", p, user, a)
					}
				}
			}
		}
	})
}

// The figure now is the stored one, also for a figure that came with a
// load (which the audit log records once for the whole load, not cell by
// cell): the page must not say "no figure" beside a grid that shows one.
func TestHistoryCurrentOfLoadedFigure(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	body := page(t, srv, "admin", "/entry/history?unit=XA_BANBO_B03&element=BAN_LOA&period=2024Q4", http.StatusOK)
	if len(eventRows(body)) != 0 {
		t.Fatalf("a loaded figure has changes listed:\n%s", excerpt(body))
	}
	has(t, "history of a loaded figure", body, []string{`<dt>Hiện tại</dt><dd><span class="value">Có</span></dd>`}, []string{"chưa có số liệu"})
}
