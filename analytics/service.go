package analytics

import (
	"cmp"
	"context"
	"slices"

	"kehoach"
	"kehoach/expr"
	"kehoach/internal/vntext"
	"kehoach/period"
)

var _ kehoach.AnalyticsService = (*Engine)(nil)

// lookup returns the indicator and unit indexes, or an error. Callers hold e.mu.
func (e *Engine) lookup(indCode, unitCode string) (*indicator, int32, error) {
	ind := e.indicators[indCode]
	if ind == nil {
		return nil, 0, kehoach.Errorf(kehoach.ENOTFOUND, "không có chỉ tiêu mã %q", indCode)
	}
	u, ok := e.unitByCode[unitCode]
	if !ok {
		return nil, 0, kehoach.Errorf(kehoach.ENOTFOUND, "không có đơn vị mã %q", unitCode)
	}
	return ind, u, nil
}

// IndicatorValue evaluates one indicator for one unit and period.
func (e *Engine) IndicatorValue(ctx context.Context, indCode, unitCode, pid string) (kehoach.Point, error) {
	p, err := period.Parse(pid)
	if err != nil {
		return kehoach.Point{}, kehoach.Errorf(kehoach.EINVALID, "%v", err)
	}
	if err := e.Refresh(ctx); err != nil {
		return kehoach.Point{}, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	ind, u, err := e.lookup(indCode, unitCode)
	if err != nil {
		return kehoach.Point{}, err
	}
	return e.point(ind, u, p), nil
}

// PlanProgress returns every target of plan as of year asOf ("" = the latest
// year with figures, up to each target's deadline).
func (e *Engine) PlanProgress(ctx context.Context, plan *kehoach.Plan, asOf string) ([]*kehoach.TargetProgress, error) {
	return e.PlanProgressUnder(ctx, plan, asOf, "")
}

// targetProgress computes one target's series from its baseline to its
// deadline and its status as of asOf. Callers hold e.mu.
func (e *Engine) targetProgress(t *kehoach.Target, asOf period.Period) (*kehoach.TargetProgress, error) {
	return e.targetProgressUnder(t, asOf, nil)
}

// targetProgressUnder is targetProgress under the tree of view v (nil: as
// it was; issue 10). Callers hold e.mu.
func (e *Engine) targetProgressUnder(t *kehoach.Target, asOf period.Period, v *hview) (*kehoach.TargetProgress, error) {
	ind, u, err := e.lookup(t.IndicatorCode, t.ScopeCode)
	if err != nil {
		return nil, err
	}
	base, err := period.Parse(t.BaselinePeriod)
	if err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "mục tiêu %s: %v", t.Code, err)
	}
	deadline, err := period.Parse(t.Deadline)
	if err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "mục tiêu %s: %v", t.Code, err)
	}
	tp := &kehoach.TargetProgress{Target: t, Indicator: ind.ind}
	periods := period.Range(base, deadline)
	latest, reported := e.latestReported(ind)
	at := -1
	for i, p := range periods {
		pt := e.pointUnder(v, ind, u, p)
		tp.Series = append(tp.Series, pt)
		switch {
		case !asOf.IsZero():
			if p == asOf {
				at = i
			}
		case pt.HasValue && reported && !latest.End().Before(p.Start()):
			// The latest period with a figure actually reported; later ones
			// would only show stocks carried forward.
			at = i
		}
	}
	if len(tp.Series) > 0 {
		tp.Baseline = tp.Series[0]
	}
	if at >= 0 {
		tp.Current = tp.Series[at]
		tp.Series = tp.Series[:at+1]
	} else {
		tp.Series = nil
	}
	tp.Status, tp.Projection, tp.HasProjection = Status(t, tp.Series, tp.Baseline, at, len(periods)-1-at)
	if tp.Current.HasValue {
		tp.Gap = t.Value - tp.Current.Value
	}
	return tp, nil
}

// latestReported returns the latest period in which any element of the
// indicator was reported. Callers hold e.mu.
func (e *Engine) latestReported(ind *indicator) (period.Period, bool) {
	var latest period.Period
	found := false
	for _, x := range []*expr.Expr{ind.num, ind.den} {
		for _, r := range x.Refs() {
			el := e.elements[r.Element]
			if el == nil {
				continue
			}
			for _, s := range el.series {
				if !s.hasMax {
					continue
				}
				p := fromOrdinal(el.ptype, s.maxOrd)
				if !found || latest.End().Before(p.End()) {
					latest, found = p, true
				}
			}
		}
	}
	return latest, found
}

// TargetBreakdown returns the target's indicator for each unit of kind
// under the target's scope, valid in period pid, lagging units first.
func (e *Engine) TargetBreakdown(ctx context.Context, t *kehoach.Target, kind, pid string) ([]*kehoach.UnitProgress, error) {
	p, err := period.Parse(pid)
	if err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "%v", err)
	}
	if err := e.Refresh(ctx); err != nil {
		return nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	ind, root, err := e.lookup(t.IndicatorCode, t.ScopeCode)
	if err != nil {
		return nil, err
	}
	var out []*kehoach.UnitProgress
	for _, u := range e.newScope(root, p).members() {
		n := e.units[u]
		if n.unit.Kind != kind {
			continue
		}
		out = append(out, unitProgress(t, n.unit, e.point(ind, u, p)))
	}
	rankBreakdown(t, out)
	return out, nil
}

// unitProgress is one line of a breakdown: a unit's point against the
// target.
func unitProgress(t *kehoach.Target, u *kehoach.Unit, pt kehoach.Point) *kehoach.UnitProgress {
	up := &kehoach.UnitProgress{Unit: u, Point: pt, Status: kehoach.StatusNoData}
	if up.Point.HasValue {
		up.Gap = t.Value - up.Point.Value
		up.Meets = kehoach.Meets(t.Op, up.Point.Value, t.Value)
		up.Status = kehoach.StatusOffTrack
		if up.Meets {
			up.Status = kehoach.StatusAchieved
		}
	}
	return up
}

// rankBreakdown puts a breakdown in order.
func rankBreakdown(t *kehoach.Target, out []*kehoach.UnitProgress) {
	// Lagging first: units without figures, then those short of the target
	// by the largest gap, then the rest; ties in Vietnamese name order.
	rank := func(x *kehoach.UnitProgress) int {
		switch {
		case !x.Point.HasValue:
			return 0
		case !x.Meets:
			return 1
		}
		return 2
	}
	dir := 1.0
	if t.Op == kehoach.OpLE {
		dir = -1
	}
	slices.SortStableFunc(out, func(a, b *kehoach.UnitProgress) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		if c := cmp.Compare(dir*b.Gap, dir*a.Gap); c != 0 {
			return c
		}
		return vntext.Compare(a.Unit.Name, b.Unit.Name)
	})
}
