package analytics

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"kehoach"
)

func TestAnalyticsQuery(t *testing.T) {
	f := tree()
	for i, u := range f.units {
		u.Level = map[string]int{"province": 1, "district": 2, "commune": 3, "village": 4}[u.Kind]
		if u.Code == "N" {
			f.units[i].Level = 2
		}
	}
	f.indicator("SHARE", "#{FLOW}", "units(village)", 100)
	f.indicators[0].Decimals = 1
	f.indicators[0].Name = "Tỷ lệ"
	f.set("FLOW", "V1", "2024Q1", 1)
	f.set("FLOW", "V2", "2024Q1", 1)
	f.set("FLOW", "V3", "2024Q2", 1)
	f.set("FLOW", "V3", "2023Q4", 4)
	e := New(f)
	e.Now = func() time.Time { return time.Date(2024, 11, 29, 0, 0, 0, 0, time.UTC) }
	dim := func(name string, items ...string) kehoach.Dimension {
		return kehoach.Dimension{Name: name, Items: items}
	}

	for _, tc := range []struct {
		name     string
		req      kehoach.AnalyticsRequest
		headers  []string
		rows     [][]string
		errMatch string
	}{
		{
			name: "indicator by commune (LEVEL-3 under D), two quarters",
			req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{
				dim("dx", "SHARE"), dim("pe", "2024Q1", "2024Q2"), dim("ou", "D", "LEVEL-3")}},
			headers: []string{"dx", "pe", "ou", "value"},
			rows: [][]string{
				{"SHARE", "2024Q1", "C1", "100"},
				{"SHARE", "2024Q2", "C2", "100"},
			},
		},
		{
			name: "element, relative periods, children, num/den, rounding",
			req: kehoach.AnalyticsRequest{IncludeNumDen: true, Dimensions: []kehoach.Dimension{
				dim("ou", "C1", "CHILDREN"), dim("pe", "THIS_YEAR", "LAST_YEAR"), dim("dx", "FLOW")}},
			headers: []string{"ou", "pe", "dx", "value", "numerator", "denominator"},
			rows: [][]string{
				{"V1", "2024", "FLOW", "1", "1", "1"},
				{"V2", "2024", "FLOW", "1", "1", "1"},
			},
		},
		{
			name: "filter drops the column; indicator rounded to its decimals",
			req: kehoach.AnalyticsRequest{
				Dimensions: []kehoach.Dimension{dim("dx", "SHARE"), dim("pe", "2024")},
				Filters:    []kehoach.Dimension{dim("ou", "D")}},
			headers: []string{"dx", "pe", "value"},
			rows:    [][]string{{"SHARE", "2024", "100"}},
		},
		{
			name:    "a third of villages",
			req:     kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "SHARE"), dim("pe", "2023"), dim("ou", "D")}},
			headers: []string{"dx", "pe", "ou", "value"},
			rows:    [][]string{{"SHARE", "2023", "D", "133.3"}},
		},
		{name: "unknown dx", req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "NOPE"), dim("pe", "2024"), dim("ou", "D")}}, errMatch: `"NOPE"`},
		{name: "unknown unit", req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "SHARE"), dim("pe", "2024"), dim("ou", "X")}}, errMatch: `"X"`},
		{name: "bad period", req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "SHARE"), dim("pe", "2024Q5"), dim("ou", "D")}}, errMatch: "2024Q5"},
		{name: "bad relative", req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "SHARE"), dim("pe", "LAST_99_WEEKS"), dim("ou", "D")}}, errMatch: "LAST_99_WEEKS"},
		{name: "bad level", req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "SHARE"), dim("pe", "2024"), dim("ou", "LEVEL-x")}}, errMatch: "LEVEL-x"},
		{name: "missing ou", req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "SHARE"), dim("pe", "2024")}}, errMatch: `"ou"`},
		{name: "unknown dimension", req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("co", "A")}}, errMatch: `"co"`},
		{name: "filter with two items", req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", "SHARE"), dim("pe", "2024")}, Filters: []kehoach.Dimension{dim("ou", "C1", "C2")}}, errMatch: "một mục"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.Analytics(context.Background(), &tc.req)
			if tc.errMatch != "" {
				if kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorMessage(err), tc.errMatch) {
					t.Fatalf("err = %v, want EINVALID mentioning %s", err, tc.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var heads []string
			for _, h := range res.Headers {
				heads = append(heads, h.Name)
			}
			if !reflect.DeepEqual(heads, tc.headers) {
				t.Errorf("headers = %v, want %v", heads, tc.headers)
			}
			if !reflect.DeepEqual(res.Rows, tc.rows) {
				t.Errorf("rows = %v, want %v", res.Rows, tc.rows)
			}
			if res.Height != len(tc.rows) || res.Width != len(tc.headers) {
				t.Errorf("height×width = %d×%d", res.Height, res.Width)
			}
		})
	}
}
