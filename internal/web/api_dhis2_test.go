package web_test

import (
	"encoding/json"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The DHIS2 clients' requests (issue 17), each beside kehoach's documented
// form of the same question (docs/api.md): the answers must agree.

// dhis2Answer is /api/analytics as the tests read it.
type dhis2Answer struct {
	Headers []struct {
		Name string `json:"name"`
	} `json:"headers"`
	MetaData struct {
		Items map[string]struct {
			Name              string `json:"name"`
			Code              string `json:"code"`
			DimensionItemType string `json:"dimensionItemType"`
			DimensionType     string `json:"dimensionType"`
		} `json:"items"`
		Dimensions  map[string][]string `json:"dimensions"`
		OUHierarchy map[string]string   `json:"ouHierarchy"`
	} `json:"metaData"`
	Rows   [][]string `json:"rows"`
	Height int        `json:"height"`
}

// askAs fetches an analytics answer as user, failing unless the status is 200.
func askAs(t *testing.T, user, path string, headers ...string) dhis2Answer {
	t.Helper()
	hd := map[string]string{"X-Test-As": user}
	for i := 0; i+1 < len(headers); i += 2 {
		hd[headers[i]] = headers[i+1]
	}
	resp, body := do(t, sharedServer(t), http.MethodGet, path, nil, "", hd)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s as %s: status %d; %s", path, user, resp.StatusCode, excerpt(body))
	}
	var a dhis2Answer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return a
}

// sameRows fails unless the two answers have the same rows, which must not
// be empty (an agreement on nothing proves nothing).
func sameRows(t *testing.T, got, want dhis2Answer) {
	t.Helper()
	if len(want.Rows) == 0 {
		t.Fatal("the documented query has no rows")
	}
	if !reflect.DeepEqual(got.Rows, want.Rows) {
		t.Errorf("rows\n%v\nwant (documented query)\n%v", got.Rows, want.Rows)
	}
}

const doc = "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2023;2024&dimension=ou:TAMDUONG;LEVEL-3"

func TestDHIS2VersionedPaths(t *testing.T) {
	t.Parallel()
	want := askAs(t, "admin", doc)
	q := strings.TrimPrefix(doc, "/api/analytics")
	for _, p := range []string{"/api/40/analytics" + q, "/api/41/analytics.json" + q, "/api/analytics.json" + q} {
		sameRows(t, askAs(t, "admin", p), want)
	}
	// An unknown resource under a version is still a JSON 404.
	resp, body := do(t, sharedServer(t), "GET", "/api/40/nothing", nil, "", nil)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "/api/nothing") {
		t.Errorf("/api/40/nothing: %d %s", resp.StatusCode, body)
	}
}

func TestDHIS2SystemInfoAndMe(t *testing.T) {
	t.Parallel()
	srv := sharedServer(t)
	var info struct{ Version, Calendar, ServerDate, ContextPath string }
	getJSON(t, srv, "/api/40/system/info", http.StatusOK, &info)
	if !strings.HasPrefix(info.Version, "2.40") || info.Calendar != "iso8601" || info.ServerDate == "" || !strings.HasPrefix(info.ContextPath, "http://") {
		t.Errorf("system/info %+v", info)
	}
	type me struct {
		Username          string
		OrganisationUnits []struct{ ID, Name, Path string }
	}
	for _, tc := range []struct{ user, unit, path string }{
		{"reporter", "XA_BANBO", "/LAICHAU/TAMDUONG/XA_BANBO"},
		{"approver", "TAMDUONG", "/LAICHAU/TAMDUONG"},
		{"admin", "LAICHAU", "/LAICHAU"}, // sees all: the root
	} {
		resp, body := do(t, srv, "GET", "/api/me.json", nil, "", map[string]string{"X-Test-As": tc.user})
		var m me
		if err := json.Unmarshal([]byte(body), &m); err != nil || resp.StatusCode != 200 {
			t.Fatalf("/api/me as %s: %d %v %s", tc.user, resp.StatusCode, err, body)
		}
		if m.Username != tc.user || len(m.OrganisationUnits) != 1 || m.OrganisationUnits[0].ID != tc.unit ||
			m.OrganisationUnits[0].Path != tc.path || m.OrganisationUnits[0].Name == "" {
			t.Errorf("/api/me as %s: %+v, want unit %s at %s", tc.user, m, tc.unit, tc.path)
		}
	}
}

func TestDHIS2JoinedDimensions(t *testing.T) {
	t.Parallel()
	want := askAs(t, "admin", doc)
	// As @dhis2/data-engine encodes dimension: ['dx:…', 'pe:…', 'ou:…'].
	sameRows(t, askAs(t, "admin", "/api/41/analytics?dimension=dx%3ACT_BAN_LOA,pe%3A2023%3B2024,ou%3ATAMDUONG%3BLEVEL-3"), want)
	sameRows(t, askAs(t, "admin", "/api/analytics?dimension=dx:CT_BAN_LOA,pe:2023;2024&dimension=ou:TAMDUONG;LEVEL-3"), want)
}

func TestDHIS2ApiToken(t *testing.T) {
	t.Parallel()
	path := "/api/40/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:USER_ORGUNIT"
	a := askAs(t, "anonymous", path, "Authorization", "ApiToken "+testTokens["reporter"])
	if len(a.Rows) != 1 || a.Rows[0][2] != "XA_BANBO" {
		t.Errorf("ApiToken of Bản Bo's reporter: rows %v", a.Rows)
	}
	for _, h := range []string{"ApiToken nope", "apitoken " + testTokens["reporter"] + "x"} {
		resp, body := do(t, sharedServer(t), "GET", path, nil, "", map[string]string{"X-Test-As": "anonymous", "Authorization": h})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"status":"ERROR"`) {
			t.Errorf("Authorization %q: %d %s", h, resp.StatusCode, body)
		}
	}
}

func TestDHIS2UserOrgUnit(t *testing.T) {
	t.Parallel()
	const q = "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:"
	for _, tc := range []struct{ user, keywords, documented string }{
		{"reporter", "USER_ORGUNIT", "XA_BANBO"},
		{"reporter", "USER_ORGUNIT_CHILDREN", "XA_BANBO;CHILDREN"},
		{"viewer.banbo", "USER_ORGUNIT", "XA_BANBO"},
		{"approver", "USER_ORGUNIT_CHILDREN", "TAMDUONG;CHILDREN"},
		{"approver", "LEVEL-4;USER_ORGUNIT", "TAMDUONG;LEVEL-4"},
		{"admin", "USER_ORGUNIT", "LAICHAU"},
		{"admin", "USER_ORGUNIT_GRANDCHILDREN", "LAICHAU;LEVEL-3"}, // a new chart's default
		{"admin", "LEVEL-3;TAMDUONG", "TAMDUONG;LEVEL-3"},          // either order
	} {
		t.Run(tc.user+" "+tc.keywords, func(t *testing.T) {
			sameRows(t, askAs(t, tc.user, q+tc.keywords), askAs(t, "admin", q+tc.documented))
		})
	}
	// OU_GROUP-commune: the communes among the district's level 3.
	all := askAs(t, "admin", q+"TAMDUONG;LEVEL-3")
	group := askAs(t, "admin", q+"OU_GROUP-commune;TAMDUONG")
	if len(group.Rows) == 0 || len(group.Rows) > len(all.Rows) {
		t.Fatalf("OU_GROUP-commune: %d rows of %d", len(group.Rows), len(all.Rows))
	}
	for _, r := range group.Rows {
		if !strings.HasPrefix(r[2], "XA_") && !strings.HasPrefix(r[2], "TT_") {
			t.Errorf("OU_GROUP-commune gave %s", r[2])
		}
	}
	// The keywords give a reporter nothing beyond its commune.
	resp, _ := do(t, sharedServer(t), "GET", q+"USER_ORGUNIT;XA_BINHLU", nil, "", map[string]string{"X-Test-As": "reporter"})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("reporter asking for Bình Lư beside USER_ORGUNIT: %d, want 403", resp.StatusCode)
	}
}

// value reads the one value of an answer's single row.
func value1(t *testing.T, a dhis2Answer) float64 {
	t.Helper()
	if len(a.Rows) != 1 {
		t.Fatalf("want one row, got %v", a.Rows)
	}
	v, err := strconv.ParseFloat(a.Rows[0][len(a.Rows[0])-1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDHIS2MultiItemFilter(t *testing.T) {
	t.Parallel()
	// The demo's figures are stocks (aggregation "last"): over several
	// periods the value is the latest period's, over several units the
	// indicator of the summed numerators and denominators.
	got := askAs(t, "admin", "/api/analytics?dimension=dx:CT_BAN_LOA&filter=pe:2024Q1;2024Q2&dimension=ou:TAMDUONG")
	if value1(t, got) != value1(t, askAs(t, "admin", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024S1&dimension=ou:TAMDUONG")) {
		t.Errorf("filter=pe:2024Q1;2024Q2 differs from pe:2024S1")
	}
	got = askAs(t, "admin", "/api/analytics?dimension=dx:HGD_TONG&filter=pe:LAST_5_YEARS&relativePeriodDate=2025-06-01&dimension=ou:TAMDUONG")
	if value1(t, got) != value1(t, askAs(t, "admin", "/api/analytics?dimension=dx:HGD_TONG&dimension=pe:2024&dimension=ou:TAMDUONG")) {
		t.Errorf("filter=pe:LAST_5_YEARS differs from its latest year")
	}
	// Two communes: from the documented query's numerators and denominators.
	per := askAs(t, "admin", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:XA_BANBO;XA_BINHLU&includeNumDen=true")
	var num, den float64
	for _, r := range per.Rows {
		n, _ := strconv.ParseFloat(r[4], 64)
		d, _ := strconv.ParseFloat(r[5], 64)
		num, den = num+n, den+d
	}
	if len(per.Rows) != 2 || den == 0 {
		t.Fatalf("documented rows %v", per.Rows)
	}
	got = askAs(t, "admin", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&filter=ou:XA_BANBO;XA_BINHLU")
	if want := math.Round(num/den*1000) / 10; value1(t, got) != want {
		t.Errorf("filter of two communes = %v, want %v (= %v / %v × 100)", value1(t, got), want, num, den)
	}
	if len(got.Headers) != 3 { // dx, pe, value: the filter has no column
		t.Errorf("headers %v", got.Headers)
	}
}

func TestDHIS2RelativePeriodDate(t *testing.T) {
	t.Parallel()
	got := askAs(t, "admin", "/api/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:LAST_YEAR;THIS_YEAR&dimension=ou:TAMDUONG;LEVEL-3&relativePeriodDate=2024-06-30")
	sameRows(t, got, askAs(t, "admin", doc))
	resp, body := do(t, sharedServer(t), "GET", doc+"&relativePeriodDate=30/06/2024", nil, "", nil)
	if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "relativePeriodDate") {
		t.Errorf("bad relativePeriodDate: %d %s", resp.StatusCode, body)
	}
}

func TestDHIS2Parameters(t *testing.T) {
	t.Parallel()
	want := askAs(t, "admin", doc)
	// Harmless parameters change nothing.
	sameRows(t, askAs(t, "admin", doc+"&displayProperty=NAME&includeMetadataDetails=true&columns=dx&rows=ou;pe&hideEmptyRows=true&skipMeta=false"), want)
	// skipData keeps the metadata only, skipMeta the rows only.
	meta := askAs(t, "admin", doc+"&skipData=true")
	if len(meta.Rows) != 0 || meta.MetaData.Items["XA_BANBO"].Name == "" {
		t.Errorf("skipData: %d rows, items %v", len(meta.Rows), meta.MetaData.Items["XA_BANBO"])
	}
	data := askAs(t, "admin", doc+"&skipMeta=true")
	if len(data.MetaData.Items) != 0 {
		t.Errorf("skipMeta: items %v", data.MetaData.Items)
	}
	sameRows(t, data, want)
	// A parameter that changes the meaning is refused, by name.
	for _, p := range []string{"aggregationType=MAX", "measureCriteria=GE:10", "outputIdScheme=NAME", "skipRounding=yes"} {
		resp, body := do(t, sharedServer(t), "GET", doc+"&"+p, nil, "", nil)
		name, _, _ := strings.Cut(p, "=")
		if resp.StatusCode/100 != 4 || !strings.Contains(body, name) {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
}

func TestDHIS2MetaData(t *testing.T) {
	t.Parallel()
	a := askAs(t, "admin", "/api/analytics?dimension=dx:CT_BAN_LOA;HGD_TONG&dimension=pe:LAST_YEAR&relativePeriodDate=2025-01-01&dimension=ou:TAMDUONG;LEVEL-3&showHierarchy=true")
	for code, typ := range map[string]string{"CT_BAN_LOA": "INDICATOR", "HGD_TONG": "DATA_ELEMENT", "2024": "PERIOD", "XA_BANBO": "ORGANISATION_UNIT", "LAICHAU": "ORGANISATION_UNIT"} {
		if it := a.MetaData.Items[code]; it.DimensionItemType != typ || it.Name == "" {
			t.Errorf("items[%s] = %+v, want a name and %s", code, it, typ)
		}
	}
	for dim, typ := range map[string]string{"dx": "DATA_X", "pe": "PERIOD", "ou": "ORGANISATION_UNIT"} {
		if it := a.MetaData.Items[dim]; it.DimensionType != typ || it.Name == "" {
			t.Errorf("items[%s] = %+v, want %s", dim, it, typ)
		}
	}
	for _, kw := range []string{"LAST_YEAR", "LEVEL-3"} {
		if a.MetaData.Items[kw].Name == "" {
			t.Errorf("keyword %s has no item", kw)
		}
	}
	if got := a.MetaData.Dimensions["pe"]; !reflect.DeepEqual(got, []string{"2024"}) {
		t.Errorf("dimensions.pe = %v", got)
	}
	if h := a.MetaData.OUHierarchy["XA_BANBO"]; h != "LAICHAU/TAMDUONG" {
		t.Errorf("ouHierarchy[XA_BANBO] = %q, want LAICHAU/TAMDUONG", h)
	}
	if len(a.MetaData.OUHierarchy) != len(a.MetaData.Dimensions["ou"]) {
		t.Errorf("ouHierarchy has %d units, the answer %d", len(a.MetaData.OUHierarchy), len(a.MetaData.Dimensions["ou"]))
	}
	if b := askAs(t, "admin", doc); b.MetaData.OUHierarchy != nil {
		t.Errorf("ouHierarchy without showHierarchy/hierarchyMeta: %v", b.MetaData.OUHierarchy)
	}
}

func TestDHIS2DataValueSetAndRawData(t *testing.T) {
	t.Parallel()
	want := askAs(t, "admin", doc+"&skipRounding=true")
	var set struct {
		DataValues []struct{ DataElement, Period, OrgUnit, Value string }
	}
	getJSON(t, sharedServer(t), "/api/40/analytics/dataValueSet.json?"+strings.TrimPrefix(doc, "/api/analytics?"), http.StatusOK, &set)
	rounded := askAs(t, "admin", doc)
	if len(set.DataValues) != len(rounded.Rows) || len(set.DataValues) == 0 {
		t.Fatalf("%d data values, %d rows", len(set.DataValues), len(rounded.Rows))
	}
	for i, v := range set.DataValues {
		if got := []string{v.DataElement, v.Period, v.OrgUnit, v.Value}; !reflect.DeepEqual(got, rounded.Rows[i]) {
			t.Errorf("data value %d = %v, row %v", i, got, rounded.Rows[i])
		}
	}
	resp, body := do(t, sharedServer(t), "GET", "/api/analytics/dataValueSet?dimension=dx:CT_BAN_LOA&dimension=pe:2024&filter=ou:TAMDUONG", nil, "", nil)
	if resp.StatusCode/100 != 4 || !strings.Contains(body, "dimension=ou") {
		t.Errorf("dataValueSet with ou as a filter: %d %s", resp.StatusCode, body)
	}
	// rawData is the answer unrounded.
	raw := askAs(t, "admin", "/api/analytics/rawData.json?"+strings.TrimPrefix(doc, "/api/analytics?"))
	sameRows(t, raw, want)
}

// TestDHIS2HierarchyInScope: a commune's reporter gets the path of its
// commune from the root, though it may not read the district's figures.
func TestDHIS2HierarchyInScope(t *testing.T) {
	t.Parallel()
	a := askAs(t, "reporter", "/api/40/analytics?dimension=dx:CT_BAN_LOA&dimension=pe:2024&dimension=ou:USER_ORGUNIT;CHILDREN&hierarchyMeta=true")
	if len(a.Rows) == 0 {
		t.Fatal("no rows")
	}
	for _, ou := range a.MetaData.Dimensions["ou"] {
		if h := a.MetaData.OUHierarchy[ou]; h != "LAICHAU/TAMDUONG/XA_BANBO" {
			t.Errorf("ouHierarchy[%s] = %q, want LAICHAU/TAMDUONG/XA_BANBO", ou, h)
		}
	}
	if a.MetaData.Items["TAMDUONG"].Name == "" {
		t.Errorf("the district is not named: %+v", a.MetaData.Items["TAMDUONG"])
	}
}
