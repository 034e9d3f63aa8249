package analytics

import (
	"kehoach"
	"kehoach/expr"
	"kehoach/period"
)

// A filter of several items (filter=pe:2024Q1;2024Q2, filter=pe:LAST_5_YEARS,
// filter=ou:A;B) is one value in DHIS2, not one row per item: the figures
// are aggregated over every unit and period of the filter, then the
// indicator's expressions are evaluated once on the aggregates. So
// indicator 10 × #{A} / #{B} over two quarters is 10 × (A₁+A₂) / (B₁+B₂),
// not the sum or mean of the two quarters' ratios.

// filterSet is the units and periods of multi-item ou and pe filters; a
// nil slice means that dimension is not such a filter.
type filterSet struct {
	units   []int32
	periods []qperiod
}

// outermost drops the units lying under another unit of the set, so that
// no figure is counted twice when a filter names a district and one of
// its communes.
func (e *state) outermost(units []int32) []int32 {
	in := map[int32]bool{}
	for _, u := range units {
		in[u] = true
	}
	var out []int32
	for _, u := range units {
		covered := false
		for p := e.units[u].parent; p >= 0; p = e.units[p].parent {
			if in[p] {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, u)
		}
	}
	return out
}

// multi is the expr.Env of one cell under multi-item filters: one scope
// per (unit, period) pair, and the pairs of the latest period, which is
// what a stock (AggLast) and the count of units read.
type multi struct {
	e            *state
	parts, final []*scope
}

// newMulti returns the Env of the cell for units and periods (either from
// the cell itself or from the filter).
func (e *state) newMulti(units []int32, periods []qperiod) *multi {
	m := &multi{e: e}
	latest := periods[0]
	for _, q := range periods {
		if q.to > latest.to {
			latest = q
		}
	}
	for _, q := range periods {
		for _, u := range units {
			sc := &scope{e: e, root: u, p: q.p, from: q.from, to: q.to}
			m.parts = append(m.parts, sc)
			if q.id == latest.id {
				m.final = append(m.final, sc)
			}
		}
	}
	return m
}

// Value aggregates ref over every pair by the element's rule: a sum adds
// up, an average is the mean of every unit's value in every period, a
// stock is the sum of the units' latest values, a yes/no count adds the
// counts of the periods (as DHIS2 sums a count over periods).
// A yes/no count of a stock-like element (count(#{X}) of an AggLast
// element) reads the latest period too.
func (m *multi) Value(r expr.Ref) (float64, bool) {
	x := m.e.elements[r.Element]
	if x == nil {
		return 0, false
	}
	if x.el.Aggregation == kehoach.AggAverage {
		sum, n := 0.0, 0
		for _, sc := range m.parts {
			sc.each(r, func(v float64) { sum += v; n++ })
		}
		if n == 0 {
			return 0, false
		}
		return sum / float64(n), true
	}
	return sumOver(m.partsOf(x), func(sc *scope) (float64, bool) { return sc.Value(r) })
}

// Count adds up the units whose yes/no element is true: in each period,
// or in the latest for a state (AggLast).
func (m *multi) Count(r expr.Ref) (float64, bool) {
	x := m.e.elements[r.Element]
	if x == nil {
		return 0, false
	}
	return sumOver(m.partsOf(x), func(sc *scope) (float64, bool) { return sc.Count(r) })
}

// partsOf is the pairs that count for element x: the latest period's for a
// stock or state (AggLast), every period's otherwise.
func (m *multi) partsOf(x *element) []*scope {
	if x.el.Aggregation == kehoach.AggLast {
		return m.final
	}
	return m.parts
}

// Units counts the units of the kinds once, in the latest period.
func (m *multi) Units(kinds []string) float64 {
	n, _ := sumOver(m.final, func(sc *scope) (float64, bool) { return sc.Units(kinds), true })
	return n
}

// sumOver adds fn over the scopes that have a value.
func sumOver(parts []*scope, fn func(*scope) (float64, bool)) (float64, bool) {
	sum, ok := 0.0, false
	for _, sc := range parts {
		if v, has := fn(sc); has {
			sum += v
			ok = true
		}
	}
	return sum, ok
}

// pointFiltered is pointAt for a cell of unit u and period q under the
// multi-item filters f.
func (e *state) pointFiltered(ind *indicator, u int32, q *qperiod, f *filterSet) kehoach.Point {
	units, periods := []int32{u}, []qperiod{*q}
	if f.units != nil {
		units = f.units
	}
	if f.periods != nil {
		periods = f.periods
	}
	return evalPoint(ind, e.newMulti(units, periods), q.id)
}

// qperiods prepares periods once for a question.
func qperiods(ps []period.Period) []qperiod {
	out := make([]qperiod, len(ps))
	for i, p := range ps {
		out[i] = newQPeriod(p)
	}
	return out
}

// userKeywords maps each USER_ORGUNIT keyword to how far below the user's
// units it reaches.
var userKeywords = map[string]int{"USER_ORGUNIT": 0, "USER_ORGUNIT_CHILDREN": 1, "USER_ORGUNIT_GRANDCHILDREN": 2}

// userUnits returns the units depth levels below the user's own (codes;
// the roots when there are none), valid at some time in from..to. Codes
// the tree does not have are skipped: a scope may name a unit since
// removed.
func (e *state) userUnits(codes []string, depth int, from, to string) []int32 {
	var level []int32
	for _, c := range codes {
		if u, ok := e.unitByCode[c]; ok {
			level = append(level, u)
		}
	}
	if len(codes) == 0 {
		for i, n := range e.units {
			if n.parent < 0 {
				level = append(level, int32(i))
			}
		}
	}
	for range depth {
		var next []int32
		for _, u := range level {
			for _, c := range e.units[u].children {
				if e.units[c].validDuring(from, to) {
					next = append(next, c)
				}
			}
		}
		level = next
	}
	return level
}

// unique32 returns units without repetitions, each where it first came.
func unique32(units []int32) []int32 {
	seen := make(map[int32]bool, len(units))
	out := units[:0:0]
	for _, u := range units {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}
