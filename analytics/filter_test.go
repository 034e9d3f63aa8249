package analytics

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"kehoach"
)

// TestAnalyticsDHIS2Items: what DHIS2's clients ask besides codes and
// single-item filters. A filter of several periods or units is one value,
// the indicator evaluated on the aggregated figures; relativePeriodDate
// moves relative periods; the USER_ORGUNIT keywords stand for the
// caller's units; LEVEL-n and OU_GROUP-kind select under the units named,
// in either order; metaData says each item's type.
func TestAnalyticsDHIS2Items(t *testing.T) {
	f := tree()
	for i, u := range f.units {
		f.units[i].Level = map[string]int{"province": 1, "district": 2, "commune": 3, "village": 4}[u.Kind]
	}
	f.units[len(f.units)-1].Subkind = "bản" // V4
	f.indicator("RATE", "#{FLOW}", "#{STOCK}", 100)
	f.indicators[0].Decimals = 2
	f.indicators[0].Name = "Tỷ lệ"
	f.elements[0].Name = "Lượt" // FLOW
	f.set("FLOW", "V1", "2024Q1", 1)
	f.set("FLOW", "V2", "2024Q1", 1)
	f.set("FLOW", "V3", "2024Q2", 1)
	f.set("FLOW", "V3", "2023Q4", 4)
	for _, v := range []string{"V1", "V2", "V3"} {
		f.set("STOCK", v, "2024Q1", 10)
	}
	f.set("STOCK", "V1", "2024Q2", 20)
	f.set("AVG", "V1", "2024Q1", 2)
	f.set("AVG", "V2", "2024Q1", 4)
	f.set("AVG", "V3", "2024Q2", 6)
	e := New(f)
	e.Now = func() time.Time { return time.Date(2024, 11, 29, 0, 0, 0, 0, time.UTC) }
	dim := func(name string, items ...string) kehoach.Dimension {
		return kehoach.Dimension{Name: name, Items: items}
	}
	dims := func(ds ...kehoach.Dimension) []kehoach.Dimension { return ds }

	for _, tc := range []struct {
		name string
		req  kehoach.AnalyticsRequest
		rows [][]string
	}{
		{name: "pe filter of two quarters: one value, the ratio of the sums",
			// Q1 2/30, Q2 1/40 (stocks carried): 3/40 = 7.5 %, not 9.17 (sum) nor 4.58 (mean).
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "RATE", "FLOW"), dim("ou", "D")), Filters: dims(dim("pe", "2024Q1", "2024Q2"))},
			rows: [][]string{{"RATE", "D", "7.5"}, {"FLOW", "D", "3"}}},
		{name: "relative pe filter",
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "FLOW"), dim("ou", "D")), Filters: dims(dim("pe", "QUARTERS_THIS_YEAR"))},
			rows: [][]string{{"FLOW", "D", "3"}}},
		{name: "average over a pe filter is the mean of every figure",
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "AVG"), dim("ou", "D")), Filters: dims(dim("pe", "2024Q1", "2024Q2"))},
			rows: [][]string{{"AVG", "D", "4"}}},
		{name: "ou filter of two communes",
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024Q1", "2024Q2")), Filters: dims(dim("ou", "C1", "C2"))},
			rows: [][]string{{"FLOW", "2024Q1", "2"}, {"FLOW", "2024Q2", "1"}}},
		{name: "ou filter naming a unit and its parent counts once",
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024Q1")), Filters: dims(dim("ou", "C1", "D"))},
			rows: [][]string{{"FLOW", "2024Q1", "2"}}},
		{name: "ou and pe filters together",
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "FLOW")), Filters: dims(dim("ou", "C1", "C2"), dim("pe", "2024Q1", "2024Q2"))},
			rows: [][]string{{"FLOW", "3"}}},
		{name: "relativePeriodDate moves THIS_YEAR",
			req:  kehoach.AnalyticsRequest{RelativeTo: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC), Dimensions: dims(dim("dx", "FLOW"), dim("pe", "THIS_YEAR"), dim("ou", "D"))},
			rows: [][]string{{"FLOW", "2023", "D", "4"}}},
		{name: "USER_ORGUNIT is the caller's unit",
			req:  kehoach.AnalyticsRequest{UserUnits: []string{"C1"}, Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024Q1"), dim("ou", "USER_ORGUNIT"))},
			rows: [][]string{{"FLOW", "2024Q1", "C1", "2"}}},
		{name: "USER_ORGUNIT_CHILDREN",
			req:  kehoach.AnalyticsRequest{UserUnits: []string{"C1"}, Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024Q1"), dim("ou", "USER_ORGUNIT_CHILDREN"))},
			rows: [][]string{{"FLOW", "2024Q1", "V1", "1"}, {"FLOW", "2024Q1", "V2", "1"}}},
		{name: "USER_ORGUNIT_GRANDCHILDREN",
			req:  kehoach.AnalyticsRequest{UserUnits: []string{"D"}, Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024Q2"), dim("ou", "USER_ORGUNIT_GRANDCHILDREN"))},
			rows: [][]string{{"FLOW", "2024Q2", "V3", "1"}}},
		{name: "USER_ORGUNIT without units is the root",
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024Q1"), dim("ou", "USER_ORGUNIT"))},
			rows: [][]string{{"FLOW", "2024Q1", "P", "2"}}},
		{name: "USER_ORGUNIT with LEVEL-n is a boundary",
			req:  kehoach.AnalyticsRequest{UserUnits: []string{"D"}, Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024Q1"), dim("ou", "LEVEL-3", "USER_ORGUNIT"))},
			rows: [][]string{{"FLOW", "2024Q1", "C1", "2"}}},
		{name: "LEVEL-n before the unit",
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024"), dim("ou", "LEVEL-3", "D"))},
			rows: [][]string{{"FLOW", "2024", "C1", "2"}, {"FLOW", "2024", "C2", "1"}}},
		{name: "OU_GROUP of a kind, before and after the unit",
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024"), dim("ou", "OU_GROUP-village", "C1"))},
			rows: [][]string{{"FLOW", "2024", "V1", "1"}, {"FLOW", "2024", "V2", "1"}}},
		{name: "OU_GROUP of a subkind",
			req:  kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2024"), dim("ou", "P", "OU_GROUP-bản"))},
			rows: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.Analytics(context.Background(), &tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if tc.rows == nil {
				tc.rows = [][]string{}
			}
			if !reflect.DeepEqual(res.Rows, tc.rows) {
				t.Errorf("rows = %v, want %v", res.Rows, tc.rows)
			}
		})
	}

	// V4 (subkind bản) exists from 2025-07-01: in 2026 it is the group.
	res, err := e.Analytics(context.Background(), &kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "FLOW"), dim("pe", "2026"), dim("ou", "P", "OU_GROUP-bản"))})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.MetaData.Dimensions["ou"]; !reflect.DeepEqual(got, []string{"V4"}) {
		t.Errorf("OU_GROUP-bản in 2026 = %v, want [V4]", got)
	}

	res, err = e.Analytics(context.Background(), &kehoach.AnalyticsRequest{Dimensions: dims(dim("dx", "RATE", "FLOW"), dim("ou", "D")), Filters: dims(dim("pe", "LAST_YEAR"))})
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{"RATE": "INDICATOR", "FLOW": "DATA_ELEMENT", "2023": "PERIOD", "D": "ORGANISATION_UNIT"} {
		if it := res.MetaData.Items[code]; it.DimensionItemType != want || it.Code != code || it.Name == "" {
			t.Errorf("metaData.items[%s] = %+v, want type %s with code and name", code, it, want)
		}
	}
	if got := res.MetaData.Dimensions["pe"]; !reflect.DeepEqual(got, []string{"2023"}) {
		t.Errorf("metaData.dimensions.pe = %v, want the filter's periods", got)
	}
}

// BenchmarkFilter compares a question whose 8 quarters are a filter (one
// value per commune, aggregated over the quarters) with the same question
// whose quarters are a dimension (8 values per commune): the baseline,
// measured in the same run. 40 communes of 10 villages, one figure a
// village a quarter.
func BenchmarkFilter(b *testing.B) {
	f := &fakeSource{}
	f.unit("P", "province", "", "", "")
	f.unit("D", "district", "P", "", "")
	f.element("FLOW", kehoach.AggSum, "quarterly", "village")
	f.element("STOCK", kehoach.AggLast, "quarterly", "village")
	f.indicator("RATE", "#{FLOW}", "#{STOCK}", 100)
	var quarters []string
	for y := 2023; y <= 2024; y++ {
		for q := 1; q <= 4; q++ {
			quarters = append(quarters, fmt.Sprintf("%dQ%d", y, q))
		}
	}
	for c := range 40 {
		commune := fmt.Sprintf("C%02d", c)
		f.unit(commune, "commune", "D", "", "")
		for v := range 10 {
			village := fmt.Sprintf("%s_V%d", commune, v)
			f.unit(village, "village", commune, "", "")
			for i, q := range quarters {
				f.set("FLOW", village, q, float64(i+v))
				f.set("STOCK", village, q, float64(10+i))
			}
		}
	}
	for _, u := range f.units {
		u.Level = map[string]int{"province": 1, "district": 2, "commune": 3, "village": 4}[u.Kind]
	}
	e := New(f)
	dim := func(name string, items ...string) kehoach.Dimension {
		return kehoach.Dimension{Name: name, Items: items}
	}
	ou := dim("ou", "D", "LEVEL-3")
	for _, bc := range []struct {
		name string
		req  kehoach.AnalyticsRequest
	}{
		{"pe dimension (baseline, 320 values)", kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "RATE"), dim("pe", quarters...), ou}}},
		{"pe filter (40 values of 8 quarters)", kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "RATE"), ou}, Filters: []kehoach.Dimension{dim("pe", quarters...)}}},
		{"ou filter (8 values of 40 communes)", kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "RATE"), dim("pe", quarters...)}, Filters: []kehoach.Dimension{ou}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			if _, err := e.Analytics(context.Background(), &bc.req); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Analytics(context.Background(), &bc.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
