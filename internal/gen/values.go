package gen

import (
	"math"
	"math/rand/v2"
	"strconv"

	"kehoach"
)

// Values calls yield with every figure of the dataset, unit by unit in the
// order of Bundle.Units, then element by element, then quarter by quarter,
// and stops at the first error yield returns. It holds one unit's figures
// at a time. Values are canonical (as DataElement.ParseValue writes them).
func (s *Spec) Values(yield func(kehoach.DataValue) error) error {
	t := newTable(len(s.Periods))
	for _, u := range s.Bundle.Units {
		var first, last int
		switch u.Kind {
		case kehoach.KindVillage:
			s.villageValues(u, t)
			first, last = 0, villageElements
		case kehoach.KindCommune:
			s.communeValues(u, t)
			first, last = villageElements, villageElements+communeElements
		default:
			continue
		}
		for e := first; e < last; e++ {
			code := elemDefs[e].code
			for i, p := range s.Periods {
				if err := yield(kehoach.DataValue{Element: code, Unit: u.Code, Period: p, Value: t[e][i]}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// UnitValues returns one unit's figures, element code → one value per
// period of Periods; nil for a unit that reports nothing.
func (s *Spec) UnitValues(u *kehoach.Unit) map[string][]string {
	t := newTable(len(s.Periods))
	out := map[string][]string{}
	switch u.Kind {
	case kehoach.KindVillage:
		s.villageValues(u, t)
		for _, d := range elemDefs[:villageElements] {
			out[d.code] = t[elemIndex[d.code]]
		}
	case kehoach.KindCommune:
		s.communeValues(u, t)
		for _, d := range elemDefs[villageElements:] {
			out[d.code] = t[elemIndex[d.code]]
		}
	default:
		return nil
	}
	return out
}

// table is one unit's figures: element position × period.
type table [][]string

func newTable(periods int) table {
	t := make(table, len(elemDefs))
	for i := range t {
		t[i] = make([]string, periods)
	}
	return t
}

func (t table) set(code string, i int, v string) { t[elemIndex[code]][i] = v }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

func itoa(n int) string { return strconv.Itoa(n) }

// dec1 writes x rounded to one decimal, canonically.
func dec1(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// frac is how far quarter i is through the horizon, 0 to 1.
func (s *Spec) frac(i int) float64 {
	if len(s.Periods) < 2 {
		return 0
	}
	return float64(i) / float64(len(s.Periods)-1)
}

// states fills a yes/no state that turns true once the unit's own draw
// falls under the share rising from lo to hi (shifted by dev), and then
// stays true; with req, only while req is true.
func (s *Spec) states(t table, unit, code string, lo, hi, dev float64, req string) {
	d := s.rng(unit, code).Float64()
	var reqRow []string
	if req != "" {
		reqRow = t[elemIndex[req]]
	}
	for i := range s.Periods {
		yes := d < clamp(lo+(hi-lo)*s.frac(i)+dev, 0, 1)
		if reqRow != nil && reqRow[i] != "true" {
			yes = false
		}
		t.set(code, i, boolText(yes))
	}
}

func (s *Spec) communeValues(u *kehoach.Unit, t table) {
	dev := s.dev[u.Code]
	s.states(t, u.Code, XA01, 0.75, 0.98, dev, "")
	s.states(t, u.Code, XA02, 0.80, 0.98, dev, "")
	s.states(t, u.Code, XA03, 0.35, 0.80, dev, XA02)
}

func (s *Spec) villageValues(u *kehoach.Unit, t table) {
	dev := s.dev[u.ParentCode]
	c := u.Code
	s.states(t, c, B01, 0.70, 0.95, dev, "")
	s.states(t, c, B02, 0.30, 0.75, dev, B01)
	s.states(t, c, B03, 0.60, 0.95, dev, "")
	s.states(t, c, B04, 0.40, 0.80, dev, "")
	s.states(t, c, B05, 0.50, 0.85, dev, "")
	s.states(t, c, B06, 0.45, 0.85, dev, "")
	s.states(t, c, B07, 0.85, 0.99, dev, "")
	s.states(t, c, B08, 0.30, 0.70, dev, "")
	s.states(t, c, B09, 0.80, 0.98, dev, "")
	s.states(t, c, B10, 0.10, 0.40, dev, "")

	// Stocks: households grow about 0.5% a quarter; the rest are shares
	// of households or of people, so every rule holds by construction.
	n := len(s.Periods)
	hgd := make([]int, n)
	nk := make([]int, n)
	base := 40 + s.rng(c, HGD).IntN(161)
	perHousehold := 3.4 + s.rng(c, NK).Float64()*1.4
	for i := range n {
		hgd[i] = base + int(float64(base)*0.005*float64(i))
		nk[i] = int(math.Round(float64(hgd[i]) * perHousehold))
		t.set(HGD, i, itoa(hgd[i]))
		t.set(NK, i, itoa(nk[i]))
	}
	// share sets code to a share of of, rising from lo to hi, shifted by
	// shift and by the unit's own offset (±5%), with noise each quarter.
	share := func(code string, of []int, lo, hi, shift, noise float64) {
		r := s.rng(c, code)
		off := (r.Float64() - 0.5) * 0.1
		for i := range n {
			sh := clamp(lo+(hi-lo)*s.frac(i)+shift+off+(r.Float64()-0.5)*noise, 0, 1)
			t.set(code, i, itoa(int(math.Floor(float64(of[i])*sh))))
		}
	}
	share(HGDVH, hgd, 0.70, 0.92, dev, 0.02)
	poor := 0.08 + s.rng(c, HGDNgheo).Float64()*0.25 - dev
	for i := range n {
		t.set(HGDNgheo, i, itoa(int(math.Floor(float64(hgd[i])*clamp(poor*(1-0.5*s.frac(i)), 0, 1)))))
	}
	share(HGDNS, hgd, 0.50, 0.90, dev, 0.02)
	share(HGDTV, hgd, 0.75, 0.97, dev, 0.02)
	// At most 0.69 + 0.16 of the people: LD + TE ≤ NK holds.
	share(LD, nk, 0.58, 0.62, 0, 0.04)
	share(TE, nk, 0.08, 0.10, 0, 0.02)

	// Flows: counts of the quarter.
	flow := func(code string, f func(r *rand.Rand, i int) int) {
		r := s.rng(c, code)
		for i := range n {
			t.set(code, i, itoa(f(r, i)))
		}
	}
	flow(SH, func(r *rand.Rand, _ int) int { return 1 + r.IntN(6) })
	flow(TT, func(r *rand.Rand, _ int) int { return r.IntN(5) })
	flow(VN, func(r *rand.Rand, _ int) int { return r.IntN(4) })
	flow(TDTT, func(r *rand.Rand, _ int) int { return r.IntN(3) })
	flow(Kham, func(r *rand.Rand, i int) int { return nk[i]/20 + r.IntN(nk[i]/8+1) })
	flow(Thoat, func(r *rand.Rand, _ int) int { return r.IntN(4) })

	// Averages: one decimal.
	r := s.rng(c, TN)
	income := 1.5 + r.Float64()*2.5 + dev*4
	for i := range n {
		t.set(TN, i, dec1(math.Max(0.5, income*(1+0.02*float64(i))+(r.Float64()-0.5)*0.2)))
	}
	r = s.rng(c, BHYT)
	cover := 80 + r.Float64()*15
	for i := range n {
		t.set(BHYT, i, dec1(clamp(cover+5*s.frac(i)+(r.Float64()-0.5)*2, 0, 100)))
	}
	r = s.rng(c, Diem)
	score := 55 + r.Float64()*30 + dev*40
	for i := range n {
		t.set(Diem, i, dec1(clamp(score+10*s.frac(i)+(r.Float64()-0.5)*4, 0, 100)))
	}
}
