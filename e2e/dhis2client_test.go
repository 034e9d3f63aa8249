package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDHIS2Clients runs DHIS2's own client code (@dhis2/data-engine and
// the analytics classes of @dhis2/analytics, the versions pinned in
// dhis2client/package-lock.json) against kehoach started on a free port
// with the demo, through dhis2client/run.js, and checks that their
// response parser accepts every answer and reads the same values as
// kehoach's documented query for the same question (docs/api.md).
//
// It skips when Node.js is absent, or when the packages are not installed
// (cd e2e/dhis2client && npm ci), except under CI, where .ci/run installs
// them and a missing one is a failure.
func TestDHIS2Clients(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI needs Node.js for the DHIS2 client test")
		}
		t.Skip("no Node.js: the DHIS2 client test is skipped")
	}
	dir, _ := filepath.Abs("dhis2client")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@dhis2", "analytics", "package.json")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI needs the DHIS2 client packages: .ci/run installs them (npm ci in e2e/dhis2client)")
		}
		t.Skip("DHIS2 client packages not installed: run npm ci in e2e/dhis2client")
	}
	base, accounts := startServer(t)
	tokens := map[string]string{}
	for _, user := range []string{"quantri", "xa.banbo", "pheduyet.huyen"} {
		tokens[user] = apiToken(t, base, user, password(t, accounts, user))
	}
	// doc is kehoach's documented query, asked with a Bearer token.
	doc := func(user, query string) answer { return documented(t, base, tokens[user], query) }

	type dims = [][2]any
	cases := []struct {
		Name               string `json:"name"`
		Kind               string `json:"kind"`
		User               string `json:"user"`
		Dimensions         dims   `json:"dimensions,omitempty"`
		Filters            dims   `json:"filters,omitempty"`
		RelativePeriodDate string `json:"relativePeriodDate,omitempty"`
		IncludeNumDen      bool   `json:"includeNumDen,omitempty"`
		ShowHierarchy      bool   `json:"showHierarchy,omitempty"`
		DisplayProperty    string `json:"displayProperty,omitempty"`
		AggregationType    string `json:"aggregationType,omitempty"`
		// check compares the client's result with the documented query.
		check func(t *testing.T, r json.RawMessage)
	}{
		{Name: "start-up: system/info and me", Kind: "startup", User: "xa.banbo",
			check: func(t *testing.T, r json.RawMessage) {
				var s struct {
					Version  string
					Username string
					OrgUnits []string
				}
				decode(t, r, &s)
				if !strings.HasPrefix(s.Version, "2.") || s.Username != "xa.banbo" || !slices.Equal(s.OrgUnits, []string{"X25_BANBO"}) {
					t.Errorf("start-up %+v", s)
				}
			}},
		{Name: "communes of the district, two years", Kind: "get", User: "quantri",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA", "CT_XA_NVH"}}, {"pe", []string{"2023", "2024"}}, {"ou", []string{"TAMDUONG", "LEVEL-3"}}},
			check: func(t *testing.T, r json.RawMessage) {
				p := parsedAnswer(t, r)
				sameCells(t, p.cells(), doc("quantri", "dimension=dx:CT_BAN_LOA;CT_XA_NVH&dimension=pe:2023;2024&dimension=ou:TAMDUONG;LEVEL-3").cells())
				for code, typ := range map[string]string{"CT_BAN_LOA": "INDICATOR", "2024": "PERIOD", "XA_BANBO": "ORGANISATION_UNIT", "dx": "DATA_X", "ou": "ORGANISATION_UNIT"} {
					if it := p.Items[code]; !strings.HasSuffix(it, "|"+typ) || strings.HasPrefix(it, "|") {
						t.Errorf("metaData.items[%s] = %q, want a name and %s", code, it, typ)
					}
				}
				if len(p.Dimensions["ou"]) < 13 || !slices.Equal(p.Dimensions["pe"], []string{"2023", "2024"}) {
					t.Errorf("metaData.dimensions %v", p.Dimensions)
				}
			}},
		{Name: "USER_ORGUNIT of a commune's reporter", Kind: "get", User: "xa.banbo",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"pe", []string{"2025"}}, {"ou", []string{"USER_ORGUNIT"}}},
			check: func(t *testing.T, r json.RawMessage) {
				sameCells(t, parsedAnswer(t, r).cells(), doc("xa.banbo", "dimension=dx:CT_BAN_LOA&dimension=pe:2025&dimension=ou:X25_BANBO").cells())
			}},
		// The commune made on 1 July 2025 (the reporter's scope since then):
		// its villages, in 2025.
		{Name: "USER_ORGUNIT_CHILDREN of a commune's reporter", Kind: "get", User: "xa.banbo",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"pe", []string{"2025"}}, {"ou", []string{"USER_ORGUNIT_CHILDREN"}}},
			check: func(t *testing.T, r json.RawMessage) {
				sameCells(t, parsedAnswer(t, r).cells(), doc("xa.banbo", "dimension=dx:CT_BAN_LOA&dimension=pe:2025&dimension=ou:X25_BANBO;CHILDREN").cells())
			}},
		{Name: "USER_ORGUNIT_GRANDCHILDREN, a new chart's default", Kind: "get", User: "quantri",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"pe", []string{"2024"}}, {"ou", []string{"USER_ORGUNIT_GRANDCHILDREN"}}},
			check: func(t *testing.T, r json.RawMessage) {
				sameCells(t, parsedAnswer(t, r).cells(), doc("quantri", "dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:LAICHAU;LEVEL-3").cells())
			}},
		{Name: "OU_GROUP with a unit", Kind: "get", User: "quantri",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"pe", []string{"2024"}}, {"ou", []string{"TAMDUONG", "OU_GROUP-commune"}}},
			check: func(t *testing.T, r json.RawMessage) {
				got := parsedAnswer(t, r).cells()
				all := doc("quantri", "dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:TAMDUONG;LEVEL-3").cells()
				if len(got) == 0 {
					t.Fatal("no rows")
				}
				for k, v := range got {
					if all[k] != v {
						t.Errorf("%s = %s, documented %q", k, v, all[k])
					}
				}
			}},
		{Name: "filter of two quarters, one value", Kind: "get", User: "quantri",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"ou", []string{"TAMDUONG"}}}, Filters: dims{{"pe", []string{"2024Q1", "2024Q2"}}},
			check: func(t *testing.T, r json.RawMessage) {
				sameValue(t, parsedAnswer(t, r), doc("quantri", "dimension=dx:CT_BAN_LOA&dimension=pe:2024S1&dimension=ou:TAMDUONG"))
			}},
		{Name: "filter LAST_5_YEARS with relativePeriodDate", Kind: "get", User: "quantri", RelativePeriodDate: "2025-06-01",
			Dimensions: dims{{"dx", []string{"HGD_TONG"}}, {"ou", []string{"TAMDUONG"}}}, Filters: dims{{"pe", []string{"LAST_5_YEARS"}}},
			check: func(t *testing.T, r json.RawMessage) {
				// The demo's figures are stocks: over years, the latest.
				sameValue(t, parsedAnswer(t, r), doc("quantri", "dimension=dx:HGD_TONG&dimension=pe:2024&dimension=ou:TAMDUONG"))
			}},
		{Name: "filter of two communes, one value", Kind: "get", User: "quantri",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"pe", []string{"2024"}}}, Filters: dims{{"ou", []string{"XA_BANBO", "XA_BINHLU"}}},
			check: func(t *testing.T, r json.RawMessage) {
				per := doc("quantri", "dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:XA_BANBO;XA_BINHLU&includeNumDen=true")
				var num, den float64
				for _, row := range per.Rows {
					num += atof(t, row[4])
					den += atof(t, row[5])
				}
				p := parsedAnswer(t, r)
				if len(p.Rows) != 1 || den == 0 || atof(t, p.Rows[0][len(p.Rows[0])-1]) != math.Round(num/den*1000)/10 {
					t.Errorf("rows %v, want one value %v / %v × 100", p.Rows, num, den)
				}
			}},
		{Name: "relative periods from relativePeriodDate", Kind: "get", User: "quantri", RelativePeriodDate: "2024-06-30",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"pe", []string{"THIS_YEAR", "LAST_YEAR"}}, {"ou", []string{"TAMDUONG", "LEVEL-3"}}},
			check: func(t *testing.T, r json.RawMessage) {
				sameCells(t, parsedAnswer(t, r).cells(), doc("quantri", "dimension=dx:CT_BAN_LOA&dimension=pe:2023;2024&dimension=ou:TAMDUONG;LEVEL-3").cells())
			}},
		{Name: "numerator, denominator, display property in one request", Kind: "fetch", User: "quantri", IncludeNumDen: true, DisplayProperty: "NAME",
			Dimensions: dims{{"pe", []string{"2024"}}, {"ou", []string{"XA_BANBO", "XA_BINHLU"}}, {"dx", []string{"CT_BAN_LOA"}}},
			check: func(t *testing.T, r json.RawMessage) {
				p := parsedAnswer(t, r)
				want := doc("quantri", "dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:XA_BANBO;XA_BINHLU&includeNumDen=true")
				sameCells(t, p.cells(), want.cells())
				if !slices.Contains(p.Headers, "numerator") || !slices.Contains(p.Headers, "denominator") {
					t.Errorf("headers %v", p.Headers)
				}
			}},
		{Name: "hierarchy", Kind: "get", User: "quantri", ShowHierarchy: true,
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"pe", []string{"2024"}}, {"ou", []string{"TAMDUONG", "LEVEL-3"}}},
			check: func(t *testing.T, r json.RawMessage) {
				var p parsed
				decode(t, r, &p)
				if p.OUHierarchy["XA_BANBO"] != "LAICHAU/TAMDUONG" {
					t.Errorf("ouHierarchy[XA_BANBO] = %q", p.OUHierarchy["XA_BANBO"])
				}
				if n := p.FullNames["XA_BANBO"]; strings.Count(n, " / ") != 2 || strings.Contains(n, "undefined") {
					t.Errorf("full name of XA_BANBO %q, want province / district / commune", n)
				}
				if len(p.SortedOU) != len(p.Dimensions["ou"]) || len(p.SortedOU) == 0 {
					t.Errorf("sorted units %v", p.SortedOU)
				}
			}},
		{Name: "analytics/dataValueSet", Kind: "dataValueSet", User: "quantri",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"pe", []string{"2024"}}, {"ou", []string{"TAMDUONG", "LEVEL-3"}}},
			check: func(t *testing.T, r json.RawMessage) {
				var set struct {
					DataValues []struct{ DataElement, Period, OrgUnit, Value string }
				}
				decode(t, r, &set)
				got := map[string]string{}
				for _, v := range set.DataValues {
					got[v.DataElement+"|"+v.Period+"|"+v.OrgUnit] = v.Value
				}
				sameCells(t, got, doc("quantri", "dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:TAMDUONG;LEVEL-3").cells())
			}},
		{Name: "analytics/rawData", Kind: "rawData", User: "quantri",
			Dimensions: dims{{"dx", []string{"CT_BAN_LOA"}}, {"pe", []string{"2024"}}, {"ou", []string{"TAMDUONG", "LEVEL-3"}}},
			check: func(t *testing.T, r json.RawMessage) {
				sameCells(t, parsedAnswer(t, r).cells(), doc("quantri", "dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:TAMDUONG;LEVEL-3&skipRounding=true").cells())
			}},
	}
	// A parameter kehoach cannot honour is refused, and the client says why.
	refused := "aggregationType refused"
	cases = append(cases, cases[1])
	cases[len(cases)-1].Name, cases[len(cases)-1].AggregationType, cases[len(cases)-1].check = refused, "MAX", nil

	in, err := json.Marshal(map[string]any{"baseUrl": base, "apiVersion": 40, "tokens": tokens, "cases": cases})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "run.js"))
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node run.js: %v\n%s", err, stderr.String())
	}
	t.Logf("node ran %d cases in %v", len(cases), time.Since(start).Round(time.Millisecond))
	var results []struct {
		Name    string          `json:"name"`
		OK      bool            `json:"ok"`
		Result  json.RawMessage `json:"result"`
		Error   string          `json:"error"`
		Details json.RawMessage `json:"details"`
		// Requests are what the client code sent for the case.
		Requests []struct {
			URL           string `json:"url"`
			Authorization string `json:"authorization"`
			Status        int    `json:"status"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("run.js output: %v\n%s", err, out)
	}
	if len(results) != len(cases) {
		t.Fatalf("%d results for %d cases", len(results), len(cases))
	}
	for i, c := range cases {
		res := results[i]
		t.Run(c.Name, func(t *testing.T) {
			// Sent the way DHIS2 apps send it: /api/40/…, the personal
			// token as ApiToken, several dimensions in one parameter.
			if len(res.Requests) == 0 {
				t.Fatal("the client sent nothing")
			}
			for _, rq := range res.Requests {
				t.Logf("%d %s (%s)", rq.Status, strings.TrimPrefix(rq.URL, base), rq.Authorization)
				if !strings.HasPrefix(rq.URL, base+"/api/40/") || rq.Authorization != "ApiToken" {
					t.Errorf("request %s with %q: want /api/40/ and ApiToken", rq.URL, rq.Authorization)
				}
				if len(c.Dimensions) > 1 && !regexp.MustCompile(`[?&]dimension=[a-z]+%3A[^&]*,[a-z]+%3A`).MatchString(rq.URL) {
					t.Errorf("request %s: want the dimensions joined in one parameter", rq.URL)
				}
			}
			if c.Name == refused {
				if res.OK || !strings.Contains(string(res.Details), "aggregationType") || !strings.Contains(res.Error, "(422)") {
					t.Errorf("aggregationType=MAX: ok %v, error %q, details %s", res.OK, res.Error, res.Details)
				}
				t.Logf("refused: %s", res.Error)
				return
			}
			if !res.OK {
				t.Fatalf("the client failed: %s %s", res.Error, res.Details)
			}
			c.check(t, res.Result)
			t.Logf("accepted: %.300s", res.Result)
		})
	}
}

// answer is an analytics answer: headers and rows.
type answer struct {
	Headers []string
	Rows    [][]string
}

// cells keys each row's value by dx|pe|ou (the dimensions it has), so
// that answers whose columns come in another order compare.
func (a answer) cells() map[string]string {
	col := map[string]int{}
	for i, h := range a.Headers {
		col[h] = i
	}
	out := map[string]string{}
	for _, r := range a.Rows {
		var key []string
		for _, d := range []string{"dx", "pe", "ou"} {
			if i, ok := col[d]; ok {
				key = append(key, r[i])
			}
		}
		out[strings.Join(key, "|")] = r[col["value"]]
	}
	return out
}

// parsed is what run.js reports of an AnalyticsResponse.
type parsed struct {
	answer
	Items       map[string]string   `json:"items"`
	Dimensions  map[string][]string `json:"dimensions"`
	OUHierarchy map[string]string   `json:"ouHierarchy"`
	FullNames   map[string]string   `json:"fullNames"`
	SortedOU    []string            `json:"sortedOu"`
}

func parsedAnswer(t *testing.T, r json.RawMessage) parsed {
	t.Helper()
	var p parsed
	decode(t, r, &p)
	return p
}

func decode(t *testing.T, r json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(r, v); err != nil {
		t.Fatalf("decode %.200s: %v", r, err)
	}
}

// sameCells fails unless the client read the documented answer's values,
// which must not be empty.
func sameCells(t *testing.T, got, want map[string]string) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("the documented query has no rows")
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("client read\n%v\ndocumented query\n%v", got, want)
	}
}

// sameValue fails unless the client's single value is the documented one.
func sameValue(t *testing.T, got parsed, want answer) {
	t.Helper()
	if len(got.Rows) != 1 || len(want.Rows) != 1 {
		t.Fatalf("client rows %v, documented %v: want one each", got.Rows, want.Rows)
	}
	if g, w := got.Rows[0][len(got.Rows[0])-1], want.Rows[0][len(want.Rows[0])-1]; g != w {
		t.Errorf("client read %s, documented %s", g, w)
	}
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// documented asks kehoach's documented form of a question (docs/api.md).
func documented(t *testing.T, base, token, query string) answer {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/analytics?"+query, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("documented query %s: %d %s", query, resp.StatusCode, body)
	}
	var a struct {
		Headers []struct{ Name string }
		Rows    [][]string
	}
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	out := answer{Rows: a.Rows}
	for _, h := range a.Headers {
		out.Headers = append(out.Headers, h.Name)
	}
	return out
}

var tokenRe = regexp.MustCompile(`<code class="token">([^<]+)</code>`)

// apiToken signs in as a person would and makes a personal API token on
// the account page, as a DHIS2 user makes a personal access token.
func apiToken(t *testing.T, base, username, pass string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	post := func(path string, form url.Values) string {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s as %s: %d", path, username, resp.StatusCode)
		}
		return string(b)
	}
	post("/login", url.Values{"username": {username}, "password": {pass}})
	m := tokenRe.FindStringSubmatch(post("/account/tokens", url.Values{"name": {"DHIS2 client test"}, "scope": {"read"}}))
	if m == nil {
		t.Fatalf("no token on the account page of %s", username)
	}
	return m[1]
}
