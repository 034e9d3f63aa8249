package analytics

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"kehoach"
	"kehoach/expr"
	"kehoach/period"
)

var _ kehoach.AnalyticsService = (*Engine)(nil)

// lookup returns the indicator and unit indexes, or an error.
func (e *state) lookup(indCode, unitCode string) (*indicator, int32, error) {
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
// The period may be a nine-month reading ("2024N9", todate.go).
func (e *Engine) IndicatorValue(ctx context.Context, indCode, unitCode, pid string) (kehoach.Point, error) {
	p, begin, err := parseQuery(pid)
	if err != nil {
		return kehoach.Point{}, err
	}
	st, err := e.read(ctx)
	if err != nil {
		return kehoach.Point{}, err
	}
	ind, u, err := st.lookup(indCode, unitCode)
	if err != nil {
		return kehoach.Point{}, err
	}
	q := newQuery(p, begin)
	q.approved = figuresMode(ctx)
	return st.pointAt(ind, u, &q), nil
}

// PlanProgress returns every target of plan as of year asOf ("" = the latest
// year with figures, up to each target's deadline).
func (e *Engine) PlanProgress(ctx context.Context, plan *kehoach.Plan, asOf string) ([]*kehoach.TargetProgress, error) {
	return e.PlanProgressUnder(ctx, plan, asOf, "")
}

// targetProgress computes one target's series from its baseline to its
// deadline and its status as of asOf; without asOf, as of the latest
// period whose coverage reaches the plan's threshold, a newer period with
// reports below it being the provisional value (issue 9).
func (e *state) targetProgress(t *kehoach.Target, asOf period.Period, threshold float64, approved bool) (*kehoach.TargetProgress, error) {
	return e.targetProgressAt(t, asOf, time.Time{}, threshold, approved, nil)
}

// targetProgressAt is targetProgress under the tree of view v (nil: as it
// was; issue 10), as of asOf read from begin when set (a nine-month
// reading, todate.go).
func (e *state) targetProgressAt(t *kehoach.Target, asOf period.Period, begin time.Time, threshold float64, approved bool, v *hview) (*kehoach.TargetProgress, error) {
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
	// A quarter, a half-year or nine months of a yearly target: judged as
	// of the end of that period (todate.go).
	// (Under another day's tree, figures to date are not read yet: a
	// sub-year asOf finds no point of the series there, as before.)
	var sub period.Period
	if !asOf.IsZero() && base.Type < asOf.Type && v == nil {
		sub, asOf = asOf, asOf.Parent(base.Type)
	}
	tp := &kehoach.TargetProgress{Target: t, Indicator: ind.ind}
	periods := period.Range(base, deadline)
	latest, reported := e.latestReported(ind)
	// The points of periods past the last one the answer may show are
	// not computed (issue 16): the current point is asOf, or a period
	// beginning by the end of the indicator's latest figure; the series
	// is cut after it; a provisional point has a report in its period,
	// so it too begins by then. They were most of what a save cost: a
	// save in 2025 had every year to a 2030 deadline read again over
	// 100,000 villages. Their places stay, empty, for the indexes.
	var last time.Time // zero: every point is computed
	switch {
	case !asOf.IsZero():
		last = asOf.End()
	case reported:
		last = latest.End()
	}
	at := -1
	for i, p := range periods {
		if i > 0 && !last.IsZero() && last.Before(p.Start()) {
			tp.Series = append(tp.Series, kehoach.Point{Period: p.String()})
			continue
		}
		pt := e.seriesPoint(v, ind, u, p, approved)
		tp.Series = append(tp.Series, pt)
		switch {
		case !asOf.IsZero():
			if p == asOf {
				at = i
			}
		case pt.HasValue && reported && !latest.End().Before(p.Start()) && (v != nil || readCoverage(pt, approved).Meets(threshold)):
			// The latest period with a figure actually reported by enough of
			// the units; later ones would only show stocks carried forward.
			// (Under another day's tree coverage is not counted yet.)
			at = i
		}
	}
	if asOf.IsZero() {
		// The newest period with any report after the one the status is
		// computed on: provisional.
		for i := len(tp.Series) - 1; i > at; i-- {
			// Drafts count here: unapproved figures are what is provisional.
			if pt := tp.Series[i]; pt.HasValue && pt.Coverage.Reported > 0 {
				if approved {
					// The provisional value is the drafts' own.
					pt = e.pointUnder(v, ind, u, periods[i], false)
				}
				tp.Provisional = &pt
				break
			}
		}
	}
	if len(tp.Series) > 0 {
		tp.Baseline = tp.Series[0]
	}
	share, toDate := 1.0, kehoach.Point{}
	if !sub.IsZero() && at >= 0 {
		share = yearShare(periods[at], periods[at].Start(), sub.End())
		q := toDateQuery(periods[at], sub)
		q.approved = approved
		toDate = e.pointAt(ind, u, &q)
		tp.Series[at] = e.atShare(ind, toDate, share)
	}
	if at >= 0 {
		tp.Current = tp.Series[at]
		tp.Series = tp.Series[:at+1]
	} else {
		tp.Series = nil
	}
	// The planner's milestones, when set, decide the status and the pace
	// (to the next one); otherwise the projection rule and the straight
	// line (milestone.go, docs/targets.md).
	toDeadline := len(periods) - 1 - at
	tp.Milestones, tp.MilestonesSet = MilestonePath(t, tp.Baseline, periods)
	// A stock part of the way through the year stands there on the
	// projection line; a flow, at its yearly pace, stands for the year.
	stockShare := 1.0
	if share < 1 && !e.flow(ind) {
		stockShare = share
	}
	if tp.MilestonesSet {
		path := tp.Milestones
		if stockShare < 1 && at > 0 && at < len(path) {
			// A stock part of the way through the year is held to the
			// milestone that share of the way from the previous one.
			path = slices.Clone(path)
			path[at] = path[at-1] + share*(path[at]-path[at-1])
		}
		tp.Status, tp.Projection, tp.HasProjection = statusOnPathAt(t, tp.Series, tp.Baseline, at, toDeadline, path, stockShare)
		next, steps := NextMilestone(t, periods, at)
		tp.Need, tp.Trend, tp.HasPace = PaceTo(t, tp.Series, at, toDeadline, next.Value, steps)
		if tp.HasPace && next.Period != t.Deadline {
			tp.NextMilestone = &next
		}
	} else {
		tp.Status, tp.Projection, tp.HasProjection = statusAt(t, tp.Series, tp.Baseline, at, toDeadline, stockShare)
		tp.Need, tp.Trend, tp.HasPace = Pace(t, tp.Series, at, toDeadline)
	}
	if share < 1 {
		// The series shows the year to date; the current figure is the one
		// of the period asked (a quarter's own, nine months from January);
		// a flow on its yearly pace is on track, not yet achieved.
		q := newQuery(sub, begin)
		q.approved = approved
		tp.Current, tp.Series[at] = e.pointAt(ind, u, &q), toDate
		if tp.Status == kehoach.StatusAchieved && e.flow(ind) {
			tp.Status = kehoach.StatusOnTrack
		}
	}
	if tp.Current.HasValue {
		tp.Gap = t.Value - tp.Current.Value
	}
	return tp, nil
}

// latestReported returns the latest period in which any element of the
// indicator was reported.
func (e *state) latestReported(ind *indicator) (period.Period, bool) {
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
	return e.TargetBreakdownUnder(ctx, t, kind, pid, "")
}

// checkBreakdown parses a breakdown's period and refuses a day's tree for
// part of a year.
func checkBreakdown(pid string, date kehoach.Date) error {
	_, begin, err := parseQuery(pid)
	if err == nil && !begin.IsZero() && date != "" {
		err = kehoach.Errorf(kehoach.EINVALID, "đọc theo địa giới của một ngày chỉ dùng cho kỳ năm, không cho kỳ %s", pid)
	}
	return err
}

// targetBreakdown is TargetBreakdown under the tree of day date ("": as
// it was in the period; hierarchy.go), read from e. prev, when set, is the
// same breakdown read at data version since: the rows of the units whose
// figures did not change after it are taken from prev (touchedSince).
func (e *state) targetBreakdown(ctx context.Context, t *kehoach.Target, kind, pid string, date kehoach.Date, prev []*kehoach.UnitProgress, since int64) ([]*kehoach.UnitProgress, error) {
	if err := checkBreakdown(pid, date); err != nil {
		return nil, err
	}
	p, begin, _ := parseQuery(pid)
	ind, root, err := e.lookup(t.IndicatorCode, t.ScopeCode)
	if err != nil {
		return nil, err
	}
	v, err := e.viewFor(date)
	if err != nil {
		return nil, err
	}
	// The units: those of the scope valid in the period, or, under the tree
	// of a day, those in the scope's territory on that day.
	var units []int32
	if v == nil {
		sc := e.newScope(root, p)
		if !begin.IsZero() {
			sc.begin, sc.from = begin, string(kehoach.DateOf(begin))
		}
		units = sc.members()
	} else {
		for _, m := range e.viewMembers(v, root) {
			if e.units[m.u].validDuring(v.date, v.date) {
				units = append(units, m.u)
			}
		}
	}
	// The pace of each unit: its series from the baseline to p, and the
	// periods from p to the deadline.
	var history []period.Period
	toDeadline := 0
	if base, err := period.Parse(t.BaselinePeriod); err == nil && base.Type == p.Type && !p.Before(base) {
		history = period.Range(base, p)
	}
	if dl, err := period.Parse(t.Deadline); err == nil && dl.Type == p.Type && !dl.Before(p) {
		toDeadline = len(period.Range(p, dl)) - 1
	}
	approved := figuresMode(ctx)
	// Part of a yearly target's year is judged at its share (todate.go).
	share := 1.0
	if base, err := period.Parse(t.BaselinePeriod); err == nil && base.Type < p.Type {
		share = yearShare(p.Parent(base.Type), cmp.Or(begin, p.Start()), p.End())
	}
	q := newQuery(p, begin)
	q.approved = approved
	// row reads unit u's line.
	row := func(u int32) *kehoach.UnitProgress {
		n := e.units[u]
		var pt kehoach.Point
		if v == nil {
			pt = e.pointAt(ind, u, &q)
		} else {
			pt = e.pointUnder(v, ind, u, p, approved)
		}
		up := unitProgress(t, n.unit, pt)
		if share < 1 {
			up = unitProgressAt(t, n.unit, pt, e.atShare(ind, pt, share), e.flow(ind))
		}
		if len(history) > 0 && toDeadline > 0 {
			series := make([]kehoach.Point, len(history))
			for i, hp := range history[:len(history)-1] {
				series[i] = e.pointUnder(v, ind, u, hp, approved)
			}
			series[len(series)-1] = up.Point
			up.Need, up.Trend, up.HasPace = Pace(t, series, len(series)-1, toDeadline)
		}
		return up
	}
	// After a save, most rows are as they were: only the units the saved
	// figures are in (and the units above them) are read again, and put
	// in their places among the others, which stay in order. (Under
	// another day's tree a unit's members are its territory's: read all.)
	// The rows of prev are those of the same units (the same metadata
	// and question).
	if prev != nil && v == nil {
		if redo := e.touchedSince(ind, since); redo != nil {
			byID := make(map[int64]int32, len(redo))
			for u := range redo {
				byID[e.units[u].unit.ID] = u
			}
			kept := make([]*kehoach.UnitProgress, 0, len(prev))
			var fresh []*kehoach.UnitProgress
			for _, r := range prev {
				if u, ok := byID[r.Unit.ID]; ok {
					fresh = append(fresh, row(u))
				} else {
					kept = append(kept, r)
				}
			}
			rankBreakdown(t, fresh)
			return mergeRanked(t, kept, fresh), nil
		}
	}
	var out []*kehoach.UnitProgress
	for _, u := range units {
		if e.units[u].unit.Kind == kind {
			out = append(out, row(u))
		}
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

// unitProgressAt is unitProgress of part of a year: the point shown is
// the figure to date, judged is it at its share of the year; a flow on
// pace is on track, not yet achieved.
func unitProgressAt(t *kehoach.Target, u *kehoach.Unit, pt, judged kehoach.Point, flow bool) *kehoach.UnitProgress {
	up := unitProgress(t, u, judged)
	up.Point = pt
	if up.Meets && flow {
		up.Status = kehoach.StatusOnTrack
	}
	return up
}

// rankBreakdown puts a breakdown in order: lagging first (units without
// figures, then those short of the target by the largest gap, then the
// rest); ties in Vietnamese name order, then by code, so that the order
// is total and a breakdown merged after a save (mergeRanked) is the one a
// sort makes. Names compare by their stored collation keys
// (Unit.NameKey), not by a collation per comparison: sorting 100,000
// villages so took 3 s, and making their keys at each save 400 ms
// (issue 16).
func rankBreakdown(t *kehoach.Target, out []*kehoach.UnitProgress) {
	key := rankKeyOf(t)
	ks := make([]rankKey, len(out))
	for i, up := range out {
		ks[i] = key(up)
	}
	slices.SortFunc(ks, compareRank)
	for i, k := range ks {
		out[i] = k.up
	}
}

// mergeRanked returns the rows of a and b, each in rankBreakdown's order,
// in that order.
func mergeRanked(t *kehoach.Target, a, b []*kehoach.UnitProgress) []*kehoach.UnitProgress {
	key := rankKeyOf(t)
	out := make([]*kehoach.UnitProgress, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if compareRank(key(b[j]), key(a[i])) < 0 {
			out = append(out, b[j])
			j++
		} else {
			out = append(out, a[i])
			i++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// rankKey is what a breakdown's row is ordered by.
type rankKey struct {
	up   *kehoach.UnitProgress
	rank int
	gap  float64
	name []byte
	code string
}

// rankKeyOf returns the key of a row of t's breakdown.
func rankKeyOf(t *kehoach.Target) func(*kehoach.UnitProgress) rankKey {
	dir := 1.0
	if kehoach.Falling(t.Op) {
		dir = -1
	}
	return func(x *kehoach.UnitProgress) rankKey {
		rank := 2
		switch {
		case !x.Point.HasValue:
			rank = 0
		case !x.Meets:
			rank = 1
		}
		return rankKey{x, rank, dir * x.Gap, x.Unit.NameKey(), x.Unit.Code}
	}
}

func compareRank(a, b rankKey) int {
	if c := cmp.Compare(a.rank, b.rank); c != 0 {
		return c
	}
	if c := cmp.Compare(b.gap, a.gap); c != 0 {
		return c
	}
	if c := bytes.Compare(a.name, b.name); c != 0 {
		return c
	}
	return strings.Compare(a.code, b.code)
}

// readCoverage is the coverage of the figures read: with approved figures
// only, a unit counts as reported when its report is approved.
func readCoverage(pt kehoach.Point, approved bool) kehoach.Coverage {
	c := pt.Coverage
	if approved {
		c.Reported = c.Approved
	}
	return c
}
