package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// keyPart is what a page must show on a phone without sideways scrolling:
// a CSS selector of its decisive column or button, and what it is.
type keyPart struct{ sel, what string }

// phoneKeys are, page by page (mainPages' names), the columns and buttons
// a person must see at 390 px without scrolling sideways (issue 16). The
// header's are checked on every page.
var phoneKeys = map[string][]keyPart{
	"home": {{`tr[data-target] .value`, "current value"}, {`tr[data-target] td.gap`, "gap"},
		{`tr[data-target] td.status .st`, "status"}},
	"target": {{`table.breakdown tr[data-unit] td:nth-child(2)`, "value"}, {`table.breakdown tr[data-unit] .st`, "status"},
		{`table.tasks tr[data-task] td.state .st`, "state of the target's tasks"}},
	"entry": {{`[data-status]`, "the grid's submission status"}, {`form.grid-form td select, form.grid-form td input:not([type=hidden])`, "grid cells"}},
	"approvals": {{`tr[data-submission] td:first-child`, "unit"}, {`tr[data-submission] button.primary`, "approve button"},
		{`tr[data-submission] a[href^="/entry"]`, "open the figures"}},
	"completeness": {{`table.completeness tr[data-unit] td:first-child`, "unit"}, {`table.completeness tr[data-unit] .st`, "status"},
		{`table.completeness tr[data-unit] a[href^="/entry"]`, "open the grid"}},
	"tasks": {{`table.tasks tr[data-task] td.code a`, "task"}, {`table.tasks tr[data-task] td.due`, "due date"},
		{`table.tasks tr[data-task] td.state .st`, "state"}},
	"units":       {{`table.units tbody td:first-child a`, "name"}, {`table.units tbody td:nth-child(4)`, "parent"}},
	"admin-audit": {{`table.audit tr[data-event] td:nth-child(4)`, "action"}, {`table.audit tr[data-event] td:nth-child(7)`, "old → new"}},
}

// phoneKnownFailing are the pages whose layout belongs to another issue:
// they are checked and what lies off screen is logged, without failing
// the test, until that issue lands. None now (the entry grid is stacked
// since issue 16).
var phoneKnownFailing = map[string]bool{}

// headerKeys are on every page.
var headerKeys = []keyPart{{`header .brand`, "whose system it is"}, {`header nav a`, "navigation"},
	{`header .notices-link`, "notifications"}, {`header .help-link`, "help"}, {`header form.logout button`, "sign out"}}

// offScreen returns, for sel, the elements (of the first eight shown) that
// lie outside a width px wide window, or that none is shown at all.
func offScreen(t *testing.T, ctx context.Context, sel string, width int64) []string {
	t.Helper()
	return eval[[]string](t, ctx, fmt.Sprintf(`(() => {
		const els = Array.from(document.querySelectorAll(%s)).filter(e => e.getClientRects().length > 0).slice(0, 8);
		if (els.length === 0) return ['none shown'];
		const w = Math.min(document.documentElement.clientWidth, %d);
		return els.map(e => e.getBoundingClientRect()).filter(r => r.left < -1 || r.right > w + 1 || r.width === 0)
			.map(r => Math.round(r.left) + '–' + Math.round(r.right) + ' px');
	})()`, jsString(sel), width))
}

// TestPhoneKeyColumns opens the main pages at 390 px as a person holding a
// phone and checks, page by page, that each decisive column and button lies
// within the window: rows are stacked or keep their key columns, and
// nothing needs a sideways scroll (issue 16). A grid is submitted first by
// the commune's reporter, so that approvals has a row with its button.
func TestPhoneKeyColumns(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	phone := viewports[1]
	setViewport(t, ctx, phone)

	// The reporter submits Bản Bo's quarterly grid.
	login(t, ctx, base, "xa.banbo", password(t, accounts, "xa.banbo"))
	open(t, ctx, base+"/entry")
	autoPick(t, ctx, "unit", optionValue(t, options(t, ctx, "unit"), "Bản Bo (since 2025)", isNewBanBo))
	autoPick(t, ctx, "form", optionValue(t, options(t, ctx, "form"), formVillagesQuarterly, func(o option) bool { return o.Text == formVillagesQuarterly }))
	autoPick(t, ctx, "period", optionValue(t, options(t, ctx, "period"), "Quý IV/2025", func(o option) bool { return o.Text == "Quý IV/2025" }))
	load(t, ctx, "press Lưu số liệu", chromedp.Click(chromedp.CSS(`form.grid-form button[type=submit]`)))
	load(t, ctx, "press Gửi duyệt", chromedp.Click(chromedp.CSS(`form[action="/submissions/submit"] button[type=submit]`)))
	if got := eval[string](t, ctx, `(document.querySelector('[data-status]') || {}).dataset?.status || ''`); got != "submitted" {
		t.Fatalf("after Gửi duyệt the grid is %q, want submitted", got)
	}
	load(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`header form.logout button`)))

	login(t, ctx, base, "quantri", password(t, accounts, "quantri"))
	// The administrator names the system on its page: the header must still
	// fit with a long issuing body's name.
	open(t, ctx, base+"/admin/settings")
	load(t, ctx, "save the settings",
		chromedp.SetValue(chromedp.CSS(`input[name="issuer"]`), "Ủy ban nhân dân huyện Tam Đường, tỉnh Lai Châu"),
		chromedp.SetValue(chromedp.CSS(`input[name="name"]`), "Theo dõi thực hiện kế hoạch phát triển văn hóa"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/settings"] button[type=submit]`)))
	if got := text(t, ctx, "header .brand .issuer"); got != "Ủy ban nhân dân huyện Tam Đường, tỉnh Lai Châu" {
		t.Fatalf("the header names %q", got)
	}
	pages := mainPages(t, ctx, base)
	var failed []string
	for _, p := range pages {
		keys, ok := phoneKeys[p.name]
		if !ok {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			open(t, ctx, p.url)
			for _, k := range append(slices.Clone(headerKeys), keys...) {
				if out := offScreen(t, ctx, k.sel, phone.w); len(out) > 0 {
					msg := fmt.Sprintf("%s at %d px: %s (%s) outside the window: %s", p.name, phone.w, k.what, k.sel, strings.Join(out, ", "))
					if phoneKnownFailing[p.name] {
						t.Log("known: " + msg)
					} else {
						t.Error(msg)
					}
					failed = append(failed, p.name+": "+k.what)
				}
			}
			checkFits(t, ctx, p.name, phone.w)
		})
	}
	if len(failed) > 0 {
		t.Logf("off screen at 390 px: %q", failed)
	}
	// Entry on a phone: each figure's field big enough for a thumb (44 px,
	// the platforms' guidance), and a numeric keyboard for numbers.
	for _, p := range pages {
		if p.name != "entry" {
			continue
		}
		open(t, ctx, p.url)
		small := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('form.grid-form td select, form.grid-form td input:not([type=hidden]):not([type=checkbox])'))
			.filter(e => e.getClientRects().length > 0 && e.getBoundingClientRect().height < 43.5).map(e => e.name + ' ' + Math.round(e.getBoundingClientRect().height) + ' px').slice(0, 4)`)
		if len(small) > 0 {
			t.Errorf("entry at %d px: fields under 44 px tall: %v", phone.w, small)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('form.grid-form td input[name^="v."]:not([inputmode])').length`); n > 0 {
			t.Errorf("entry at %d px: %d number fields without inputmode", phone.w, n)
		}
	}

	// The check must be able to fail: a key column pushed out is caught.
	open(t, ctx, pages[0].url)
	eval[bool](t, ctx, `(() => { document.querySelectorAll('tr[data-target] td.status').forEach(td => { td.style.position = 'relative'; td.style.left = '500px' }); return true })()`)
	if out := offScreen(t, ctx, `tr[data-target] td.status .st`, phone.w); len(out) == 0 {
		t.Error("a status moved 500 px to the right was not caught")
	}
}
