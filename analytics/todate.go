package analytics

import (
	"strconv"
	"strings"
	"time"

	"kehoach"
	"kehoach/expr"
	"kehoach/period"
)

// Readings within a year (issue 12). A report of nine months (báo cáo 9
// tháng) reads the year from January to the end of September: flows added
// over the three quarters, stocks and states as at the end of September.
// Its period id is "2024N9"; IndicatorValue and TargetBreakdown take it
// wherever they take a period id.
//
// A report of a quarter, a half-year or nine months judges a yearly
// target as of the end of its period, not of the year (PlanProgress with a
// sub-year asOf): the year's figure to date stands for the year's, a flow
// (a sum of events, sessions, visitors) counted at its yearly pace (the
// figure to date divided by the share of the year gone), a stock against
// the milestone reached by that share of the year on the straight line
// from the previous year's. Written down in docs/targets.md.

// NineMonthsSuffix ends the id of a nine-month reading: "2024N9".
const NineMonthsSuffix = "N9"

// parseQuery reads a query period id: a period (period.Parse), or a
// nine-month reading, which is the third quarter read from the year's
// first day (begin).
func parseQuery(pid string) (p period.Period, begin time.Time, err error) {
	if y, ok := strings.CutSuffix(strings.ToUpper(strings.TrimSpace(pid)), NineMonthsSuffix); ok && len(y) == 4 {
		year, err := strconv.Atoi(y)
		if err != nil || year < period.MinYear {
			return p, begin, kehoach.Errorf(kehoach.EINVALID, "kỳ %q không hợp lệ", pid)
		}
		q3 := period.Period{Type: period.Quarterly, Year: year, N: 3}
		return q3, period.Period{Type: period.Yearly, Year: year}.Start(), nil
	}
	p, err = period.Parse(pid)
	if err != nil {
		return p, begin, kehoach.Errorf(kehoach.EINVALID, "%v", err)
	}
	return p, begin, nil
}

// newQuery is the qperiod of a parsed query: from begin (zero: p's own
// start) to p's end, with its id.
func newQuery(p period.Period, begin time.Time) qperiod {
	q := newQPeriod(p)
	if !begin.IsZero() && !begin.Equal(p.Start()) {
		q.begin = begin
		q.from = string(kehoach.DateOf(begin))
		q.id = strconv.Itoa(p.Year) + NineMonthsSuffix
		if p.Type != period.Quarterly || p.N != 3 {
			q.id = string(kehoach.DateOf(begin)) + "/" + p.String()
		}
	}
	return q
}

// toDateQuery is the query from the start of the series period sp to the
// end of p inside it: a period when one fits (the first half, the year),
// nine months, or the days between.
func toDateQuery(sp, p period.Period) qperiod {
	for t := sp.Type; t <= p.Type; t++ {
		if c := period.Of(t, sp.Start()); c.End().Equal(p.End()) {
			return newQPeriod(c)
		}
	}
	return newQuery(p, sp.Start())
}

// yearShare is the share of the series period sp (a year) that the days
// from start to end, inside it, make up: 0.25 for its first quarter, 0.75
// for nine months, 1 for the whole year.
func yearShare(sp period.Period, start, end time.Time) float64 {
	whole := sp.End().Sub(sp.Start()).Hours() + 24
	part := end.Sub(start).Hours() + 24
	if whole <= 0 || part >= whole {
		return 1
	}
	return part / whole
}

// flow reports whether the indicator counts events over time: its
// numerator adds an element over periods (AggSum) and its denominator does
// not, so that the figure of part of a year is part of the year's. A ratio
// of two flows, a stock or a yes/no count is read as it stands.
func (e *state) flow(ind *indicator) bool {
	sums := func(x *expr.Expr) bool {
		for _, r := range x.Refs() {
			if el := e.elements[r.Element]; el != nil && el.el.Aggregation == kehoach.AggSum {
				return true
			}
		}
		return false
	}
	return sums(ind.num) && !sums(ind.den)
}

// atShare is the point as it is judged at share of its year: a flow at its
// yearly pace; anything else as it stands.
func (e *state) atShare(ind *indicator, pt kehoach.Point, share float64) kehoach.Point {
	if share >= 1 || share <= 0 || !pt.HasValue || !e.flow(ind) {
		return pt
	}
	pt.Value /= share
	pt.Num /= share
	return pt
}
