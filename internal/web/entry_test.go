package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEntryPages checks the choice of unit, form and period and the grid.
func TestEntryPages(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	run(t, srv, []scenario{
		{
			Name: "choose a unit", URL: "/entry",
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<h1>Nhập số liệu</h1>",
				`<option value="XA_BANBO">Bản Bo (xã, phường, thị trấn, đến 30/06/2025)</option>`,
				`<option value="CQ_VHTT">`,
				`<option value="TH_BANBO">Trường Tiểu học Bản Bo (trường học, đến 30/06/2025)</option>`,
				`<a href="/entry" aria-current="page">`,
			},
			// Villages report through their commune's grid.
			NotExpectedContent: []string{`<option value="XA_BANBO_B01"`, `name="form"`, `<table class="grid">`},
		},
		{
			Name: "forms a commune reports", URL: "/entry?unit=XA_BANBO",
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				"<h1>Nhập số liệu: Bản Bo</h1>",
				`<option value="XA_BANBO" selected>`,
				`<option value="BM_XA">`, `<option value="BM_BAN">`, `<option value="BM_BAN_NAM">`,
				`<option value="BM_CANBO">`,
				// Schools sit under communes, so their form is offered too.
				`<option value="BM_COQUAN">`,
			},
			NotExpectedContent: []string{`name="period"`, `<table class="grid">`},
		},
		{
			Name: "forms a village-less agency reports", URL: "/entry?unit=CQ_VHTT",
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{`<option value="BM_CANBO">`, `<option value="BM_COQUAN">`},
			NotExpectedContent: []string{`<option value="BM_BAN">`, `<option value="BM_XA">`},
		},
		{
			Name: "periods of a quarterly form", URL: "/entry?unit=XA_BANBO&form=BM_BAN",
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{`<option value="BM_BAN" selected>`, `<option value="2024Q4">Quý IV/2024</option>`, `<option value="2021Q1">`},
			NotExpectedContent: []string{`<option value="2024">`, `<table class="grid">`},
		},
		{
			Name: "mismatched period", URL: "/entry?unit=XA_BANBO&form=BM_BAN&period=2024",
			ExpectedStatus:     http.StatusUnprocessableEntity,
			ExpectedContent:    []string{"<h1>Dữ liệu không hợp lệ</h1>", "Năm 2024", "không khớp loại kỳ của biểu mẫu", "theo quý"},
			NotExpectedContent: []string{`<table class="grid">`},
		},
		{
			Name: "invalid period", URL: "/entry?unit=XA_BANBO&form=BM_BAN&period=2024Q7",
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"2024Q7", "không hợp lệ"},
		},
		{
			Name: "unknown unit", URL: "/entry?unit=NOPE",
			ExpectedStatus:  http.StatusNotFound,
			ExpectedContent: []string{"<h1>Không tìm thấy</h1>", "NOPE"},
		},
		{
			Name: "unknown form", URL: "/entry?unit=XA_BANBO&form=BM_NOPE&period=2024",
			ExpectedStatus:  http.StatusNotFound,
			ExpectedContent: []string{"BM_NOPE"},
		},
		{
			Name: "form the unit does not report", URL: "/entry?unit=CQ_VHTT&form=BM_BAN&period=2024Q4",
			ExpectedStatus:  http.StatusUnprocessableEntity,
			ExpectedContent: []string{"không báo cáo biểu mẫu"},
		},
		{
			Name: "saved message", URL: "/entry?unit=XA_BANBO&form=BM_BAN&period=2024Q4&saved=%C4%90%C3%A3+l%C6%B0u%3A+1",
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`<p class="ok" role="status">Đã lưu: 1</p>`},
		},
	}, true)

	t.Run("grid", func(t *testing.T) {
		t.Parallel()
		body := get(t, srv, "/entry?unit=XA_BANBO&form=BM_BAN&period=2024Q4", http.StatusOK)
		for _, want := range []string{
			`<form method="post" action="/entry" class="grid-form">`,
			`<input type="hidden" name="unit" value="XA_BANBO">`,
			`<input type="hidden" name="form" value="BM_BAN">`,
			`<input type="hidden" name="period" value="2024Q4">`,
			`<option value="2024Q4" selected>Quý IV/2024</option>`,
			"Quý IV/2024 · số liệu chốt từ",
			"(Quý III/2024)",
			`<button type="submit" class="primary">Lưu số liệu</button>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("grid lacks %q", want)
			}
		}
		villages := villagesOf(t, srv, "XA_BANBO")
		rowRE := regexp.MustCompile(`id="v\.([A-Z0-9_]+)\.BAN_LOA"`)
		var rows []string
		for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
			rows = append(rows, m[1])
		}
		slices.Sort(rows)
		if !slices.Equal(rows, villages) {
			t.Errorf("grid rows %v, want the villages of Bản Bo %v", rows, villages)
		}
		if strings.Contains(body, `name="v.XA_BANBO.`) {
			t.Error("the commune itself has a row in a village form")
		}
		if n := strings.Count(body, "<tr>") - 1; n != len(villages) { // minus the header row
			t.Errorf("%d rows, want %d", n, len(villages))
		}
		// Each cell shows this period's value as selected and last period's
		// value beside it.
		now := values(t, srv, "orgUnit=XA_BANBO&children=true&period=2024Q4&dataSet=BM_BAN")
		prev := values(t, srv, "orgUnit=XA_BANBO&children=true&period=2024Q3&dataSet=BM_BAN")
		label := map[string]string{"true": "Có", "false": "Không", "": ""}
		for _, v := range villages {
			for _, el := range []string{"BAN_LOA", "BAN_NVH", "BAN_NVH_CHUAN", "BAN_DVN"} {
				cell := cellOf(t, body, v+"."+el)
				want := now[v+"."+el+"/2024Q4"]
				if got := selectedOption(cell); got != want {
					t.Errorf("%s.%s: selected %q, stored %q", v, el, got, want)
				}
				p := prev[v+"."+el+"/2024Q3"]
				if !strings.Contains(cell, `<span class="prev" title="Kỳ trước">`+label[p]+`</span>`) {
					t.Errorf("%s.%s: last period's %q not shown:\n%s", v, el, p, cell)
				}
			}
		}
	})

	t.Run("yearly grid with numbers", func(t *testing.T) {
		t.Parallel()
		body := get(t, srv, "/entry?unit=XA_BANBO&form=BM_BAN_NAM&period=2024", http.StatusOK)
		stored := values(t, srv, "orgUnit=XA_BANBO_B01&period=2024")
		prev := values(t, srv, "orgUnit=XA_BANBO_B01&period=2023")
		cell := cellOf(t, body, "XA_BANBO_B01.HGD_TONG")
		if want := stored["XA_BANBO_B01.HGD_TONG/2024"]; want == "" || inputValue(cell) != want {
			t.Errorf("HGD_TONG input %q, stored %q", inputValue(cell), want)
		}
		if want := prev["XA_BANBO_B01.HGD_TONG/2023"]; !strings.Contains(cell, `<span class="prev" title="Kỳ trước">`+want+`</span>`) {
			t.Errorf("last year's %q not shown:\n%s", want, cell)
		}
		if !strings.Contains(cell, `inputmode="numeric"`) {
			t.Error("count field without a numeric keyboard")
		}
	})

	t.Run("commune and school rows of a mixed form", func(t *testing.T) {
		t.Parallel()
		body := get(t, srv, "/entry?unit=XA_BANBO&form=BM_COQUAN&period=2024", http.StatusOK)
		if !strings.Contains(body, `name="v.TH_BANBO.CQ_VH"`) || !strings.Contains(body, `name="v.TH_BANBO.TRUONG_CLB"`) {
			t.Error("the school of Bản Bo has no row")
		}
		if strings.Contains(body, `name="v.XA_BANBO_B01.`) {
			t.Error("a village has a row in the agencies' form")
		}
	})
}

// villagesOf returns the codes of the villages under a commune, sorted, as
// the API lists them.
func villagesOf(t *testing.T, srv *httptest.Server, commune string) []string {
	t.Helper()
	var u apiUnit
	getJSON(t, srv, "/api/units/"+commune, http.StatusOK, &u)
	var out []string
	for _, c := range u.Children {
		if c.Kind == "village" {
			out = append(out, c.Code)
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		t.Fatalf("%s has no villages", commune)
	}
	return out
}

// cellOf returns the <td> of the grid holding field v.KEY.
func cellOf(t *testing.T, body, key string) string {
	t.Helper()
	i := strings.Index(body, `name="v.`+key+`"`)
	if i < 0 {
		t.Fatalf("no field v.%s", key)
	}
	start := strings.LastIndex(body[:i], "<td")
	end := strings.Index(body[i:], "</td>")
	return body[start : i+end]
}

var (
	selectedRE = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	inputRE    = regexp.MustCompile(`<input id="[^"]*" name="[^"]*" value="([^"]*)"`)
	errorRE    = regexp.MustCompile(`<span class="field-error">([^<]*)</span>`)
)

// selectedOption returns the value selected in a cell's <select>.
func selectedOption(cell string) string {
	m := selectedRE.FindAllStringSubmatch(cell, -1)
	if len(m) != 1 {
		return "<" + strings.Repeat("?", len(m)) + ">"
	}
	return m[0][1]
}

// inputValue returns the value attribute of a cell's <input>, unescaped.
func inputValue(cell string) string {
	m := inputRE.FindStringSubmatch(cell)
	if m == nil {
		return "<no input>"
	}
	return unescape(m[1])
}

// fieldError returns the message beside a cell's field, unescaped.
func fieldError(cell string) string {
	m := errorRE.FindStringSubmatch(cell)
	if m == nil {
		return ""
	}
	return unescape(m[1])
}

func unescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`).Replace(s)
}

// entryForm is a posted grid.
func entryForm(unit, form, period string, cells ...string) url.Values {
	v := url.Values{"unit": {unit}, "form": {form}, "period": {period}}
	for i := 0; i+1 < len(cells); i += 2 {
		v.Set("v."+cells[i], cells[i+1])
	}
	return v
}

// TestEntrySave saves a grid and follows the change to the plan and the API.
func TestEntrySave(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	villages := villagesOf(t, srv, "XA_BANBO")
	before := values(t, srv, "orgUnit=XA_BANBO&children=true&period=2024Q4&dataSet=BM_BAN")
	wasTrue := 0
	for _, v := range villages {
		if before[v+".BAN_LOA/2024Q4"] == "true" {
			wasTrue++
		}
	}
	if wasTrue == 0 {
		t.Fatal("no village of Bản Bo has a working loudspeaker in 2024Q4: the test would prove nothing")
	}
	plan := get(t, srv, "/plans/1", http.StatusOK)
	x0, y0 := xyOf(t, targetRow(t, plan, "2b"))

	f := entryForm("XA_BANBO", "BM_BAN", "2024Q4")
	for _, v := range villages {
		f.Set("v."+v+".BAN_LOA", "false")
	}
	resp, body := do(t, srv, http.MethodPost, "/entry", f, "", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d, want 303; body:\n%s", resp.StatusCode, excerpt(body))
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Path != "/entry" {
		t.Fatalf("save redirects to %q", resp.Header.Get("Location"))
	}
	q := loc.Query()
	if q.Get("unit") != "XA_BANBO" || q.Get("form") != "BM_BAN" || q.Get("period") != "2024Q4" {
		t.Errorf("redirect to %v, want the same grid", q)
	}
	page := get(t, srv, loc.RequestURI(), http.StatusOK)
	wantMsg := "Đã lưu: 0 số liệu mới, " + strconv.Itoa(wasTrue) + " sửa, 0 xóa."
	if !strings.Contains(page, `<p class="ok" role="status">`+wantMsg+`</p>`) {
		t.Errorf("grid after saving lacks %q", wantMsg)
	}
	for _, v := range villages {
		if got := selectedOption(cellOf(t, page, v+".BAN_LOA")); got != "false" {
			t.Errorf("%s.BAN_LOA shows %q after saving false", v, got)
		}
	}

	// The very next read of the plan has the change.
	plan = get(t, srv, "/plans/1", http.StatusOK)
	x1, y1 := xyOf(t, targetRow(t, plan, "2b"))
	if x1 != x0-wasTrue || y1 != y0 {
		t.Errorf("target 2b %d/%d after saving, want %d/%d", x1, y1, x0-wasTrue, y0)
	}
	var ap apiPlan
	getJSON(t, srv, "/api/plans/1", http.StatusOK, &ap)
	if n := ap.Targets[3]; n.Code != "2b" || n.Numerator == nil || int(*n.Numerator) != x1 {
		t.Errorf("API target 2b %+v, want numerator %d", n, x1)
	}
	bd := get(t, srv, "/plans/1/targets/2b", http.StatusOK)
	for _, r := range rowsOf(bd, "data-unit=") {
		if attrOf(r, "data-unit") == "XA_BANBO" && !strings.Contains(r, "<td class=\"num\">0/"+strconv.Itoa(len(villages))+"</td>") {
			t.Errorf("Bản Bo's breakdown row after saving:\n%s", r)
		}
	}

	after := values(t, srv, "orgUnit=XA_BANBO&children=true&period=2024Q4&dataSet=BM_BAN")
	for _, v := range villages {
		if got := after[v+".BAN_LOA/2024Q4"]; got != "false" {
			t.Errorf("API: %s.BAN_LOA = %q, want false", v, got)
		}
		// Fields not posted are left alone.
		if after[v+".BAN_NVH/2024Q4"] != before[v+".BAN_NVH/2024Q4"] {
			t.Errorf("API: %s.BAN_NVH changed though not posted", v)
		}
	}
	var set dataValueSet
	getJSON(t, srv, "/api/dataValueSets?orgUnit="+villages[0]+"&period=2024Q4", http.StatusOK, &set)
	for _, v := range set.DataValues {
		if v.DataElement == "BAN_LOA" && v.StoredBy != "admin" {
			t.Errorf("saved figure stored by %q, want admin (the signed-in user)", v.StoredBy)
		}
	}

	t.Run("numbers and clearing", func(t *testing.T) {
		f := entryForm("XA_BANBO", "BM_BAN_NAM", "2024", villages[0]+".HGD_TONG", " 150 ", villages[0]+".HGD_VH", "120", villages[1]+".BAN_VH", "")
		// Removal is the cell's "Xóa" control, confirmed (issue 9).
		f.Set("d."+villages[1]+".BAN_VH", "1")
		f.Set("confirm_remove", "1")
		resp, body := do(t, srv, http.MethodPost, "/entry", f, "", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d; body:\n%s", resp.StatusCode, excerpt(body))
		}
		got := values(t, srv, "orgUnit=XA_BANBO&children=true&period=2024")
		if got[villages[0]+".HGD_TONG/2024"] != "150" || got[villages[0]+".HGD_VH/2024"] != "120" {
			t.Errorf("saved %q/%q, want 150/120", got[villages[0]+".HGD_TONG/2024"], got[villages[0]+".HGD_VH/2024"])
		}
		if v, ok := got[villages[1]+".BAN_VH/2024"]; ok {
			t.Errorf("cleared figure still there: %q", v)
		}
	})
}

// TestEntrySaveInvalid posts bad grids: each comes back 422 with what was
// typed and a message beside the field, and nothing of it is saved.
func TestEntrySaveInvalid(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const b1, b2, b3 = "XA_BANBO_B01", "XA_BANBO_B02", "XA_BANBO_B03"
	type cellWant struct {
		Key      string // UNIT.ELEMENT
		Typed    string // the input's value, or the selected option
		Select   bool
		Error    []string // substrings of the message beside the field; nil: none
		NoErrors bool     // the field has no message
	}
	cases := []struct {
		Name   string
		Form   url.Values
		Status int
		// Content is what the page must hold (besides the cells).
		Content []string
		Cells   []cellWant
	}{
		{
			Name:    "negative count",
			Form:    entryForm("XA_BANBO", "BM_BAN_NAM", "2024", b1+".HGD_TONG", "-5"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{"Có 1 ô chưa hợp lệ; chưa lưu số liệu nào."},
			Cells:   []cellWant{{Key: b1 + ".HGD_TONG", Typed: "-5", Error: []string{"Tổng số hộ gia đình", "không được là số âm"}}},
		},
		{
			Name:   "not a number",
			Form:   entryForm("XA_BANBO", "BM_BAN_NAM", "2024", b1+".HGD_TONG", "abc"),
			Status: http.StatusUnprocessableEntity,
			Cells:  []cellWant{{Key: b1 + ".HGD_TONG", Typed: "abc", Error: []string{"Tổng số hộ gia đình", "không phải là số", `"abc"`}}},
		},
		{
			Name:   "decimal count",
			Form:   entryForm("XA_BANBO", "BM_BAN_NAM", "2024", b1+".HGD_TONG", "12,5"),
			Status: http.StatusUnprocessableEntity,
			Cells:  []cellWant{{Key: b1 + ".HGD_TONG", Typed: "12,5", Error: []string{"Tổng số hộ gia đình", "số nguyên"}}},
		},
		{
			Name:   "markup is shown as typed, not run",
			Form:   entryForm("XA_BANBO", "BM_BAN_NAM", "2024", b1+".HGD_TONG", `"><script>x</script>`),
			Status: http.StatusUnprocessableEntity,
			Cells:  []cellWant{{Key: b1 + ".HGD_TONG", Typed: `"><script>x</script>`, Error: []string{"không phải là số"}}},
		},
		{
			Name:    "numerator above its denominator",
			Form:    entryForm("XA_BANBO", "BM_BAN_NAM", "2024", b1+".HGD_TONG", "100", b1+".HGD_VH", "500"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{"Có 2 ô chưa hợp lệ; chưa lưu số liệu nào."},
			Cells: []cellWant{
				{Key: b1 + ".HGD_TONG", Typed: "100", Error: []string{"Số hộ gia đình văn hóa không thể lớn hơn tổng số hộ"}},
				{Key: b1 + ".HGD_VH", Typed: "500", Error: []string{"Số hộ gia đình văn hóa không thể lớn hơn tổng số hộ"}},
			},
		},
		{
			Name:   "standard cultural house without a cultural house",
			Form:   entryForm("XA_BANBO", "BM_BAN", "2024Q4", b1+".BAN_NVH_CHUAN", "true", b1+".BAN_NVH", "false"),
			Status: http.StatusUnprocessableEntity,
			Cells: []cellWant{
				{Key: b1 + ".BAN_NVH_CHUAN", Typed: "true", Select: true, Error: []string{"đạt chuẩn", "chưa có nhà văn hóa"}},
				{Key: b1 + ".BAN_NVH", Typed: "false", Select: true, Error: []string{"đạt chuẩn", "chưa có nhà văn hóa"}},
			},
		},
		{
			Name:    "unknown unit in a field name",
			Form:    entryForm("XA_BANBO", "BM_BAN", "2024Q4", "XA_NOPE.BAN_LOA", "true", b1+".BAN_LOA", "false"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{`<li class="field-error">XA_NOPE: không có đơn vị mã &#34;XA_NOPE&#34;</li>`},
			Cells:   []cellWant{{Key: b1 + ".BAN_LOA", Typed: "false", Select: true, NoErrors: true}},
		},
		{
			Name:    "unit that does not report the element",
			Form:    entryForm("XA_BANBO", "BM_BAN", "2024Q4", "XA_BANBO.BAN_LOA", "true"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{`<li class="field-error">XA_BANBO.BAN_LOA: Cụm loa truyền thanh cơ sở hoạt động ổn định: đơn vị Bản Bo (xã, phường, thị trấn) không báo cáo chỉ số này</li>`},
		},
		{
			Name:    "element not in the form",
			Form:    entryForm("XA_BANBO", "BM_BAN", "2024Q4", b1+".HGD_TONG", "10"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{`<li class="field-error">` + b1 + `.HGD_TONG: chỉ số &#34;HGD_TONG&#34; không thuộc biểu mẫu`},
		},
		{
			Name:    "unknown period",
			Form:    entryForm("XA_BANBO", "BM_BAN", "2024Q7", b1+".BAN_LOA", "false"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{"2024Q7", "không hợp lệ", "quý phải từ 1 đến 4"},
		},
		{
			Name:    "period that does not fit the form",
			Form:    entryForm("XA_BANBO", "BM_BAN", "2024", b1+".BAN_LOA", "false"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{"không khớp", "theo quý"},
		},
		{
			Name:    "quarter for a yearly form",
			Form:    entryForm("XA_BANBO", "BM_BAN_NAM", "2024Q4", b1+".HGD_TONG", "10"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{"không khớp", "theo năm"},
		},
		{
			Name:    "no unit chosen",
			Form:    entryForm("", "BM_BAN", "2024Q4", b1+".BAN_LOA", "false"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{"Chưa chọn đơn vị."},
		},
		{
			// A posted form code that does not exist is bad input: 422.
			Name:    "unknown form",
			Form:    entryForm("XA_BANBO", "BM_NOPE", "2024", b1+".HGD_TONG", "10"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{"Không có biểu mẫu mã &#34;BM_NOPE&#34;."},
		},
		{
			Name: "one bad cell among good ones",
			Form: entryForm("XA_BANBO", "BM_BAN_NAM", "2024",
				b1+".HGD_TONG", "120", b1+".HGD_VH", "60", b2+".HGD_TONG", "130", b3+".HGD_TONG", "x1", b3+".BAN_VH", "false"),
			Status:  http.StatusUnprocessableEntity,
			Content: []string{"Có 1 ô chưa hợp lệ; chưa lưu số liệu nào."},
			Cells: []cellWant{
				{Key: b1 + ".HGD_TONG", Typed: "120", NoErrors: true},
				{Key: b1 + ".HGD_VH", Typed: "60", NoErrors: true},
				{Key: b2 + ".HGD_TONG", Typed: "130", NoErrors: true},
				{Key: b3 + ".HGD_TONG", Typed: "x1", Error: []string{"Tổng số hộ gia đình", "không phải là số"}},
				{Key: b3 + ".BAN_VH", Typed: "false", Select: true, NoErrors: true},
			},
		},
	}
	// Every posted unit is Bản Bo or under it: its figures of all periods
	// are the same after all the cases, and each case (sequential) checks
	// the period it posted, so a stray save is caught by the case that
	// made it.
	all := values(t, srv, "orgUnit=XA_BANBO&children=true")
	defer func() {
		sameValues(t, "after all refused saves", all, values(t, srv, "orgUnit=XA_BANBO&children=true"))
	}()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			scope := "orgUnit=XA_BANBO&children=true&period=2024"
			if strings.HasPrefix(c.Form.Get("period"), "2024Q") {
				scope += "Q4" // also for 2024Q7, which cannot be stored
			}
			before := values(t, srv, scope)
			if len(before) == 0 {
				t.Fatalf("no figures in %s: the comparison would prove nothing", scope)
			}
			resp, body := do(t, srv, http.MethodPost, "/entry", c.Form, "", nil)
			if resp.StatusCode != c.Status {
				t.Errorf("status %d, want %d; body:\n%s", resp.StatusCode, c.Status, excerpt(body))
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, `<html lang="vi">`) {
				t.Errorf("answer is not a Vietnamese page (Content-Type %q)", resp.Header.Get("Content-Type"))
			}
			for _, s := range c.Content {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q; body:\n%s", s, excerpt(body))
				}
			}
			for _, bad := range []string{"<no value>", "<script>x</script>", "Unprocessable Entity", "Lỗi hệ thống"} {
				if strings.Contains(body, bad) {
					t.Errorf("page contains %q", bad)
				}
			}
			if len(c.Cells) > 0 && !strings.Contains(body, `<form method="post" action="/entry" class="grid-form">`) {
				t.Fatal("the grid did not come back")
			}
			for _, cw := range c.Cells {
				cell := cellOf(t, body, cw.Key)
				got := inputValue(cell)
				if cw.Select {
					got = selectedOption(cell)
				}
				if got != cw.Typed {
					t.Errorf("%s: shows %q, typed %q", cw.Key, got, cw.Typed)
				}
				msg := fieldError(cell)
				if cw.NoErrors && msg != "" {
					t.Errorf("%s: message %q beside a good field", cw.Key, msg)
				}
				if cw.Error != nil {
					if msg == "" {
						t.Errorf("%s: no message beside the field:\n%s", cw.Key, cell)
					}
					for _, s := range cw.Error {
						if !strings.Contains(msg, s) {
							t.Errorf("%s: message %q lacks %q", cw.Key, msg, s)
						}
					}
					if !strings.Contains(cell, `<td class="has-error"`) || !strings.Contains(cell, `aria-invalid="true"`) {
						t.Errorf("%s: field not marked invalid:\n%s", cw.Key, cell)
					}
				}
			}
			sameValues(t, "after a refused save", before, values(t, srv, scope))
		})
	}
}

// TestEntryCrossOrigin checks that a form posted from another site is
// refused and saves nothing, and that GET never changes state.
func TestEntryCrossOrigin(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	snapshot := func() map[string]string { return values(t, srv, "orgUnit=XA_BANBO&children=true") }
	good := entryForm("XA_BANBO", "BM_BAN_NAM", "2024", "XA_BANBO_B01.HGD_TONG", "999", "XA_BANBO_B01.HGD_VH", "1")
	// Unusual figures, confirmed (issue 9's plausibility check).
	good.Set("k.XA_BANBO_B01.HGD_TONG", "1")
	good.Set("k.XA_BANBO_B01.HGD_VH", "1")
	before := snapshot()
	if before["XA_BANBO_B01.HGD_TONG/2024"] == "999" {
		t.Fatal("the demo already holds the value the test posts")
	}
	run(t, srv, []scenario{
		{
			Name: "cross-site by Sec-Fetch-Site", Method: http.MethodPost, URL: "/entry", Form: good,
			Headers:            map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
			ExpectedStatus:     http.StatusForbidden,
			ExpectedContent:    []string{"<h1>Không có quyền truy cập</h1>", "trang web khác"},
			NotExpectedContent: []string{"cross-origin request detected"},
		},
		{
			Name: "cross-site by Origin alone", Method: http.MethodPost, URL: "/entry", Form: good,
			Headers:        map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": ""},
			ExpectedStatus: http.StatusForbidden,
		},
		{
			Name: "same-site subdomain", Method: http.MethodPost, URL: "/entry", Form: good,
			Headers:        map[string]string{"Origin": "http://sub.example", "Sec-Fetch-Site": "same-site"},
			ExpectedStatus: http.StatusForbidden,
		},
		{
			Name: "GET with the same fields", URL: "/entry?" + good.Encode(),
			ExpectedStatus:     http.StatusOK,
			NotExpectedContent: []string{`value="999"`, "Đã lưu"},
		},
		{
			Name: "cross-site API write", Method: http.MethodPost, URL: "/api/dataValueSets", Body: `{"dataValues":[]}`,
			Headers:         map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"},
			ExpectedStatus:  http.StatusForbidden,
			ExpectedHeaders: map[string]string{"Content-Type": "application/json"},
			Check:           jsonError(403),
		},
	}, false)
	sameValues(t, "after refused and GET requests", before, snapshot())

	// Every page read leaves the figures as they were.
	for _, path := range []string{"/", "/plans", "/plans/1", "/plans/1?asof=2022", "/plans/1/targets/2b?level=village&sort=name",
		"/entry", "/entry?unit=XA_BANBO&form=BM_BAN&period=2024Q4", "/units?q=ban+bo", "/units/XA_BANBO",
		"/api/plans/1", "/api/units", "/api/dataValueSets?orgUnit=XA_BANBO", "/healthz"} {
		do(t, srv, http.MethodGet, path, nil, "", nil)
		do(t, srv, http.MethodHead, path, nil, "", nil)
	}
	sameValues(t, "after reading every page", before, snapshot())

	// The same form, same-origin, is saved: the refusals above were for the
	// origin, not the form.
	resp, body := do(t, srv, http.MethodPost, "/entry", good, "", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin save: status %d; body:\n%s", resp.StatusCode, excerpt(body))
	}
	if got := snapshot()["XA_BANBO_B01.HGD_TONG/2024"]; got != "999" {
		t.Errorf("same-origin save: HGD_TONG = %q, want 999", got)
	}
}
