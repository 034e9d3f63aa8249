package dhis2

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"kehoach"
)

// TestParseAnalyticsParams: the query strings DHIS2's own clients send.
func TestParseAnalyticsParams(t *testing.T) {
	dim := func(name string, items ...string) kehoach.Dimension {
		return kehoach.Dimension{Name: name, Items: items}
	}
	three := []kehoach.Dimension{dim("dx", "A", "B"), dim("pe", "2024Q1", "2024Q2"), dim("ou", "TD", "LEVEL-3")}
	for _, tc := range []struct {
		name, raw string
		want      *AnalyticsParams
		err       []string
	}{
		{name: "joined as @dhis2/data-engine encodes an array",
			raw:  "dimension=dx%3AA%3BB,pe%3A2024Q1%3B2024Q2,ou%3ATD%3BLEVEL-3",
			want: &AnalyticsParams{Request: &kehoach.AnalyticsRequest{Dimensions: three}}},
		{name: "joined, unescaped, beside another",
			raw:  "dimension=dx:A;B,pe:2024Q1;2024Q2&dimension=ou:TD;LEVEL-3",
			want: &AnalyticsParams{Request: &kehoach.AnalyticsRequest{Dimensions: three}}},
		{name: "an escaped comma inside an item stays",
			raw:  "dimension=dx:X%2Cpe%3AY,pe:2024&dimension=ou:A,B;TD",
			want: &AnalyticsParams{Request: &kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "X,pe:Y"), dim("pe", "2024"), dim("ou", "A,B", "TD")}}}},
		{name: "a comma inside an item stays",
			raw:  "dimension=ou:A,B;TD",
			want: &AnalyticsParams{Request: &kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("ou", "A,B", "TD")}}}},
		{name: "user keywords, groups, levels in any order",
			raw:  "dimension=ou:LEVEL-4;USER_ORGUNIT;USER_ORGUNIT_CHILDREN;USER_ORGUNIT_GRANDCHILDREN;OU_GROUP-xa",
			want: &AnalyticsParams{Request: &kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("ou", "LEVEL-4", "USER_ORGUNIT", "USER_ORGUNIT_CHILDREN", "USER_ORGUNIT_GRANDCHILDREN", "OU_GROUP-xa")}}}},
		{name: "multi-item filters",
			raw:  "filter=pe:2024Q1;2024Q2&filter=ou%3ATD%3BTE",
			want: &AnalyticsParams{Request: &kehoach.AnalyticsRequest{Filters: []kehoach.Dimension{dim("pe", "2024Q1", "2024Q2"), dim("ou", "TD", "TE")}}}},
		{name: "one dimension as two filters",
			raw: "filter=pe:2024Q1;2024Q2&filter=pe%3ALAST_5_YEARS",
			err: []string{"pe", "hai lần"}},
		{name: "relativePeriodDate and presentation options",
			raw: "filter=pe:LAST_5_YEARS&relativePeriodDate=2024-06-30&skipMeta=true&skipData=false&showHierarchy=true&hierarchyMeta=true&includeNumDen=true",
			want: &AnalyticsParams{SkipMeta: true, ShowHierarchy: true, HierarchyMeta: true, Request: &kehoach.AnalyticsRequest{IncludeNumDen: true,
				RelativeTo: time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC), Filters: []kehoach.Dimension{dim("pe", "LAST_5_YEARS")}}}},
		{name: "relativePeriodDate the DHIS2 way", raw: "relativePeriodDate=20240630",
			want: &AnalyticsParams{Request: &kehoach.AnalyticsRequest{RelativeTo: time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)}}},
		{name: "harmless parameters ignored",
			raw:  "dimension=dx:A&displayProperty=SHORTNAME&includeMetadataDetails=true&columns=dx&rows=ou;pe&hideEmptyRows=true&paging=false",
			want: &AnalyticsParams{Request: &kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "A")}}}},
		{name: "meaning-changing parameters refused", raw: "dimension=dx:A&aggregationType=MAX&approvalLevel=x",
			err: []string{"aggregationType, approvalLevel", "không được hỗ trợ", "displayProperty"}},
		{name: "bad boolean", raw: "skipRounding=1", err: []string{"skipRounding=1", "true hoặc false"}},
		{name: "boolean twice", raw: "skipMeta=true&skipMeta=false", err: []string{"skipMeta", "2 lần"}},
		{name: "bad relativePeriodDate", raw: "relativePeriodDate=30/06/2024", err: []string{"relativePeriodDate", "2024-06-30"}},
		{name: "empty group", raw: "dimension=ou:TD;OU_GROUP-", err: []string{"OU_GROUP-", "OU_GROUP-xa"}},
		{name: "joined dimension twice", raw: "dimension=dx:A,dx:B", err: []string{"dx", "hai lần"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAnalyticsParams(tc.raw)
			if tc.err != nil {
				if kehoach.ErrorCode(err) != kehoach.EINVALID {
					t.Fatalf("got %+v, %v; want EINVALID", got, err)
				}
				for _, s := range tc.err {
					if !strings.Contains(kehoach.ErrorMessage(err), s) {
						t.Errorf("message %q lacks %q", kehoach.ErrorMessage(err), s)
					}
				}
				if len(kehoach.ErrorFields(err)) == 0 {
					t.Errorf("error names no field")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v %+v\nwant %+v %+v", got, got.Request, tc.want, tc.want.Request)
			}
		})
	}
}

func TestIsUserOrgUnit(t *testing.T) {
	for item, want := range map[string]bool{"USER_ORGUNIT": true, "USER_ORGUNIT_CHILDREN": true, "USER_ORGUNIT_GRANDCHILDREN": true, "user_orgunit": false, "TD": false, "LEVEL-3": false} {
		if IsUserOrgUnit(item) != want {
			t.Errorf("IsUserOrgUnit(%q) != %v", item, want)
		}
	}
	for item, want := range map[string]bool{"OU_GROUP-xa": true, "LEVEL-3": true, "CHILDREN": true, "USER_ORGUNIT": false, "TD": false} {
		if IsOrgUnitToken(item) != want {
			t.Errorf("IsOrgUnitToken(%q) != %v", item, want)
		}
	}
}

// TestCompleteMeta: the dimensions and keywords are named; ouHierarchy
// is the path from the root; skipMeta and skipData empty their part.
func TestCompleteMeta(t *testing.T) {
	p, err := ParseAnalyticsParams("dimension=dx:A&dimension=pe:LAST_YEAR&dimension=ou:USER_ORGUNIT;LEVEL-3;OU_GROUP-xa")
	if err != nil {
		t.Fatal(err)
	}
	res := &kehoach.AnalyticsResponse{Rows: [][]string{{"A", "2023", "X1", "1"}}, Height: 1}
	res.MetaData.Items = map[string]kehoach.AnalyticsItem{"A": {Name: "Chỉ tiêu A"}}
	res.MetaData.Dimensions = map[string][]string{"ou": {"X1", "P"}}
	CompleteMeta(p, res)
	for _, k := range []string{"dx", "pe", "ou", "LAST_YEAR", "USER_ORGUNIT", "LEVEL-3", "OU_GROUP-xa"} {
		if res.MetaData.Items[k].Name == "" {
			t.Errorf("items[%s] has no name", k)
		}
	}
	if res.MetaData.Items["A"].Name != "Chỉ tiêu A" {
		t.Errorf("the engine's name was replaced")
	}
	tree := map[string]*kehoach.Unit{"P": {Code: "P", Name: "Tỉnh"}, "D": {Code: "D", Name: "Huyện", ParentCode: "P"}, "X1": {Code: "X1", Name: "Xã", ParentCode: "D"}}
	AddHierarchy(res, func(c string) (*kehoach.Unit, bool) { u, ok := tree[c]; return u, ok })
	if want := map[string]string{"X1": "P/D", "P": ""}; !reflect.DeepEqual(res.MetaData.OUHierarchy, want) {
		t.Errorf("ouHierarchy %v, want %v", res.MetaData.OUHierarchy, want)
	}
	if res.MetaData.Items["D"].Name != "Huyện" {
		t.Errorf("ancestor D not named: %+v", res.MetaData.Items["D"])
	}
	CompleteMeta(&AnalyticsParams{Request: p.Request, SkipData: true, SkipMeta: true}, res)
	if len(res.Rows) != 0 || res.Height != 0 || len(res.MetaData.Items) != 0 || res.MetaData.OUHierarchy != nil {
		t.Errorf("skipData/skipMeta left %+v", res)
	}
}
