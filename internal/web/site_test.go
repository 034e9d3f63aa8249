package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"kehoach/analytics"
	"kehoach/internal/web"
)

// Whose system it is (issue 16): the administrator names the deployment
// and its issuing body on a page; the header of every page and the login
// page show them, the login page says whom to ask for an account, and the
// change is in the audit log as readable fields.
func TestSiteSettings(t *testing.T) {
	t.Parallel()
	srv := newServer(t)

	// Before anyone names it, the login page says to ask the office, not
	// to run a command.
	body := page(t, srv, "anonymous", "/login", http.StatusOK)
	has(t, "login before settings", body, []string{"Chưa có tài khoản?", "cấp tài khoản"}, []string{"kehoach user add", "<code>"})

	// Only administrators reach the page.
	page(t, srv, "planner", "/admin/settings", http.StatusForbidden)
	post(t, srv, "planner", "/admin/settings", url.Values{"issuer": {"UBND xã X"}}, http.StatusForbidden)

	// Bad input: the field and the reason, nothing saved.
	body = post2(t, srv, "admin", "/admin/settings", url.Values{"issuer": {"  "}, "name": {"Tên"}}, http.StatusUnprocessableEntity)
	has(t, "empty issuer", body, []string{"Cần tên cơ quan chủ quản", `value="Tên"`}, nil)
	body = post2(t, srv, "admin", "/admin/settings", url.Values{"issuer": {"UBND"}, "name": {strings.Repeat("x", 121)}}, http.StatusUnprocessableEntity)
	has(t, "long name", body, []string{"Tên hệ thống dài quá 120 ký tự."}, nil)

	// Decomposed input is stored in NFC.
	issuer := "UBND xã Bình Lư"
	decomposed := "UBND xa\u0303 Bi\u0300nh Lư"
	resp, _ := post(t, srv, "admin", "/admin/settings", url.Values{"issuer": {decomposed}, "name": {"Theo dõi kế hoạch 2021–2025"},
		"accountHelp": {"Liên hệ Văn phòng HĐND-UBND xã (chị Lan, 0213 3876 123) để được cấp tài khoản."}}, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/admin/settings?saved=1" {
		t.Errorf("after saving: Location %q", loc)
	}
	for _, who := range []string{"admin", "reporter", "viewer"} {
		body = page(t, srv, who, "/plans", http.StatusOK)
		has(t, who+"'s header", body, []string{`<span class="issuer" data-issuer>` + issuer + `</span>`, "Theo dõi kế hoạch 2021–2025</span>", "<title>Kế hoạch · Theo dõi kế hoạch 2021–2025</title>"}, nil)
	}
	body = page(t, srv, "anonymous", "/login", http.StatusOK)
	has(t, "login after settings", body, []string{"Hệ thống của <strong>" + issuer + "</strong>", "Liên hệ Văn phòng HĐND-UBND xã (chị Lan, 0213 3876 123)"}, []string{"kehoach user add"})
	body = page(t, srv, "admin", "/admin/settings?saved=1", http.StatusOK)
	has(t, "settings page", body, []string{"Đã lưu.", `value="` + issuer + `"`, "Lưu lần cuối bởi admin"}, nil)

	// A second save: the audit log says old → new by field name.
	post(t, srv, "admin", "/admin/settings", url.Values{"issuer": {"UBND xã Bản Bo"}, "name": {"Theo dõi kế hoạch 2021–2025"}}, http.StatusSeeOther)
	body = page(t, srv, "admin", "/admin/audit?entity=settings", http.StatusOK)
	has(t, "audit of settings", body, []string{"Thông tin hệ thống", "Cơ quan chủ quản", issuer, "UBND xã Bản Bo"}, []string{`{&#34;issuer`, `&#34;issuer&#34;:`})
}

// Help (issue 16): every status badge explains itself on hover, a legend
// opens on tap, and each role has a guide reachable from the header.
func TestHelp(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	body := page(t, srv, "viewer", "/plans/1", http.StatusOK)
	has(t, "plan page", body, []string{`<details class="legend" data-legend="status">`, `<span class="st-help" title="Số liệu mới nhất đã đạt chỉ tiêu đặt ra." tabindex="0"><span class="st st-achieved">Đạt</span></span>`,
		"Chưa đạt, nhưng nếu giữ xu hướng các năm qua thì sẽ đạt chỉ tiêu đúng hạn.", `href="/help"`}, nil)
	if !strings.Contains(body, `<td class="status"><span class="st-help" title="Theo xu hướng các năm qua sẽ không đạt chỉ tiêu đúng hạn`) {
		t.Error("no status of the plan's rows carries its explanation")
	}
	body = page(t, srv, "approver", "/approvals", http.StatusOK)
	has(t, "approvals", body, []string{`data-legend="submission"`, "Người phê duyệt đã trả lại kèm lý do"}, nil)

	for user, guide := range map[string]string{"reporter": "reporter", "approver": "approver", "planner": "planner", "viewer": "leader", "admin": "leader"} {
		body = page(t, srv, user, "/help", http.StatusOK)
		has(t, user+"'s help", body, []string{`data-guide="` + guide + `"`, `href="/help/reporter"`, `href="/help/leader"`}, nil)
	}
	for _, g := range []string{"reporter", "approver", "planner", "leader"} {
		body = page(t, srv, "viewer", "/help/"+g, http.StatusOK)
		has(t, g+" guide", body, []string{`data-guide="` + g + `"`, "<ol>"}, nil)
	}
	page(t, srv, "viewer", "/help/nobody", http.StatusNotFound)
	page(t, srv, "anonymous", "/help", http.StatusSeeOther)
}

// Notifications (issue 16): the reporter sees that a grid was returned and
// why, in the header and in full on the first page after signing in; the
// approver sees what waits for them; nobody else sees either.
func TestNotifications(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	body := page(t, srv, "approver", "/plans", http.StatusOK)
	has(t, "approver's header before", body, []string{`data-notices="0"`}, nil)

	saveCell(t, srv, "reporter", "true", http.StatusSeeOther)
	post(t, srv, "reporter", "/submissions/submit", subForm("XA_BANBO", "draft", ""), http.StatusSeeOther)

	body = page(t, srv, "approver", "/plans", http.StatusOK)
	has(t, "approver's header", body, []string{`data-notices="1"`, `<span class="badge">1</span>`}, nil)
	body = page(t, srv, "approver", "/notifications", http.StatusOK)
	has(t, "approver's notifications", body, []string{`data-notice="waiting"`, `data-submission="BM_BAN/XA_BANBO/2024Q4"`, "Chờ duyệt:", "của xã Bản Bo (đến 30/06/2025)", "Quý IV/2024", "bởi reporter"}, nil)
	body = page(t, srv, "approver", "/approvals", http.StatusOK)
	has(t, "approvals", body, []string{`<td class="key">xã Bản Bo (đến 30/06/2025)</td>`}, nil)
	body = page(t, srv, "reporter2", "/notifications", http.StatusOK)
	has(t, "other reporter", body, []string{"Không có việc gì đang chờ bạn"}, []string{"data-notice="})

	post(t, srv, "approver", "/submissions/return", subForm("XA_BANBO", "submitted", "Bản 01 thiếu số loa"), http.StatusSeeOther)
	body = page(t, srv, "reporter", "/notifications", http.StatusOK)
	has(t, "reporter's notifications", body, []string{`data-notice="returned"`, "Bị trả lại:", "Lý do: <q>Bản 01 thiếu số loa</q>", "bởi approver", "Sửa và gửi lại",
		`href="/entry?unit=XA_BANBO&amp;form=BM_BAN&amp;period=2024Q4"`}, nil)
	body = page(t, srv, "approver", "/plans", http.StatusOK)
	has(t, "approver after returning", body, []string{`data-notices="0"`}, nil)
	body = page(t, srv, "reporter2", "/plans", http.StatusOK)
	has(t, "reporter2's header", body, []string{`data-notices="0"`}, nil)

	// At sign-in: the first page lists the notices in full, once.
	jar := signIn(t, srv, "reporter")
	body = getWith(t, srv, jar, "/plans")
	has(t, "first page after sign-in", body, []string{`data-welcome`, "Lý do: <q>Bản 01 thiếu số loa</q>"}, nil)
	body = getWith(t, srv, jar, "/plans")
	has(t, "second page after sign-in", body, []string{`data-notices="1"`}, []string{"data-welcome"})
}

// signIn signs username in through the login form with a client that keeps
// cookies, as a browser does.
func signIn(t *testing.T, srv *httptest.Server, username string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: client.CheckRedirect, Timeout: 20 * time.Second}
	if status, ok := loginFrom(t, c, srv, username, testPassword); status != http.StatusSeeOther || !ok {
		t.Fatalf("sign-in of %s: status %d, session %v", username, status, ok)
	}
	return c
}

// getWith fetches path with c and returns the body of a 200 answer.
func getWith(t *testing.T, srv *httptest.Server, c *http.Client, path string) string {
	t.Helper()
	resp, err := c.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	return string(b)
}

// Names, not codes (issue 16): the user admin pages pick scopes from named
// units and list them by name; a picked scope is saved as codes and the
// audit log says old → new by field, with names.
func TestScopePickers(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	body := page(t, srv, "admin", "/admin/users/new", http.StatusOK)
	has(t, "new user form", body, []string{`<select name="entryScope" multiple`, `<option value="XA_BANBO">xã Bản Bo (đến 30/06/2025) · `, `<option value="TAMDUONG">Huyện Tam Đường`},
		[]string{`<input name="entryScope"`, `value="XA_BANBO_B01"`})

	form := url.Values{"username": {"lan.banbo"}, "name": {"Lò Thị Lan"}, "role": {"reporter"}, "password": {"dài-đủ-mười-ký-tự"},
		"entryScope": {"XA_BANBO", "XA_BINHLU"}, "viewScope": {"TAMDUONG"}}
	post(t, srv, "admin", "/admin/users", form, http.StatusSeeOther)
	body = page(t, srv, "admin", "/admin/users?q=lan.banbo", http.StatusOK)
	body2 := page(t, srv, "admin", "/units?q=ban+bo", http.StatusOK)
	has(t, "units list", body2, []string{`<a href="/units/TAMDUONG">Huyện Tam Đường`, `<a href="/units/XA_BANBO">xã Bản Bo (đến 30/06/2025)</a></td>`}, []string{"<td>TAMDUONG</td>"})
	has(t, "user list", body, []string{"xã Bản Bo (đến 30/06/2025); xã Bình Lư", "Huyện Tam Đường"}, []string{">XA_BANBO<", "XA_BANBO, XA_BINHLU"})

	// The edit page has the scopes selected.
	id := regexp.MustCompile(`href="/admin/users/(\d+)">lan.banbo<`).FindStringSubmatch(body)
	if id == nil {
		t.Fatal("no link to the new user")
	}
	body = page(t, srv, "admin", "/admin/users/"+id[1], http.StatusOK)
	has(t, "edit form", body, []string{`<option value="XA_BANBO" selected>`, `<option value="XA_BINHLU" selected>`, `<option value="TAMDUONG" selected>`}, nil)

	// Changing the role: the log names the field and the roles.
	post(t, srv, "admin", "/admin/users/"+id[1], url.Values{"name": {"Lò Thị Lan"}, "role": {"approver"}, "entryScope": {"XA_BANBO"}}, http.StatusSeeOther)
	body = page(t, srv, "admin", "/admin/audit?entity=user&key=lan.banbo", http.StatusOK)
	has(t, "audit of the user", body, []string{`<li class="changed"><span class="field">Vai trò</span>: <span class="old">Người báo cáo</span> → <span class="new">Người phê duyệt</span></li>`,
		`<span class="field">Nhập số liệu cho</span>: <span class="old">xã Bản Bo (đến 30/06/2025); xã Bình Lư`}, []string{`&#34;role&#34;`})
}

// Speed (issue 16): with the results cached per data version, the page
// after a save shows the figure saved, on the plan and the target pages.
func TestCachedPagesFresh(t *testing.T) {
	t.Parallel()
	srv, _, stop, err := openServer(t.TempDir(), nil, func(c *web.Config) {
		if _, ok := c.Services.Analytics.(*analytics.Cached); !ok {
			t.Fatalf("the test server's analytics is %T, want the cache app wires", c.Services.Analytics)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	row := func() string { return targetRow(t, page(t, srv, "admin", "/plans/1", http.StatusOK), "2b") }
	village := func() string {
		for _, r := range rowsOf(page(t, srv, "admin", "/plans/1/targets/2b?level=village&period=2024", http.StatusOK), "data-unit=") {
			if attrOf(r, "data-unit") == "XA_BANBO_B01" {
				return r
			}
		}
		t.Fatal("no row of XA_BANBO_B01")
		return ""
	}
	x0, y0 := xyOf(t, row())
	x1, _ := xyOf(t, row()) // from the cache
	if x1 != x0 {
		t.Fatalf("the same page twice: %d then %d", x0, x1)
	}
	// A reload that holds the page gets 304 and no body, on both pages.
	etags := map[string]string{}
	for _, path := range []string{"/plans/1", "/plans/1/targets/2b?level=village&period=2024"} {
		etags[path] = revalidate(t, srv, path, "", http.StatusOK)
		revalidate(t, srv, path, etags[path], http.StatusNotModified)
	}
	before := village()
	// The overview's cell of 2b for the village's commune (issue 16 point 4).
	light := func() string {
		targets, cells := overviewOf(t, page(t, srv, "admin", "/plans/1", http.StatusOK))
		for j, code := range targets {
			if code == "2b" {
				return cells["xã Bản Bo (đến 30/06/2025)"][j][1]
			}
		}
		t.Fatal("no 2b in the overview")
		return ""
	}
	lightBefore := light()
	cur := values(t, srv, subValues)["XA_BANBO_B01.BAN_LOA/2024Q4"]
	next, delta := "true", 1
	if cur == "true" {
		next, delta = "false", -1
	}
	saveCell(t, srv, "reporter", next, http.StatusSeeOther)
	x2, y2 := xyOf(t, row())
	if x2 != x0+delta || y2 != y0 {
		t.Errorf("after saving %s: 2b is %d/%d, was %d/%d; want the numerator moved by %d", next, x2, y2, x0, y0, delta)
	}
	if after := village(); after == before {
		t.Errorf("the village's breakdown row did not change after the save:\n%s", after)
	}
	if after := light(); after == lightBefore {
		t.Errorf("the overview's cell of Bản Bo for 2b did not change after the save: %q", after)
	}
	// The browser's copy from before the save is stale: 200, a new ETag.
	for path, old := range etags {
		if tag := revalidate(t, srv, path, old, http.StatusOK); tag == old {
			t.Errorf("%s: the same ETag %s after a save", path, tag)
		}
	}
}

// revalidate GETs path as admin with If-None-Match: etag (none when "")
// and returns the answer's ETag; a 304 has no body.
func revalidate(t *testing.T, srv *httptest.Server, path, etag string, want int) string {
	t.Helper()
	h := map[string]string{}
	if etag != "" {
		h["If-None-Match"] = etag
	}
	resp, body := do(t, srv, http.MethodGet, path, nil, "", h)
	if resp.StatusCode != want {
		t.Fatalf("GET %s with If-None-Match %q: %d, want %d", path, etag, resp.StatusCode, want)
	}
	if want == http.StatusNotModified && body != "" {
		t.Errorf("GET %s: 304 with a body of %d bytes", path, len(body))
	}
	tag := resp.Header.Get("ETag")
	if tag == "" || resp.Header.Get("Cache-Control") != "private, no-cache" {
		t.Errorf("GET %s: ETag %q, Cache-Control %q", path, tag, resp.Header.Get("Cache-Control"))
	}
	return tag
}

// Speed (issue 16): reading approved figures only, the pages after an
// approval show it (no figure is saved: the approval alone changes what
// they read), and the unlock takes it away again.
func TestSharedPagesAfterApproval(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const plan, target = "/plans/1?figures=approved", "/plans/1/targets/4a?figures=approved&period=2024"
	row := func() string { return targetRow(t, page(t, srv, "admin", plan, http.StatusOK), "4a") }
	commune := func() string {
		for _, r := range rowsOf(page(t, srv, "admin", target, http.StatusOK), "data-unit=") {
			if attrOf(r, "data-unit") == "XA_BANBO" {
				return r
			}
		}
		t.Fatal("no row of XA_BANBO on 4a's page")
		return ""
	}
	row0, commune0 := row(), commune()
	planTag, targetTag := revalidate(t, srv, plan, "", http.StatusOK), revalidate(t, srv, target, "", http.StatusOK)
	grid := banBo2024
	post(t, srv, "reporter", "/submissions/submit", grid("draft", ""), http.StatusSeeOther)
	post(t, srv, "approver", "/submissions/approve", grid("submitted", ""), http.StatusSeeOther)
	if got := row(); got == row0 {
		t.Errorf("4a's row on the plan page did not change after the approval:\n%s", got)
	}
	if got := commune(); got == commune0 {
		t.Errorf("Bản Bo's row on 4a's page did not change after the approval:\n%s", got)
	}
	revalidate(t, srv, plan, planTag, http.StatusOK)
	revalidate(t, srv, target, targetTag, http.StatusOK)
	post(t, srv, "approver", "/submissions/unlock", grid("approved", "Sửa số hộ thôn Bản Bo"), http.StatusSeeOther)
	if got := row(); got != row0 {
		t.Errorf("after the unlock 4a's row is\n%s\nwant as before the approval\n%s", got, row0)
	}
	if got := commune(); got != commune0 {
		t.Errorf("after the unlock Bản Bo's row is\n%s\nwant\n%s", got, commune0)
	}
}

// Speed (issue 16): a long breakdown is sorted on the server, then paged;
// the pages together hold every unit once, in order, each page small.
func TestBreakdownPaged(t *testing.T) {
	t.Parallel()
	srv, _, stop, err := openServer(t.TempDir(), nil, func(c *web.Config) { c.BreakdownPageSize = 50 })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	base := "/plans/1/targets/2b?level=village&sort=name"
	first := page(t, srv, "admin", base, http.StatusOK)
	pages := attrOf(first[strings.Index(first, `<nav class="pager"`):], "data-pages")
	if pages == "" || pages == "1" {
		t.Fatalf("no pager on a breakdown by village in pages of 50 (pages %q)", pages)
	}
	var all []string
	nameRE := regexp.MustCompile(`<td><a href="/units/([A-Z0-9_]+)">`)
	for n, path := 1, base; path != ""; n++ {
		body := page(t, srv, "admin", path, http.StatusOK)
		rows := rowsOf(body, "data-unit=")
		if len(rows) == 0 || len(rows) > 50 {
			t.Fatalf("page %d has %d rows", n, len(rows))
		}
		if len(body) > 200<<10 {
			t.Errorf("page %d is %d bytes", n, len(body))
		}
		for _, r := range rows {
			all = append(all, nameRE.FindStringSubmatch(r)[1])
		}
		path = ""
		if i := strings.Index(body, `rel="next"`); i >= 0 {
			href := body[strings.LastIndex(body[:i], `href="`)+6:]
			path = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
			if !strings.Contains(path, "sort=name") || !strings.Contains(path, "level=village") {
				t.Fatalf("next page link %q loses the sort or level", path)
			}
		}
	}
	whole, _, stop2, err := openServer(t.TempDir(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop2()
	var want []string
	for _, r := range rowsOf(page(t, whole, "admin", base, http.StatusOK), "data-unit=") {
		want = append(want, nameRE.FindStringSubmatch(r)[1])
	}
	if strings.Join(all, ",") != strings.Join(want, ",") {
		t.Errorf("the pages hold %d units %v…, the whole list %d %v…", len(all), all[:3], len(want), want[:3])
	}
	page(t, srv, "admin", base+"&page=99", http.StatusNotFound)
	page(t, srv, "admin", base+"&page=x", http.StatusUnprocessableEntity)
}
