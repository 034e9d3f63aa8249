package web_test

import (
	"bytes"
	"encoding/json"
	mp "mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"kehoach/internal/store"
)

// importAnswer is DHIS2's answer to POST /api/dataValueSets.
type importAnswer struct {
	HTTPStatusCode int    `json:"httpStatusCode"`
	Status         string `json:"status"`
	Response       struct {
		Status      string `json:"status"`
		Description string `json:"description"`
		ImportCount struct {
			Imported, Updated, Ignored, Deleted int
		} `json:"importCount"`
		Conflicts []conflict `json:"conflicts"`
	} `json:"response"`
}

type conflict struct {
	Object, Value, ErrorCode, Location string
}

// postSet posts a document to /api/dataValueSets (path and query in
// path) as user, checks the status and decodes the answer.
func postSet(t *testing.T, srv *httptest.Server, path, contentType, doc, user string, want int) importAnswer {
	t.Helper()
	h := map[string]string{"X-Test-As": user}
	if contentType != "" {
		h["Content-Type"] = contentType
	}
	resp, body := do(t, srv, http.MethodPost, path, nil, doc, h)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: status %d, want %d; body %s", path, resp.StatusCode, want, excerpt(body))
	}
	var a importAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("POST %s: %v\n%s", path, err, excerpt(body))
	}
	return a
}

func TestAPIDataValueSetsImport(t *testing.T) {
	srv := newServer(t)
	const unit = "XA_BANBO_B01"
	before := values(t, srv, "orgUnit="+unit+"&period=2024")
	good := `{"period":"2024","orgUnit":"` + unit + `","dataValues":[{"dataElement":"HGD_TONG","value":"1.234"},{"dataElement":"HGD_VH","value":900}]}`
	bad := `{"period":"2024","orgUnit":"` + unit + `","dataValues":[{"dataElement":"HGD_TONG","value":"1.234"},{"dataElement":"HGD_VH","value":"chín trăm"},{"dataElement":"KHONG_CO","value":"1"}]}`

	// A bad figure rejects the set: every conflict listed, nothing saved.
	a := postSet(t, srv, "/api/dataValueSets", "application/json", bad, "reporter", http.StatusConflict)
	if a.Status != "ERROR" || a.Response.Status != "ERROR" || len(a.Response.Conflicts) != 2 {
		t.Fatalf("refused set: %+v", a)
	}
	codes := []string{a.Response.Conflicts[0].ErrorCode, a.Response.Conflicts[1].ErrorCode}
	slices.Sort(codes)
	if !slices.Equal(codes, []string{"E7610", "E7619"}) {
		t.Errorf("error codes %v", codes)
	}
	for _, c := range a.Response.Conflicts {
		if !strings.HasPrefix(c.Value, "dataValues[") || c.Location == "" {
			t.Errorf("conflict %+v does not say where", c)
		}
	}
	if got := values(t, srv, "orgUnit="+unit+"&period=2024"); !mapsEqual(got, before) {
		t.Fatalf("a refused set changed figures")
	}
	// An unusual figure (issue 9): 113 → 1.234 households is refused with
	// the reason and the range expected, and nothing is saved, until the
	// set is confirmed (or the figure carries a comment).
	a = postSet(t, srv, "/api/dataValueSets", "application/json", good, "reporter", http.StatusConflict)
	if !slices.ContainsFunc(a.Response.Conflicts, func(c conflict) bool {
		return c.Object == unit+".HGD_TONG/2024" && strings.Contains(c.Value, "Số liệu khác thường, cần xác nhận hoặc ghi chú: khác nhiều so với kỳ trước (113 → 1.234), khoảng thường gặp 38–339")
	}) {
		t.Fatalf("unusual figure: %+v", a.Response.Conflicts)
	}
	if got := values(t, srv, "orgUnit="+unit+"&period=2024"); !mapsEqual(got, before) {
		t.Fatalf("an unusual figure was saved unconfirmed")
	}
	// atomicMode=NONE keeps the good figure.
	a = postSet(t, srv, "/api/dataValueSets?atomicMode=NONE&dryRun=true&confirmUnusual=true", "application/json", bad, "reporter", http.StatusOK)
	if a.Response.Status != "WARNING" || a.Response.ImportCount.Updated+a.Response.ImportCount.Imported != 1 {
		t.Errorf("atomicMode=NONE dry run: %+v", a.Response)
	}
	// A dry run counts and saves nothing.
	a = postSet(t, srv, "/api/dataValueSets?dryRun=true&confirmUnusual=true", "application/json", good, "reporter", http.StatusOK)
	if a.Response.Status != "SUCCESS" || a.Response.ImportCount.Updated+a.Response.ImportCount.Imported != 2 {
		t.Errorf("dry run: %+v", a.Response)
	}
	if got := values(t, srv, "orgUnit="+unit+"&period=2024"); !mapsEqual(got, before) {
		t.Fatalf("a dry run changed figures")
	}
	a = postSet(t, srv, "/api/dataValueSets?confirmUnusual=true", "application/json", good, "reporter", http.StatusOK)
	if a.Response.Status != "SUCCESS" || a.Response.ImportCount.Updated+a.Response.ImportCount.Imported != 2 {
		t.Errorf("import: %+v", a.Response)
	}
	// Kept, and marked for the approver.
	if doc := get(t, srv, "/api/dataValueSets.json?dataSet=BM_BAN_NAM&orgUnit="+unit+"&period=2024", 200); !strings.Contains(doc, "Cần kiểm tra: khác nhiều so với kỳ trước") {
		t.Errorf("the kept figure is not marked: %s", excerpt(doc))
	}
	after := values(t, srv, "orgUnit="+unit+"&period=2024")
	if after[unit+".HGD_TONG/2024"] != "1234" || after[unit+".HGD_VH/2024"] != "900" {
		t.Errorf("after import: %v", after)
	}
	// Sent again: everything ignored.
	a = postSet(t, srv, "/api/dataValueSets", "application/json", good, "reporter", http.StatusOK)
	if c := a.Response.ImportCount; c.Imported+c.Updated+c.Deleted != 0 || c.Ignored != 2 {
		t.Errorf("re-sent: %+v", c)
	}
	// CSV with a BOM and DHIS2's header, and ADX, by content type.
	csvDoc := "\ufeffdataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment\n" +
		"HGD_TONG,2024," + unit + ",,,1300,,,\"ghi chú, có dấu phẩy\"\n"
	a = postSet(t, srv, "/api/dataValueSets", "application/csv", csvDoc, "reporter", http.StatusOK)
	if a.Response.ImportCount.Updated != 1 {
		t.Errorf("CSV: %+v", a.Response)
	}
	adx := `<?xml version="1.0" encoding="UTF-8"?><adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="` + unit +
		`" period="2024-01-01/P1Y"><dataValue dataElement="HGD_TONG" value="1400"/></group></adx>`
	a = postSet(t, srv, "/api/dataValueSets.adx?confirmUnusual=true", "", adx, "reporter", http.StatusOK)
	if a.Response.ImportCount.Updated != 1 {
		t.Errorf("ADX: %+v", a.Response)
	}
	if got := values(t, srv, "orgUnit="+unit+"&period=2024"); got[unit+".HGD_TONG/2024"] != "1400" {
		t.Errorf("after CSV and ADX: %v", got)
	}
	// Outside the reporter's commune: E7617, nothing saved.
	other := `{"period":"2024","dataValues":[{"dataElement":"HGD_TONG","orgUnit":"XA_BINHLU_B01","value":"1"}]}`
	a = postSet(t, srv, "/api/dataValueSets", "application/json", other, "reporter", http.StatusConflict)
	if len(a.Response.Conflicts) != 1 || a.Response.Conflicts[0].ErrorCode != "E7617" {
		t.Errorf("out of scope: %+v", a.Response)
	}
	// A malformed file: one conflict saying where, 409.
	a = postSet(t, srv, "/api/dataValueSets", "application/json", good[:40], "reporter", http.StatusConflict)
	if len(a.Response.Conflicts) != 1 || !strings.Contains(a.Response.Conflicts[0].Value, "cắt cụt") {
		t.Errorf("truncated: %+v", a.Response)
	}
	// A viewer may not import.
	do403(t, srv, "/api/dataValueSets", good, "viewer")
}

func do403(t *testing.T, srv *httptest.Server, path, doc, user string) {
	t.Helper()
	resp, body := do(t, srv, http.MethodPost, path, nil, doc, map[string]string{"X-Test-As": user, "Content-Type": "application/json"})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST %s as %s: %d %s", path, user, resp.StatusCode, excerpt(body))
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// An export of every figure, in each format, imported into a database
// with the same units and forms but no figures (and no submissions), gives
// the same figures.
func TestDataValueSetsRoundTrip(t *testing.T) {
	src := sharedServer(t)
	all := "orgUnit=LAICHAU&children=true"
	want := values(t, src, all)
	if len(want) < 100 {
		t.Fatalf("only %d figures in the demo", len(want))
	}
	for _, f := range []struct{ path, ct string }{
		{"/api/dataValueSets.json", "application/json"},
		{"/api/dataValueSets.csv", "application/csv"},
		{"/api/dataValueSets.adx", "application/adx+xml"},
		{"/api/dataValueSets?idScheme=uid", "application/json"},
	} {
		t.Run(f.path, func(t *testing.T) {
			resp, doc := do(t, src, http.MethodGet, f.path+sep(f.path)+all, nil, "", nil)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), f.ct) {
				t.Fatalf("export: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), excerpt(doc))
			}
			dst, _, stop, err := openServer(t.TempDir(), func(db *store.DB) {
				// No figures, and no approved grids locking them.
				for _, q := range []string{`DELETE FROM data_values`, `DELETE FROM submission_events`, `DELETE FROM submissions`} {
					if _, err := db.Writer().Exec(q); err != nil {
						t.Fatal(err)
					}
				}
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			if n := len(values(t, dst, all)); n != 0 {
				t.Fatalf("%d figures in the empty database", n)
			}
			q := ""
			if strings.Contains(f.path, "idScheme") {
				q = "&idScheme=uid"
			}
			// A restore keeps the history's unusual figures (issue 9).
			q = "?confirmUnusual=true" + q
			a := postSet(t, dst, "/api/dataValueSets"+q, f.ct, doc, "admin", http.StatusOK)
			if a.Response.ImportCount.Imported != len(want) {
				t.Errorf("imported %d of %d: %+v", a.Response.ImportCount.Imported, len(want), a.Response.Conflicts)
			}
			if got := values(t, dst, all); !mapsEqual(got, want) {
				t.Errorf("round trip: %d figures, want %d", len(got), len(want))
			}
		})
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// A plan's bundle through the API: read, then checked against a database
// that already holds it (refused, saying which code is taken).
func TestAPIPlanBundle(t *testing.T) {
	srv := sharedServer(t)
	resp, body := do(t, srv, http.MethodGet, "/api/plans/1/bundle", nil, "", map[string]string{"X-Test-As": "planner"})
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), ".json") {
		t.Fatalf("bundle: %d %s", resp.StatusCode, excerpt(body))
	}
	var b struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
		Plans   []struct {
			Targets []any `json:"targets"`
		} `json:"plans"`
	}
	if err := json.Unmarshal([]byte(body), &b); err != nil || b.Format != "kehoach.bundle" || b.Version != 2 || len(b.Plans) != 1 || len(b.Plans[0].Targets) == 0 {
		t.Fatalf("bundle %v: %+v", err, b)
	}
	resp, answer := do(t, srv, http.MethodPost, "/api/plans/bundle?dryRun=true", nil, body, map[string]string{"Content-Type": "application/json"})
	if resp.StatusCode < 400 || !strings.Contains(answer, "LAICHAU") {
		t.Errorf("a bundle already loaded: %d %s", resp.StatusCode, excerpt(answer))
	}
}

// multipartFile builds an upload of one file with the form's other fields.
func multipartFile(t *testing.T, name string, data []byte, fields map[string]string) (string, string) {
	var b bytes.Buffer
	mw := mp.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// The import page as a person without JavaScript uses it: upload, land
// on the job's page, which refreshes itself until the result shows.
func TestImportPage(t *testing.T) {
	srv := newServer(t)
	as := map[string]string{"X-Test-As": "reporter"}
	resp, body := do(t, srv, http.MethodGet, "/import", nil, "", as)
	if resp.StatusCode != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "BM_BAN_NAM") {
		t.Fatalf("page: %d %s", resp.StatusCode, excerpt(body))
	}
	run := func(name string, doc []byte, fields map[string]string) string {
		t.Helper()
		payload, ct := multipartFile(t, name, doc, fields)
		h := map[string]string{"X-Test-As": "reporter", "Content-Type": ct}
		resp, body := do(t, srv, http.MethodPost, "/import", nil, payload, h)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/import/jobs/") {
			t.Fatalf("upload: %d %s", resp.StatusCode, excerpt(body))
		}
		job := resp.Header.Get("Location")
		for range 100 {
			_, page := do(t, srv, http.MethodGet, job, nil, "", as)
			if !strings.Contains(page, `http-equiv="refresh"`) {
				return page
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("the job did not end")
		return ""
	}
	bad := `{"period":"2024","dataValues":[{"dataElement":"HGD_TONG","orgUnit":"XA_BANBO_B01","value":"nhiều"}]}`
	page := run("so-lieu.json", []byte(bad), nil)
	if !strings.Contains(page, `data-status="ERROR"`) || !strings.Contains(page, "dataValues[0]") || !strings.Contains(page, "E7619") {
		t.Errorf("bad file: %s", excerpt(page))
	}
	good := "HGD_TONG,2024,XA_BANBO_B01,,,4321\n"
	// 113 → 4.321 households: refused until kept with the page's box.
	page = run("so-lieu.csv", []byte(good), map[string]string{"dryRun": "on"})
	if !strings.Contains(page, `data-status="ERROR"`) || !strings.Contains(page, "Số liệu khác thường") {
		t.Errorf("unusual figure: %s", excerpt(page))
	}
	page = run("so-lieu.csv", []byte(good), map[string]string{"dryRun": "on", "confirmUnusual": "on"})
	if !strings.Contains(page, `data-status="SUCCESS"`) || !strings.Contains(page, "Chạy thử") {
		t.Errorf("dry run: %s", excerpt(page))
	}
	page = run("so-lieu.csv", []byte(good), map[string]string{"confirmUnusual": "on"})
	if !strings.Contains(page, `data-status="SUCCESS"`) || values(t, srv, "orgUnit=XA_BANBO_B01&period=2024")["XA_BANBO_B01.HGD_TONG/2024"] != "4321" {
		t.Errorf("import: %s", excerpt(page))
	}
	// The blank template, for the reporter's own commune only.
	resp, body = do(t, srv, http.MethodGet, "/import/template?form=BM_BAN_NAM&unit=XA_BANBO&period=2024", nil, "", as)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") || !strings.HasPrefix(body, "PK") {
		t.Errorf("template: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	page = run("bieu.xlsx", []byte(body), nil)
	if !strings.Contains(page, `data-status="SUCCESS"`) {
		t.Errorf("blank template imported: %s", excerpt(page))
	}
	resp, _ = do(t, srv, http.MethodGet, "/import/template?form=BM_BAN_NAM&unit=XA_BINHLU&period=2024", nil, "", as)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("another commune's template: %d", resp.StatusCode)
	}
	// Someone else's job is not found.
	resp, _ = do(t, srv, http.MethodGet, "/import/jobs/00", nil, "", as)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown job: %d", resp.StatusCode)
	}
}
