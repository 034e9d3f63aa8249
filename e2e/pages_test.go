package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// errorTitles are the headings of the error page (web.statusTitle): a page
// that shows one of them failed, whatever its status.
var errorTitles = []string{
	"Dữ liệu không hợp lệ",
	"Không tìm thấy",
	"Xung đột dữ liệu",
	"Chưa đăng nhập",
	"Không có quyền truy cập",
	"Lỗi hệ thống",
}

// viewport is a browser window size the pages must work at.
type viewport struct {
	name   string
	w, h   int64
	mobile bool
}

// viewports are a desktop and a phone (390 px is an iPhone 12 to 15 held
// upright, the narrowest common phone of the officers who enter figures).
var viewports = []viewport{
	{"desktop", 1280, 900, false},
	{"phone", 390, 844, true},
}

// mainPage is one main page of the site, as TestMainPages visits it.
type mainPage struct {
	name    string // for the subtest and the screenshot's file name
	url     string // absolute
	path    string // where the page must stay (no redirect to /login)
	heading string // what its h1 must contain
}

// setViewport makes the tab vp's size, emulating a phone's touch screen and
// its meta viewport handling when vp.mobile.
func setViewport(t *testing.T, ctx context.Context, vp viewport) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if vp.mobile {
		opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h, opts...)); err != nil {
		t.Fatalf("viewport %s (%d px): %v", vp.name, vp.w, err)
	}
}

// mainPages finds the URLs of the main pages the way a person reaches them:
// the plan the home page shows, its first target, the entry grid of the
// demo's Bản Bo (until 2025) for the villages' quarterly form in Quý
// IV/2024, the history of the grid's first cell, and the completeness of
// that form and period. It leaves the tab on the last page it opened.
func mainPages(t *testing.T, ctx context.Context, base string) []mainPage {
	t.Helper()
	planURL := openPlan(t, ctx, base)
	target := eval[string](t, ctx, `(document.querySelector('tr[data-target] a[href*="/targets/"]') || {}).href || ''`)
	if target == "" {
		t.Fatal("the plan page links to no target")
	}

	open(t, ctx, base+"/entry")
	autoPick(t, ctx, "unit", optionValue(t, options(t, ctx, "unit"), "Bản Bo (until 2025)", isOldBanBo))
	form := optionValue(t, options(t, ctx, "form"), formVillagesQuarterly, func(o option) bool { return o.Text == formVillagesQuarterly })
	autoPick(t, ctx, "form", form)
	period := optionValue(t, options(t, ctx, "period"), "Quý IV/2024", func(o option) bool { return o.Text == "Quý IV/2024" })
	autoPick(t, ctx, "period", period)
	entry := eval[string](t, ctx, `location.href`)
	history := eval[string](t, ctx, `(document.querySelector('form.grid-form a.history') || {}).href || ''`)
	if history == "" {
		t.Fatal("the entry grid links to no cell's history")
	}

	pathOf := func(raw string) string {
		t.Helper()
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("parse %s: %v", raw, err)
		}
		return u.Path
	}
	completeness := base + "/completeness?" + url.Values{"form": {form}, "period": {period}}.Encode()
	pages := []mainPage{
		{name: "home", url: base + "/", path: pathOf(planURL), heading: "Kế hoạch triển khai"},
		{name: "target", url: target, heading: "Mục tiêu "},
		{name: "entry", url: entry, heading: "Nhập số liệu: Bản Bo"},
		{name: "history", url: history, heading: "Lịch sử số liệu"},
		{name: "approvals", url: base + "/approvals", heading: "Phê duyệt số liệu"},
		{name: "flagged", url: base + "/approvals/flagged", heading: "Số liệu cần kiểm tra"},                                          // issue 9
		{name: "bounds", url: base + "/planner/elements/HGD_TONG/bounds?propose=1", heading: "Khoảng cho phép · Tổng số hộ gia đình"}, // issue 9
		{name: "completeness", url: completeness, heading: "Tình hình báo cáo: " + formVillagesQuarterly},
		{name: "tasks", url: planURL + "/tasks", heading: "Nhiệm vụ của kế hoạch"}, // issue 11
		{name: "units", url: base + "/units", heading: "Đơn vị"},
		{name: "unit", url: base + "/units/XA_BANBO", heading: "Bản Bo"},
		{name: "account", url: base + "/account", heading: "Tài khoản: quantri"},
		{name: "admin-users", url: base + "/admin/users", heading: "Tài khoản người dùng"},
		{name: "admin-audit", url: base + "/admin/audit", heading: "Nhật ký hệ thống"},
		{name: "admin-tokens", url: base + "/admin/tokens", heading: "Mã truy cập API"},
		{name: "import", url: base + "/import", heading: "Nhập số liệu từ tệp"}, // issue 13
	}
	for i := range pages {
		if pages[i].path == "" {
			pages[i].path = pathOf(pages[i].url)
		}
	}
	return pages
}

// TestMainPages opens every main page as the demo's administrator, who may
// see them all, on a desktop and on a 390 px phone, and checks each answers
// 200 with its own heading (not the error page's, not the login page) and,
// at either width, that the page does not scroll sideways: a wide table
// must scroll inside its .table-wrap. With KEHOACH_SCREENSHOTS=dir it saves
// a full-page PNG of each page at each width in dir, for a person to look
// at.
func TestMainPages(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	login(t, ctx, base, "quantri", password(t, accounts, "quantri"))
	pages := mainPages(t, ctx, base)

	shots := os.Getenv("KEHOACH_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatalf("screenshot directory: %v", err)
		}
	}
	for _, vp := range viewports {
		// The size is set before the pages load, as a phone opens them.
		setViewport(t, ctx, vp)
		for i, p := range pages {
			t.Run(fmt.Sprintf("%s at %d px", p.name, vp.w), func(t *testing.T) {
				open(t, ctx, p.url)
				if path := eval[string](t, ctx, `location.pathname`); path != p.path {
					t.Fatalf("%s led to %s, want %s", p.url, path, p.path)
				}
				title := eval[string](t, ctx, `document.title`)
				for _, e := range errorTitles {
					if strings.HasPrefix(title, e) {
						t.Fatalf("%s shows the error page %q", p.url, title)
					}
				}
				if h1 := text(t, ctx, "main h1"); !strings.Contains(h1, p.heading) {
					t.Errorf("%s: heading is %q, want it to contain %q", p.url, h1, p.heading)
				}
				checkFits(t, ctx, fmt.Sprintf("%s at %d px", p.name, vp.w), vp.w)
				if shots == "" {
					return
				}
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatalf("screenshot: %v", err)
				}
				file := filepath.Join(shots, fmt.Sprintf("%02d-%s-%dpx.png", i+1, p.name, vp.w))
				if err := os.WriteFile(file, png, 0o644); err != nil {
					t.Fatalf("save screenshot: %v", err)
				}
				t.Logf("screenshot: %s", file)
			})
		}
	}

	// The check above must be able to fail: on the phone, a block wider
	// than the window outside any .table-wrap is overflow.
	if msg := overflow(t, ctx, 390); msg != "" {
		t.Fatalf("before widening the page: %s", msg)
	}
	eval[bool](t, ctx, `(() => { const d = document.createElement('div'); d.style.width = '600px'; d.textContent = 'wide'; document.querySelector('main').append(d); return true })()`)
	if msg := overflow(t, ctx, 390); msg == "" {
		t.Error("a 600 px wide block in a 390 px window was not caught as overflow")
	} else {
		t.Logf("overflow check on a widened page: %s", msg)
	}
}

// checkFits fails when the page is wider than the window, which is width
// px wide: the page must not scroll sideways (a wide table scrolls inside
// its .table-wrap instead).
func checkFits(t *testing.T, ctx context.Context, what string, width int64) {
	t.Helper()
	if msg := overflow(t, ctx, width); msg != "" {
		t.Errorf("%s: %s", what, msg)
	}
}

// overflow says how the page shown is wider than a window width px wide,
// or returns "" when it fits. window.innerWidth alone does not tell: a
// phone widens its layout viewport to the content, so innerWidth grows with
// the overflow (clientWidth stays the window's); width bounds it too. One px
// is allowed for rounding.
func overflow(t *testing.T, ctx context.Context, width int64) string {
	t.Helper()
	w := eval[[]int64](t, ctx, `[document.documentElement.scrollWidth, window.innerWidth]`)
	limit := min(w[1], width) + 1
	if w[0] <= limit {
		return ""
	}
	wide := eval[[]string](t, ctx, fmt.Sprintf(`Array.from(document.querySelectorAll('body *')).filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > %d).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + (e.name ? '[name=' + e.name + ']' : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')`, limit))
	return fmt.Sprintf("page is %d px wide in a %d px window (innerWidth %d): it scrolls sideways; too wide: %q", w[0], width, w[1], wide)
}
