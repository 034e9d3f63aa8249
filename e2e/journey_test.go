package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kehoach/internal/vntext"
)

// isOldBanBo reports whether o is the demo's commune Bản Bo as it was until
// the 2025 reorganisation, the one whose villages report for 2024 (a newer
// commune of the same name exists from 1 July 2025).
func isOldBanBo(o option) bool {
	return strings.HasPrefix(o.Text, "Bản Bo (") && strings.Contains(o.Text, "đến 30/06/2025")
}

// isNewBanBo reports whether o is the commune Bản Bo made on 1 July 2025,
// where the demo's reporter reports since (issue 10).
func isNewBanBo(o option) bool {
	return strings.HasPrefix(o.Text, "Bản Bo (") && !strings.Contains(o.Text, "đến ")
}

const (
	formVillagesQuarterly = "Thiết chế văn hóa, truyền thanh thôn, bản (quý)"
	formVillagesYearly    = "Danh hiệu văn hóa thôn, bản và hộ gia đình (năm)"
)

// cell is one field of the entry grid.
type cell struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// gridFields lists the grid's fields for one data element, in page order.
func gridFields(t *testing.T, ctx context.Context, element string) []cell {
	t.Helper()
	return eval[[]cell](t, ctx, `Array.from(document.querySelectorAll('form.grid-form [name^="v."][name$=`+jsString("."+element)+`]'), e => ({name: e.name, value: e.value}))`)
}

// autoPick chooses value in the entry chooser's select the way a person
// does with JavaScript on: the change event submits the form (static/app.js).
// chromedp.SetValue fires input and change.
func autoPick(t *testing.T, ctx context.Context, name, value string) {
	t.Helper()
	load(t, ctx, "choose "+name+" "+value, chromedp.SetValue(chromedp.CSS(`form.choose select[name="`+name+`"]`), value))
	checkPicked(t, ctx, name, value)
}

// buttonPick chooses value in the entry chooser's select and presses
// "Chọn", the way the page works without JavaScript. Call it with
// JavaScript off (noScript): with it on, the choice alone submits.
func buttonPick(t *testing.T, ctx context.Context, name, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`form.choose select[name="`+name+`"]`), value)); err != nil {
		t.Fatalf("choose %s %s: %v", name, value, err)
	}
	if got := text(t, ctx, `form.choose button[type=submit]`); got != "Chọn" {
		t.Fatalf("chooser button says %q, want Chọn", got)
	}
	load(t, ctx, "press Chọn", chromedp.Click(chromedp.CSS(`form.choose button[type=submit]`)))
	checkPicked(t, ctx, name, value)
}

// checkPicked fails unless the chooser's select name holds value.
func checkPicked(t *testing.T, ctx context.Context, name, value string) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`form.choose select[name="`+name+`"]`)))
	if err != nil {
		t.Fatalf("read choice %s: %v", name, err)
	}
	if got != value {
		t.Fatalf("after choosing, %s is %q, want %q", name, got, value)
	}
}

// noScript turns JavaScript off in the page until the returned func is
// called: the pages must work without it.
func noScript(t *testing.T, ctx context.Context) func() {
	t.Helper()
	set := func(off bool) error {
		return chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
			return err
		}))
	}
	if err := set(true); err != nil {
		t.Fatalf("turn JavaScript off: %v", err)
	}
	return func() {
		if err := set(false); err != nil {
			t.Errorf("turn JavaScript back on: %v", err)
		}
	}
}

// openPlan opens the home page, which shows the demo's only plan, and
// returns the plan page's URL.
func openPlan(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	open(t, ctx, base+"/")
	path := eval[string](t, ctx, `location.pathname`)
	if !strings.HasPrefix(path, "/plans/") {
		t.Fatalf("home page is %s, want a plan page /plans/{id}", path)
	}
	return base + path
}

// TestJourneys walks the main journeys of a commune's culture officer in a
// real browser against the real program with the demo loaded.
func TestJourneys(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	// The commune's reporter: enters Bản Bo's figures and sees the plan's
	// targets for Bản Bo.
	login(t, ctx, base, "xa.banbo", password(t, accounts, "xa.banbo"))

	t.Run("entering figures moves the plan's progress", func(t *testing.T) {
		planURL := openPlan(t, ctx, base)
		before := readFigure(t, ctx, "2b")
		t.Logf("2b before: %s, %s", before.XY, before.Value)
		screenshot(t, ctx, "plan")

		href := eval[string](t, ctx, `(Array.from(document.querySelectorAll('header nav a')).find(a => a.textContent.trim() === 'Nhập số liệu') || {}).pathname || ''`)
		if href == "" {
			t.Fatal("no Nhập số liệu link in the navigation")
		}
		load(t, ctx, "follow Nhập số liệu", chromedp.Click(chromedp.CSS(`header nav a[href="`+href+`"]`)))
		if got := text(t, ctx, `header nav a[aria-current="page"]`); got != "Nhập số liệu" {
			t.Fatalf("current nav item is %q, want Nhập số liệu", got)
		}
		// Issue 10: the reporter's scope moved to the new commune of Bản Bo;
		// its villages' last quarter of the plan is Quý IV/2025.
		autoPick(t, ctx, "unit", optionValue(t, options(t, ctx, "unit"), "Bản Bo (since 2025)", isNewBanBo))
		autoPick(t, ctx, "form", optionValue(t, options(t, ctx, "form"), formVillagesQuarterly, func(o option) bool { return o.Text == formVillagesQuarterly }))
		autoPick(t, ctx, "period", optionValue(t, options(t, ctx, "period"), "Quý IV/2025", func(o option) bool { return o.Text == "Quý IV/2025" }))
		if h1 := text(t, ctx, "h1"); !strings.Contains(h1, "Bản Bo") {
			t.Errorf("entry page heading is %q, want it to name Bản Bo", h1)
		}

		loudspeakers := gridFields(t, ctx, "BAN_LOA")
		if len(loudspeakers) == 0 {
			t.Fatal(`the grid has no "Cụm loa" (BAN_LOA) field`)
		}
		screenshot(t, ctx, "entry")

		// chromedp.SetValue fires input and change as a person's choice
		// does, which arms the grid's unsaved-changes guard (static/app.js):
		// saving must still leave the page without a prompt.
		setSelect := func(name, value string) {
			t.Helper()
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`form.grid-form select[name="`+name+`"]`), value)); err != nil {
				t.Fatalf("set %s to %q: %v", name, value, err)
			}
		}
		want := map[string]string{}
		delta := 0
		for _, c := range loudspeakers {
			if c.Value == "true" {
				setSelect(c.Name, "false")
				want[c.Name] = "false"
				delta--
			}
		}
		if delta == 0 {
			for _, c := range loudspeakers {
				if c.Value == "false" {
					setSelect(c.Name, "true")
					want[c.Name] = "true"
					delta = 1
					break
				}
			}
		}
		if delta == 0 {
			t.Fatalf("no village of Bản Bo has a yes or no loudspeaker figure for Quý IV/2025: %v", loudspeakers)
		}
		t.Logf("changed %d of %d villages' loudspeaker figure", len(want), len(loudspeakers))

		load(t, ctx, "press Lưu số liệu", chromedp.Click(chromedp.CSS(`form.grid-form button[type=submit]`)))
		if msg := text(t, ctx, `p.ok[role=status]`); !strings.HasPrefix(msg, "Đã lưu") {
			t.Errorf("after saving the page says %q, want Đã lưu…", msg)
		}
		for _, c := range gridFields(t, ctx, "BAN_LOA") {
			if w, ok := want[c.Name]; ok && c.Value != w {
				t.Errorf("after saving, %s is %q, want %q", c.Name, c.Value, w)
			}
		}

		open(t, ctx, planURL)
		after := readFigure(t, ctx, "2b")
		t.Logf("2b after: %s, %s", after.XY, after.Value)
		if after.Num-before.Num != delta {
			t.Errorf("2b went from %q to %q: numerator changed by %d, want %d", before.XY, after.XY, after.Num-before.Num, delta)
		}
		if after.Value == before.Value {
			t.Errorf("2b percentage stayed %s after changing %d villages", after.Value, len(want))
		}
	})

	t.Run("a negative figure is refused beside its field, without JavaScript", func(t *testing.T) {
		defer noScript(t, ctx)()
		planURL := openPlan(t, ctx, base)
		before := readFigure(t, ctx, "4a")

		open(t, ctx, base+"/entry")
		buttonPick(t, ctx, "unit", optionValue(t, options(t, ctx, "unit"), "Bản Bo (since 2025)", isNewBanBo))
		buttonPick(t, ctx, "form", optionValue(t, options(t, ctx, "form"), formVillagesYearly, func(o option) bool { return o.Text == formVillagesYearly }))
		buttonPick(t, ctx, "period", optionValue(t, options(t, ctx, "period"), "Năm 2025", func(o option) bool { return o.Text == "Năm 2025" }))

		households := gridFields(t, ctx, "HGD_TONG")
		if len(households) == 0 {
			t.Fatal("the grid has no households (HGD_TONG) field")
		}
		name := households[0].Name
		field := chromedp.CSS(`form.grid-form input[name="` + name + `"]`)
		if err := chromedp.Do(ctx, chromedp.Clear(field), chromedp.SendKeys(field, "-5")); err != nil {
			t.Fatalf("type -5 into %s: %v", name, err)
		}

		if status := load(t, ctx, "press Lưu số liệu", chromedp.Click(chromedp.CSS(`form.grid-form button[type=submit]`))); status != 422 {
			t.Errorf("saving a negative figure answered %d, want 422", status)
		}
		msg := eval[string](t, ctx, `(() => {
			const e = document.querySelector('form.grid-form input[name=`+jsString(name)+`]').closest('td').querySelector('.field-error');
			return e ? e.textContent.trim() : '';
		})()`)
		if !strings.Contains(msg, "âm") {
			t.Errorf("message beside %s is %q, want one saying the figure is negative (âm)", name, msg)
		}
		got, err := chromedp.Run(ctx, chromedp.Value(field))
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		if got != "-5" {
			t.Errorf("after the refusal %s holds %q, want what was typed, -5", name, got)
		}
		if alert := text(t, ctx, `p.alert[role=alert]`); alert == "" {
			t.Error("no message at the top of the refused grid")
		}
		screenshot(t, ctx, "entry-error")

		open(t, ctx, planURL)
		if after := readFigure(t, ctx, "4a"); after != before {
			t.Errorf("4a changed from %+v to %+v though the save was refused", before, after)
		}
	})

	t.Run("unit search ignores diacritics", func(t *testing.T) {
		open(t, ctx, base+"/units")
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`form[role=search] input[name=q]`), "ban bo")); err != nil {
			t.Fatalf("type the search: %v", err)
		}
		load(t, ctx, "press Tìm", chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)))
		names := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('table.units tbody tr td:first-child a'), a => a.firstChild.textContent.trim())`)
		if !slices.Contains(names, "Bản Bo") {
			t.Fatalf(`searching "ban bo" found %q, want Bản Bo among them`, names)
		}
		for _, n := range names {
			if !strings.Contains(vntext.Fold(n), "ban bo") {
				t.Errorf(`searching "ban bo" found %q, which does not match`, n)
			}
		}
	})
}
