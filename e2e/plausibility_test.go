package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kehoach/internal/locale"
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

// TestBoundWarning (issue 9, point 4): the district's planner sets, on the
// households element's page, a bound for one new village of Bản Bo just
// above its stored figure; the Bản Bo reporter types a figure above it and
// gets the warning "ngoài khoảng cho phép" with the planner's range beside
// the field, confirms it, and the district's approver finds the figure in
// the list "Số liệu cần kiểm tra" across grids, with a link to its grid.
func TestBoundWarning(t *testing.T) {
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
	village := strings.TrimSuffix(strings.TrimPrefix(name, "v."), ".HGD_TONG")
	stored, err := strconv.Atoi(strings.ReplaceAll(households[0].Value, ".", ""))
	if err != nil {
		t.Fatalf("stored figure %q: %v", households[0].Value, err)
	}

	// The planner, in a browser of their own.
	pctx := startBrowser(t)
	login(t, pctx, base, "vanhoa.huyen", password(t, accounts, "vanhoa.huyen"))
	open(t, pctx, base+"/planner/elements/HGD_TONG")
	load(t, pctx, "open the bounds", chromedp.Click(chromedp.CSS(`a[href="/planner/elements/HGD_TONG/bounds"]`)))
	keys := 0
	hi := stored + 5
	mustSave(t, pctx, "/planner/elements/HGD_TONG/bounds", []field{{"unit", village}, {"min", "1"}, {"max", strconv.Itoa(hi)}, {"note", "Theo sổ hộ khẩu 2025"}}, true, &keys)
	if row := text(t, pctx, `tr[data-bound="`+village+`"]`); !strings.Contains(row, "Theo sổ hộ khẩu 2025") {
		t.Fatalf("the bound's row reads %q", row)
	}
	screenshot(t, pctx, "planner-bounds")

	// The reporter sees the range beside the field, types 10 more than
	// stored: above it.
	pickGrid()
	shown := eval[string](t, ctx, `(() => { const e = document.querySelector('form.grid-form input[name=`+jsString(name)+`]').closest('td').querySelector('.range'); return e ? e.textContent : ''; })()`)
	if want := "cho phép 1–" + locale.VI.Number(float64(hi), 0); shown != want {
		t.Errorf("beside the field %q, want %q", shown, want)
	}
	field := chromedp.CSS(`form.grid-form input[name="` + name + `"]`)
	save := chromedp.Click(chromedp.CSS(`form.grid-form button.primary[type=submit]:not([name])`))
	if err := chromedp.Do(ctx, chromedp.Clear(field), chromedp.SendKeys(field, strconv.Itoa(stored+10))); err != nil {
		t.Fatalf("type into %s: %v", name, err)
	}
	if status := load(t, ctx, "save the figure above its bound", save); status != 422 {
		t.Fatalf("saving %d answered %d, want 422 (the warning)", stored+10, status)
	}
	warning := eval[string](t, ctx, `(() => { const e = document.querySelector('form.grid-form input[name=`+jsString(name)+`]').closest('td').querySelector('.check'); return e ? e.textContent : ''; })()`)
	if want := "ngoài khoảng cho phép (1–" + locale.VI.Number(float64(hi), 0) + ")"; !strings.Contains(warning, want) {
		t.Fatalf("warning beside the field %q, want %q", warning, want)
	}
	key := strings.TrimPrefix(name, "v.")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.grid-form input[name="k.`+key+`"]`))); err != nil {
		t.Fatalf("tick Số liệu đúng: %v", err)
	}
	load(t, ctx, "save confirmed", save)
	if msg := text(t, ctx, `p.ok[role=status]`); !strings.HasPrefix(msg, "Đã lưu") {
		t.Fatalf("after the confirmation the page says %q, want Đã lưu…", msg)
	}

	// The approver's list across grids, from the approvals page.
	actx := startBrowser(t)
	login(t, actx, base, "pheduyet.huyen", password(t, accounts, "pheduyet.huyen"))
	open(t, actx, base+"/approvals")
	load(t, actx, "open the flagged list", chromedp.Click(chromedp.CSS(`a[href="/approvals/flagged"]`)))
	row := text(t, actx, `tr[data-flagged="HGD_TONG/`+village+`/2025"]`)
	if !strings.Contains(row, "ngoài khoảng cho phép") || !strings.Contains(row, locale.VI.Number(float64(stored+10), 0)) {
		t.Fatalf("the approver's row reads %q", row)
	}
	screenshot(t, actx, "flagged-list")
	load(t, actx, "open the grid", chromedp.Click(chromedp.CSS(`tr[data-flagged="HGD_TONG/`+village+`/2025"] a`)))
	flag := eval[string](t, actx, `(() => { const e = document.querySelector('input[name=`+jsString(name)+`]').closest('td').querySelector('.flag'); return e ? e.textContent : ''; })()`)
	if !strings.Contains(flag, "ngoài khoảng cho phép") {
		t.Errorf("the grid's cell shows %q, want it marked", flag)
	}
}
