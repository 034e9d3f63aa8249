package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlanImportInBrowser: the planner uploads the Tam Đường plan, sees the
// targets beside the document, follows a target to its highlighted source
// and back, at 1280 and 390 px without sideways scrolling.
func TestPlanImportInBrowser(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	login(t, ctx, base, "vanhoa.huyen", password(t, accounts, "vanhoa.huyen"))
	open(t, ctx, base+"/plans/import")
	file, err := filepath.Abs("../internal/planread/testdata/tamduong-2022.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{file})); err != nil {
		t.Fatal(err)
	}
	if status := load(t, ctx, "read the plan", chromedp.Click(chromedp.CSS(`form[action="/plans/import"] button[type="submit"]`))); status != 200 {
		t.Fatalf("status %d", status)
	}
	if got := text(t, ctx, ".planimport-items h3"); got != "Chỉ tiêu (14)" {
		t.Errorf("first heading %q", got)
	}
	// The link of target 6 leads to its highlighted source, whose link leads back.
	if _, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(`#item-t5 a[href="#src-t5"]`))); err != nil {
		t.Fatal(err)
	}
	if hash := eval[string](t, ctx, `location.hash`); hash != "#src-t5" {
		t.Errorf("after the target's link the page is at %q", hash)
	}
	if got := text(t, ctx, "#src-t5"); got != "84,6% đạt chuẩn" {
		t.Errorf("highlighted source %q", got)
	}
	if bg := eval[string](t, ctx, `getComputedStyle(document.querySelector('#src-t5')).backgroundColor`); !strings.HasPrefix(bg, "rgb(255, 224") {
		t.Errorf("source highlight %s", bg)
	}
	screenshot(t, ctx, "planimport")

	// The officer drops the first target, sets the seventh to "< 10",
	// names the plan and creates the draft; the planner's page opens on it.
	for _, step := range []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.CSS(`select[name="d.t0"]`), "drop"),
		chromedp.SetValue(chromedp.CSS(`select[name="c.t6"]`), "<"),
		chromedp.SetValue(chromedp.CSS(`input[name="v.t6"]`), "10"),
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), "KH_TD_VANBAN"),
	} {
		if err := chromedp.Do(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
	if status := load(t, ctx, "create the draft", chromedp.Click(chromedp.CSS(`button[value="publish"]`))); status != 200 {
		t.Fatalf("create the draft: status %d", status)
	}
	if path := eval[string](t, ctx, `location.pathname`); !strings.HasPrefix(path, "/planner/plans/") {
		t.Fatalf("after creating the draft the page is %s", path)
	}
	page := eval[string](t, ctx, `document.querySelector('input[value="KH_TD_VANBAN"]') ? document.body.innerText : ""`)
	if !strings.Contains(page, "< 10") || !strings.Contains(page, "Bản nháp") {
		t.Errorf("the draft's page lacks the plan or its edited target:\n%.2000s", page)
	}
	screenshot(t, ctx, "planimport-draft")
}
