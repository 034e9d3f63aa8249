package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// apiTarget is a target as /api/plans/{id} returns it.
type apiTarget struct {
	Code        string   `json:"code"`
	Text        string   `json:"text"`
	Comparison  string   `json:"comparison"`
	Target      float64  `json:"target"`
	Period      string   `json:"period"`
	Value       *float64 `json:"value"`
	Numerator   *float64 `json:"numerator"`
	Denominator *float64 `json:"denominator"`
	Status      string   `json:"status"`
	StatusLabel string   `json:"statusLabel"`
}

type apiPlan struct {
	ID      int64       `json:"id"`
	Title   string      `json:"title"`
	Demo    bool        `json:"demo"`
	Targets []apiTarget `json:"targets"`
}

type apiUnit struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Parent     string `json:"parent"`
	Successors []struct {
		From, To, Kind, Date string
	} `json:"successors"`
	Children []apiUnit `json:"children"`
}

type apiError struct {
	HTTPStatusCode int               `json:"httpStatusCode"`
	Status         string            `json:"status"`
	Message        string            `json:"message"`
	Fields         map[string]string `json:"fields"`
}

// jsonError returns a check that the body is a DHIS2-style error with code
// and a message containing each of msg.
func jsonError(code int, msg ...string) func(*testing.T, string) {
	return func(t *testing.T, body string) {
		t.Helper()
		var e apiError
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatalf("error body is not JSON: %v\n%s", err, body)
		}
		if e.HTTPStatusCode != code || e.Status != "ERROR" || e.Message == "" {
			t.Errorf("error body %+v, want httpStatusCode %d, status ERROR and a message", e, code)
		}
		for _, m := range msg {
			if !strings.Contains(e.Message, m) {
				t.Errorf("message %q lacks %q", e.Message, m)
			}
		}
	}
}

// TestAPI drives the JSON API the way a machine client does.
func TestAPI(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	jsonCT := map[string]string{"Content-Type": "application/json"}
	run(t, srv, []scenario{
		{
			Name: "units", URL: "/api/units",
			ExpectedStatus: http.StatusOK, ExpectedHeaders: jsonCT,
			// Vietnamese names as UTF-8, not \u escapes or mangled.
			ExpectedContent: []string{`"units":[`, `"name":"Bản Bo"`, `"name":"Bình Lư"`, `"name":"Huyện Tam Đường"`, `"code":"XA_BANBO_B01"`},
			Check: func(t *testing.T, body string) {
				var out struct{ Units []apiUnit }
				if err := json.Unmarshal([]byte(body), &out); err != nil {
					t.Fatal(err)
				}
				kinds := map[string]int{}
				for _, u := range out.Units {
					kinds[u.Kind]++
				}
				// 13 communes of 2022 and 6 of 2025; every unit kind present.
				if kinds["commune"] != 19 || kinds["district"] != 1 || kinds["province"] != 1 || kinds["village"] < 13*7 || kinds["school"] != 28 || kinds["agency"] != 34 { // issue 10: schools moved to the new communes, their Phòng Văn hóa - Xã hội; issue 11: their other bodies
					t.Errorf("units by kind %v", kinds)
				}
			},
		},
		{
			Name: "units search", URL: "/api/units?q=ban%20bo",
			ExpectedStatus: http.StatusOK, ExpectedHeaders: jsonCT,
			Check: func(t *testing.T, body string) {
				var out struct{ Units []apiUnit }
				if err := json.Unmarshal([]byte(body), &out); err != nil {
					t.Fatal(err)
				}
				var codes []string
				for _, u := range out.Units {
					codes = append(codes, u.Code)
					if !strings.Contains(u.Name, "Bản Bo") {
						t.Errorf("%s %q does not match ban bo", u.Code, u.Name)
					}
				}
				if !slices.Contains(codes, "XA_BANBO") || !slices.Contains(codes, "X25_BANBO") {
					t.Errorf("search ban bo found %v", codes)
				}
			},
		},
		{
			Name: "units search finds nothing", URL: "/api/units?q=xyz",
			ExpectedStatus: http.StatusOK, ExpectedHeaders: jsonCT,
			Check: func(t *testing.T, body string) {
				if got := strings.TrimSpace(body); got != `{"units":[]}` {
					t.Errorf("body %s, want an empty array", got)
				}
			},
		},
		{
			Name: "units under a parent", URL: "/api/units?parent=XA_BANBO&kind=village",
			ExpectedStatus: http.StatusOK,
			Check: func(t *testing.T, body string) {
				var out struct{ Units []apiUnit }
				json.Unmarshal([]byte(body), &out)
				if len(out.Units) < 7 {
					t.Errorf("%d villages under Bản Bo", len(out.Units))
				}
				for _, u := range out.Units {
					if u.Parent != "XA_BANBO" || u.Kind != "village" {
						t.Errorf("unit %+v is not a village of Bản Bo", u)
					}
				}
			},
		},
		{
			Name: "one unit", URL: "/api/units/XA_BANBO",
			ExpectedStatus: http.StatusOK, ExpectedHeaders: jsonCT,
			Check: func(t *testing.T, body string) {
				var u apiUnit
				if err := json.Unmarshal([]byte(body), &u); err != nil {
					t.Fatal(err)
				}
				if u.Code != "XA_BANBO" || u.Name != "Bản Bo" || u.Kind != "commune" || u.Parent != "TAMDUONG" {
					t.Errorf("unit %+v", u)
				}
				if len(u.Successors) != 1 || u.Successors[0].To != "X25_BANBO" || u.Successors[0].Kind != "merge" || u.Successors[0].Date != "2025-07-01" {
					t.Errorf("successors %+v, want a merge into X25_BANBO on 2025-07-01", u.Successors)
				}
				villages, schools := 0, 0
				for _, c := range u.Children {
					switch {
					case c.Kind == "village" && strings.HasPrefix(c.Code, "XA_BANBO_B"):
						villages++
					case c.Code == "TH_BANBO":
						schools++
					default:
						t.Errorf("unexpected child %+v", c)
					}
				}
				if villages < 7 || schools != 1 {
					t.Errorf("%d villages and %d schools under Bản Bo", villages, schools)
				}
			},
		},
		{
			Name: "unknown unit", URL: "/api/units/NOPE",
			ExpectedStatus: http.StatusNotFound, ExpectedHeaders: jsonCT,
			Check: jsonError(404, "NOPE"),
		},
		{
			Name: "plans", URL: "/api/plans",
			ExpectedStatus: http.StatusOK, ExpectedHeaders: jsonCT,
			Check: func(t *testing.T, body string) {
				var out struct{ Plans []apiPlan }
				if err := json.Unmarshal([]byte(body), &out); err != nil {
					t.Fatal(err)
				}
				if len(out.Plans) != 1 || out.Plans[0].ID != 1 || !out.Plans[0].Demo || !strings.Contains(out.Plans[0].Title, "Tam Đường") {
					t.Errorf("plans %+v", out.Plans)
				}
			},
		},
		{
			Name: "plan not a number", URL: "/api/plans/abc",
			ExpectedStatus: http.StatusNotFound, ExpectedHeaders: jsonCT,
			Check: jsonError(404, "abc"),
		},
		{
			Name: "unknown plan", URL: "/api/plans/999",
			ExpectedStatus: http.StatusNotFound, ExpectedHeaders: jsonCT,
			Check: jsonError(404),
		},
		{
			Name: "plan as of an invalid period", URL: "/api/plans/1?asof=2024Q5",
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedHeaders: jsonCT,
			Check: jsonError(422, "2024Q5"),
		},
		{
			Name: "indicators", URL: "/api/indicators",
			ExpectedStatus: http.StatusOK, ExpectedHeaders: jsonCT,
			Check: func(t *testing.T, body string) {
				var out struct {
					Indicators []struct{ Code, Name, Numerator, Denominator string }
				}
				if err := json.Unmarshal([]byte(body), &out); err != nil {
					t.Fatal(err)
				}
				if len(out.Indicators) != 14 {
					t.Errorf("%d indicators, want 14", len(out.Indicators))
				}
				for _, in := range out.Indicators {
					if in.Code == "" || in.Name == "" || in.Numerator == "" || in.Denominator == "" {
						t.Errorf("incomplete indicator %+v", in)
					}
				}
			},
		},
		{
			Name: "data values without orgUnit", URL: "/api/dataValueSets?period=2024",
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedHeaders: jsonCT,
			ExpectedContent: []string{`"fields":{"orgUnit":`},
			Check:           jsonError(422, "orgUnit"),
		},
		{
			Name: "data values for a bad period", URL: "/api/dataValueSets?orgUnit=XA_BANBO&period=2024Q7",
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedHeaders: jsonCT,
			Check: jsonError(422, "2024Q7", "không hợp lệ"),
		},
		{
			Name: "data values for an unknown orgUnit", URL: "/api/dataValueSets?orgUnit=NOPE",
			ExpectedStatus: http.StatusNotFound, ExpectedHeaders: jsonCT,
			Check: jsonError(404, "NOPE"),
		},
		{
			Name: "data values for an unknown dataSet", URL: "/api/dataValueSets?orgUnit=XA_BANBO&dataSet=NOPE",
			ExpectedStatus: http.StatusNotFound, ExpectedHeaders: jsonCT,
			Check: jsonError(404, "NOPE"),
		},
		{
			Name: "analytics needs every dimension", URL: "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024",
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedHeaders: jsonCT,
			Check: jsonError(422, "ou"),
		},
		{
			Name: "analytics with a malformed dimension", URL: "/api/analytics?dimension=dx&dimension=pe:2024&dimension=ou:TAMDUONG",
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedHeaders: jsonCT,
			Check: jsonError(422, "dimension=dx"),
		},
		{
			Name: "analytics with an unknown dimension", URL: "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&filter=ou:TAMDUONG&dimension=co:X",
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedHeaders: jsonCT,
			Check: jsonError(422, "co"),
		},
		{
			Name: "analytics with a bad period", URL: "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024Q7&dimension=ou:TAMDUONG",
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedHeaders: jsonCT,
			Check: jsonError(422, "2024Q7"),
		},
		{
			Name: "analytics CSV", URL: "/api/analytics.csv?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:XA_BANBO&includeNumDen=true",
			ExpectedStatus:  http.StatusOK,
			ExpectedHeaders: map[string]string{"Content-Type": "text/csv", "Content-Disposition": "analytics.csv"},
			Check: func(t *testing.T, body string) {
				lines := strings.Split(strings.TrimSpace(body), "\n")
				if len(lines) != 2 || lines[0] != "dx,pe,ou,value,numerator,denominator" || !strings.HasPrefix(lines[1], "CT_BAN_LOA,2024,XA_BANBO,") {
					t.Errorf("CSV:\n%s", body)
				}
			},
		},
		{
			Name: "analytics CSV with an error answers JSON", URL: "/api/analytics.csv?dimension=dx:CT_BAN_LOA",
			ExpectedStatus: http.StatusUnprocessableEntity, ExpectedHeaders: jsonCT,
			Check: jsonError(422),
		},
		{
			Name: "unknown API", URL: "/api/xyz",
			ExpectedStatus: http.StatusNotFound, ExpectedHeaders: jsonCT,
			NotExpectedContent: []string{"<html"},
			Check:              jsonError(404, "/api/xyz"),
		},
		{
			Name: "unknown API below a known one", URL: "/api/units/XA_BANBO/extra",
			ExpectedStatus: http.StatusNotFound, ExpectedHeaders: jsonCT,
			Check: jsonError(404),
		},
	}, true)
}

// TestAPIPlan checks each target of /api/plans/1: its fields, and that the
// value is numerator / denominator × 100.
func TestAPIPlan(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	var raw struct {
		Targets []map[string]json.RawMessage `json:"targets"`
	}
	getJSON(t, srv, "/api/plans/1", http.StatusOK, &raw)
	if len(raw.Targets) != 14 {
		t.Fatalf("%d targets, want 14", len(raw.Targets))
	}
	for _, tg := range raw.Targets {
		for _, k := range []string{"code", "text", "comparison", "target", "value", "numerator", "denominator", "status"} {
			if _, ok := tg[k]; !ok {
				t.Errorf("target %s lacks %q", tg["code"], k)
			}
		}
	}
	var plan apiPlan
	getJSON(t, srv, "/api/plans/1", http.StatusOK, &plan)
	var codes []string
	for _, tg := range plan.Targets {
		codes = append(codes, tg.Code)
		if tg.Text == "" || tg.Comparison != ">=" || tg.Target <= 0 || tg.Target > 100 {
			t.Errorf("%s: definition %+v", tg.Code, tg)
		}
		if _, ok := statusLabels[tg.Status]; !ok || tg.StatusLabel != statusLabels[tg.Status] {
			t.Errorf("%s: status %q labelled %q", tg.Code, tg.Status, tg.StatusLabel)
		}
		if tg.Value == nil || tg.Numerator == nil || tg.Denominator == nil {
			t.Errorf("%s: no current value in the demo", tg.Code)
			continue
		}
		if *tg.Denominator <= 0 {
			t.Errorf("%s: denominator %v", tg.Code, *tg.Denominator)
			continue
		}
		if want := *tg.Numerator / *tg.Denominator * 100; math.Abs(*tg.Value-want) > 1e-9 {
			t.Errorf("%s: value %v, numerator/denominator×100 = %v", tg.Code, *tg.Value, want)
		}
		if tg.Period != "2024" {
			t.Errorf("%s: current period %q, want the latest year 2024", tg.Code, tg.Period)
		}
	}
	if !slices.Equal(codes, targetCodes) {
		t.Errorf("target codes %v, want %v", codes, targetCodes)
	}
}

// TestAPIDataValueSets checks the figures in DHIS2's dataValueSets shape.
func TestAPIDataValueSets(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)

	t.Run("commune's own yearly figures", func(t *testing.T) {
		var set dataValueSet
		getJSON(t, srv, "/api/dataValueSets?orgUnit=XA_BANBO&period=2024", http.StatusOK, &set)
		if set.OrgUnit != "XA_BANBO" || set.Period != "2024" {
			t.Errorf("set header orgUnit %q period %q", set.OrgUnit, set.Period)
		}
		var elements []string
		for _, v := range set.DataValues {
			if v.OrgUnit != "XA_BANBO" || v.Period != "2024" || v.Value == "" {
				t.Errorf("figure %+v outside the filter", v)
			}
			elements = append(elements, v.DataElement)
		}
		slices.Sort(elements)
		if want := []string{"CB_LD_BD", "CB_LD_TONG", "CC_HOC", "CC_TONG"}; !slices.Equal(elements, want) {
			t.Errorf("elements %v, want %v", elements, want)
		}
	})

	t.Run("with children", func(t *testing.T) {
		var set dataValueSet
		getJSON(t, srv, "/api/dataValueSets?orgUnit=XA_BANBO&period=2024&children=true", http.StatusOK, &set)
		units := map[string]bool{}
		elements := map[string]bool{}
		for _, v := range set.DataValues {
			if v.DataElement == "" || v.OrgUnit == "" || v.Period != "2024" || v.Value == "" {
				t.Errorf("incomplete figure %+v", v)
			}
			if v.OrgUnit != "XA_BANBO" && v.OrgUnit != "TH_BANBO" && !strings.HasPrefix(v.OrgUnit, "XA_BANBO_B") {
				t.Errorf("figure of %s, which is not under Bản Bo", v.OrgUnit)
			}
			units[v.OrgUnit] = true
			elements[v.DataElement] = true
		}
		if !units["XA_BANBO"] || !units["XA_BANBO_B01"] || !units["TH_BANBO"] {
			t.Errorf("units %v lack the commune, a village or the school", units)
		}
		for _, e := range []string{"HGD_TONG", "HGD_VH", "BAN_VH", "CQ_VH", "TRUONG_CLB", "CB_LD_TONG"} {
			if !elements[e] {
				t.Errorf("no figure of %s", e)
			}
		}
		if elements["BAN_LOA"] {
			t.Error("a quarterly figure in period 2024")
		}
	})

	t.Run("one form", func(t *testing.T) {
		var set dataValueSet
		getJSON(t, srv, "/api/dataValueSets?orgUnit=XA_BANBO&period=2024&children=true&dataSet=BM_BAN_NAM", http.StatusOK, &set)
		if set.DataSet != "BM_BAN_NAM" {
			t.Errorf("dataSet %q", set.DataSet)
		}
		if len(set.DataValues) == 0 {
			t.Fatal("no figures")
		}
		for _, v := range set.DataValues {
			if !slices.Contains([]string{"BAN_VH", "HGD_TONG", "HGD_VH"}, v.DataElement) {
				t.Errorf("figure of %s, not in BM_BAN_NAM", v.DataElement)
			}
		}
	})

	t.Run("all periods", func(t *testing.T) {
		var set dataValueSet
		getJSON(t, srv, "/api/dataValueSets?orgUnit=XA_BANBO_B01", http.StatusOK, &set)
		periods := map[string]bool{}
		for _, v := range set.DataValues {
			periods[v.Period] = true
		}
		for _, p := range []string{"2021", "2024", "2021Q1", "2024Q4"} {
			if !periods[p] {
				t.Errorf("no figure for %s; periods %v", p, periods)
			}
		}
	})
}

// TestAPIAnalytics checks /api/analytics against the plan: the communes'
// numerators and denominators add up to the district's target 2b.
func TestAPIAnalytics(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	var plan apiPlan
	getJSON(t, srv, "/api/plans/1", http.StatusOK, &plan)
	t2b := plan.Targets[3]
	if t2b.Code != "2b" || t2b.Numerator == nil {
		t.Fatalf("target 2b %+v", t2b)
	}
	var res struct {
		Headers []struct{ Name string }
		Rows    [][]string
		Height  int
		Width   int
	}
	getJSON(t, srv, "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:TAMDUONG;LEVEL-3&includeNumDen=true", http.StatusOK, &res)
	var names []string
	for _, h := range res.Headers {
		names = append(names, h.Name)
	}
	if want := []string{"dx", "pe", "ou", "value", "numerator", "denominator"}; !slices.Equal(names, want) {
		t.Fatalf("headers %v, want %v", names, want)
	}
	if res.Height != len(res.Rows) || res.Width != 6 {
		t.Errorf("height %d width %d for %d rows", res.Height, res.Width, len(res.Rows))
	}
	// Only cells with a value: the 13 communes (agencies have no villages).
	if len(res.Rows) != 13 {
		t.Errorf("%d rows, want 13 communes", len(res.Rows))
	}
	var num, den float64
	for _, r := range res.Rows {
		if r[0] != "CT_BAN_LOA" || r[1] != "2024" {
			t.Errorf("row %v", r)
		}
		var n, d float64
		if _, err := fmt.Sscan(r[4], &n); err != nil {
			t.Fatalf("numerator %q: %v", r[4], err)
		}
		if _, err := fmt.Sscan(r[5], &d); err != nil {
			t.Fatalf("denominator %q: %v", r[5], err)
		}
		num += n
		den += d
	}
	if num != *t2b.Numerator || den != *t2b.Denominator {
		t.Errorf("communes add up to %v/%v, target 2b is %v/%v", num, den, *t2b.Numerator, *t2b.Denominator)
	}
}
