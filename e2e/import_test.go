package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The import page (issue 13) as a commune's reporter uses it: choose a
// file, press Nhập, land on the job's page, which refreshes itself until
// the result shows; a wrong figure is named with its line and nothing is
// saved, a right one is.
func TestImportJourney(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	login(t, ctx, base, "xa.banbo", password(t, accounts, "xa.banbo"))
	dir := t.TempDir()
	upload := func(name, content string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		open(t, ctx, base+"/import")
		if got := text(t, ctx, "h1"); got != "Nhập số liệu từ tệp" {
			t.Fatalf("heading %q", got)
		}
		if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[type=file][name=file]`), []string{path})); err != nil {
			t.Fatalf("choose file: %v", err)
		}
		load(t, ctx, "press Nhập", chromedp.Click(chromedp.CSS(`form[action="/import"] button[type=submit]`)))
		for range 100 {
			if status := eval[string](t, ctx, `(document.querySelector('[data-status]') || {dataset: {}}).dataset.status || ''`); status != "" {
				return status + " " + text(t, ctx, "main")
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatal("the job page never showed a result")
		return ""
	}
	got := upload("sai.csv", "BAN_LOA,2025Q4,X25_BANBO_B01,,,có lẽ\n")
	if !strings.HasPrefix(got, "ERROR") || !strings.Contains(got, "dòng 1") {
		t.Errorf("wrong file: %s", got)
	}
	got = upload("dung.csv", "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\nBAN_LOA,2025Q4,X25_BANBO_B01,,,Không\n")
	if !strings.HasPrefix(got, "SUCCESS") {
		t.Errorf("right file: %s", got)
	}
	checkNoOverflow(t, ctx, "import result")
}
