package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlausibilityWarning is issue 9's browser test: the Bản Bo reporter
// types a village's household count a thousand times too large, gets the
// warning with its reason and range beside the field, confirms it with a
// comment, and the district's approver sees the figure marked and listed
// ("cần kiểm tra") on the grid.
func TestPlausibilityWarning(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	login(t, ctx, base, "xa.banbo", password(t, accounts, "xa.banbo"))

	pickGrid := func() {
		open(t, ctx, base+"/entry")
		autoPick(t, ctx, "unit", optionValue(t, options(t, ctx, "unit"), "Bản Bo (since 2025)", isNewBanBo))
		autoPick(t, ctx, "form", optionValue(t, options(t, ctx, "form"), formVillagesYearly, func(o option) bool { return o.Text == formVillagesYearly }))
		autoPick(t, ctx, "period", optionValue(t, options(t, ctx, "period"), "Năm 2025", func(o option) bool { return o.Text == "Năm 2025" }))
	}
	pickGrid()
	households := gridFields(t, ctx, "HGD_TONG")
	if len(households) == 0 || households[0].Value == "" {
		t.Fatalf("no stored household figure: %v", households)
	}
	name := households[0].Name
	key := strings.TrimPrefix(name, "v.")
	field := chromedp.CSS(`form.grid-form input[name="` + name + `"]`)
	save := chromedp.Click(chromedp.CSS(`form.grid-form button.primary[type=submit]:not([name])`))
	if err := chromedp.Do(ctx, chromedp.Clear(field), chromedp.SendKeys(field, households[0].Value+"0000")); err != nil {
		t.Fatalf("type into %s: %v", name, err)
	}
	if status := load(t, ctx, "save the unusual figure", save); status != 422 {
		t.Fatalf("saving %s0000 answered %d, want 422 (the warning)", households[0].Value, status)
	}
	warning := eval[string](t, ctx, `(() => { const e = document.querySelector('form.grid-form input[name=`+jsString(name)+`]').closest('td').querySelector('.check'); return e ? e.textContent : ''; })()`)
	// The village was made on 1 July 2025, so it has no earlier report to
	// jump from: the check is against its peers (either reason will do).
	if !(strings.Contains(warning, "khác nhiều so với kỳ trước") || strings.Contains(warning, "so với")) || !strings.Contains(warning, "khoảng thường gặp") {
		t.Fatalf("warning beside the field %q, want the reason and the range", warning)
	}
	screenshot(t, ctx, "plausibility-warning")
	note := chromedp.CSS(`form.grid-form input[name="m.` + key + `"]`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(note, "Đã đối chiếu sổ hộ khẩu")); err != nil {
		t.Fatalf("type a comment: %v", err)
	}
	load(t, ctx, "save with a comment", save)
	if msg := text(t, ctx, `p.ok[role=status]`); !strings.HasPrefix(msg, "Đã lưu") {
		t.Fatalf("after the comment the page says %q, want Đã lưu…", msg)
	}

	// The approver, in a browser of their own.
	actx := startBrowser(t)
	login(t, actx, base, "pheduyet.huyen", password(t, accounts, "pheduyet.huyen"))
	open(t, actx, base+"/entry?unit=X25_BANBO&form=BM_BAN_NAM&period=2025")
	flag := eval[string](t, actx, `(() => { const e = document.querySelector('input[name=`+jsString(name)+`]').closest('td').querySelector('.flag'); return e ? e.textContent : ''; })()`)
	if !strings.Contains(flag, "cần kiểm tra") || !strings.Contains(flag, "Đã đối chiếu sổ hộ khẩu") {
		t.Errorf("the approver's cell shows %q, want it marked with the reason and the comment", flag)
	}
	if list := text(t, actx, `section.flags h2`); list != "Cần kiểm tra (1)" {
		t.Errorf("the approver's list is headed %q, want Cần kiểm tra (1)", list)
	}
}
