package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTaskProgressJourney (issue 11): a commune posts progress with a PDF
// on its task, the district officer sees it on the board and returns it
// with a reason, and the commune sees the reason.
func TestTaskProgressJourney(t *testing.T) {
	ctx := startBrowser(t)
	base, accounts := startServer(t)
	pdf := filepath.Join(t.TempDir(), "ke-hoach-2024.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	logout := func() {
		t.Helper()
		load(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form.logout button`)))
	}
	const reason = "Thiếu số và ngày ban hành kế hoạch"

	login(t, ctx, base, "xa.banbo", password(t, accounts, "xa.banbo"))
	open(t, ctx, base+"/tasks/mine")
	href := eval[string](t, ctx, `(document.querySelector('tr[data-task="III.11.BANBO"] a') || {}).pathname || ''`)
	if href == "" {
		t.Fatal("my tasks does not list Bản Bo's task III.11.BANBO")
	}
	open(t, ctx, base+href)
	screenshot(t, ctx, "task")
	// The 2025 occurrence: the old commune's task is carried to today's
	// Bản Bo, the reporter's scope since the 2025 reorganisation.
	load(t, ctx, "post progress with a PDF",
		chromedp.SetValue(chromedp.CSS(`form.progress-form select[name=occurrence]`), "2025"),
		chromedp.SetValue(chromedp.CSS(`form.progress-form textarea[name=text]`), "UBND xã đã ban hành kế hoạch thực hiện năm 2025 và tổ chức tuyên truyền tại 10 bản"),
		chromedp.SetValue(chromedp.CSS(`form.progress-form select[name=work]`), "done"),
		chromedp.SetValue(chromedp.CSS(`form.progress-form input[name=percent]`), "100"),
		chromedp.SetValue(chromedp.CSS(`form.progress-form input[name=date]`), "2025-11-20"),
		chromedp.SetUploadFiles(chromedp.CSS(`form.progress-form input[name=evidence]`), []string{pdf}),
		chromedp.Click(chromedp.CSS(`form.progress-form button[value=true]`)))
	if msg := text(t, ctx, `p.ok[role=status]`); !strings.HasPrefix(msg, "Đã gửi") {
		t.Fatalf("after posting the page says %q", msg)
	}
	if got := eval[string](t, ctx, `(document.querySelector('article.report a[data-evidence]') || {}).textContent || ''`); got != "ke-hoach-2024.pdf" {
		t.Fatalf("the report shows evidence %q", got)
	}
	logout()

	login(t, ctx, base, "pheduyet.huyen", password(t, accounts, "pheduyet.huyen"))
	plan := openPlan(t, ctx, base)
	open(t, ctx, plan+"/tasks?by=unit")
	// The board is paged (issue 11): the list of bodies leads to the page
	// where today's Bản Bo begins.
	if eval[int](t, ctx, `document.querySelectorAll('li[data-group-link="X25_BANBO"] a').length`) == 1 {
		load(t, ctx, "open the page of today's Bản Bo", chromedp.Click(chromedp.CSS(`li[data-group-link="X25_BANBO"] a`)))
	}
	row := `tr[data-task="III.11.BANBO"][data-occurrence="2025"]`
	if n := eval[int](t, ctx, `document.querySelectorAll('`+row+`').length`); n != 1 {
		t.Fatalf("the board shows %d rows of III.11.BANBO 2025", n)
	}
	screenshot(t, ctx, "task-board")
	load(t, ctx, "open the task from the board", chromedp.Click(chromedp.CSS(row+` a`)))
	if st := eval[string](t, ctx, `(document.querySelector('article.report') || {dataset:{}}).dataset.state || ''`); st != "submitted" {
		t.Fatalf("the officer sees the report as %q", st)
	}
	load(t, ctx, "return with a reason",
		chromedp.SetValue(chromedp.CSS(`form.return-form input[name=reason]`), reason),
		chromedp.Click(chromedp.CSS(`form.return-form button`)))
	if msg := text(t, ctx, `p.ok[role=status]`); !strings.HasPrefix(msg, "Đã trả lại") {
		t.Fatalf("after returning the page says %q", msg)
	}
	logout()

	login(t, ctx, base, "xa.banbo", password(t, accounts, "xa.banbo"))
	open(t, ctx, base+"/tasks/mine")
	if got := text(t, ctx, `tr[data-task="III.11.BANBO"][data-occurrence="2025"] .returned`); !strings.Contains(got, reason) {
		t.Errorf("my tasks shows %q, want the reason", got)
	}
	open(t, ctx, base+href)
	if got := text(t, ctx, `article.report .reason`); !strings.Contains(got, reason) {
		t.Errorf("the task page shows %q, want the reason", got)
	}
	checkNoOverflow(t, ctx, "task page")
}
