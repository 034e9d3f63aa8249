package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestReportPage reaches the report from the plan page as a person does
// (the "Báo cáo" button), checks it at 1280 and 390 px without sideways
// scrolling, with charts that carry titles, then prints it as the
// browser's "In" would: the print stylesheet gives A4 pages holding the
// document without the site's menus, forms or buttons.
func TestReportPage(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	login(t, ctx, base, "quantri", password(t, accounts, "quantri"))
	openPlan(t, ctx, base)
	load(t, ctx, "open the report", chromedp.Click(chromedp.CSS(`a[href$="/report"]`)))
	if h1 := text(t, ctx, "main h1"); !strings.HasPrefix(h1, "Báo cáo") {
		t.Fatalf("report page heading %q", h1)
	}
	// Pick 2024 in the period list, as a person does.
	load(t, ctx, "pick 2024", chromedp.SetValue(chromedp.CSS(`select[name="period"]`), "2024"))
	if h1 := text(t, ctx, "main h1"); h1 != "Báo cáo năm 2024" {
		t.Fatalf("after picking 2024: %q", h1)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('svg.chart.trend title').length`); n < 14 {
		t.Errorf("%d trend charts with titles, want one per target", n)
	}
	for _, vp := range viewports {
		setViewport(t, ctx, vp)
		open(t, ctx, base+eval[string](t, ctx, `location.pathname + location.search`))
		checkFits(t, ctx, fmt.Sprintf("report at %d px", vp.w), vp.w)
		if dir := os.Getenv("KEHOACH_SCREENSHOTS"); dir != "" {
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG, as the file is named
			if err == nil {
				os.MkdirAll(dir, 0o755)
				os.WriteFile(filepath.Join(dir, fmt.Sprintf("report-%dpx.png", vp.w)), png, 0o644)
			}
		}
	}
	setViewport(t, ctx, viewports[0])
	pdf, err := chromedp.Run(ctx, func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		yes := true
		res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
		return res.Data, err
	})
	if err != nil {
		t.Fatalf("print: %v", err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	path := filepath.Join(t.TempDir(), "printed.pdf")
	os.WriteFile(path, pdf, 0o644)
	if out := os.Getenv("KEHOACH_PRINTED_PDF"); out != "" {
		os.WriteFile(out, pdf, 0o644)
	}
	info, _ := exec.Command("pdfinfo", path).Output()
	if !regexp.MustCompile(`Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)`).Match(info) {
		t.Errorf("printed page is not A4: %s", info)
	}
	txt, _ := exec.Command("pdftotext", path, "-").Output()
	flat := strings.Join(strings.Fields(string(txt)), " ")
	for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Nơi nhận:", "PHỤ LỤC"} {
		if !strings.Contains(flat, want) {
			t.Errorf("printed report lacks %q", want)
		}
	}
	for _, unwanted := range []string{"Đăng xuất", "Lưu bản nháp", "Tải về", "Nhập số liệu"} {
		if strings.Contains(flat, unwanted) {
			t.Errorf("printed report shows the site's %q", unwanted)
		}
	}
}
