package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRemovalAsks is issue 9's stray space in a browser, without
// JavaScript: a space typed over a stored figure is refused beside the
// field and the figure stays; its "Xóa" control makes the page ask, and
// only the yes removes it.
func TestRemovalAsks(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	login(t, ctx, base, "xa.banbo", password(t, accounts, "xa.banbo"))
	defer noScript(t, ctx)()

	open(t, ctx, base+"/entry")
	buttonPick(t, ctx, "unit", optionValue(t, options(t, ctx, "unit"), "Bản Bo (since 2025)", isNewBanBo))
	buttonPick(t, ctx, "form", optionValue(t, options(t, ctx, "form"), formVillagesYearly, func(o option) bool { return o.Text == formVillagesYearly }))
	buttonPick(t, ctx, "period", optionValue(t, options(t, ctx, "period"), "Năm 2025", func(o option) bool { return o.Text == "Năm 2025" }))
	households := gridFields(t, ctx, "HGD_TONG")
	if len(households) == 0 || households[0].Value == "" {
		t.Fatalf("no stored household figure in the grid: %v", households)
	}
	name, stored := households[0].Name, households[0].Value
	field := chromedp.CSS(`form.grid-form input[name="` + name + `"]`)
	save := chromedp.Click(chromedp.CSS(`form.grid-form button.primary[type=submit]:not([name])`))

	if err := chromedp.Do(ctx, chromedp.Clear(field), chromedp.SendKeys(field, " ")); err != nil {
		t.Fatalf("type a space into %s: %v", name, err)
	}
	if status := load(t, ctx, "save a space", save); status != 422 {
		t.Errorf("saving a space over %s answered %d, want 422", stored, status)
	}
	msg := eval[string](t, ctx, `(() => { const e = document.querySelector('form.grid-form input[name=`+jsString(name)+`]').closest('td').querySelector('.field-error'); return e ? e.textContent : ''; })()`)
	if !strings.Contains(msg, "chưa bị xóa") {
		t.Errorf("message beside the field %q, want it to say the figure stays", msg)
	}

	// Type the figure back, tick its Xóa control: the page asks.
	remove := chromedp.CSS(`form.grid-form input[type=checkbox][name="d.` + strings.TrimPrefix(name, "v.") + `"]`)
	if err := chromedp.Do(ctx, chromedp.Clear(field), chromedp.SendKeys(field, stored), chromedp.Click(remove)); err != nil {
		t.Fatalf("tick Xóa of %s: %v", name, err)
	}
	if status := load(t, ctx, "save with Xóa ticked", save); status != 200 {
		t.Errorf("saving with Xóa ticked answered %d, want 200 (the question)", status)
	}
	if q := text(t, ctx, ".confirm-remove p"); !strings.Contains(q, "Bạn sắp xóa 1 số liệu đã lưu") {
		t.Errorf("the page asks %q", q)
	}
	load(t, ctx, "say yes", chromedp.Click(chromedp.CSS(`button[name=confirm_remove]`)))
	if msg := text(t, ctx, `p.ok[role=status]`); !strings.Contains(msg, "1 xóa") {
		t.Errorf("after the yes the page says %q, want 1 xóa", msg)
	}
	if got := gridFields(t, ctx, "HGD_TONG")[0].Value; got != "" {
		t.Errorf("after the yes %s shows %q, want it removed", name, got)
	}
}
