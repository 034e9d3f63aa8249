package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kehoach"
	"kehoach/internal/mail"
)

var occRow = regexp.MustCompile(`data-task="([^"]+)" data-occurrence="([^"]*)"`)

// rowsIn returns "CODE/KEY" of the occurrence rows in html.
func rowsIn(html string) []string {
	var out []string
	for _, m := range occRow.FindAllStringSubmatch(html, -1) {
		out = append(out, m[1]+"/"+m[2])
	}
	return out
}

func TestTaskPages(t *testing.T) {
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	as := func(u string) map[string]string { return map[string]string{"X-Test-As": u} }

	// The board groups by section in the plan's order, and by body with
	// the most overdue first.
	_, board := do(t, srv, "GET", "/plans/1/tasks", nil, "", as("viewer"))
	// (The board is paged: the list of every group gives the order.)
	i21, i3, iIII := strings.Index(board, `data-group-link="II.2.1"`), strings.Index(board, `data-group-link="II.3"`), strings.Index(board, `data-group-link="III"`)
	if i21 < 0 || i3 < i21 || iIII < i3 || !strings.Contains(board, `class="summary task-count"`) {
		t.Errorf("board by section: %d %d %d", i21, i3, iIII)
	}
	_, byUnit := do(t, srv, "GET", "/plans/1/tasks?by=unit&status=overdue", nil, "", as("viewer"))
	if !strings.Contains(byUnit, `data-group="CQ_VHTT"`) || strings.Contains(byUnit, `data-state="not_started"`) {
		t.Errorf("board by body, overdue only: %s", excerpt(byUnit))
	}
	// The plan page counts the tasks; the target page lists its tasks.
	_, plan := do(t, srv, "GET", "/plans/1", nil, "", as("viewer"))
	if !strings.Contains(plan, `class="summary task-count"`) || !strings.Contains(plan, "/plans/1/tasks") {
		t.Error("plan page has no task count or board link")
	}
	_, target := do(t, srv, "GET", "/plans/1/targets/2b", nil, "", as("viewer"))
	if !strings.Contains(target, `data-task="2.1.2"`) || !strings.Contains(target, `data-task="2.5.2"`) {
		t.Error("target 2b does not list the tasks that serve it")
	}

	// A bad report from the page: 422, the reason beside the field,
	// nothing saved.
	var id int64
	db.Reader().QueryRow(`SELECT id FROM tasks WHERE code = 'III.11.BANBO'`).Scan(&id)
	path := fmt.Sprintf("/tasks/%d/progress", id)
	code, body := postPage(t, srv, path, "reporter", map[string]string{"occurrence": "2024", "text": "x", "work": "done", "percent": "100", "date": "2026-01-01", "submit": "true"})
	if code != 422 || !strings.Contains(body, "Ngày báo cáo không được ở tương lai") || !strings.Contains(body, `class="has-error"`) {
		t.Errorf("future date from the page: %d %s", code, excerpt(body))
	}
	var n int
	db.Reader().QueryRow(`SELECT COUNT(*) FROM task_reports`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d reports saved", n)
	}
	if code, _ := postPage(t, srv, path, "reporter", map[string]string{"occurrence": "2024", "text": "Đã ban hành", "work": "done", "percent": "100", "date": "2024-11-20", "submit": "true"}); code != 303 {
		t.Fatalf("post from page: %d", code)
	}
	var rid int64
	db.Reader().QueryRow(`SELECT id FROM task_reports`).Scan(&rid)
	resp, _ := do(t, srv, "POST", fmt.Sprintf("/progress/%d/return", rid), map[string][]string{"task": {fmt.Sprint(id)}, "reason": {"Thiếu văn bản"}}, "", as("approver"))
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "done=") {
		t.Fatalf("return from page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// The digest says what the page says.
	mresp, mine := do(t, srv, "GET", "/tasks/mine?unit=XA_BANBO&days=366", nil, "", as("reporter"))
	if mresp.StatusCode != 200 {
		t.Fatalf("my tasks: %d %s", mresp.StatusCode, excerpt(mine))
	}
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
	rem, err := kehoach.UnitReminders(ctx, kehoach.Services{Units: db, Tasks: db, Submissions: db, Data: db}, "XA_BANBO", 366, kehoach.DateOf(testNow.In(kehoach.VietnamZone)))
	if err != nil {
		t.Fatal(err)
	}
	var digest []string
	item := regexp.MustCompile(`^- (\S+)(?: năm (\d{4}))? — `)
	for _, l := range mail.DigestLines(rem) {
		if m := item.FindStringSubmatch(l); m != nil {
			digest = append(digest, m[1]+"/"+m[2])
		}
	}
	page := rowsIn(mine)
	if len(page) == 0 || strings.Join(page, " ") != strings.Join(digest, " ") {
		t.Errorf("page %v, digest %v", page, digest)
	}
	if !strings.Contains(mine, "Bị trả lại: Thiếu văn bản") {
		t.Error("my tasks does not show the reason of the return")
	}
	if code, _ := do(t, srv, "GET", "/tasks/mine?days=0", nil, "", as("reporter")); code.StatusCode != 422 {
		t.Errorf("days=0: %d", code.StatusCode)
	}
}

// postPage posts a multipart form to a page as user as, with a session.
func postPage(t *testing.T, srv *httptest.Server, path, as string, fields map[string]string) (int, string) {
	t.Helper()
	return postMultipartAs(t, srv, path, as, fields, nil, false)
}

// TestTaskPagesFollowWrites (issue 11): the pages read a snapshot of the
// tasks kept by the store; every write of a report moves its counter, so
// each page shows the change at once: after a post, a return, a post
// again and an accept.
func TestTaskPagesFollowWrites(t *testing.T) {
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	as := func(u string) map[string]string { return map[string]string{"X-Test-As": u} }
	const row = `data-task="III.11.BANBO" data-occurrence="2024" data-state="`
	get := func(path, user string) string {
		t.Helper()
		resp, body := do(t, srv, "GET", path, nil, "", as(user))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, excerpt(body))
		}
		return body
	}
	const mine, board = "/tasks/mine?unit=XA_BANBO&days=366", "/plans/1/tasks?by=unit&status=done_on_time"
	// Warm: the snapshot is built before the writes.
	if b := get(mine, "reporter"); !strings.Contains(b, row+`overdue"`) {
		t.Fatalf("my tasks before: %s", excerpt(b))
	}
	if b := get(board, "viewer"); strings.Contains(b, row) {
		t.Fatal("done on time before any report")
	}
	var id int64
	db.Reader().QueryRow(`SELECT id FROM tasks WHERE code = 'III.11.BANBO'`).Scan(&id)
	post := func() int64 {
		t.Helper()
		if code, body := postPage(t, srv, fmt.Sprintf("/tasks/%d/progress", id), "reporter", map[string]string{"occurrence": "2024", "text": "Đã tổ chức", "work": "done", "percent": "100", "date": "2024-11-20", "submit": "true"}); code != 303 {
			t.Fatalf("post: %d %s", code, excerpt(body))
		}
		var rid int64
		db.Reader().QueryRow(`SELECT MAX(id) FROM task_reports`).Scan(&rid)
		return rid
	}
	decide := func(rid int64, action, reason string) {
		t.Helper()
		resp, _ := do(t, srv, "POST", fmt.Sprintf("/progress/%d/%s", rid, action), map[string][]string{"task": {fmt.Sprint(id)}, "reason": {reason}}, "", as("approver"))
		if resp.StatusCode != 303 {
			t.Fatalf("%s: %d", action, resp.StatusCode)
		}
	}
	decide(post(), "return", "Thiếu biên bản")
	if b := get(mine, "reporter"); !strings.Contains(b, "Bị trả lại: Thiếu biên bản") {
		t.Error("my tasks does not show the return at once")
	}
	rid := post()
	if b := get(mine, "reporter"); strings.Contains(b, "Bị trả lại: Thiếu biên bản") {
		t.Error("my tasks still shows the return after the report was sent again")
	}
	decide(rid, "accept", "")
	if b := get(mine, "reporter"); strings.Contains(b, row) {
		t.Error("my tasks still lists the occurrence after the accept")
	}
	if b := get(board, "viewer"); !strings.Contains(b, row+`done_on_time"`) {
		t.Errorf("the board does not show the accepted report at once: %s", excerpt(b))
	}
	if b := get("/plans/1", "viewer"); !strings.Contains(b, "1 hoàn thành đúng hạn") {
		t.Errorf("the plan page's count does not follow: %s", excerpt(b))
	}
}

// TestTaskBoardPaged (issue 11): at the province scale the board shows a
// page of occurrences in group order, every group listed with its count
// and the page where it begins.
func TestTaskBoardPaged(t *testing.T) {
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	as := map[string]string{"X-Test-As": "viewer"}
	ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
	for i := range 120 {
		if _, err := db.CreateTask(ctx, kehoach.TaskInput{PlanID: 1, Code: fmt.Sprintf("L.%d", i), Section: "III", Title: "Nhiệm vụ thêm", Kind: kehoach.TaskYearly, Lead: "XA_BANBO", Due: "2025-12-31"}); err != nil {
			t.Fatal(err)
		}
	}
	ownerRow := regexp.MustCompile(`data-task="([^"]+)" data-occurrence="([^"]*)" data-state="[^"]*" data-owner="([^"]*)"`)
	rowsOf := func(html string) []string {
		var out []string
		for _, m := range ownerRow.FindAllStringSubmatch(html, -1) {
			out = append(out, m[1]+"/"+m[2]+"/"+m[3])
		}
		return out
	}
	_, first := do(t, srv, "GET", "/plans/1/tasks", nil, "", as)
	rows := rowsOf(first)
	if len(rows) != 100 || !strings.Contains(first, `class="pager"`) || !strings.Contains(first, `rel="next"`) {
		t.Fatalf("first page: %d rows %s", len(rows), excerpt(first))
	}
	if !strings.Contains(first, `data-group-link="III"`) || !strings.Contains(first, `data-group-link="II.2.1"`) {
		t.Error("the list of groups is missing")
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r] = true
	}
	total := len(rows)
	for p := 2; ; p++ {
		resp, body := do(t, srv, "GET", fmt.Sprintf("/plans/1/tasks?page=%d", p), nil, "", as)
		if resp.StatusCode == 404 {
			break
		}
		for _, r := range rowsOf(body) {
			if seen[r] {
				t.Fatalf("page %d repeats %s", p, r)
			}
			seen[r] = true
			total++
		}
		if p > 20 {
			t.Fatal("no end")
		}
	}
	var want int
	fmt.Sscan(regexp.MustCompile(`data-total="(\d+)"`).FindStringSubmatch(first)[1], &want)
	if total != want {
		t.Errorf("pages hold %d occurrences, the count says %d", total, want)
	}
	if resp, _ := do(t, srv, "GET", "/plans/1/tasks?page=x", nil, "", as); resp.StatusCode != 422 {
		t.Errorf("page=x: %d", resp.StatusCode)
	}
}

// TestFiguresDueReminders (issue 11): "my tasks" and the e-mail digest
// remind a unit of the forms whose Decree 09 deadline is near and that it
// has not sent, the same ones in both; a grid sent drops out at once.
func TestFiguresDueReminders(t *testing.T) {
	srv, db, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	due := regexp.MustCompile(`<li data-form="([^"]+)" data-period="([^"]+)"`)
	page := func() []string {
		t.Helper()
		resp, body := do(t, srv, "GET", "/tasks/mine?unit=XA_BANBO", nil, "", as("reporter"))
		if resp.StatusCode != 200 {
			t.Fatalf("my tasks: %d %s", resp.StatusCode, excerpt(body))
		}
		var out []string
		for _, m := range due.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1]+" "+m[2])
		}
		return out
	}
	digest := func() []string {
		t.Helper()
		ctx := kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor("test"))
		rem, err := kehoach.UnitReminders(ctx, kehoach.Services{Units: db, Tasks: db, Submissions: db, Data: db}, "XA_BANBO", kehoach.ReminderDaysDefault, kehoach.DateOf(testNow.In(kehoach.VietnamZone)))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		item := regexp.MustCompile(`^- (BM_\S+) (\S+) — .*\(hạn \d\d/\d\d/\d{4}, (quá hạn, )?chưa gửi\)$`)
		for _, l := range mail.DigestLines(rem) {
			if m := item.FindStringSubmatch(l); m != nil {
				out = append(out, m[1]+" "+m[2])
			}
		}
		return out
	}
	// 10 March 2025: quarter I closes on 14 March (Decree 09), its reports
	// are due three days later, on Monday 17 March.
	got := page()
	if strings.Join(got, ",") != "BM_XA 2025Q1,BM_BAN 2025Q1" && strings.Join(got, ",") != "BM_BAN 2025Q1,BM_XA 2025Q1" {
		t.Fatalf("figures due on the page: %v", got)
	}
	if d := digest(); strings.Join(d, ",") != strings.Join(got, ",") {
		t.Errorf("the digest says %v, the page %v", d, got)
	}
	// Bản Bo enters and sends its villages' grid: it is no longer due.
	post(t, srv, "reporter", "/entry", url.Values{"unit": {"XA_BANBO"}, "form": {"BM_BAN"}, "period": {"2025Q1"}, "v.XA_BANBO_B01.BAN_LOA": {"true"}}, http.StatusSeeOther)
	post(t, srv, "reporter", "/submissions/submit", url.Values{"unit": {"XA_BANBO"}, "form": {"BM_BAN"}, "period": {"2025Q1"}, "status": {"draft"}}, http.StatusSeeOther)
	if got := page(); strings.Join(got, ",") != "BM_XA 2025Q1" {
		t.Errorf("after sending BM_BAN: %v", got)
	}
	if d := digest(); strings.Join(d, ",") != "BM_XA 2025Q1" {
		t.Errorf("the digest after sending BM_BAN: %v", d)
	}
}

// TestRemindersAtSignIn (issue 11): the first page after signing in sums
// up what each of the reader's units is reminded of, figures due
// included, with a link to "my tasks"; the next page does not.
func TestRemindersAtSignIn(t *testing.T) {
	srv, _, stop, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	jar := signIn(t, srv, "reporter")
	body := getWith(t, srv, jar, "/plans")
	has(t, "first page after sign-in", body, []string{`data-welcome-tasks`, `<li data-unit="XA_BANBO">`, "3 việc quá hạn", `data-figures-due="2"`, "hạn 17/03/2025", `href="/tasks/mine?unit=XA_BANBO"`}, nil)
	body = getWith(t, srv, jar, "/plans")
	has(t, "second page after sign-in", body, nil, []string{"data-welcome-tasks"})
}
