package web_test

import (
	"bytes"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// saveFigure posts one figure of a village (cell "XA_…_B01.ELEMENT") through
// its commune's entry grid and fails unless it is saved.
func saveFigure(t *testing.T, do func(url.Values) (*http.Response, string), form, period, cell, value string) {
	t.Helper()
	unit := cell[:strings.Index(cell, "_B0")] // the commune of a village
	// "k.": the person stands by the figure, unusual or not (issue 9).
	resp, body := do(url.Values{"unit": {unit}, "form": {form}, "period": {period}, "v." + cell: {value}, "k." + cell: {"1"}})
	if resp.StatusCode != http.StatusSeeOther && !(resp.StatusCode == http.StatusOK && strings.Contains(body, "Đã lưu")) {
		t.Fatalf("save %s = %s: status %d\n%s", cell, value, resp.StatusCode, excerpt(body))
	}
}

// ict is Vietnam's time.
var ict = time.FixedZone("ICT", 7*3600)

var eventTimeRE = regexp.MustCompile(`<time datetime="([^"]+)">([^<]+)</time>`)

// eventTime returns the time of an event row and the time as shown.
func eventTime(t *testing.T, row string) (time.Time, string) {
	t.Helper()
	m := eventTimeRE.FindStringSubmatch(row)
	if m == nil {
		t.Fatalf("no time in row %s", row)
	}
	at, err := time.Parse(time.RFC3339, m[1])
	if err != nil {
		t.Fatal(err)
	}
	return at, m[2]
}

// eventRows returns the rows of the audit log or a history page.
func eventRows(body string) []string { return rowsOf(body, "data-event=") }

var tdRE = regexp.MustCompile(`<td[^>]*>`)

// cellsOf returns the <td> texts of a row, tags stripped and unescaped.
var auditTagRE = regexp.MustCompile(`<[^>]*>`)

func cellsOf(row string) []string {
	var out []string
	for _, td := range tdRE.Split(row, -1)[1:] { // cells may carry a class or data-label (issue 16)
		td = td[:strings.Index(td, "</td>")]
		out = append(out, strings.Join(strings.Fields(html.UnescapeString(auditTagRE.ReplaceAllString(td, ""))), " "))
	}
	return out
}

func TestAuditLog(t *testing.T) {
	srv := newServer(t)
	post := func(as string) func(url.Values) (*http.Response, string) {
		return func(f url.Values) (*http.Response, string) {
			return do(t, srv, "POST", "/entry", f, "", map[string]string{"X-Test-As": as})
		}
	}
	const key = "HGD_TONG/XA_BANBO_B01/2024"
	saveFigure(t, post("reporter"), "BM_BAN_NAM", "2024", "XA_BANBO_B01.HGD_TONG", "5000")
	saveFigure(t, post("reporter"), "BM_BAN_NAM", "2024", "XA_BANBO_B01.HGD_TONG", "6000")
	saveFigure(t, post("reporter2"), "BM_BAN", "2024Q4", "XA_BINHLU_B01.BAN_LOA", "false")
	saveFigure(t, post("reporter2"), "BM_BAN", "2024Q4", "XA_BINHLU_B01.BAN_LOA", "true")

	t.Run("the log shows the save", func(t *testing.T) {
		body := get(t, srv, "/admin/audit", http.StatusOK)
		rows := eventRows(body)
		if len(rows) < 4 {
			t.Fatalf("%d events shown, want at least 4", len(rows))
		}
		// Newest first: reporter2's two saves, then reporter's.
		// The key is named before its code (names, not codes: issue 16).
		loa := "Cụm loa truyền thanh cơ sở hoạt động ổn định · Bản Phiêng Chải (đến 30/06/2025) · Quý IV/2024 BAN_LOA/XA_BINHLU_B01/2024Q4"
		hgd := "Tổng số hộ gia đình · Bản Sin Khum (đến 30/06/2025) · Năm 2024 " + key
		want := [][]string{
			{"reporter2", "127.0.0.1", "Sửa", "Số liệu", loa, "false → true"},
			{"reporter2", "127.0.0.1", "Sửa", "Số liệu", loa},
			{"reporter", "127.0.0.1", "Sửa", "Số liệu", hgd, "5000 → 6000"},
			{"reporter", "127.0.0.1", "Sửa", "Số liệu", hgd},
		}
		for i, w := range want {
			got := cellsOf(rows[i])
			if len(got) != 7 || !slices.Equal(got[1:1+len(w)], w) {
				t.Errorf("row %d = %q, want it to begin (after the time) with %q", i, got, w)
			}
			if !regexp.MustCompile(`^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d$`).MatchString(got[0]) {
				t.Errorf("row %d time %q", i, got[0])
			}
		}
		if !strings.Contains(rows[2], `href="/entry/history?element=HGD_TONG&amp;period=2024&amp;unit=XA_BANBO_B01"`) {
			t.Errorf("a figure's key does not link to its history:\n%s", rows[2])
		}
		// Shown in Vietnam time, UTC+7.
		for _, r := range rows {
			if at, shown := eventTime(t, r); at.In(ict).Format("02/01/2006 15:04:05") != shown {
				t.Errorf("time %s shown as %s, not in Vietnam time", at, shown)
			}
		}
		for _, s := range []string{`name="actor"`, `name="action"`, `name="entity"`, `name="key"`, `name="from"`, `name="to"`, `href="/admin/audit.csv"`} {
			if !strings.Contains(body, s) {
				t.Errorf("page lacks %s", s)
			}
		}
	})

	t.Run("filters narrow", func(t *testing.T) {
		total := len(eventRows(get(t, srv, "/admin/audit", http.StatusOK)))
		day := func(d int) string { return testNow.In(ict).AddDate(0, 0, d).Format("2006-01-02") }
		for _, tc := range []struct {
			query string
			n     int
			must  string
		}{
			{"key=" + url.QueryEscape(key), 2, key},
			{"key=" + url.QueryEscape("HGD_TONG/XA_BANBO_B01/") + "&match=prefix", 2, key},
			{"key=" + url.QueryEscape("/XA_BINHLU_B01/") + "&match=contains", 2, "XA_BINHLU_B01"},
			{"key=" + url.QueryEscape("HGD_TONG/XA_BANBO_B01/") + "&match=exact", 0, ""},
			{"actor=reporter2", 2, "reporter2"},
			{"actor=reporter&entity=data_value&action=update", 2, key},
			{"action=delete", 0, ""},
			// Every event of this test was written "today" by the servers'
			// one clock, testNow.
			{"from=" + day(-1) + "&to=" + day(1), total, ""},
			{"from=" + day(1), 0, ""},
			{"to=" + day(-1), 0, ""},
		} {
			t.Run(tc.query, func(t *testing.T) {
				body := get(t, srv, "/admin/audit?"+tc.query, http.StatusOK)
				rows := eventRows(body)
				if len(rows) != tc.n {
					t.Errorf("%d rows, want %d", len(rows), tc.n)
				}
				for _, r := range rows {
					if tc.must != "" && !strings.Contains(r, tc.must) {
						t.Errorf("row without %q:\n%s", tc.must, r)
					}
				}
				if tc.n == 0 && !strings.Contains(body, "Không có sự kiện nào") {
					t.Error("no note that nothing matched")
				}
				// The export link keeps the filter.
				if !strings.Contains(body, `href="/admin/audit.csv?`) {
					t.Error("export link without the filter")
				}
			})
		}
		resp, body := do(t, srv, "GET", "/admin/audit?from=10/03/2025", nil, "", nil)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "không hợp lệ") {
			t.Errorf("bad date: %d", resp.StatusCode)
		}
	})

	t.Run("paging", func(t *testing.T) {
		body := get(t, srv, "/admin/audit", http.StatusOK)
		if total := regexp.MustCompile(`(\d+) sự kiện`).FindStringSubmatch(body); total == nil {
			t.Fatal("no total shown")
		}
		// Fewer than a page here: no pager; a page past the end is empty.
		body = get(t, srv, "/admin/audit?page=99", http.StatusOK)
		if len(eventRows(body)) != 0 || !strings.Contains(body, `rel="prev"`) {
			t.Errorf("page 99: %d rows", len(eventRows(body)))
		}
		if resp, _ := do(t, srv, "GET", "/admin/audit?page=x", nil, "", nil); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("page=x: %d", resp.StatusCode)
		}
	})

	t.Run("CSV export", func(t *testing.T) {
		resp, body := do(t, srv, "GET", "/admin/audit.csv?key="+url.QueryEscape(key), nil, "", nil)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("status %d, %q, %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		if !strings.HasPrefix(body, "\xef\xbb\xbf") {
			t.Fatalf("no byte order mark: %q", body[:min(20, len(body))])
		}
		recs, err := csv.NewReader(bytes.NewReader([]byte(body[3:]))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 {
			t.Fatalf("%d records, want a header and 2 events:\n%s", len(recs), body)
		}
		if h := recs[0]; h[1] != "Thời gian (giờ Việt Nam)" || h[2] != "Người thực hiện" || h[7] != "Giá trị cũ" || h[8] != "Giá trị mới" {
			t.Errorf("header %q", h)
		}
		at, _ := eventTime(t, eventRows(get(t, srv, "/admin/audit?key="+url.QueryEscape(key), http.StatusOK))[0])
		if r := recs[1]; r[1] != at.In(ict).Format("2006-01-02 15:04:05") || r[2] != "reporter" || r[3] != "127.0.0.1" || r[4] != "Sửa" ||
			r[6] != key || r[7] != "5000" || r[8] != "6000" {
			t.Errorf("newest event %q", r)
		}
		// The export is itself in the log, by the administrator.
		body = get(t, srv, "/admin/audit?action=export", http.StatusOK)
		rows := eventRows(body)
		if len(rows) != 1 || !strings.Contains(rows[0], "admin") || !strings.Contains(rows[0], "Xuất nhật ký") ||
			!strings.Contains(rows[0], "Nhật ký hệ thống") || !strings.Contains(html.UnescapeString(rows[0]), key) {
			t.Errorf("export trace: %q", rows)
		}
		if resp, _ := do(t, srv, "GET", "/admin/audit.csv?to=hôm-qua", nil, "", nil); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad date in export: %d", resp.StatusCode)
		}
	})

	t.Run("sign-in and sign-out", func(t *testing.T) {
		anon := map[string]string{"X-Test-As": "anonymous"}
		do(t, srv, "POST", "/login", url.Values{"username": {"viewer"}, "password": {"sai-mật-khẩu-rồi"}}, "", anon)
		resp, _ := do(t, srv, "POST", "/login", url.Values{"username": {"viewer"}, "password": {testPassword}}, "", anon)
		c := sessionCookieOf(resp)
		if c == nil {
			t.Fatal("no session")
		}
		do(t, srv, "POST", "/logout", url.Values{}, "", map[string]string{"X-Test-As": "anonymous", "Cookie": "kehoach_session=" + c.Value})
		body := get(t, srv, "/admin/audit?entity=session&key=viewer", http.StatusOK)
		var got []string
		for _, r := range eventRows(body) {
			cells := cellsOf(r)
			got = append(got, strings.Join(cells[1:4], " "))
			if strings.Contains(r, testPassword) || strings.Contains(r, c.Value) {
				t.Errorf("a secret in the log: %s", r)
			}
		}
		want := []string{"viewer 127.0.0.1 Đăng xuất", "viewer 127.0.0.1 Đăng nhập", "viewer 127.0.0.1 Đăng nhập thất bại"}
		if !slices.Equal(got, want) {
			t.Errorf("session events %q, want %q", got, want)
		}
	})

	t.Run("administrators only", func(t *testing.T) {
		for _, path := range []string{"/admin/audit", "/admin/audit.csv"} {
			for i, user := range users {
				want := []int{303, 200, 403, 403, 403, 403, 403, 403}[i]
				resp, body := do(t, srv, "GET", path, nil, "", map[string]string{"X-Test-As": user})
				if resp.StatusCode != want {
					t.Errorf("GET %s as %s: %d, want %d", path, user, resp.StatusCode, want)
				}
				if want == 403 && strings.Contains(body, key) {
					t.Errorf("GET %s as %s: the refusal shows events", path, user)
				}
			}
		}
	})
}

func TestValueHistoryPage(t *testing.T) {
	srv := newServer(t)
	post := func(f url.Values) (*http.Response, string) {
		return do(t, srv, "POST", "/entry", f, "", map[string]string{"X-Test-As": "reporter"})
	}
	saveFigure(t, post, "BM_BAN_NAM", "2024", "XA_BANBO_B01.HGD_TONG", "5000")
	saveFigure(t, post, "BM_BAN_NAM", "2024", "XA_BANBO_B01.HGD_TONG", "6500")
	saveFigure(t, post, "BM_BAN", "2024Q4", "XA_BANBO_B01.BAN_LOA", "false")
	saveFigure(t, post, "BM_BAN", "2024Q4", "XA_BANBO_B01.BAN_LOA", "true")

	const path = "/entry/history?unit=XA_BANBO_B01&element=HGD_TONG&period=2024&form=BM_BAN_NAM&grid=XA_BANBO"
	as := map[string]string{"X-Test-As": "reporter"}
	resp, body := do(t, srv, "GET", path, nil, "", as)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", resp.StatusCode, excerpt(body))
	}
	rows := eventRows(body)
	if len(rows) != 2 {
		t.Fatalf("%d changes shown, want 2:\n%s", len(rows), excerpt(body))
	}
	// The reporter sees who and when, not the address (administrators
	// only: history_test.go).
	first, second := cellsOf(rows[0]), cellsOf(rows[1])
	if first[1] != "reporter" || first[2] != "Sửa" || !strings.HasSuffix(first[3], "→ 5.000") {
		t.Errorf("first change %q", first)
	}
	if second[3] != "5.000 → 6.500" {
		t.Errorf("second change %q, want 5.000 → 6.500 (oldest first)", second)
	}
	var village apiUnit
	getJSON(t, srv, "/api/units/XA_BANBO_B01", http.StatusOK, &village)
	for _, s := range []string{village.Name, "XA_BANBO_B01", "HGD_TONG", "Năm 2024", `<span class="value">6.500</span>`,
		`href="/entry?form=BM_BAN_NAM&amp;period=2024&amp;unit=XA_BANBO"`} {
		if !strings.Contains(body, s) {
			t.Errorf("history page lacks %q", s)
		}
	}
	// Yes/no figures read Có/Không.
	body = get(t, srv, "/entry/history?unit=XA_BANBO_B01&element=BAN_LOA&period=2024Q4", http.StatusOK)
	if rows := eventRows(body); len(rows) != 2 || cellsOf(rows[1])[4] != "Không → Có" {
		t.Errorf("yes/no history: %q", rows)
	}

	t.Run("who may read it", func(t *testing.T) {
		for i, user := range users {
			// Whoever may view Bản Bo: not reporter2 (Bình Lư).
			want := []int{303, 200, 200, 200, 403, 200, 200, 200}[i]
			resp, body := do(t, srv, "GET", path, nil, "", map[string]string{"X-Test-As": user})
			if resp.StatusCode != want {
				t.Errorf("as %s: %d, want %d", user, resp.StatusCode, want)
			}
			if want == 403 && strings.Contains(body, "6.500") {
				t.Errorf("as %s: the refusal shows the figure", user)
			}
		}
		// A viewer goes back to the unit's page, not to a grid they may not use.
		body := get(t, srv, path+"&X=1", http.StatusOK) // admin: the grid
		if !strings.Contains(body, `href="/entry?`) {
			t.Error("admin has no way back to the grid")
		}
		_, body = do(t, srv, "GET", path, nil, "", map[string]string{"X-Test-As": "viewer"})
		if !strings.Contains(body, `href="/units/XA_BANBO_B01"`) || strings.Contains(body, `href="/entry?`) {
			t.Error("viewer's way back is not the unit's page")
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"unit=XA_BANBO_B01&element=HGD_TONG", 422},
			{"unit=XA_BANBO_B01&element=KHONG_CO&period=2024", 404},
			{"unit=KHONG_CO&element=HGD_TONG&period=2024", 404},
			{"unit=XA_BANBO_B01&element=HGD_TONG&period=2024Q9", 422},
		} {
			if resp, _ := do(t, srv, "GET", "/entry/history?"+tc.query, nil, "", nil); resp.StatusCode != tc.want {
				t.Errorf("%s: %d, want %d", tc.query, resp.StatusCode, tc.want)
			}
		}
		// Never-changed figure: an empty history, said so.
		body := get(t, srv, "/entry/history?unit=XA_BANBO_B02&element=HGD_TONG&period=2019", http.StatusOK)
		if len(eventRows(body)) != 0 || !strings.Contains(body, "chưa từng được nhập hay sửa") {
			t.Error("empty history not said")
		}
	})
}

// Every enabled cell of the grid links to its figure's history; cells of
// elements a unit does not report have none.
func TestEntryGridHistoryLinks(t *testing.T) {
	srv := sharedServer(t)
	for _, page := range []string{"/entry?unit=XA_BANBO&form=BM_BAN&period=2024Q4", "/entry?unit=XA_BANBO&form=BM_BAN_NAM&period=2024"} {
		_, body := do(t, srv, "GET", page, nil, "", map[string]string{"X-Test-As": "reporter"})
		fields := regexp.MustCompile(`id="v\.([A-Z0-9_]+)\.([A-Z0-9_]+)"`).FindAllStringSubmatch(body, -1)
		links := regexp.MustCompile(`<a class="history" href="([^"]+)"`).FindAllStringSubmatch(body, -1)
		if len(fields) == 0 || len(links) != len(fields) {
			t.Fatalf("%s: %d fields, %d history links", page, len(fields), len(links))
		}
		q, _ := url.ParseQuery(html.UnescapeString(page[strings.Index(page, "?")+1:]))
		for i, f := range fields {
			cell := cellOf(t, body, f[1]+"."+f[2])
			m := regexp.MustCompile(`<a class="history" href="/entry/history\?([^"]+)"`).FindStringSubmatch(cell)
			if m == nil {
				t.Errorf("cell %s.%s has no history link", f[1], f[2])
				continue
			}
			got, _ := url.ParseQuery(html.UnescapeString(m[1]))
			want := url.Values{"unit": {f[1]}, "element": {f[2]}, "period": q["period"], "form": q["form"], "grid": {"XA_BANBO"}}
			for k := range want {
				if got.Get(k) != want.Get(k) {
					t.Errorf("cell %d %s.%s: link %s=%q, want %q", i, f[1], f[2], k, got.Get(k), want.Get(k))
				}
			}
		}
	}
}
