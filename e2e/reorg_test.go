package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kehoach"
	"kehoach/period"
)

// TestMergeThenEnter (issue 10): the administrator merges two of the
// demo's communes from the first day of this quarter through the
// reorganisation page (preview, then apply), and the reporter of one of
// them then enters this quarter's figures for the new commune.
func TestMergeThenEnter(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	q := period.Of(period.Quarterly, time.Now().In(kehoach.VietnamZone))
	day := string(kehoach.DateOf(q.Start()))

	login(t, ctx, base, "quantri", password(t, accounts, "quantri"))
	open(t, ctx, base+"/admin/units?current=1")
	if got := text(t, ctx, "main"); !strings.Contains(got, "Bản Bo") || strings.Contains(got, "Huyện Tam Đường") {
		t.Fatalf("today's tree should hold the new Bản Bo and not the district: %.300s", got)
	}
	open(t, ctx, base+"/admin/reorg")
	load(t, ctx, "preview the merge",
		chromedp.SetValue(chromedp.CSS(`select[name="kind"]`), "merge"),
		chromedp.SetValue(chromedp.CSS(`input[name="date"]`), day),
		chromedp.SetValue(chromedp.CSS(`input[name="units"]`), "X25_BANBO, X25_KHUNHA"),
		chromedp.SetValue(chromedp.CSS(`input[name="newCode"]`), "X26_BANBO"),
		chromedp.SetValue(chromedp.CSS(`input[name="newName"]`), "Bản Bo – Khun Há"),
		chromedp.Click(chromedp.CSS(`button[value="preview"]`)))
	preview := text(t, ctx, "section.preview")
	if !strings.Contains(preview, "X26_BANBO") || !strings.Contains(preview, "xa.banbo") {
		t.Fatalf("preview: %.600s", preview)
	}
	if !eval[bool](t, ctx, `document.querySelector('input[name="confirm"][value="user:xa.banbo:entry:X25_BANBO"]').checked`) {
		t.Fatal("the reporter's scope is not proposed ticked for the new commune")
	}
	screenshot(t, ctx, "reorg-preview")
	load(t, ctx, "apply", chromedp.Click(chromedp.CSS(`button[value="apply"]`)))
	if got := text(t, ctx, "main"); !strings.Contains(got, "Bản Bo – Khun Há") || !strings.Contains(got, "Đã lưu") {
		t.Fatalf("after applying: %.300s", got)
	}
	load(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form.logout button`)))

	login(t, ctx, base, "xa.banbo", password(t, accounts, "xa.banbo"))
	open(t, ctx, base+"/entry?unit=X26_BANBO&form=BM_XA&period="+q.String())
	if h1 := text(t, ctx, "h1"); !strings.Contains(h1, "Bản Bo – Khun Há") {
		t.Fatalf("entry heading %q", h1)
	}
	cells := gridFields(t, ctx, "XA_NVH")
	if len(cells) != 1 {
		t.Fatalf("cultural house cells for the new commune: %v", cells)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`form.grid-form select[name="`+cells[0].Name+`"]`), "true")); err != nil {
		t.Fatal(err)
	}
	load(t, ctx, "save", chromedp.Click(chromedp.CSS(`form.grid-form button[type=submit]`)))
	if msg := text(t, ctx, `p.ok[role=status]`); !strings.HasPrefix(msg, "Đã lưu") {
		t.Errorf("after saving the page says %q", msg)
	}
	if c := gridFields(t, ctx, "XA_NVH"); len(c) != 1 || c[0].Value != "true" {
		t.Errorf("after saving: %v", c)
	}
}
