package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"kehoach"
)

// TestPlanImportPublish (issue 15, point 5): after the review, "Tạo kế
// hoạch nháp" creates the reviewed plan (one target dropped, one edited to
// "< 10", a task dropped) as a draft, with its tasks and responsibilities,
// in one audited transaction, and opens it on the planner's page. Nothing
// exists before; a refused publication (no code, a code taken) creates
// nothing and shows why on the review page.
func TestPlanImportPublish(t *testing.T) {
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
	plans := func() int {
		ps, err := db.FindPlans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	before := plans()
	data, err := os.ReadFile("../planread/testdata/tamduong-2022.txt")
	if err != nil {
		t.Fatal(err)
	}
	payload, ct := multipartFile(t, "tamduong.txt", data, nil)
	resp, body := do(t, srv, "POST", "/plans/import", nil, payload, map[string]string{"Content-Type": ct, "X-Test-As": "planner"})
	if resp.StatusCode != 200 {
		t.Fatalf("upload %d %s", resp.StatusCode, excerpt(body))
	}
	if plans() != before {
		t.Fatal("reading the text created a plan")
	}
	i := strings.Index(body, `name="doc" value="`)
	rest := body[i+len(`name="doc" value="`):]
	doc := html.UnescapeString(rest[:strings.Index(rest, `"`)])
	form := url.Values{"doc": {doc}, "d.t0": {"drop"}, "v.t6": {"10"}, "c.t6": {"<"}, "d.k3": {"drop"}, "action": {"publish"}}
	as := map[string]string{"X-Test-As": "planner"}

	resp, out := do(t, srv, "POST", "/plans/import/review", form, "", as)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(out, "Chưa đặt mã cho kế hoạch mới") || !strings.Contains(out, `name="doc"`) {
		t.Fatalf("no code: %d %s", resp.StatusCode, excerpt(out))
	}
	form.Set("code", "kh_td_doc")
	resp, out = do(t, srv, "POST", "/plans/import/review", form, "", as)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/planner/plans/") {
		t.Fatalf("publish: %d %s", resp.StatusCode, excerpt(out))
	}
	if plans() != before+1 {
		t.Fatalf("plans %d, want %d", plans(), before+1)
	}
	ps, _ := db.FindPlans(ctx)
	var p *kehoach.Plan
	for _, x := range ps {
		if x.Code == "KH_TD_DOC" {
			p, err = db.FindPlanByID(ctx, x.ID)
		}
	}
	if p == nil || err != nil {
		t.Fatalf("the new plan: %v", err)
	}
	if resp.Header.Get("Location") != fmt.Sprintf("/planner/plans/%d?saved=1", p.ID) {
		t.Errorf("redirect to %s", resp.Header.Get("Location"))
	}
	if p.IssuerCode != "TAMDUONG" || p.HorizonFrom != "2022" || p.HorizonTo != "2025" || !strings.Contains(p.LegalBasis, "102-KH/HU") {
		t.Errorf("header: issuer %s, horizon %s–%s, basis %q", p.IssuerCode, p.HorizonFrom, p.HorizonTo, p.LegalBasis)
	}
	if len(p.Targets) != 13 || len(p.Tasks) != 24+11 {
		t.Fatalf("%d targets (want 13), %d tasks (want 35)", len(p.Targets), len(p.Tasks))
	}
	if tg := p.Targets[5]; tg.Op != kehoach.OpLT || tg.Value != 10 || tg.IndicatorCode == "" || tg.BaselinePeriod != "2021" {
		t.Errorf("edited target: %+v", tg)
	}
	if page := get(t, srv, resp.Header.Get("Location"), 200); !strings.Contains(page, "KH_TD_DOC") {
		t.Errorf("the planner's page does not show the new plan: %s", excerpt(page))
	}
	evs, _, err := db.FindAuditEvents(ctx, kehoach.AuditFilter{Entity: "plan", Action: "create"})
	audited := false
	for _, e := range evs {
		audited = audited || e.Key == "KH_TD_DOC" && e.Actor == "planner"
	}
	if err != nil || !audited {
		t.Errorf("no audit of the creation by the planner: %+v %v", evs, err)
	}
	// The same code again: refused, nothing more created.
	resp, out = do(t, srv, "POST", "/plans/import/review", form, "", as)
	if resp.StatusCode < 400 || !strings.Contains(out, "KH_TD_DOC") || plans() != before+1 {
		t.Errorf("code taken: %d, %d plans %s", resp.StatusCode, plans(), excerpt(out))
	}
	// Publishing is the planners' work.
	if resp, _ := do(t, srv, "POST", "/plans/import/review", form, "", map[string]string{"X-Test-As": "reporter"}); resp.StatusCode != 403 {
		t.Errorf("reporter: %d", resp.StatusCode)
	}
}
