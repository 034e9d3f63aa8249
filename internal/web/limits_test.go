package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"kehoach/internal/web"
	"kehoach/period"
)

// allocDuring returns the bytes the process allocated while fn ran. The
// server runs in the test's process, so this counts the server's work.
// Tests that use it are not parallel: parallel tests wait until the
// sequential ones are done, so nothing else allocates meanwhile.
func allocDuring(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// months returns n consecutive monthly period ids from January 1990.
func months(n int) []string {
	var out []string
	p := period.MustParse("199001")
	for range n {
		out = append(out, p.String())
		p = p.Next()
	}
	return out
}

// getAs fetches path as the test user as and returns the status and body.
func getAs(t *testing.T, srv *httptest.Server, as, path string) (int, string) {
	t.Helper()
	resp, body := do(t, srv, http.MethodGet, path, nil, "", map[string]string{"X-Test-As": as})
	return resp.StatusCode, body
}

// TestAnalyticsRepeatedItems reproduces the hole in /api/analytics: a
// signed-in viewer repeats one dx item hundreds of times over 1,000
// periods. Each repetition used to be computed and answered again (500
// × 1,000 points: ~100 MB for one request, gigabytes with more); items
// are now deduplicated, so the answer is that of one item.
func TestAnalyticsRepeatedItems(t *testing.T) {
	srv := newServer(t)
	pe := strings.Join(months(1000), ";")
	getAs(t, srv, "viewer", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:TAMDUONG") // load the engine
	dx := strings.TrimSuffix(strings.Repeat("CT_BAN_LOA;", 500), ";")
	var status int
	var body string
	start := time.Now()
	alloc := allocDuring(func() {
		status, body = getAs(t, srv, "viewer", "/api/analytics?dimension=dx:"+dx+"&dimension=pe:"+pe+"&dimension=ou:TAMDUONG")
	})
	t.Logf("500 × dx, 1,000 periods: status %d, %d MB allocated, %v", status, alloc>>20, time.Since(start))
	if status != http.StatusOK {
		t.Fatalf("status %d, want 200; body:\n%s", status, excerpt(body))
	}
	var res struct {
		MetaData struct{ Dimensions map[string][]string }
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if got := res.MetaData.Dimensions["dx"]; len(got) != 1 {
		t.Errorf("metaData.dimensions.dx has %d items, want 1 (deduplicated)", len(got))
	}
	if alloc > 16<<20 {
		t.Errorf("%d MB allocated for one item × 1,000 periods × 1 unit, want under 16 MB", alloc>>20)
	}
}

// TestAnalyticsTooManyCells: distinct items whose product is above the
// cap are refused with 422 before the engine allocates the answer. It used
// to compute every cell (here 4,000 repeats × 1,000 periods × the
// district's communes: millions of points).
func TestAnalyticsTooManyCells(t *testing.T) {
	srv := newServer(t)
	getAs(t, srv, "viewer", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:TAMDUONG")
	pe := strings.Join(months(1000), ";")
	for _, tc := range []struct {
		name, dx, ou string
		want         []string
	}{
		// 3 indicators × 1,000 periods × the communes and villages under TAMDUONG.
		{"cells above the cap", "CT_BAN_LOA;CT_BAN_LOA;CT_BAN_NVH;CT_BAN_VH", "TAMDUONG;LEVEL-3;LEVEL-4", []string{"ô", "100.000"}},
		// The raw items are capped too, before anything is resolved.
		{"raw items above the cap", strings.TrimSuffix(strings.Repeat("CT_BAN_LOA;", 4000), ";"), "TAMDUONG;LEVEL-3", []string{"dx", "1.000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var status int
			var body string
			start := time.Now()
			alloc := allocDuring(func() {
				status, body = getAs(t, srv, "viewer", "/api/analytics?dimension=dx:"+tc.dx+"&dimension=pe:"+pe+"&dimension=ou:"+tc.ou)
			})
			took := time.Since(start)
			t.Logf("status %d, %d MB allocated, %v", status, alloc>>20, took)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body:\n%s", status, excerpt(body))
			}
			jsonError(422, tc.want...)(t, body)
			if alloc > 8<<20 {
				t.Errorf("%d MB allocated to refuse, want under 8 MB", alloc>>20)
			}
			if took > 2*time.Second {
				t.Errorf("took %v to refuse, want under 2 s", took)
			}
		})
	}
}

// TestListParameterCaps reproduces the long lists that reached the
// database: /api/submissions?status= with 40,000 values was a 500 (too
// many SQL variables). Every list parameter is now capped with a 422
// naming the parameter and the limit.
func TestListParameterCaps(t *testing.T) {
	srv := sharedServer(t)
	many := func(v, sep string, n int) string { return strings.TrimSuffix(strings.Repeat(v+sep, n), sep) }
	for _, tc := range []struct {
		name, url, param string
	}{
		{"submission statuses", "/api/submissions?status=" + many("submitted", ",", 40000), "status"},
		{"submission statuses repeated", "/api/submissions?" + many("status=submitted", "&", 200), "status"},
		// net/url drops every parameter past 10,000: the question used to
		// be answered for every status instead.
		{"more parameters than net/url reads", "/api/submissions?" + many("status=submitted", "&", 12000), "tham số"},
		// … and every API route: kind= was dropped, so every unit came back.
		{"more parameters than net/url reads, any route", "/api/units?" + many("kind=commune", "&", 12000), "tham số"},
		{"data value units", "/api/dataValueSets?" + many("orgUnit=XA_BANBO", "&", 300), "orgUnit"},
		{"data value units, comma-separated", "/api/dataValueSets?orgUnit=" + many("XA_BANBO", ",", 300), "orgUnit"},
		{"data value periods", "/api/dataValueSets?orgUnit=XA_BANBO&" + many("period=2024Q1", "&", 500), "period"},
		{"analytics dimensions", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:TAMDUONG&" + many("filter=ou:TAMDUONG", "&", 50), "filter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := getAs(t, srv, "viewer", tc.url)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422; body:\n%s", status, excerpt(body))
			}
			jsonError(422, tc.param, "tối đa")(t, body)
		})
	}
}

// TestAnalyticsDeadline: a question still computing when its deadline
// passes is stopped and answered 503 with a message saying so (it used
// to run to the end, however long).
func TestAnalyticsDeadline(t *testing.T) {
	srv := newServer(t)
	defer web.SetAnalyticsTimeout(time.Nanosecond)()
	status, body := getAs(t, srv, "viewer", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:TAMDUONG")
	if status != http.StatusServiceUnavailable {
		t.Fatalf("status %d for a question past its deadline, want 503; body:\n%s", status, excerpt(body))
	}
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body is not JSON: %v\n%s", err, body)
	}
	if !strings.Contains(e.Message, "giây nên đã dừng") {
		t.Errorf("message %q does not say the question ran out of time", e.Message)
	}
}
