package analytics

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"kehoach"
)

// linkedSource is a fakeSource with successor links, as the store has.
type linkedSource struct {
	*fakeSource
	links []kehoach.UnitLink
}

func (s *linkedSource) FindUnitLinks(ctx context.Context) ([]kehoach.UnitLink, error) {
	return s.links, nil
}

// apply writes a reorganisation plan into the source, as the store does.
func (s *linkedSource) apply(pl *kehoach.ReorgPlan) {
	byCode := map[string]*kehoach.Unit{}
	for _, u := range s.units {
		byCode[u.Code] = u
	}
	for _, u := range pl.Ended {
		byCode[u.Code].ValidTo = u.ValidTo
	}
	for _, u := range pl.Created {
		c := *u
		c.ID = int64(len(s.units) + 1)
		s.units = append(s.units, &c)
	}
	s.links = append(s.links, pl.Links...)
	s.meta++
}

func (s *linkedSource) tree() *kehoach.ReorgTree {
	units := make([]*kehoach.Unit, len(s.units))
	for i, u := range s.units {
		c := *u
		units[i] = &c
	}
	return &kehoach.ReorgTree{Units: units, Links: s.links, LastStart: map[string]kehoach.Date{}}
}

// ask returns value by "dx/ou/pe" of an analytics question.
func ask(t *testing.T, e *Engine, dx, ou []string, pe []string, date kehoach.Date) map[string]float64 {
	t.Helper()
	res, err := e.Analytics(context.Background(), &kehoach.AnalyticsRequest{SkipRounding: true, HierarchyDate: date, Dimensions: []kehoach.Dimension{
		{Name: "dx", Items: dx}, {Name: "ou", Items: ou}, {Name: "pe", Items: pe}}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, r := range res.Rows {
		v, _ := strconv.ParseFloat(r[3], 64)
		out[r[0]+"/"+r[1]+"/"+r[2]] = v
	}
	return out
}

// TestHierarchyProperties: for random trees and random sequences of
// merges, splits (by villages, or by declared shares) and moves, the
// totals of additive elements are preserved under the tree of every day,
// the units of a day's tree add up to the total, and reading as it was
// after the changes gives exactly what was read before them.
func TestHierarchyProperties(t *testing.T) {
	ops := map[string]int{}
	defer func() {
		if ops[kehoach.ReorgMerge] < 10 || ops[kehoach.ReorgSplit] < 10 || ops[kehoach.ReorgMove] < 10 {
			t.Errorf("too few reorganisations tried: %v", ops)
		}
	}()
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 10))
			src := &linkedSource{fakeSource: &fakeSource{}}
			src.unit("P", kehoach.KindProvince, "", "", "")
			var communes, all []string
			all = append(all, "P")
			for i := range 3 + r.IntN(4) {
				c := fmt.Sprintf("C%d", i)
				src.unit(c, kehoach.KindCommune, "P", "", "")
				communes = append(communes, c)
				all = append(all, c)
				for j := range 1 + r.IntN(4) {
					v := fmt.Sprintf("%s_V%d", c, j)
					src.unit(v, kehoach.KindVillage, c, "", "")
					all = append(all, v)
				}
			}
			for _, u := range src.units {
				src.units[u.ID-1].Level = map[string]int{kehoach.KindProvince: 1, kehoach.KindCommune: 2, kehoach.KindVillage: 3}[u.Kind]
			}
			src.element("HH", kehoach.AggSum, "yearly", kehoach.KindVillage)
			src.element("STAFF", kehoach.AggSum, "yearly", kehoach.KindCommune)
			periods := []string{"2020", "2021", "2022"}
			for _, u := range src.units {
				for _, p := range periods {
					el := int64(1)
					if u.Kind == kehoach.KindCommune {
						el = 2
					} else if u.Kind != kehoach.KindVillage {
						continue
					}
					src.values = append(src.values, RawValue{ElementID: el, UnitID: u.ID, Period: p, Num: float64(1 + r.IntN(100)), HasNum: true})
				}
			}
			e := New(src)
			dx := []string{"HH", "STAFF"}
			before := ask(t, e, dx, all, periods, "")

			// Random reorganisations, one a quarter from 2023.
			dates := []kehoach.Date{}
			for k := range 2 + r.IntN(4) {
				d := kehoach.Date(fmt.Sprintf("%d-%02d-01", 2023+k/4, 1+3*(k%4)))
				tr := src.tree()
				var live, liveVillages []*kehoach.Unit
				for _, u := range tr.Units {
					if u.ValidOn(d) && u.ValidFrom < d {
						if u.Kind == kehoach.KindCommune {
							live = append(live, u)
						} else if u.Kind == kehoach.KindVillage {
							liveVillages = append(liveVillages, u)
						}
					}
				}
				kidsOf := func(c string) []string {
					var out []string
					for _, u := range tr.Units {
						if u.ParentCode == c && u.ValidOn(d) {
							out = append(out, u.Code)
						}
					}
					return out
				}
				var re *kehoach.Reorg
				switch op := r.IntN(3); {
				case op == 0 && len(live) >= 2:
					a, b := live[r.IntN(len(live))], live[r.IntN(len(live))]
					if a == b {
						continue
					}
					re = &kehoach.Reorg{Kind: kehoach.ReorgMerge, Date: d, Units: []string{a.Code, b.Code}, New: &kehoach.Unit{Code: fmt.Sprintf("M%d", k), Name: "M"}}
				case op == 1 && len(live) >= 1:
					c := live[r.IntN(len(live))]
					kids := kidsOf(c.Code)
					parts := []kehoach.ReorgPart{{Code: fmt.Sprintf("S%da", k), Name: "a"}, {Code: fmt.Sprintf("S%db", k), Name: "b"}}
					for i, v := range kids {
						parts[i%2].Villages = append(parts[i%2].Villages, v)
					}
					share := float64(1 + r.IntN(99))
					parts[0].Share, parts[1].Share = share, 100-share
					re = &kehoach.Reorg{Kind: kehoach.ReorgSplit, Date: d, Units: []string{c.Code}, Parts: parts}
				case len(liveVillages) >= 1 && len(live) >= 2:
					v := liveVillages[r.IntN(len(liveVillages))]
					to := live[r.IntN(len(live))]
					if to.Code == v.ParentCode {
						continue
					}
					re = &kehoach.Reorg{Kind: kehoach.ReorgMove, Date: d, Units: []string{v.Code}, Parent: to.Code}
				default:
					continue
				}
				pl, err := kehoach.PlanReorg(re, tr)
				if err != nil {
					t.Fatalf("%+v: %v", re, err)
				}
				src.apply(pl)
				dates = append(dates, d)
				ops[re.Kind]++
			}

			after := ask(t, e, dx, all, periods, "")
			for k, v := range before {
				if after[k] != v {
					t.Errorf("as it was, %s: %v after the changes, %v before", k, after[k], v)
				}
			}
			if len(after) != len(before) {
				t.Errorf("as it was: %d values after, %d before", len(after), len(before))
			}
			for _, d := range append(dates, "2021-06-01") {
				under := ask(t, e, dx, []string{"P"}, periods, d)
				// The units of that day's tree, just under the root.
				var tops []string
				for _, u := range src.units {
					if u.ParentCode == "P" && u.ValidOn(d) {
						tops = append(tops, u.Code)
					}
				}
				parts := ask(t, e, dx, tops, periods, d)
				for _, x := range dx {
					for _, p := range periods {
						total := before[x+"/P/"+p]
						if got := under[x+"/P/"+p]; math.Abs(got-total) > 1e-6 {
							t.Errorf("%s %s under the tree of %s: total %v, as it was %v", x, p, d, got, total)
						}
						sum := 0.0
						for _, c := range tops {
							sum += parts[x+"/"+c+"/"+p]
						}
						if math.Abs(sum-total) > 1e-6 {
							t.Errorf("%s %s under the tree of %s: communes add up to %v, total %v", x, p, d, sum, total)
						}
					}
				}
			}
		})
	}
}

// TestHierarchyMergeAndShares: a merge adds up exactly; a split by
// declared shares divides the commune's own figures and marks them
// estimated, while its villages' figures, moved whole, stay exact.
func TestHierarchyMergeAndShares(t *testing.T) {
	src := &linkedSource{fakeSource: &fakeSource{}}
	src.unit("P", kehoach.KindProvince, "", "", "")
	src.unit("A", kehoach.KindCommune, "P", "", "2024-12-31")
	src.unit("B", kehoach.KindCommune, "P", "", "2024-12-31")
	src.unit("A1", kehoach.KindVillage, "A", "", "2024-12-31")
	src.unit("AB", kehoach.KindCommune, "P", "2025-01-01", "")
	src.unit("C", kehoach.KindCommune, "P", "", "2024-12-31")
	src.unit("C1", kehoach.KindVillage, "C", "", "2024-12-31")
	src.unit("CN", kehoach.KindCommune, "P", "2025-01-01", "")
	src.unit("CS", kehoach.KindCommune, "P", "2025-01-01", "")
	src.unit("C1_N", kehoach.KindVillage, "CN", "2025-01-01", "")
	src.unit("A1_N", kehoach.KindVillage, "AB", "2025-01-01", "")
	src.links = []kehoach.UnitLink{{From: "A", To: "AB", Kind: kehoach.LinkMerge}, {From: "B", To: "AB", Kind: kehoach.LinkMerge},
		{From: "C", To: "CN", Kind: kehoach.LinkSplit, Share: 0.25}, {From: "C", To: "CS", Kind: kehoach.LinkSplit, Share: 0.75},
		{From: "C1", To: "C1_N", Kind: kehoach.LinkMove}, {From: "A1", To: "A1_N", Kind: kehoach.LinkMove}}
	src.element("STAFF", kehoach.AggSum, "yearly", kehoach.KindCommune)
	src.element("HH", kehoach.AggSum, "yearly", kehoach.KindVillage)
	for id, v := range map[int64]float64{2: 10, 3: 20, 6: 40} {
		src.values = append(src.values, RawValue{ElementID: 1, UnitID: id, Period: "2024", Num: v, HasNum: true})
	}
	src.values = append(src.values, RawValue{ElementID: 2, UnitID: 7, Period: "2024", Num: 8, HasNum: true},
		RawValue{ElementID: 2, UnitID: 4, Period: "2024", Num: 5, HasNum: true})
	e := New(src)
	res, err := e.Analytics(context.Background(), &kehoach.AnalyticsRequest{HierarchyDate: "2025-06-01", Dimensions: []kehoach.Dimension{
		{Name: "dx", Items: []string{"STAFF", "HH"}}, {Name: "ou", Items: []string{"AB", "CN", "CS"}}, {Name: "pe", Items: []string{"2024"}}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range res.Rows {
		got[r[0]+"/"+r[1]] = r[3] + " " + r[4]
	}
	want := map[string]string{"STAFF/AB": "30 false", "STAFF/CN": "10 true", "STAFF/CS": "30 true", "HH/CN": "8 false", "HH/AB": "5 false"}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	// Backwards: the 2025 tree read under the tree of 2024 sends the new
	// commune's figures back to the two it was made of, half each, estimated.
	src.values = append(src.values, RawValue{ElementID: 1, UnitID: 5, Period: "2025", Num: 60, HasNum: true})
	back := ask(t, e, []string{"STAFF"}, []string{"A", "B", "P"}, []string{"2025"}, "2024-06-01")
	if back["STAFF/A/2025"] != 30 || back["STAFF/B/2025"] != 30 || back["STAFF/P/2025"] != 60 {
		t.Errorf("backwards %v", back)
	}
}
