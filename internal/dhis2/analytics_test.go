package dhis2

import (
	"reflect"
	"strings"
	"testing"

	"kehoach"
)

func TestParseAnalyticsQuery(t *testing.T) {
	dim := func(name string, items ...string) kehoach.Dimension {
		return kehoach.Dimension{Name: name, Items: items}
	}
	for _, tc := range []struct {
		name, raw string
		want      *kehoach.AnalyticsRequest
		err       []string // substrings of the error message; nil: no error
	}{
		{name: "three dimensions", raw: "dimension=dx:A;B&dimension=pe:2024Q1;LAST_4_QUARTERS&dimension=ou:TD;LEVEL-3&includeNumDen=true",
			want: &kehoach.AnalyticsRequest{IncludeNumDen: true, Dimensions: []kehoach.Dimension{dim("dx", "A", "B"), dim("pe", "2024Q1", "LAST_4_QUARTERS"), dim("ou", "TD", "LEVEL-3")}}},
		{name: "filter and skipRounding", raw: "dimension=dx:A&filter=pe:2024&dimension=ou:CHILDREN;TD&skipRounding=true",
			want: &kehoach.AnalyticsRequest{SkipRounding: true, Dimensions: []kehoach.Dimension{dim("dx", "A"), dim("ou", "CHILDREN", "TD")}, Filters: []kehoach.Dimension{dim("pe", "2024")}}},
		{name: "escaped semicolons", raw: "dimension=dx%3AA%3BB&dimension=pe:2024&dimension=ou:TD",
			want: &kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "A", "B"), dim("pe", "2024"), dim("ou", "TD")}}},
		{name: "repeated items kept once, first order", raw: "dimension=dx:B;A;B;A;;%20B&dimension=pe:2024;2023;2024",
			want: &kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "B", "A"), dim("pe", "2024", "2023")}}},
		{name: "no dimension", raw: "", want: &kehoach.AnalyticsRequest{}},
		{name: "no colon", raw: "dimension=dx", err: []string{"dimension=dx", "tên:mục1;mục2"}},
		{name: "empty name", raw: "filter=:A", err: []string{"filter=:A"}},
		{name: "unknown dimension", raw: "dimension=co:X", err: []string{"dimension", `"co"`, "dx, pe, ou"}},
		{name: "no items", raw: "dimension=dx:;;", err: []string{"dx", "không có mục nào"}},
		{name: "dimension twice", raw: "dimension=dx:A&filter=dx:B", err: []string{"dx", "hai lần"}},
		{name: "bad period", raw: "dimension=pe:2024Q7", err: []string{"pe", "2024Q7"}},
		{name: "bad level", raw: "dimension=ou:LEVEL-x", err: []string{"ou", "LEVEL-x", "LEVEL-3"}},
		{name: "level zero", raw: "dimension=ou:LEVEL-0", err: []string{"LEVEL-0"}},
		{name: "level with sign", raw: "dimension=ou:LEVEL-%2B3", err: []string{"LEVEL-+3"}},
		{name: "bad escape", raw: "dimension=dx:%zz", err: []string{"%zz", "không hợp lệ"}},
		{name: "too many items", raw: "dimension=dx:" + strings.Repeat("A;", MaxDimensionItems), err: []string{"dx", "1.001 mục", "tối đa 1.000"}},
		{name: "items at the cap", raw: "dimension=dx:" + strings.TrimSuffix(strings.Repeat("A;", MaxDimensionItems), ";"),
			want: &kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "A")}}},
		{name: "too many filters", raw: strings.Repeat("filter=ou:A&", 4), err: []string{"filter", "4 lần", "tối đa 3"}},
		{name: "too many parameters", raw: strings.Repeat("x=1&", 200), err: []string{"201 tham số", "tối đa 100"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAnalyticsQuery(tc.raw)
			if tc.err != nil {
				if err == nil {
					t.Fatalf("got %+v, want an error", got)
				}
				if kehoach.ErrorCode(err) != kehoach.EINVALID {
					t.Errorf("code %q, want EINVALID", kehoach.ErrorCode(err))
				}
				msg := kehoach.ErrorMessage(err)
				for _, s := range tc.err {
					if !strings.Contains(msg, s) {
						t.Errorf("message %q lacks %q", msg, s)
					}
				}
				if len(kehoach.ErrorFields(err)) == 0 {
					t.Errorf("error names no field: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestOrgUnitLevel(t *testing.T) {
	for _, tc := range []struct {
		item     string
		n        int
		ok, fail bool
	}{
		{"LEVEL-1", 1, true, false},
		{"LEVEL-12", 12, true, false},
		{"LEVEL-0", 0, true, true},
		{"LEVEL-03", 0, true, true},
		{"LEVEL-100", 0, true, true},
		{"LEVEL-", 0, true, true},
		{"TAMDUONG", 0, false, false},
		{"CHILDREN", 0, false, false},
	} {
		n, ok, err := OrgUnitLevel(tc.item)
		if n != tc.n || ok != tc.ok || (err != nil) != tc.fail {
			t.Errorf("OrgUnitLevel(%q) = %d, %v, %v; want %d, %v, error %v", tc.item, n, ok, err, tc.n, tc.ok, tc.fail)
		}
	}
}

func TestFormatAnalyticsQuery(t *testing.T) {
	req := &kehoach.AnalyticsRequest{IncludeNumDen: true, SkipRounding: true,
		Dimensions: []kehoach.Dimension{{Name: "dx", Items: []string{"A:B", "C&D"}}, {Name: "ou", Items: []string{"TD", "LEVEL-3"}}},
		Filters:    []kehoach.Dimension{{Name: "pe", Items: []string{"THIS_YEAR"}}}}
	raw := FormatAnalyticsQuery(req)
	if want := "dimension=dx:A%3AB;C%26D&dimension=ou:TD;LEVEL-3&filter=pe:THIS_YEAR&includeNumDen=true&skipRounding=true"; raw != want {
		t.Errorf("FormatAnalyticsQuery = %q, want %q", raw, want)
	}
	got, err := ParseAnalyticsQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, req) {
		t.Errorf("read back %+v, want %+v", got, req)
	}
}

// FuzzParseAnalyticsQuery: any query string either fails with EINVALID
// or gives a request within the limits, without duplicates, that reads
// back the same once written.
func FuzzParseAnalyticsQuery(f *testing.F) {
	for _, s := range []string{
		"dimension=dx:A;B&dimension=pe:2024Q1;LAST_4_QUARTERS&dimension=ou:TD;LEVEL-3&includeNumDen=true",
		"dimension=dx%3AA%3BB&filter=pe:2024&dimension=ou:CHILDREN",
		"dimension=dx:A;A;A&dimension=pe:202401;202401&skipRounding=true",
		"dimension=ou:LEVEL-0", "dimension=co:X", "dimension=dx", "dimension=dx:%zz", "&&&=&", "filter=:;",
		"dimension=pe:this_year", "dimension=dx:Bản%20Bo",
		"dimension=dx%3AA,pe%3A2024%3BLAST_YEAR,ou%3AUSER_ORGUNIT%3BOU_GROUP-xa&relativePeriodDate=20240630&skipMeta=true",
		"filter=pe:2024Q1;2024Q2&displayProperty=NAME&aggregationType=SUM", "dimension=dx:A%2Cb%3Ac,ou%3aX",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		req, err := ParseAnalyticsQuery(raw)
		if err != nil {
			if kehoach.ErrorCode(err) != kehoach.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		names := map[string]bool{}
		for _, d := range append(append([]kehoach.Dimension{}, req.Dimensions...), req.Filters...) {
			if names[d.Name] {
				t.Fatalf("dimension %q twice", d.Name)
			}
			names[d.Name] = true
			if len(d.Items) == 0 || len(d.Items) > MaxDimensionItems {
				t.Fatalf("dimension %q has %d items", d.Name, len(d.Items))
			}
			seen := map[string]bool{}
			for _, it := range d.Items {
				if seen[it] || it == "" || it != strings.TrimSpace(it) {
					t.Fatalf("dimension %q item %q repeated, empty or untrimmed", d.Name, it)
				}
				seen[it] = true
			}
		}
		back, err := ParseAnalyticsQuery(FormatAnalyticsQuery(req))
		if err != nil {
			t.Fatalf("written back %q: %v", FormatAnalyticsQuery(req), err)
		}
		if !reflect.DeepEqual(back, req) {
			t.Fatalf("read back %+v, want %+v", back, req)
		}
	})
}
