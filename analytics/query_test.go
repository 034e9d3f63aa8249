package analytics

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
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
		// Several ou or pe items in a filter are one value (filter_test.go);
		// several data items are not summed.
		{name: "dx filter with two items", req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("ou", "D"), dim("pe", "2024")}, Filters: []kehoach.Dimension{dim("dx", "SHARE", "FLOW")}}, errMatch: "một mục"},
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

// TestAnalyticsLimits: repeated items count once, and a question whose
// answer would be too large is refused, naming its size and the limit,
// before the engine computes anything of it.
func TestAnalyticsLimits(t *testing.T) {
	f := tree()
	for i := range 40 {
		f.unit(fmt.Sprintf("W%02d", i), "village", "C1", "", "")
	}
	for _, u := range f.units {
		u.Level = map[string]int{"province": 1, "district": 2, "commune": 3, "village": 4}[u.Kind]
	}
	f.set("FLOW", "V1", "2024Q1", 2)
	e := New(f)
	dim := func(name string, items ...string) kehoach.Dimension {
		return kehoach.Dimension{Name: name, Items: items}
	}
	quarters := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("%dQ%d", 1900+i/4, i%4+1))
		}
		return out
	}
	repeat := func(s string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		req      kehoach.AnalyticsRequest
		rows     [][]string
		dims     map[string]int // metadata dimension sizes
		errMatch []string
	}{
		{
			name: "repeated items count once, first order",
			req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{
				dim("dx", append(repeat("FLOW", 900), "STOCK", "FLOW")...), dim("pe", "2024Q1", "2024Q1"), dim("ou", "V1", "V1", "C1")}},
			rows: [][]string{{"FLOW", "2024Q1", "V1", "2"}, {"FLOW", "2024Q1", "C1", "2"}},
			dims: map[string]int{"dx": 2, "pe": 1, "ou": 2},
		},
		{
			name:     "more raw items than MaxItems",
			req:      kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{dim("dx", repeat("FLOW", MaxItems+1)...), dim("pe", "2024Q1"), dim("ou", "V1")}},
			errMatch: []string{"dx", "1.001 mục", "tối đa 1.000"},
		},
		{
			// 3 × 1,000 × 44 villages = 132,000 cells.
			name: "more cells than MaxCells",
			req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{
				dim("dx", "FLOW", "STOCK", "AVG", "FLOW"), dim("pe", quarters(1000)...), dim("ou", "P", "LEVEL-4")}},
			errMatch: []string{"132.000 ô", "dx 3 × pe 1.000 × ou 44", "tối đa 100.000 ô"},
		},
		{
			name: "just under MaxCells",
			req: kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{
				dim("dx", "FLOW", "STOCK"), dim("pe", quarters(1000)...), dim("ou", "P", "LEVEL-4")}},
			dims: map[string]int{"dx": 2, "pe": 1000, "ou": 44},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.Analytics(context.Background(), &tc.req)
			if tc.errMatch != nil {
				if kehoach.ErrorCode(err) != kehoach.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				for _, m := range tc.errMatch {
					if !strings.Contains(kehoach.ErrorMessage(err), m) {
						t.Errorf("message %q lacks %q", kehoach.ErrorMessage(err), m)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "just under MaxCells" {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				if _, err := e.Analytics(context.Background(), &tc.req); err != nil {
					t.Fatal(err)
				}
				runtime.ReadMemStats(&after)
				// The largest answer accepted stays within tens of MB.
				t.Logf("%d cells: %d MB allocated", 2*1000*44, (after.TotalAlloc-before.TotalAlloc)>>20)
				if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 64 {
					t.Errorf("%d MB allocated for an answer under MaxCells, want under 64 MB", mb)
				}
			}
			if tc.rows != nil && !reflect.DeepEqual(res.Rows, tc.rows) {
				t.Errorf("rows = %v, want %v", res.Rows, tc.rows)
			}
			for d, n := range tc.dims {
				if got := len(res.MetaData.Dimensions[d]); got != n {
					t.Errorf("metadata %s has %d items, want %d", d, got, n)
				}
			}
		})
	}
}

// TestAnalyticsStopsWithContext: a question whose context has ended (the
// client went away, the deadline passed) returns the context's error and
// does not read or compute.
func TestAnalyticsStopsWithContext(t *testing.T) {
	f := tree()
	f.set("FLOW", "V1", "2024Q1", 2)
	e := New(f)
	req := &kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{
		{Name: "dx", Items: []string{"FLOW", "STOCK"}}, {Name: "pe", Items: []string{"2024Q1", "2024Q2"}}, {Name: "ou", Items: []string{"P", "LEVEL-4"}}}}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if _, err := e.Analytics(ctx, req); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: err = %v, want context.Canceled", err)
	}
	if f.scans != 0 {
		t.Errorf("the engine read the figures %d times for a cancelled question", f.scans)
	}
	dl, stop := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer stop()
	if _, err := e.Analytics(dl, req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline passed: err = %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v to give up", took)
	}

	// Cancelled while the question is under way (the engine has loaded).
	if _, err := e.Analytics(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	f.onVersions = cancel
	defer func() { f.onVersions = nil }()
	if res, err := e.Analytics(ctx, req); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled under way: got %v rows, err %v; want context.Canceled", res, err)
	}
}
