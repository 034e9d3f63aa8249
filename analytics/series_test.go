package analytics

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"

	"kehoach"
)

// A save makes a new state beside the one readers hold (issue 16 point 8):
// the held state answers as before, figure for figure, however the save
// changed the matrices (a figure in a block, a row added, a period beyond
// the matrix's width, a removal, an approval), and the new state answers
// as a fresh load of the same figures does.
func TestStateKeptBySave(t *testing.T) {
	ctx := context.Background()
	f := &fakeSource{}
	f.unit("P", kehoach.KindProvince, "", "", "")
	f.unit("C", kehoach.KindCommune, "P", "", "")
	const villages = 3*blockRows + 5 // rows in several blocks
	for i := range villages {
		f.unit(fmt.Sprintf("V%d", i), kehoach.KindVillage, "C", "", "")
	}
	f.element("FLOW", kehoach.AggSum, "quarterly", kehoach.KindVillage)
	f.element("STOCK", kehoach.AggLast, "quarterly", kehoach.KindVillage)
	f.indicator("F", "#{FLOW}", "1", 1)
	f.indicator("S", "#{STOCK}", "1", 1)
	for i := range villages - 1 { // the last village has no row yet
		f.set("FLOW", fmt.Sprintf("V%d", i), "2024Q1", float64(i))
		f.set("STOCK", fmt.Sprintf("V%d", i), "2024Q2", float64(2*i))
	}
	e := New(f)
	if err := e.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	held := e.cur.Load()
	periods := []string{"2024Q1", "2024Q2", "2024Q3", "2025Q4", "2026Q1"}
	answers := func(st *state) map[string]float64 {
		out := map[string]float64{}
		for _, code := range []string{"F", "S"} {
			for u := range st.units {
				for _, pid := range periods {
					p, _, _ := parseQuery(pid)
					if pt := st.point(st.indicators[code], int32(u), p, false); pt.HasValue {
						out[code+"/"+st.units[u].unit.Code+"/"+pid] = pt.Value
					}
				}
			}
		}
		return out
	}
	before := answers(held)

	f.set("FLOW", "V3", "2024Q1", 1000)                         // a figure in the first block
	f.set("STOCK", fmt.Sprintf("V%d", villages-1), "2024Q2", 7) // a new row
	f.set("FLOW", "V70", "2026Q1", 5)                           // past the matrix's width
	f.del("STOCK", "V130", "2024Q2")                            // a removal
	if err := e.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	now := e.cur.Load()
	if now == held {
		t.Fatal("the save changed nothing")
	}
	if got := answers(held); !equalAnswers(got, before) {
		t.Errorf("the held state changed under its reader:\n%s", diffAnswers(before, got))
	}
	fresh := New(f)
	if err := fresh.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	want, got := answers(fresh.cur.Load()), answers(now)
	if !equalAnswers(got, want) {
		t.Errorf("after the save, not as a fresh load:\n%s", diffAnswers(want, got))
	}
	if got["F/V3/2024Q1"] != 1000 || got["F/C/2026Q1"] != 5 || got[fmt.Sprintf("S/V%d/2024Q3", villages-1)] != 7 {
		t.Errorf("the saved figures are not read: %v, %v, %v", got["F/V3/2024Q1"], got["F/C/2026Q1"], got[fmt.Sprintf("S/V%d/2024Q3", villages-1)])
	}
	if _, ok := got["S/V130/2024Q2"]; ok {
		t.Error("the removed figure is still read")
	}
}

func equalAnswers(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v && !(math.IsNaN(v) && math.IsNaN(w)) {
			return false
		}
	}
	return true
}

func diffAnswers(want, got map[string]float64) string {
	var s string
	for k, v := range want {
		if w, ok := got[k]; !ok || w != v {
			s += fmt.Sprintf("  %s: want %v, got %v (present %v)\n", k, v, w, ok)
		}
	}
	for k, w := range got {
		if _, ok := want[k]; !ok {
			s += fmt.Sprintf("  %s: want none, got %v\n", k, w)
		}
	}
	return s
}

// Readers read while saves land, each from one state: a province's sum is
// always the sum of its villages' figures in the same answer, never half a
// save (run with -race, as .ci/run does, it also finds a write into a
// published state).
func TestReadersDuringSaves(t *testing.T) {
	ctx := context.Background()
	f := &fakeSource{}
	f.unit("P", kehoach.KindProvince, "", "", "")
	const villages = 2 * blockRows
	for i := range villages {
		f.unit(fmt.Sprintf("V%d", i), kehoach.KindVillage, "P", "", "")
	}
	f.element("A", kehoach.AggSum, "quarterly", kehoach.KindVillage)
	f.element("B", kehoach.AggSum, "quarterly", kehoach.KindVillage)
	for i := range villages {
		f.set("A", fmt.Sprintf("V%d", i), "2024Q1", 1)
		f.set("B", fmt.Sprintf("V%d", i), "2024Q1", 1)
	}
	e := New(f)
	if err := e.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	req := &kehoach.AnalyticsRequest{Dimensions: []kehoach.Dimension{
		{Name: "dx", Items: []string{"A", "B"}}, {Name: "pe", Items: []string{"2024Q1"}}, {Name: "ou", Items: []string{"P"}}}}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				st := e.cur.Load()
				res, err := st.analytics(ctx, req, e.Now())
				if err != nil {
					errs <- err
					return
				}
				// Each save moves one figure from A to B in one batch: A + B
				// stays 2 × villages in every consistent state.
				sum := 0.0
				for _, r := range res.Rows {
					var v float64
					fmt.Sscan(r[len(r)-1], &v)
					sum += v
				}
				if sum != 2*villages {
					errs <- fmt.Errorf("A + B = %v in one answer, want %d: half a save read", sum, 2*villages)
					return
				}
			}
		}()
	}
	for i := range 200 {
		v := fmt.Sprintf("V%d", i%villages)
		a, b := 0.0, 2.0
		if i/villages%2 == 1 {
			a, b = 1, 1
		}
		f.mu.Lock()
		f.values = append(f.values,
			RawValue{ElementID: f.elementID("A"), UnitID: f.unitID(v), Period: "2024Q1", Num: a, HasNum: true},
			RawValue{ElementID: f.elementID("B"), UnitID: f.unitID(v), Period: "2024Q1", Num: b, HasNum: true})
		f.mu.Unlock()
		if err := e.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A block keeps its figures as int32 in the smallest unit that holds them
// exactly, and as float64 otherwise; every figure reads back as it was put.
func TestBlockEncoding(t *testing.T) {
	for _, tc := range []struct {
		figures []float64
		f64     bool
		div     float64
	}{
		{[]float64{1, 2, math.NaN(), 40000}, false, 1},
		{[]float64{12.3, 4, math.NaN()}, false, 10},
		{[]float64{0.25, 1}, false, 100},
		{[]float64{0.001, 2}, false, 1000},
		{[]float64{math.Pi}, true, 0},
		{[]float64{3e9}, true, 0},
		{[]float64{math.Inf(1)}, true, 0},
	} {
		b := newBlock(1, len(tc.figures), 0)
		for i, x := range tc.figures {
			b.put(i, x)
		}
		if (b.f64 != nil) != tc.f64 || !tc.f64 && b.div != tc.div {
			t.Errorf("%v: float64 %v, div %v; want float64 %v, div %v", tc.figures, b.f64 != nil, b.div, tc.f64, tc.div)
		}
		for i, x := range tc.figures {
			if got := b.get(i); got != x && !(math.IsNaN(got) && math.IsNaN(x)) {
				t.Errorf("%v: figure %d reads %v, was %v", tc.figures, i, got, x)
			}
		}
	}
}
