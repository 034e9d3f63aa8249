package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// completeness is the JSON of /api/completeness.
type completeness struct {
	Form             string  `json:"form"`
	Period           string  `json:"period"`
	Deadline         string  `json:"deadline"`
	Expected         int     `json:"expected"`
	Submitted        int     `json:"submitted"`
	OnTime           int     `json:"onTime"`
	CompletenessRate float64 `json:"completenessRate"`
	OnTimeRate       float64 `json:"onTimeRate"`
	Units            []struct {
		OrgUnit     string `json:"orgUnit"`
		Status      string `json:"status"`
		Reported    bool   `json:"reported"`
		SubmittedBy string `json:"submittedBy"`
		OnTime      bool   `json:"onTime"`
		DaysLate    int    `json:"daysLate"`
	} `json:"units"`
}

// The completeness page lists first the units that have not reported,
// with how many days late they are against the deadline as of the
// server's clock, then those that have; the rates agree with the JSON.
func TestCompletenessPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	saveCell(t, srv, "reporter", "true", http.StatusSeeOther)
	post(t, srv, "reporter", "/submissions/submit", subForm("XA_BANBO", "draft", ""), http.StatusSeeOther)

	// BM_BAN 2024Q4 was due on 17/12/2024; the server's clock says
	// 10/03/2025: 83 days late.
	var c completeness
	getJSON(t, srv, "/api/completeness?form=BM_BAN&period=2024Q4&unit=TAMDUONG", http.StatusOK, &c)
	if c.Deadline != "2024-12-17" || c.Expected < 10 || c.Submitted != 1 || c.OnTime != 0 {
		t.Fatalf("completeness = %+v", c)
	}
	if want := 100 / float64(c.Expected); c.CompletenessRate < want-1e-9 || c.CompletenessRate > want+1e-9 || c.OnTimeRate != 0 {
		t.Errorf("rates %v, %v; want %v, 0", c.CompletenessRate, c.OnTimeRate, want)
	}
	seenReported := false
	for _, u := range c.Units {
		switch {
		case u.OrgUnit == "XA_BANBO":
			// Submitted by the store's real clock, long after the deadline.
			if !u.Reported || u.Status != "submitted" || u.SubmittedBy != "reporter" || u.OnTime || u.DaysLate <= 0 {
				t.Errorf("Bản Bo: %+v", u)
			}
			seenReported = true
		case seenReported:
			t.Errorf("%s listed after a unit that has reported", u.OrgUnit)
		case u.Reported || u.DaysLate != 83:
			t.Errorf("%s: %+v, want not reported, 83 days late", u.OrgUnit, u)
		}
		if strings.HasSuffix(u.OrgUnit, "_B01") || strings.HasPrefix(u.OrgUnit, "TH_") || strings.HasPrefix(u.OrgUnit, "CQ_") {
			t.Errorf("%s is not a grid owner of the village form", u.OrgUnit)
		}
	}

	body := page(t, srv, "admin", "/completeness?form=BM_BAN&period=2024Q4&unit=TAMDUONG", http.StatusOK)
	missing := strings.Index(body, "<h2>Chưa báo cáo (")
	reported := strings.Index(body, "<h2>Đã báo cáo (1)</h2>")
	binhlu := strings.Index(body, `<tr data-unit="XA_BINHLU" data-reported="false" data-days-late="83">`)
	banbo := strings.Index(body, `<tr data-unit="XA_BANBO" data-reported="true"`)
	if missing < 0 || reported < 0 || binhlu < 0 || banbo < 0 || !(missing < binhlu && binhlu < reported && reported < banbo) {
		t.Errorf("not-reported units must come first: headings %d, %d, Bình Lư %d, Bản Bo %d\n%s", missing, reported, binhlu, banbo, excerpt(body))
	}
	has(t, "completeness page", body, []string{
		"Trễ 83 ngày", "Hạn gửi 17/12/2024", "tính đến 16:00 10/03/2025",
		`data-submitted="1"`, "Đã báo cáo <strong>1/", "đúng hạn <strong>0/",
		`href="/entry?unit=XA_BINHLU&amp;form=BM_BAN&amp;period=2024Q4"`,
	}, nil)

	// A reporter sees the units of their scope only, and the grid link of
	// their own commune; a viewer sees everyone and no grid links.
	body = page(t, srv, "reporter", "/completeness?form=BM_BAN&period=2024Q4", http.StatusOK)
	has(t, "reporter's completeness", body, []string{`data-unit="XA_BANBO"`, `data-expected="1"`, `href="/entry?unit=XA_BANBO`}, []string{`data-unit="XA_BINHLU"`})
	body = page(t, srv, "viewer", "/completeness?form=BM_BAN&period=2024Q4", http.StatusOK)
	has(t, "viewer's completeness", body, []string{`data-unit="XA_BINHLU"`, `data-unit="XA_BANBO"`}, []string{`href="/entry?`})

	// Without a period, the one most recently due (the quarter before
	// 10/03/2025); without a form, the choice of forms.
	body = page(t, srv, "viewer", "/completeness?form=BM_BAN", http.StatusOK)
	has(t, "default period", body, []string{`<option value="2024Q4" selected>`, "Quý IV/2024"}, nil)
	body = page(t, srv, "viewer", "/completeness", http.StatusOK)
	has(t, "no form", body, []string{`<option value="BM_BAN">`, "Chọn biểu mẫu"}, []string{"Chưa báo cáo ("})
	// Agencies and schools report the agencies' form themselves.
	getJSON(t, srv, "/api/completeness?form=BM_COQUAN&period=2024", http.StatusOK, &c)
	for _, u := range c.Units {
		if strings.HasPrefix(u.OrgUnit, "XA_") {
			t.Errorf("commune %s counted for the agencies' form", u.OrgUnit)
		}
	}

	run(t, srv, []scenario{
		{Name: "unknown form page", URL: "/completeness?form=BM_NOPE", ExpectedStatus: http.StatusNotFound, ExpectedContent: []string{"BM_NOPE"}},
		{Name: "bad period page", URL: "/completeness?form=BM_BAN&period=2024", ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{"không khớp"}},
		{Name: "API without form", URL: "/api/completeness?period=2024Q4", ExpectedStatus: http.StatusUnprocessableEntity, ExpectedContent: []string{`"status":"ERROR"`, "form"}},
		{Name: "API unknown form", URL: "/api/completeness?form=BM_NOPE&period=2024Q4", ExpectedStatus: http.StatusNotFound},
		{Name: "API unknown unit", URL: "/api/completeness?form=BM_BAN&period=2024Q4&unit=NOPE", ExpectedStatus: http.StatusNotFound},
		{Name: "API submissions bad period", URL: "/api/submissions?period=2024Q9", ExpectedStatus: http.StatusUnprocessableEntity},
	}, false)
}
