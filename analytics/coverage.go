package analytics

import (
	"slices"

	"kehoach"
	"kehoach/period"
)

// Coverage of every value (issue 9): of the units of the scope valid in the
// period whose kind reports one of the indicator's elements (and, when the
// element's form lists its units, that it lists: issue 14), how many have
// a figure of one of them in the period itself, and how many of those have
// one in an approved grid (its latest report in the period, per element). Carried-forward stocks do
// not count as reports: a stock unchanged since last year still needs this
// year's report to count as covered.

// refs returns the elements an indicator reads.
func (e *state) refs(ind *indicator) []*element {
	if ind.elems != nil {
		return ind.elems
	}
	var out []*element
	for _, r := range append(ind.num.Refs(), ind.den.Refs()...) {
		if x := e.elements[r.Element]; x != nil && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// coverage counts the expected and reporting units of the scope for the
// indicator's elements in q.
func (e *state) coverage(elems []*element, sc *scope) kehoach.Coverage {
	var c kehoach.Coverage
	if len(elems) == 0 {
		return c
	}
	spans := make([]span, len(elems))
	series := make([][]*series, len(elems))
	for i, x := range elems {
		spans[i] = reportSpan(x.ptype, sc)
		for _, s := range x.series {
			series[i] = append(series[i], s)
		}
	}
	// Which elements each kind reports, worked out once per kind rather
	// than once per unit: scopes hold thousands of units of a few kinds.
	byKind := make([][]bool, len(e.kinds))
	for k, kind := range e.kinds {
		for i, x := range elems {
			if x.el.ReportedBy(kind) {
				if byKind[k] == nil {
					byKind[k] = make([]bool, len(elems))
				}
				byKind[k][i] = true
			}
		}
	}
	for _, u := range sc.members() {
		reports := byKind[e.units[u].kind]
		if reports == nil {
			continue
		}
		expected, reported, approved := false, false, false
		for i, x := range elems {
			if !reports[i] || x.report != nil && x.report.assigned != nil && !x.report.assigned[u] {
				continue
			}
			expected = true
			if o, ok := reportedIn(series[i], u, spans[i]); ok {
				reported = true
				approved = approved || e.approved(x.report, u, o)
			}
		}
		if expected {
			c.Expected++
			if reported {
				c.Reported++
			}
			if approved {
				c.Approved++
			}
		}
	}
	return c
}

// reportSpan is the element's periods a report for the scope's query may
// be in: those inside it, or, for an element of longer periods, the one
// holding its end.
func reportSpan(pt period.Type, sc *scope) span {
	sp := sc.span(pt)
	if sp.lo > sp.hi {
		o := ordinal(period.Of(pt, sc.p.End()))
		sp.lo, sp.hi = o, o
	}
	return sp
}

// reportedIn returns the latest of the span's periods in which the unit
// has a figure in one of an element's series (its disaggregations), and
// false when it has none.
func reportedIn(ss []*series, u int32, sp span) (int, bool) {
	best, found := 0, false
	for _, s := range ss {
		row := s.rowOf[u]
		if row < 0 {
			continue
		}
		lo, hi := max(sp.lo, s.base), min(sp.hi, s.base+s.width-1)
		vals := s.row(row)
		for o := hi; o >= lo && (!found || o > best); o-- {
			if vals.has(o - s.base) {
				best, found = o, true
				break
			}
		}
	}
	return best, found
}
