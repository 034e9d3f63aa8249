package analytics

import (
	"math"
	"slices"
	"time"

	"kehoach"
	"kehoach/expr"
	"kehoach/period"
)

// span is a query period in the terms of one element's period type: the
// ordinals lo..hi of its periods that lie inside the query period, and
// last, the latest ordinal that ends on or before the query period's end
// (for carrying stocks and states forward).
type span struct {
	lo, hi, last int
}

func spanOf(pt period.Type, p period.Period) span {
	return spanBetween(pt, p.Start(), p.End())
}

// spanBetween is the span of the element's periods lying wholly between
// the days start and end (a nine-month reading runs from January to the
// end of September, todate.go). An element of longer periods than the
// query has none inside.
func spanBetween(pt period.Type, start, end time.Time) span {
	endOrd := ordinal(period.Of(pt, end))
	last := endOrd
	if !fromOrdinal(pt, endOrd).End().Equal(end) {
		last-- // the element's period that holds the end runs past it
	}
	first := period.Of(pt, start)
	lo := ordinal(first)
	if !first.Start().Equal(start) {
		lo++ // the element's period that holds the start began before it
	}
	return span{lo: lo, hi: last, last: last}
}

// unitValue aggregates one unit's figures of series s over the span by the
// element's rule; NaN if the unit reported nothing that counts.
// With the element's report (rp not nil) a stock or state is read from the
// unit's latest report as a whole (report.go). With keep (approved figures
// only, approval.go) a period's figures count only when keep says so.
func unitValue(agg string, s *series, rp *report, unit int32, sp span, keep func(o int) bool) float64 {
	row := s.rowOf[unit]
	if row < 0 {
		return math.NaN()
	}
	if agg == kehoach.AggLast && rp != nil {
		o, ok := rp.latest(unit, sp.last, keep)
		if !ok {
			return math.NaN()
		}
		return s.at(unit, o)
	}
	vals := s.row(row)
	at := func(o int) float64 {
		if o < s.base || o >= s.base+s.width || (keep != nil && !keep(o)) {
			return math.NaN()
		}
		return vals.at(o - s.base)
	}
	switch agg {
	case kehoach.AggLast:
		for o := min(sp.last, s.base+s.width-1); o >= s.base; o-- {
			if v := vals.at(o - s.base); !math.IsNaN(v) && (keep == nil || keep(o)) {
				return v
			}
		}
		return math.NaN()
	case kehoach.AggSum, kehoach.AggAverage:
		sum, n := 0.0, 0
		for o := sp.lo; o <= sp.hi; o++ {
			if v := at(o); !math.IsNaN(v) {
				sum += v
				n++
			}
		}
		if n == 0 {
			return math.NaN()
		} else if agg == kehoach.AggAverage {
			return sum / float64(n)
		}
		return sum
	case kehoach.AggCountYes:
		seen := false
		for o := sp.lo; o <= sp.hi; o++ {
			if v := at(o); !math.IsNaN(v) {
				if v != 0 {
					return 1
				}
				seen = true
			}
		}
		if seen {
			return 0
		}
		return math.NaN()
	}
	return math.NaN()
}

// scope is an expr.Env: the values of one unit's subtree (the hierarchy
// valid in the period) for one period.
type scope struct {
	e    *state
	root int32
	p    period.Period
	// begin, when set, is the first day read: the query runs from it to
	// the end of p (a nine-month reading, todate.go).
	begin      time.Time
	from, to   string
	memberMemo []int32
	// approved reads approved figures only (approval.go).
	approved bool
}

// members returns the units of the subtree valid in the period, root first.
func (sc *scope) members() []int32 {
	if sc.memberMemo != nil {
		return sc.memberMemo
	}
	if e := sc.e; int(sc.root) < len(e.bounded) && !e.bounded[sc.root] {
		// Valid throughout: the subtree is one slice of the layout.
		sc.memberMemo = e.pre[e.pos[sc.root]:e.end[sc.root]:e.end[sc.root]]
		return sc.memberMemo
	}
	out := make([]int32, 0, 64)
	stack := []int32{sc.root}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := sc.e.units[u]
		if !n.validDuring(sc.from, sc.to) {
			continue
		}
		out = append(out, u)
		stack = append(stack, n.children...)
	}
	sc.memberMemo = out
	return out
}

// each calls fn with each member's aggregated value of ref (NaN skipped).
func (sc *scope) each(r expr.Ref, fn func(v float64)) (x *element, ok bool) {
	x = sc.e.elements[r.Element]
	if x == nil {
		return nil, false
	}
	sp := sc.span(x.ptype)
	agg := x.el.Aggregation
	for disagg, s := range x.series {
		if r.Disagg != "" && disagg != r.Disagg {
			continue
		}
		for _, u := range sc.members() {
			if s.rowOf[u] < 0 {
				continue
			}
			var keep func(o int) bool
			if sc.approved {
				keep = func(o int) bool { return sc.e.approved(x.report, u, o) }
			}
			if v := unitValue(agg, s, x.report, u, sp, keep); !math.IsNaN(v) {
				fn(v)
				ok = true
			}
		}
	}
	return x, ok
}

// Value aggregates ref over the subtree by the element's rule.
func (sc *scope) Value(r expr.Ref) (float64, bool) {
	sum, n, yes := 0.0, 0, 0
	x, ok := sc.each(r, func(v float64) {
		sum += v
		n++
		if v != 0 {
			yes++
		}
	})
	if !ok {
		return 0, false
	}
	switch x.el.Aggregation {
	case kehoach.AggAverage:
		return sum / float64(n), true
	case kehoach.AggCountYes:
		return float64(yes), true
	}
	return sum, true
}

// Count is the number of units whose value of ref is true (non-zero).
func (sc *scope) Count(r expr.Ref) (float64, bool) {
	yes := 0
	_, ok := sc.each(r, func(v float64) {
		if v != 0 {
			yes++
		}
	})
	return float64(yes), ok
}

// Units counts the members of the given kinds.
func (sc *scope) Units(kinds []string) float64 {
	if e := sc.e; int(sc.root) < len(e.bounded) && !e.bounded[sc.root] {
		// Valid throughout: count from the layout's prefix sums.
		lo, hi := e.pos[sc.root], e.end[sc.root]
		n := int32(0)
		for i, k := range kinds {
			if slices.Contains(kinds[:i], k) {
				continue
			}
			if p := e.kindPrefix[k]; p != nil {
				n += p[hi] - p[lo]
			}
		}
		return float64(n)
	}
	n := 0
	for _, u := range sc.members() {
		k := sc.e.units[u].unit.Kind
		for _, want := range kinds {
			if k == want {
				n++
				break
			}
		}
	}
	return float64(n)
}

// span is the scope's query in the terms of an element's period type.
func (sc *scope) span(pt period.Type) span {
	if sc.begin.IsZero() {
		return spanOf(pt, sc.p)
	}
	return spanBetween(pt, sc.begin, sc.p.End())
}

// newScope returns the Env for a unit and a period.
func (e *state) newScope(unit int32, p period.Period) *scope {
	return &scope{e: e, root: unit, p: p, from: string(kehoach.DateOf(p.Start())), to: string(kehoach.DateOf(p.End()))}
}

// qperiod is a query period with its bounds as dates and its id, worked
// out once per question rather than once per cell.
type qperiod struct {
	p            period.Period
	begin        time.Time // see scope.begin
	from, to, id string
	approved     bool // approved figures only
	noCoverage   bool // the coverage is not asked for (query.go)
}

func newQPeriod(p period.Period) qperiod {
	return qperiod{p: p, from: string(kehoach.DateOf(p.Start())), to: string(kehoach.DateOf(p.End())), id: p.String()}
}

// point evaluates an indicator for a unit and a period.
func (e *state) point(ind *indicator, unit int32, p period.Period, approved bool) kehoach.Point {
	q := newQPeriod(p)
	q.approved = approved
	return e.pointAt(ind, unit, &q)
}

// pointAt is point for a prepared period.
func (e *state) pointAt(ind *indicator, unit int32, q *qperiod) kehoach.Point {
	sc := &scope{e: e, root: unit, p: q.p, begin: q.begin, from: q.from, to: q.to, approved: q.approved}
	pt := evalPoint(ind, sc, q.id)
	if !q.noCoverage {
		pt.Coverage = e.coverage(ind.elems, sc)
	}
	return pt
}

// evalPoint evaluates an indicator in env, the point of period id.
func evalPoint(ind *indicator, env expr.Env, id string) kehoach.Point {
	pt := kehoach.Point{Period: id}
	num, nok := ind.num.Eval(env)
	den, dok := ind.den.Eval(env)
	if !nok || !dok || den == 0 {
		return pt
	}
	factor := ind.ind.Factor
	if factor == 0 {
		factor = 1
	}
	pt.Num, pt.Den, pt.Value, pt.HasValue = num, den, num/den*factor, true
	return pt
}
