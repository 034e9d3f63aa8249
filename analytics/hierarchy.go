package analytics

import (
	"context"
	"math"
	"sync"
	"time"

	"kehoach"
	"kehoach/expr"
	"kehoach/period"
)

// Reading across a reorganisation (issue 10). "As it was" is the engine's
// ordinary reading: a unit's subtree valid in each period. "Under the tree
// of day D" places every unit's figures where the unit is on D, following
// the successor links forward (a merged commune's figures go whole to the
// new commune; a split one's by the share each part took) or backward
// (a new commune's figures go back to the communes it was made of, evenly
// when they were several). A figure that reaches a unit only in part is
// estimated, and the answer says so.

// LinkSource is what the engine reads of the successor links; the store
// implements it. A source without it reads as it was only.
type LinkSource interface {
	FindUnitLinks(ctx context.Context) ([]kehoach.UnitLink, error)
}

// wmember is a unit whose figures count toward a root, with the share
// that counts.
type wmember struct {
	u int32
	w float64
}

// hview is the tree of one day: for each unit valid on it, every unit
// whose figures it takes. Built once per day and engine load.
type hview struct {
	date string
	// under[t] lists the units whose image lies in t's subtree on date.
	under map[int32][]wmember
	// image[u] is where u's figures go on date.
	image [][]wmember
}

// hierarchy holds the links and the views built from them; load replaces
// it whole, so a view never outlives the tree it was built from.
type hierarchy struct {
	succ, pred [][]linkTo
	mu         sync.Mutex
	views      map[string]*hview
}

type linkTo struct {
	u     int32
	share float64
}

// loadHierarchy reads the links of src, if it has them, for the units of e.
func loadHierarchy(ctx context.Context, src ValueSource, e *state) (*hierarchy, error) {
	h := &hierarchy{succ: make([][]linkTo, len(e.units)), pred: make([][]linkTo, len(e.units)), views: map[string]*hview{}}
	ls, ok := src.(LinkSource)
	if !ok {
		return h, nil
	}
	links, err := ls.FindUnitLinks(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		f, ok1 := e.unitByCode[l.From]
		t, ok2 := e.unitByCode[l.To]
		if !ok1 || !ok2 {
			continue
		}
		share := l.Share
		if share <= 0 {
			share = 1
		}
		h.succ[f] = append(h.succ[f], linkTo{t, share})
		h.pred[t] = append(h.pred[t], linkTo{f, 1})
	}
	return h, nil
}

// view returns the tree of date, building it on first use.
func (e *state) view(date string) *hview {
	h := e.hier
	h.mu.Lock()
	defer h.mu.Unlock()
	if v := h.views[date]; v != nil {
		return v
	}
	v := &hview{date: date, under: map[int32][]wmember{}, image: make([][]wmember, len(e.units))}
	done := make([]bool, len(e.units))
	var img func(u int32, depth int) []wmember
	img = func(u int32, depth int) []wmember {
		if done[u] || depth > 64 {
			return v.image[u]
		}
		n := e.units[u]
		var out []wmember
		add := func(ms []wmember, w float64) {
			for _, m := range ms {
				out = append(out, wmember{m.u, m.w * w})
			}
		}
		switch {
		case n.validDuring(date, date):
			out = []wmember{{u, 1}}
		case n.to != "" && n.to < date:
			// Ended before the day: forward to its successors, or, for a
			// unit dissolved without one, to where its parent went.
			if len(h.succ[u]) > 0 {
				for _, s := range h.succ[u] {
					add(img(s.u, depth+1), s.share)
				}
			} else if n.parent >= 0 {
				add(img(n.parent, depth+1), 1)
			}
		default:
			// Begins after the day: back to the units it was made of.
			if k := len(h.pred[u]); k > 0 {
				for _, p := range h.pred[u] {
					add(img(p.u, depth+1), 1/float64(k))
				}
			} else if n.parent >= 0 {
				add(img(n.parent, depth+1), 1)
			}
		}
		v.image[u], done[u] = compact(out), true
		return v.image[u]
	}
	for u := range e.units {
		for _, t := range img(int32(u), 0) {
			// t and its ancestors valid on the day take u's figures.
			for a := t.u; a >= 0; a = e.units[a].parent {
				if e.units[a].validDuring(date, date) {
					v.under[a] = append(v.under[a], wmember{int32(u), t.w})
				}
			}
		}
	}
	for a, ms := range v.under {
		v.under[a] = compact(ms)
	}
	h.views[date] = v
	return v
}

// compact adds up the shares of a unit listed more than once.
func compact(ms []wmember) []wmember {
	if len(ms) < 2 {
		return ms
	}
	idx := make(map[int32]int, len(ms))
	out := ms[:0:0]
	for _, m := range ms {
		if i, ok := idx[m.u]; ok {
			out[i].w += m.w
			continue
		}
		idx[m.u] = len(out)
		out = append(out, m)
	}
	return out
}

// members returns the units counted toward root on the view's day: its
// subtree on that day when it exists then, or else the subtrees of the
// units that took it over (the communes a dissolved district's communes
// became, for instance).
func (e *state) viewMembers(v *hview, root int32) []wmember {
	if e.units[root].validDuring(v.date, v.date) {
		return v.under[root]
	}
	terr := map[int32]bool{}
	var walk func(u int32, depth int)
	walk = func(u int32, depth int) {
		if depth > 64 {
			return
		}
		n := e.units[u]
		if n.to != "" && n.to < v.date && len(e.hier.succ[u]) == 0 {
			for _, c := range n.children {
				walk(c, depth+1)
			}
			return
		}
		for _, m := range v.image[u] {
			terr[m.u] = true
		}
	}
	walk(root, 0)
	var out []wmember
	for t := range terr {
		nested := false
		for a := e.units[t].parent; a >= 0; a = e.units[a].parent {
			if terr[a] {
				nested = true
				break
			}
		}
		if !nested {
			out = append(out, v.under[t]...)
		}
	}
	return compact(out)
}

// hscope is an expr.Env like scope, for the tree of a day: each member
// (all valid in the period) counts with its share, and a share below one
// marks the value estimated.
type hscope struct {
	e         *state
	members   []wmember
	p         period.Period
	from, to  string
	estimated bool
}

// superseded reports whether u ended within the period and a successor
// carries on: a stock or a state is then the successor's, at the end of
// the period, not both added (a flow still adds both parts of the period).
func (sc *hscope) superseded(u int32) bool {
	n := sc.e.units[u]
	return n.to != "" && n.to < sc.to && len(sc.e.hier.succ[u]) > 0
}

func (sc *hscope) each(r expr.Ref, fn func(v, w float64)) (x *element, ok bool) {
	x = sc.e.elements[r.Element]
	if x == nil {
		return nil, false
	}
	sp := spanOf(x.ptype, sc.p)
	stock := x.el.Aggregation == kehoach.AggLast
	for disagg, s := range x.series {
		if r.Disagg != "" && disagg != r.Disagg {
			continue
		}
		for _, m := range sc.members {
			if s.rowOf[m.u] < 0 || (stock && sc.superseded(m.u)) {
				continue
			}
			if v := unitValue(x.el.Aggregation, s, x.report, m.u, sp, nil); !math.IsNaN(v) {
				fn(v, m.w)
				ok = true
				if m.w < 1-1e-9 {
					sc.estimated = true
				}
			}
		}
	}
	return x, ok
}

// Value aggregates ref over the members by the element's rule.
func (sc *hscope) Value(r expr.Ref) (float64, bool) {
	sum, n, yes := 0.0, 0.0, 0.0
	x, ok := sc.each(r, func(v, w float64) {
		sum += v * w
		n += w
		if v != 0 {
			yes += w
		}
	})
	if !ok {
		return 0, false
	}
	switch x.el.Aggregation {
	case kehoach.AggAverage:
		return sum / n, true
	case kehoach.AggCountYes:
		return yes, true
	}
	return sum, true
}

// Count is the (shared) number of members whose value of ref is true.
func (sc *hscope) Count(r expr.Ref) (float64, bool) {
	yes := 0.0
	_, ok := sc.each(r, func(v, w float64) {
		if v != 0 {
			yes += w
		}
	})
	return yes, ok
}

// Units counts the members of the given kinds valid in the period.
func (sc *hscope) Units(kinds []string) float64 {
	n := 0.0
	for _, m := range sc.members {
		u := sc.e.units[m.u]
		if sc.superseded(m.u) {
			continue
		}
		for _, k := range kinds {
			if u.unit.Kind == k {
				n += m.w
				if m.w < 1-1e-9 {
					sc.estimated = true
				}
				break
			}
		}
	}
	return n
}

// hpointAt evaluates an indicator for root under the view's tree.
func (e *state) hpointAt(v *hview, ind *indicator, root int32, q *qperiod) kehoach.Point {
	// Only the members that exist in the period have figures for it:
	// filtered once here, not for every reference and disaggregation.
	all := e.viewMembers(v, root)
	ms := make([]wmember, 0, len(all))
	for _, m := range all {
		if e.units[m.u].validDuring(q.from, q.to) {
			ms = append(ms, m)
		}
	}
	sc := &hscope{e: e, members: ms, p: q.p, from: q.from, to: q.to}
	pt := evalPoint(ind, sc, q.id)
	pt.Estimated = pt.HasValue && sc.estimated
	return pt
}

// viewFor returns the view of a request's hierarchy date, nil for "as it
// was", or EINVALID for a malformed date.
func (e *state) viewFor(date kehoach.Date) (*hview, error) {
	if date == "" {
		return nil, nil
	}
	if _, err := kehoach.ParseDate(string(date)); err != nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "hierarchyDate: %s", kehoach.ErrorMessage(err))
	}
	return e.view(string(date)), nil
}

// PlanProgressUnder is PlanProgress with every target read under the tree
// of day date ("" = as it was).
func (e *Engine) PlanProgressUnder(ctx context.Context, plan *kehoach.Plan, asOf string, date kehoach.Date) ([]*kehoach.TargetProgress, error) {
	if asOf != "" {
		if _, _, err := parseQuery(asOf); err != nil {
			return nil, err // before asking the database anything
		}
	}
	st, err := e.read(ctx)
	if err != nil {
		return nil, err
	}
	return st.progressUnder(ctx, plan, asOf, date)
}

// progressUnder is PlanProgressUnder read from e (Cached reads every
// target from one state).
func (e *state) progressUnder(ctx context.Context, plan *kehoach.Plan, asOf string, date kehoach.Date) ([]*kehoach.TargetProgress, error) {
	var asOfP period.Period
	var begin time.Time
	if asOf != "" {
		// A nine-month asOf is the end of its third quarter, read from
		// January (todate.go).
		p, b, err := parseQuery(asOf)
		if err != nil {
			return nil, err
		}
		asOfP, begin = p, b
	}
	v, err := e.viewFor(date)
	if err != nil {
		return nil, err
	}
	out := make([]*kehoach.TargetProgress, 0, len(plan.Targets))
	for _, t := range plan.Targets {
		tp, err := e.targetProgressAt(t, asOfP, begin, plan.CoverageThreshold, figuresMode(ctx), v)
		if err != nil {
			return nil, err
		}
		out = append(out, tp)
	}
	return out, nil
}

// pointUnder is point under view v (nil: as it was).
func (e *state) pointUnder(v *hview, ind *indicator, u int32, p period.Period, approved bool) kehoach.Point {
	q := newQPeriod(p)
	q.approved = approved // as it was; under another tree all figures are read (not yet split by approval)
	if v == nil {
		return e.pointAt(ind, u, &q)
	}
	return e.hpointAt(v, ind, u, &q)
}

// resolveOUOn is resolveOU on the tree of one day: LEVEL-n and CHILDREN
// name the units valid that day.
func (e *state) resolveOUOn(ctx context.Context, items, userUnits []string, v *hview) ([]int32, error) {
	return e.resolveOUDuring(ctx, items, userUnits, v.date, v.date)
}

// TargetBreakdownUnder is TargetBreakdown under the tree of day date: the
// units of kind in the target scope's territory on that day.
func (e *Engine) TargetBreakdownUnder(ctx context.Context, t *kehoach.Target, kind, pid string, date kehoach.Date) ([]*kehoach.UnitProgress, error) {
	if err := checkBreakdown(pid, date); err != nil {
		return nil, err // before asking the database anything
	}
	st, err := e.read(ctx)
	if err != nil {
		return nil, err
	}
	return st.targetBreakdown(ctx, t, kind, pid, date, nil, 0)
}
