package analytics

import (
	"context"
	"maps"
	"math"
	"slices"

	"kehoach"
	"kehoach/period"
)

// Carry-forward by whole report (issue 9, docs/expressions.md "Số liệu kỳ
// trước được mang sang").
//
// A unit's figures for one form and one period are one report. A stock or
// a state (AggLast) is carried forward from the unit's latest report of the
// element's form on or before the query period, as a whole: when that
// report lacks the element, the unit has no value for it, even if an
// older report had one. So a ratio never takes its numerator from one
// report of a unit and its denominator from another, and the validation
// rules, which check each report on its own figures, see the very state
// the analytics use.

// FormSource is what a ValueSource also offers when its elements are
// collected on forms (the store does): the engine groups an element's
// figures by the form that collects it. Without it every element is its
// own report, as before.
type FormSource interface {
	FindForms(ctx context.Context) ([]*kehoach.Form, error)
}

// report counts, for the elements of one form, how many figures each unit
// has in each period (any element, any disaggregation): a unit has a report
// for a period when the count is not zero.
type report struct {
	counts *series // NaN: no figure; otherwise the count
	ptype  period.Type
	// approved marks (1) the units and periods whose figures of the report
	// are in an approved grid (approval.go); nil: none.
	approved *series
	// assigned marks the units the form lists (issue 14) and their
	// villages, which report on their grid: only they are expected to
	// report (coverage.go). nil: every unit whose kind reports.
	assigned map[int32]bool
	// changed is the data version at which a figure of the report last
	// changed (Engine.versionOf).
	changed int64
	edits   edits
	// counted tells that counts came with the figures from the state
	// before (carryFigures): recount leaves them.
	counted bool
}

// groupForms gives each element the report of the first form collecting
// it. Callers build fresh engines with it before any figure is applied.
func (fresh *state) groupForms(ctx context.Context, src ValueSource) error {
	fs, ok := src.(FormSource)
	if !ok {
		return nil
	}
	forms, err := fs.FindForms(ctx)
	if err != nil {
		return err
	}
	fresh.reportByForm = map[string]*report{}
	for _, f := range forms {
		pt, err := period.ParseType(f.PeriodType)
		if err != nil {
			continue
		}
		rp := &report{counts: fresh.newSeries(), ptype: pt}
		fresh.reportByForm[f.Code] = rp
		for _, code := range f.Units {
			i, ok := fresh.unitByCode[code]
			if !ok {
				continue
			}
			if rp.assigned == nil {
				rp.assigned = map[int32]bool{}
			}
			rp.assigned[i] = true
			for _, c := range fresh.units[i].children {
				if fresh.units[c].unit.Kind == kehoach.KindVillage {
					rp.assigned[c] = true
				}
			}
		}
		for _, code := range f.Elements {
			if x := fresh.elements[code]; x != nil && x.report == nil && x.ptype.String() == f.PeriodType {
				x.report = rp
			}
		}
	}
	return nil
}

// count adds delta (±1) to the unit's figures of rp in the period.
func (e *state) count(rp *report, unit int32, o int, delta float64) (flipped bool) {
	rp.counts = rp.counts.own(e.gen)
	n := rp.counts.at(unit, o)
	had := !math.IsNaN(n)
	if !had {
		n = 0
	}
	n += delta
	if n <= 0 {
		n = math.NaN()
	}
	rp.counts.set(unit, o, n)
	return had == math.IsNaN(n)
}

// recount rebuilds the reports' counts from the figures held (after a
// snapshot is loaded: counts are not part of it; after new metadata, those
// not carried).
func (e *state) recount() {
	of := map[*report][]*series{}
	for _, x := range e.elements {
		if rp := x.report; rp != nil && !rp.counted {
			of[rp] = append(of[rp], slices.Collect(maps.Values(x.series))...)
		}
	}
	for rp, ss := range of {
		rp.counts = e.countOf(ss)
	}
}

// countOf counts the figures of ss by unit and period, unit by unit: a
// count written once per cell, not once per figure (108 million figures
// at the national scale with 40 quarters).
func (e *state) countOf(ss []*series) *series {
	c := e.newSeries()
	lo, hi := 0, 0
	for _, s := range ss {
		if s.width == 0 {
			continue
		}
		if hi == lo {
			lo, hi = s.base, s.base+s.width
		}
		lo, hi = min(lo, s.base), max(hi, s.base+s.width)
	}
	if hi > lo {
		c.reshape(lo, hi-lo)
	}
	n := make([]float64, hi-lo)
	for u := range e.units {
		clear(n)
		for _, s := range ss {
			r := s.rowOf[u]
			if r < 0 {
				continue
			}
			vals := s.row(r)
			for i := range s.width {
				if vals.has(i) {
					n[s.base+i-lo]++
				}
			}
		}
		for i, k := range n {
			if k > 0 {
				c.set(int32(u), lo+i, k)
			}
		}
	}
	return c
}

// latest returns the ordinal of the unit's latest report on or before
// last (that keep keeps, when set), and false when it has none.
func (rp *report) latest(unit int32, last int, keep func(o int) bool) (int, bool) {
	s := rp.counts
	row := s.rowOf[unit]
	if row < 0 {
		return 0, false
	}
	vals := s.row(row)
	for o := min(last, s.base+s.width-1); o >= s.base; o-- {
		if vals.has(o-s.base) && (keep == nil || keep(o)) {
			return o, true
		}
	}
	return 0, false
}
