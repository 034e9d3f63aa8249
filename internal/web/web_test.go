package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// targetCodes are the fourteen targets of the demo plan, in plan order.
var targetCodes = []string{"1a", "1b", "2a", "2b", "3a", "3b", "3c", "3d", "4a", "4b", "4c", "5a", "5b", "5c"}

// statusLabels maps the CSS class of a status to its Vietnamese label.
var statusLabels = map[string]string{
	"achieved":  "Đạt",
	"on_track":  "Đúng tiến độ",
	"at_risk":   "Có nguy cơ",
	"off_track": "Chậm",
	"no_data":   "Chưa có số liệu",
}

// TestPages drives every page route the way a browser does.
func TestPages(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	run(t, srv, []scenario{
		{
			Name: "home redirects to the only plan", URL: "/",
			ExpectedStatus: http.StatusSeeOther, ExpectedLocation: "/plans/1",
		},
		{
			Name: "plan list", URL: "/plans",
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				`<a href="/plans/1">Kế hoạch triển khai thực hiện nâng cao hiệu quả, chất lượng công tác tư tưởng trên địa bàn huyện Tam Đường</a>`,
				`<span class="badge synth">minh họa</span>`,
				`<a href="/plans" aria-current="page">`,
			},
		},
		{
			Name: "plan page", URL: "/plans/1",
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				`<html lang="vi">`,
				`<p class="demo" role="note"><strong>Dữ liệu minh họa.</strong> ` + demoNote + `</p>`,
				"Mục tiêu đến năm 2025",
				"≥ 84,6%", // target 3b, with a decimal comma
				`<option value="">năm mới nhất có số liệu</option>`,
			},
			NotExpectedContent: []string{"<no value>", "NaN", "Inf"},
		},
		{
			Name: "plan as of an invalid quarter", URL: "/plans/1?asof=2024Q5",
			ExpectedStatus:     http.StatusUnprocessableEntity,
			ExpectedContent:    []string{"<h1>Dữ liệu không hợp lệ</h1>", "2024Q5", "không hợp lệ", "quý phải từ 1 đến 4"},
			NotExpectedContent: []string{"Unprocessable Entity", `data-target=`},
		},
		{
			Name: "plan as of garbage", URL: "/plans/1?asof=abc",
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"không hợp lệ"},
		},
		{
			Name: "unknown plan", URL: "/plans/999",
			ExpectedStatus:     http.StatusNotFound,
			ExpectedContent:    []string{"<h1>Không tìm thấy</h1>", `<p class="alert">`},
			NotExpectedContent: []string{"Not Found", `data-target=`},
		},
		{
			Name: "plan id not a number", URL: "/plans/abc",
			ExpectedStatus:  http.StatusNotFound,
			ExpectedContent: []string{"<h1>Không tìm thấy</h1>", "không có kế hoạch &#34;abc&#34;"},
		},
		{
			Name: "target breakdown by commune", URL: "/plans/1/targets/2b",
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<h1>Mục tiêu 2b: Thôn, bản có cụm loa truyền thanh cơ sở hoạt động ổn định</h1>",
				"Chỉ tiêu: <b>≥ 100%</b> đến năm 2025",
				`<option value="commune" selected>Xã, phường, thị trấn</option>`,
				`<option value="village">Thôn, bản</option>`,
				`<p class="demo" role="note"><strong>Dữ liệu minh họa.</strong>`,
			},
		},
		{
			Name: "target of an unknown plan", URL: "/plans/999/targets/2b",
			ExpectedStatus: http.StatusNotFound,
		},
		{
			Name: "unknown target", URL: "/plans/1/targets/9z",
			ExpectedStatus:     http.StatusNotFound,
			ExpectedContent:    []string{"<h1>Không tìm thấy</h1>", "Kế hoạch không có mục tiêu &#34;9z&#34;."},
			NotExpectedContent: []string{"data-unit="},
		},
		{
			Name: "target with an invalid period", URL: "/plans/1/targets/2b?period=2024Q9",
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"2024Q9", "không hợp lệ"},
		},
		{
			Name: "unit search without diacritics finds Bản Bo", URL: "/units?q=ban+bo",
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				`<a href="/units/XA_BANBO">Bản Bo</a>`,
				`value="ban bo"`,
				"khớp “ban bo”",
			},
			NotExpectedContent: []string{"/units/XA_BINHLU", "/units/XA_BANBO_B01"},
		},
		{
			Name: "unit search finds Bình Lư", URL: "/units?q=binh+lu",
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{`<a href="/units/XA_BINHLU">Bình Lư</a>`, `<a href="/units/X25_BINHLU">Bình Lư</a>`},
			NotExpectedContent: []string{"/units/XA_BANBO\""},
		},
		{
			Name: "unit search with diacritics", URL: "/units?q=B%C3%ACnh+L%C6%B0",
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`<a href="/units/XA_BINHLU">Bình Lư</a>`},
		},
		{
			Name: "unit search finds nothing", URL: "/units?q=xyz",
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{"0 đơn vị khớp “xyz”."},
			NotExpectedContent: []string{`<a href="/units/`},
		},
		{
			Name: "unit list by kind", URL: "/units?kind=district",
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{"1 đơn vị.", `<a href="/units/TAMDUONG">Huyện Tam Đường</a>`, `<option value="district" selected>Huyện</option>`},
			NotExpectedContent: []string{`href="/units/XA_BANBO"`},
		},
		{
			Name: "merged commune", URL: "/units/XA_BINHLU",
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<h1>Bình Lư</h1>",
				"<code>XA_BINHLU</code>",
				`<a href="/units/TAMDUONG">Huyện Tam Đường</a>`,
				"đến 30/06/2025",
				"<h2>Sắp xếp lại</h2>",
				`Từ 01/07/2025 nhập vào <a href="/units/X25_BINHLU">Bình Lư</a> (sáp nhập)`,
				`<a href="/units/XA_BINHLU_B01">`,
				`<span class="muted">Thôn, bản</span>`,
				`<a class="button" href="/entry?unit=XA_BINHLU">`,
			},
			NotExpectedContent: []string{"(merge)"},
		},
		{
			Name: "new commune formed by the merge", URL: "/units/X25_BINHLU",
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<h2>Hình thành từ</h2>",
				`<a href="/units/XA_BINHLU">Bình Lư</a> (từ 01/07/2025)`,
				`<a href="/units/XA_SONBINH">Sơn Bình</a>`,
				`<a href="/units/TT_TAMDUONG">Thị trấn Tam Đường</a>`,
				"từ 01/07/2025, đang hoạt động",
			},
		},
		{
			Name: "unknown unit", URL: "/units/NOPE",
			ExpectedStatus:  http.StatusNotFound,
			ExpectedContent: []string{"<h1>Không tìm thấy</h1>", "NOPE"},
		},
		{
			Name: "unknown path", URL: "/khong-co",
			ExpectedStatus:     http.StatusNotFound,
			ExpectedContent:    []string{`<html lang="vi">`, "<h1>Không tìm thấy</h1>", "Không tìm thấy trang /khong-co.", `<a href="/">Về trang chủ</a>`},
			NotExpectedContent: []string{"Not Found", "404 page not found"},
		},
		{
			Name: "health", URL: "/healthz",
			ExpectedStatus:  http.StatusOK,
			ExpectedHeaders: map[string]string{"Content-Type": "application/json"},
			Check: func(t *testing.T, body string) {
				if got := strings.TrimSpace(body); got != `{"status":"ok"}` {
					t.Errorf("body %q, want {\"status\":\"ok\"}", got)
				}
			},
		},
		{
			Name: "static file at a stale checksum is not cached for good", URL: "/static/000000000000/app.css",
			ExpectedStatus:     http.StatusOK,
			ExpectedHeaders:    map[string]string{"Content-Type": "text/css"},
			NotExpectedContent: []string{"<html"},
		},
		{
			Name: "unknown static file", URL: "/static/000000000000/nope.js",
			ExpectedStatus: http.StatusNotFound,
		},
		{
			Name: "partial request gets only the main block", URL: "/plans",
			Headers:            map[string]string{"X-Partial": "1"},
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{"<h1>Kế hoạch</h1>"},
			NotExpectedContent: []string{"<html", "<header", "<footer"},
		},
	}, true)
}

// TestPlanPage checks the plan page's table target by target, against the
// JSON API's figures.
func TestPlanPage(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	body := get(t, srv, "/plans/1", http.StatusOK)
	var plan apiPlan
	getJSON(t, srv, "/api/plans/1", http.StatusOK, &plan)
	if len(plan.Targets) != len(targetCodes) {
		t.Fatalf("API lists %d targets, want %d", len(plan.Targets), len(targetCodes))
	}

	rows := rowsOf(body, "data-target=")
	var codes []string
	for _, r := range rows {
		codes = append(codes, attrOf(r, "data-target"))
	}
	if !slices.Equal(codes, targetCodes) {
		t.Fatalf("target rows %v, want %v", codes, targetCodes)
	}
	if n := strings.Count(body, `<svg class="spark"`); n != len(targetCodes) {
		t.Errorf("%d sparklines, want %d", n, len(targetCodes))
	}

	stRE := regexp.MustCompile(`<span class="st st-([a-z_]+)">([^<]*)</span>`)
	valueRE := regexp.MustCompile(`<span class="value">([^<]*)</span>`)
	labels := map[string]int{}
	for i, row := range rows {
		code := targetCodes[i]
		at := plan.Targets[i]
		if at.Code != code {
			t.Fatalf("API target %d is %s, want %s", i, at.Code, code)
		}
		if !strings.Contains(row, `<svg class="spark"`) || !strings.Contains(row, `aria-label="Xu hướng `+code+`"`) {
			t.Errorf("%s: no sparkline", code)
		}
		if !strings.Contains(row, `<a href="/plans/1/targets/`+code+`">`) {
			t.Errorf("%s: no link to the breakdown", code)
		}
		m := stRE.FindStringSubmatch(row)
		if m == nil {
			t.Errorf("%s: no status", code)
			continue
		}
		if want := statusLabels[m[1]]; m[2] != want {
			t.Errorf("%s: status %s labelled %q, want %q", code, m[1], m[2], want)
		}
		if m[1] != at.Status {
			t.Errorf("%s: page says %s, API says %s", code, m[1], at.Status)
		}
		labels[m[2]]++
		if at.Value == nil {
			t.Errorf("%s: demo target without a value", code)
			continue
		}
		v := valueRE.FindStringSubmatch(row)
		if v == nil {
			t.Errorf("%s: no current value", code)
			continue
		}
		if want := vnPercent(*at.Value); v[1] != want {
			t.Errorf("%s: value %q, want %q (API %v)", code, v[1], want, *at.Value)
		}
		x, y := xyOf(t, row)
		if float64(x) != *at.Numerator || float64(y) != *at.Denominator {
			t.Errorf("%s: x/y %d/%d, API %v/%v", code, x, y, *at.Numerator, *at.Denominator)
		}
		if y == 0 || x > y {
			t.Errorf("%s: implausible x/y %d/%d", code, x, y)
		}
		if want := "≥ " + vnPercent(at.Target); !strings.Contains(row, want) {
			t.Errorf("%s: target %q not shown", code, want)
		}
	}
	// The demo has targets in each of the four states.
	for _, l := range []string{"Đạt", "Đúng tiến độ", "Có nguy cơ", "Chậm"} {
		if labels[l] == 0 {
			t.Errorf("no target is %q; counts %v", l, labels)
		}
	}
	// The summary counts what the rows show.
	for class, label := range statusLabels {
		n := labels[label]
		want := fmt.Sprintf(`<span class="st st-%s">%d %s</span>`, class, n, strings.ToLower(label))
		if n > 0 && !strings.Contains(body, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	// Percentages use the decimal comma, never a point.
	if m := regexp.MustCompile(`[0-9]\.[0-9]+%`).FindString(body); m != "" {
		t.Errorf("percentage with a decimal point: %q", m)
	}
	if !regexp.MustCompile(`<span class="value">[0-9]+,[0-9]%</span>`).MatchString(body) {
		t.Error("no current value with a decimal comma")
	}
}

// vnPercent formats v as the pages do: one decimal, decimal comma, no
// trailing ",0".
func vnPercent(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + "%"
}

// TestPlanAsOf checks that ?asof picks the year whose figures are shown.
func TestPlanAsOf(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	latest := get(t, srv, "/plans/1", http.StatusOK)
	y2022 := get(t, srv, "/plans/1?asof=2022", http.StatusOK)
	if !strings.Contains(y2022, `<option value="2022" selected>Năm 2022</option>`) {
		t.Error("asof=2022 is not the selected year")
	}
	var plan2022 apiPlan
	getJSON(t, srv, "/api/plans/1?asof=2022", http.StatusOK, &plan2022)
	changed := 0
	for i, code := range targetCodes {
		a, b := targetRow(t, latest, code), targetRow(t, y2022, code)
		if !strings.Contains(b, `<span class="muted">Năm 2022</span>`) {
			t.Errorf("%s: current value as of 2022 is not labelled Năm 2022:\n%s", code, b)
		}
		if !strings.Contains(a, `<span class="muted">Năm 2024</span>`) {
			t.Errorf("%s: latest value is not labelled Năm 2024", code)
		}
		ax, _ := xyOf(t, a)
		bx, _ := xyOf(t, b)
		if ax != bx {
			changed++
		}
		if at := plan2022.Targets[i]; at.Period != "2022" || at.Numerator == nil || float64(bx) != *at.Numerator {
			t.Errorf("%s: as of 2022 page x = %d, API %+v", code, bx, at)
		}
	}
	if changed < len(targetCodes)/2 {
		t.Errorf("only %d of %d targets differ between 2022 and the latest year", changed, len(targetCodes))
	}
}

// TestTargetBreakdown checks the breakdown by commune and by village, its
// order and its sorting.
func TestTargetBreakdown(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	statusRE := regexp.MustCompile(`<span class="st st-[a-z_]+">(Đạt|Chưa đạt)</span>`)

	body := get(t, srv, "/plans/1/targets/2b", http.StatusOK)
	rows := rowsOf(body, "data-unit=")
	if len(rows) != 13 {
		t.Fatalf("%d communes, want 13", len(rows))
	}
	meets := make([]bool, len(rows))
	anyShort := false
	for i, r := range rows {
		code := attrOf(r, "data-unit")
		if !strings.HasPrefix(code, "XA_") && code != "TT_TAMDUONG" {
			t.Errorf("row %d is %s, not a commune of Tam Đường", i, code)
		}
		m := statusRE.FindStringSubmatch(r)
		if m == nil {
			t.Fatalf("row %s has no status:\n%s", code, r)
		}
		meets[i] = m[1] == "Đạt"
		anyShort = anyShort || !meets[i]
	}
	if anyShort && meets[0] {
		t.Errorf("first row %s meets the target though some commune does not", attrOf(rows[0], "data-unit"))
	}
	// Lagging first: no commune meeting the target comes before one that
	// does not.
	for i := 1; i < len(meets); i++ {
		if !meets[i] && meets[i-1] {
			t.Errorf("row %d (%s) lags but comes after a commune that meets the target", i, attrOf(rows[i], "data-unit"))
		}
	}
	// The communes' x/y add up to the district's.
	xyRE := regexp.MustCompile(`<td class="num">([0-9.]+)/([0-9.]+)</td>`)
	sx, sy := 0, 0
	for _, r := range rows {
		m := xyRE.FindStringSubmatch(r)
		if m == nil {
			t.Fatalf("row without x/y:\n%s", r)
		}
		sx += atoiVN(t, m[1])
		sy += atoiVN(t, m[2])
	}
	plan := get(t, srv, "/plans/1", http.StatusOK)
	px, py := xyOf(t, targetRow(t, plan, "2b"))
	if sx != px || sy != py {
		t.Errorf("communes add up to %d/%d, plan page shows %d/%d", sx, sy, px, py)
	}

	t.Run("by village", func(t *testing.T) {
		body := get(t, srv, "/plans/1/targets/2b?level=village", http.StatusOK)
		if !strings.Contains(body, `<option value="village" selected>Thôn, bản</option>`) {
			t.Error("village level not selected")
		}
		rows := rowsOf(body, "data-unit=")
		if len(rows) != py {
			t.Errorf("%d villages, want %d (the plan's denominator)", len(rows), py)
		}
		for _, r := range rows {
			if !strings.Contains(r, `<span class="badge synth" title="Tên và số liệu được sinh để minh họa">minh họa</span>`) {
				t.Errorf("village without the minh họa badge:\n%s", r)
				break
			}
			if code := attrOf(r, "data-unit"); !strings.Contains(code, "_B") {
				t.Errorf("row %s is not a village", code)
			}
		}
	})

	t.Run("sorted by name", func(t *testing.T) {
		body := get(t, srv, "/plans/1/targets/2b?sort=name", http.StatusOK)
		nameRE := regexp.MustCompile(`<td><a href="/units/[A-Z0-9_]+">([^<]+)</a></td>`)
		var names []string
		for _, r := range rowsOf(body, "data-unit=") {
			m := nameRE.FindStringSubmatch(r)
			if m == nil {
				t.Fatalf("row without a name:\n%s", r)
			}
			names = append(names, strings.TrimSpace(m[1]))
		}
		// Vietnamese order: letters first (a < ă < â < b … d < đ … o < ô < ơ,
		// u < ư), tones only to break ties.
		want := []string{"Bản Bo", "Bản Giang", "Bản Hon", "Bình Lư", "Giang Ma", "Hồ Thầu", "Khun Há",
			"Nà Tăm", "Nùng Nàng", "Sơn Bình", "Tả Lèng", "Thèn Sin", "Thị trấn Tam Đường"}
		if !slices.Equal(names, want) {
			t.Errorf("sorted by name:\n got %v\nwant %v", names, want)
		}
	})

	t.Run("other year", func(t *testing.T) {
		body := get(t, srv, "/plans/1/targets/2b?period=2021", http.StatusOK)
		if !strings.Contains(body, `<option value="2021" selected>Năm 2021</option>`) || !strings.Contains(body, "Toàn phạm vi, năm 2021:") {
			t.Error("period=2021 not shown as the chosen year")
		}
		if len(rowsOf(body, "data-unit=")) != 13 {
			t.Error("not 13 communes in 2021")
		}
	})

	t.Run("schools for a school target", func(t *testing.T) {
		body := get(t, srv, "/plans/1/targets/5c?level=school", http.StatusOK)
		rows := rowsOf(body, "data-unit=")
		if len(rows) == 0 {
			t.Fatal("no school rows")
		}
		for _, r := range rows {
			if code := attrOf(r, "data-unit"); !strings.HasPrefix(code, "TH") && !strings.HasPrefix(code, "PTDTNT") {
				t.Errorf("row %s is not a school", code)
			}
		}
	})
}

// TestStaticAndHeaders checks the checksum URLs of the layout and the
// security headers of pages.
func TestStaticAndHeaders(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	body := get(t, srv, "/plans", http.StatusOK)
	refs := regexp.MustCompile(`(?:href|src)="(/static/[0-9a-f]{12}/(app\.(?:css|js)))"`).FindAllStringSubmatch(body, -1)
	if len(refs) != 2 {
		t.Fatalf("layout references %d static files, want app.css and app.js: %v", len(refs), refs)
	}
	for _, ref := range refs {
		resp, content := do(t, srv, http.MethodGet, ref[1], nil, "", nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", ref[1], resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q, want a long immutable cache", ref[1], cc)
		}
		wantType := map[string]string{"app.css": "text/css", "app.js": "javascript"}[ref[2]]
		if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, wantType) {
			t.Errorf("%s: Content-Type %q, want %s", ref[1], ct, wantType)
		}
		if len(content) < 100 {
			t.Errorf("%s: only %d bytes", ref[1], len(content))
		}
		// A stale checksum still serves the file, but not for good.
		stale := strings.Replace(ref[1], ref[1][8:20], "000000000000", 1)
		resp, _ = do(t, srv, http.MethodGet, stale, nil, "", nil)
		if resp.StatusCode != http.StatusOK || strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: status %d, Cache-Control %q", stale, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}

	for _, path := range []string{"/plans/1", "/plans/1/targets/2b", "/entry?unit=XA_BANBO&form=BM_BAN&period=2024Q4", "/units", "/units/NOPE", "/nope", "/api/plans/1"} {
		resp, body := do(t, srv, http.MethodGet, path, nil, "", nil)
		csp := resp.Header.Get("Content-Security-Policy")
		directives := map[string]string{}
		for _, d := range strings.Split(csp, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
			directives[name] = value
		}
		if s := directives["script-src"]; s == "" || strings.Contains(s, "unsafe-inline") || strings.Contains(s, "unsafe-eval") {
			t.Errorf("%s: script-src %q (CSP %q)", path, s, csp)
		}
		if strings.Contains(directives["default-src"], "unsafe-inline") {
			t.Errorf("%s: default-src allows inline code", path)
		}
		if directives["frame-ancestors"] != "'none'" {
			t.Errorf("%s: frame-ancestors %q, want 'none'", path, directives["frame-ancestors"])
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, got)
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			// The plan and target pages may stay in the reader's own browser
			// and are checked again at each load (ETag, 304: speed, issue
			// 16); no other page is kept anywhere.
			want := "no-store"
			if path == "/plans/1" || path == "/plans/1/targets/2b" {
				want = "private, no-cache"
			}
			if cc := resp.Header.Get("Cache-Control"); cc != want {
				t.Errorf("%s: Cache-Control %q, want %s", path, cc, want)
			}
			// The CSP forbids inline script, event handlers and style
			// attributes: the pages must not need them.
			for _, bad := range []string{"<script>", " onclick=", " onchange=", " onsubmit=", " style=", "javascript:"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s: page contains %q, which the CSP blocks", path, bad)
				}
			}
		}
	}
}
