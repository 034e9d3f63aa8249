package analytics

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kehoach"
	"kehoach/period"
)

// The property tests compare the engine's answers with a plain
// recomputation from the raw figures, written from the specification
// (data.go, docs/expressions.md, docs/targets.md) and not from the engine:
// random unit trees with validity intervals, random data elements of every
// aggregation rule and period type, random figures with overwrites and
// removals, and random expressions evaluated for random units and periods.
// All figures are element totals: disaggregations are not generated.
//
// A failure prints the seed; rerun just that case with
//
//	go test ./analytics/ -run TestPropertyAgainstRecomputation -prop.seed=N

var (
	propSeed  = flag.Uint64("prop.seed", 0, "property tests: run only this seed")
	propCases = flag.Int("prop.n", 300, "property tests: number of seeds")
)

// propSeeds returns the seeds to run: deterministic, or the one asked for.
func propSeeds(n int) []uint64 {
	if *propSeed != 0 {
		return []uint64{*propSeed}
	}
	if testing.Short() {
		n /= 5
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = 1_000_003 + uint64(i)*7919
	}
	return out
}

// ---------------------------------------------------------------------------
// A value source modelled on the store's data_values table.

type propKey struct {
	el, unit int64
	period   string
}

type propRow struct {
	v       RawValue
	version int64
}

// tableSource holds one row per (element, unit, period) with the version of
// its last write, removals kept as tombstones, as the store does:
// ScanValues(0) gives the live figures, ScanValues(n) every row written
// after version n (each key once, as last written). Units, elements and
// indicators come from the embedded fakeSource.
type tableSource struct {
	*fakeSource
	mu      sync.Mutex
	version int64
	rows    map[propKey]*propRow
	// forms, when set, group the elements into reports (report.go).
	forms []*kehoach.Form
}

func (s *tableSource) FindForms(ctx context.Context) ([]*kehoach.Form, error) { return s.forms, nil }

func newTableSource() *tableSource {
	return &tableSource{fakeSource: &fakeSource{}, rows: map[propKey]*propRow{}}
}

func (s *tableSource) Versions(ctx context.Context) (int64, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version, s.fakeSource.meta, nil
}

func (s *tableSource) ScanValues(ctx context.Context, since int64, fn func(RawValue)) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []*propRow
	for _, r := range s.rows {
		if r.version > since && (since > 0 || !r.v.Deleted) {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b *propRow) int { return int(a.version - b.version) })
	for _, r := range rows {
		fn(r.v)
	}
	return s.version, nil
}

func (s *tableSource) put(v RawValue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version++
	s.rows[propKey{v.ElementID, v.UnitID, v.Period}] = &propRow{v: v, version: s.version}
}

// ---------------------------------------------------------------------------
// The random world: tree, elements, the log of raw writes.

var (
	propRules = []string{kehoach.AggSum, kehoach.AggAverage, kehoach.AggLast, kehoach.AggCountYes}
	propTypes = []period.Type{period.Monthly, period.Quarterly, period.SixMonthly, period.Yearly}
	// propKindPool is what units(...) may ask for; agency never occurs.
	propKindPool = []string{"province", "district", "commune", "village", "school", "agency"}
)

const (
	styleBool = iota
	styleInt
	styleFloat
)

type punit struct {
	id                   int64
	code, kind, from, to string
	parent               int // index, -1 for a root
	children             []int
}

type pelem struct {
	id        int64
	code, agg string
	pt        period.Type
	style     int
	kinds     []string
	reporters []int64
	keys      []propKey // every key ever written
}

type pfig struct {
	p period.Period
	v float64
}

type pworld struct {
	seed   uint64
	r      *rand.Rand
	src    *tableSource
	units  []*punit // index id-1
	kinds  []string // kinds present in the tree
	elems  []*pelem
	byCode map[string]*pelem
	log    []RawValue

	// live holds the figures as last written: element id → unit id →
	// live figures.
	live map[int64]map[int64][]pfig
	// form groups elements into the reports of forms (odd seeds; even
	// seeds have no forms): element id → the elements of its form.
	form map[int64][]*pelem
}

func newWorld(seed uint64) *pworld {
	w := &pworld{
		seed:   seed,
		r:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		src:    newTableSource(),
		byCode: map[string]*pelem{},
		live:   map[int64]map[int64][]pfig{},
	}
	w.genTree()
	w.genElements()
	if seed%2 == 1 {
		w.genForms()
	}
	return w
}

// randDate returns a day in 2019–2027, often the first or last of a month
// so that validity meets period boundaries exactly.
func (w *pworld) randDate(end bool) string {
	y := 2019 + w.r.IntN(9)
	m := time.Month(1 + w.r.IntN(12))
	var d time.Time
	switch w.r.IntN(3) {
	case 0:
		d = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case 1:
		d = time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
	default:
		d = time.Date(y, m, 1+w.r.IntN(28), 0, 0, 0, 0, time.UTC)
	}
	if end && w.r.IntN(2) == 0 {
		d = time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return d.Format(kehoach.DateFormat)
}

// genTree builds 1–3 roots, up to 4 levels, random fan-out, kinds per
// level from the top down, some school leaves, validity on some units.
func (w *pworld) genTree() {
	r := w.r
	// The kinds of the levels: an ordered pick of 1–4 of the four.
	all := []string{"province", "district", "commune", "village"}
	var levels []string
	for len(levels) == 0 {
		levels = levels[:0]
		for _, k := range all {
			if r.IntN(4) != 0 {
				levels = append(levels, k)
			}
		}
	}
	var add func(parent, level int)
	add = func(parent, level int) {
		kind := levels[level]
		school := level > 0 && r.IntN(7) == 0
		if school {
			kind = "school"
		}
		u := &punit{id: int64(len(w.units) + 1), kind: kind, parent: parent}
		u.code = fmt.Sprintf("U%d", u.id)
		if r.IntN(3) == 0 {
			if r.IntN(4) != 0 {
				u.from = w.randDate(false)
			}
			if r.IntN(4) != 0 {
				u.to = w.randDate(true)
			}
			if u.from != "" && u.to != "" && u.from > u.to {
				u.from, u.to = u.to, u.from
			}
		}
		idx := len(w.units)
		w.units = append(w.units, u)
		parentCode := ""
		if parent >= 0 {
			w.units[parent].children = append(w.units[parent].children, idx)
			parentCode = w.units[parent].code
		}
		w.src.unit(u.code, u.kind, parentCode, u.from, u.to)
		if !slices.Contains(w.kinds, kind) {
			w.kinds = append(w.kinds, kind)
		}
		if school || level+1 >= len(levels) {
			return
		}
		for range r.IntN(4) {
			add(idx, level+1)
		}
	}
	for range 1 + r.IntN(3) {
		add(-1, 0)
	}
	// Shuffle the order the source lists the units in: the engine must
	// not depend on parents coming first.
	r.Shuffle(len(w.src.units), func(i, j int) { w.src.units[i], w.src.units[j] = w.src.units[j], w.src.units[i] })
}

// genElements makes one element per rule and period type, and a few more.
func (w *pworld) genElements() {
	r := w.r
	mk := func(agg string, pt period.Type) {
		el := &pelem{id: int64(len(w.elems) + 1), agg: agg, pt: pt}
		el.code = fmt.Sprintf("E%d_%s_%s", el.id, agg, pt)
		switch agg {
		case kehoach.AggCountYes:
			el.style = styleBool
		case kehoach.AggAverage:
			el.style = styleInt + r.IntN(2)
		default:
			el.style = r.IntN(3)
		}
		kinds := slices.Clone(w.kinds)
		r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
		el.kinds = kinds[:1+r.IntN(len(kinds))]
		for _, u := range w.units {
			if slices.Contains(el.kinds, u.kind) {
				el.reporters = append(el.reporters, u.id)
			}
		}
		w.elems = append(w.elems, el)
		w.byCode[el.code] = el
		w.src.element(el.code, agg, pt.String(), el.kinds...)
	}
	for _, agg := range propRules {
		for _, pt := range propTypes {
			mk(agg, pt)
		}
	}
	for range r.IntN(3) {
		mk(propRules[r.IntN(len(propRules))], propTypes[r.IntN(len(propTypes))])
	}
}

// genForms puts the elements of each period type on one or two forms, at
// random, so that stocks and states are carried by whole report.
func (w *pworld) genForms() {
	w.form = map[int64][]*pelem{}
	for _, pt := range propTypes {
		var groups [2][]*pelem
		for _, el := range w.elems {
			if el.pt == pt {
				g := w.r.IntN(2)
				groups[g] = append(groups[g], el)
			}
		}
		for g, els := range groups {
			f := &kehoach.Form{Code: fmt.Sprintf("F_%s_%d", pt, g), PeriodType: pt.String()}
			for _, el := range els {
				f.Elements = append(f.Elements, el.code)
				w.form[el.id] = els
			}
			w.src.forms = append(w.src.forms, f)
		}
	}
}

func (w *pworld) randPeriod(t period.Type, y0, y1 int) period.Period {
	p := period.Period{Type: t, Year: y0 + w.r.IntN(y1-y0+1)}
	if t != period.Yearly {
		p.N = 1 + w.r.IntN(t.PerYear())
	}
	return p
}

func (w *pworld) randValue(el *pelem) float64 {
	switch el.style {
	case styleBool:
		return float64(w.r.IntN(2))
	case styleInt:
		if w.r.IntN(4) == 0 {
			return 0
		}
		return float64(w.r.IntN(20))
	}
	// Quarters add up exactly, so sums do not depend on their order.
	return float64(w.r.IntN(81)-20) / 4
}

// write saves v and keeps the live figures: the last write of a key wins;
// a removal or a write without a number leaves no figure.
func (w *pworld) write(v RawValue) {
	w.log = append(w.log, v)
	w.src.put(v)
	if w.live[v.ElementID] == nil {
		w.live[v.ElementID] = map[int64][]pfig{}
	}
	p := period.MustParse(v.Period)
	figs := slices.DeleteFunc(w.live[v.ElementID][v.UnitID], func(f pfig) bool { return f.p == p })
	if v.HasNum && !v.Deleted {
		figs = append(figs, pfig{p: p, v: v.Num})
	}
	w.live[v.ElementID][v.UnitID] = figs
}

// randomWrite appends one write of el: a new figure, an overwrite of a key
// already written, a removal, or now and then a figure without a number.
// It returns a description for failure messages.
func (w *pworld) randomWrite(el *pelem) string {
	if len(el.reporters) == 0 {
		return ""
	}
	r := w.r
	var k propKey
	kind := r.IntN(100)
	if kind < 55 || len(el.keys) == 0 {
		k = propKey{el.id, el.reporters[r.IntN(len(el.reporters))], w.randPeriod(el.pt, 2019, 2026).String()}
		el.keys = append(el.keys, k)
		kind = 0
	} else {
		k = el.keys[r.IntN(len(el.keys))]
	}
	v := RawValue{ElementID: k.el, UnitID: k.unit, Period: k.period}
	switch {
	case kind < 80:
		v.Num, v.HasNum = w.randValue(el), true
	case kind < 97:
		v.Deleted = true
		if r.IntN(2) == 0 {
			// A removal may keep the number it had; it is still gone.
			v.Num, v.HasNum = w.randValue(el), true
		}
	}
	w.write(v)
	return fmt.Sprintf("%s U%d %s num=%v hasNum=%v deleted=%v", el.code, k.unit, k.period, v.Num, v.HasNum, v.Deleted)
}

// deleteLatest removes el's live figure of the latest period, if any.
func (w *pworld) deleteLatest(el *pelem) string {
	var best *pfig
	var bestUnit int64
	for u, figs := range w.liveFigures()[el.id] {
		for i := range figs {
			if best == nil || best.p.End().Before(figs[i].p.End()) || (best.p == figs[i].p && u < bestUnit) {
				best, bestUnit = &figs[i], u
			}
		}
	}
	if best == nil {
		return ""
	}
	w.write(RawValue{ElementID: el.id, UnitID: bestUnit, Period: best.p.String(), Deleted: true, Num: best.v, HasNum: w.r.IntN(2) == 0})
	return fmt.Sprintf("%s U%d %s deleted (latest)", el.code, bestUnit, best.p)
}

// genFigures writes the initial figures: 0–80 writes per element.
func (w *pworld) genFigures() {
	for _, el := range w.elems {
		for range w.r.IntN(81) {
			w.randomWrite(el)
		}
	}
}

// liveFigures returns the live figures: element id → unit id → figures.
func (w *pworld) liveFigures() map[int64]map[int64][]pfig { return w.live }

// checkLive replays the whole log, the last write of each key winning, and
// compares with the live figures kept write by write.
func (w *pworld) checkLive(t *testing.T) {
	t.Helper()
	last := map[propKey]RawValue{}
	for _, v := range w.log {
		last[propKey{v.ElementID, v.UnitID, v.Period}] = v
	}
	n := 0
	for k, v := range last {
		if v.Deleted || !v.HasNum {
			continue
		}
		n++
		i := slices.IndexFunc(w.live[k.el][k.unit], func(f pfig) bool { return f.p.String() == k.period })
		if i < 0 || w.live[k.el][k.unit][i].v != v.Num {
			t.Fatalf("seed %d: the test's live figures lost %v", w.seed, v)
		}
	}
	for _, units := range w.live {
		for _, figs := range units {
			n -= len(figs)
		}
	}
	if n != 0 {
		t.Fatalf("seed %d: the test's live figures hold %d figures too many", w.seed, -n)
	}
}

// ---------------------------------------------------------------------------
// The recomputation, from the specification.

func dayOf(t time.Time) string { return t.Format(kehoach.DateFormat) }

// members returns the unit and its descendants reached through units valid
// at some time during q (a unit under a parent not valid then is not
// reached; nor is anything when the unit itself is not valid).
func (w *pworld) members(root int, q period.Period) []int {
	qs, qe := dayOf(q.Start()), dayOf(q.End())
	var out []int
	var walk func(i int)
	walk = func(i int) {
		u := w.units[i]
		if (u.from != "" && u.from > qe) || (u.to != "" && u.to < qs) {
			return
		}
		out = append(out, i)
		for _, c := range u.children {
			walk(c)
		}
	}
	walk(root)
	return out
}

// unitValue combines one unit's figures of el over q by el's rule.
func (w *pworld) unitValue(el *pelem, unit int64, q period.Period) (float64, bool) {
	figs := w.liveFigures()[el.id][unit]
	var in []float64
	for _, f := range figs {
		if !f.p.Start().Before(q.Start()) && !f.p.End().After(q.End()) {
			in = append(in, f.v)
		}
	}
	switch el.agg {
	case kehoach.AggSum, kehoach.AggAverage:
		if len(in) == 0 {
			return 0, false
		}
		sum := 0.0
		for _, v := range in {
			sum += v
		}
		if el.agg == kehoach.AggAverage {
			return sum / float64(len(in)), true
		}
		return sum, true
	case kehoach.AggCountYes:
		if len(in) == 0 {
			return 0, false
		}
		for _, v := range in {
			if v != 0 {
				return 1, true
			}
		}
		return 0, true
	case kehoach.AggLast:
		if group := w.form[el.id]; group != nil {
			// By whole report: the unit's latest period on or before q's
			// end with a figure of any element of the form; el's figure
			// there, or none.
			var latest period.Period
			found := false
			for _, g := range group {
				for _, f := range w.liveFigures()[g.id][unit] {
					if !f.p.End().After(q.End()) && (!found || latest.End().Before(f.p.End())) {
						latest, found = f.p, true
					}
				}
			}
			for _, f := range figs {
				if found && f.p == latest {
					return f.v, true
				}
			}
			return 0, false
		}
		var best *pfig
		for i, f := range figs {
			if f.p.End().After(q.End()) {
				continue
			}
			if best == nil || best.p.End().Before(f.p.End()) {
				best = &figs[i]
			}
		}
		if best == nil {
			return 0, false
		}
		return best.v, true
	}
	panic("unknown rule " + el.agg)
}

// value aggregates el over the members by el's rule.
func (w *pworld) value(el *pelem, members []int, q period.Period) (float64, bool) {
	var vals []float64
	for _, m := range members {
		if v, ok := w.unitValue(el, w.units[m].id, q); ok {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return 0, false
	}
	sum, yes := 0.0, 0
	for _, v := range vals {
		sum += v
		if v == 1 {
			yes++
		}
	}
	switch el.agg {
	case kehoach.AggAverage:
		return sum / float64(len(vals)), true
	case kehoach.AggCountYes:
		return float64(yes), true
	}
	return sum, true
}

// count is the number of members whose combined value is non-zero.
func (w *pworld) count(el *pelem, members []int, q period.Period) (float64, bool) {
	n, any := 0, false
	for _, m := range members {
		if v, ok := w.unitValue(el, w.units[m].id, q); ok {
			any = true
			if v != 0 {
				n++
			}
		}
	}
	return float64(n), any
}

// pexpr is an expression tree: a number, #{el}, count(#{el}), units(kinds)
// or a binary operation.
type pexpr struct {
	op    byte // 'n', 'r', 'c', 'u', '+', '-', '*', '/'
	num   float64
	el    *pelem
	kinds []string
	l, r  *pexpr
}

func (x *pexpr) String() string {
	switch x.op {
	case 'n':
		return strconv.FormatFloat(x.num, 'f', -1, 64)
	case 'r':
		return "#{" + x.el.code + "}"
	case 'c':
		return "count(#{" + x.el.code + "})"
	case 'u':
		return "units(" + strings.Join(x.kinds, ", ") + ")"
	}
	return "(" + x.l.String() + " " + string(x.op) + " " + x.r.String() + ")"
}

func (w *pworld) genExpr(depth int) *pexpr {
	r := w.r
	if depth > 0 && r.IntN(3) != 0 {
		return &pexpr{op: "+-*/"[r.IntN(4)], l: w.genExpr(depth - 1), r: w.genExpr(depth - 1)}
	}
	switch n := r.IntN(100); {
	case n < 45:
		return &pexpr{op: 'r', el: w.elems[r.IntN(len(w.elems))]}
	case n < 65:
		return &pexpr{op: 'c', el: w.elems[r.IntN(len(w.elems))]}
	case n < 85:
		var kinds []string
		for range 1 + r.IntN(2) {
			k := propKindPool[r.IntN(len(propKindPool))]
			if r.IntN(5) == 0 {
				k = strings.ToUpper(k[:1]) + k[1:] // kinds are case-insensitive
			}
			kinds = append(kinds, k)
		}
		return &pexpr{op: 'u', kinds: kinds}
	}
	return &pexpr{op: 'n', num: float64(r.IntN(6))}
}

// elements returns the elements x refers to, in order of appearance.
func (x *pexpr) elements() []*pelem {
	var out []*pelem
	var walk func(x *pexpr)
	walk = func(x *pexpr) {
		if x == nil {
			return
		}
		if x.el != nil && !slices.Contains(out, x.el) {
			out = append(out, x.el)
		}
		walk(x.l)
		walk(x.r)
	}
	walk(x)
	return out
}

// pval is a recomputed value. Inexact values (from averages and divisions)
// may differ from the engine's in the last bits; fragile marks a division
// by an inexact value so close to zero that the rounding decides the answer.
type pval struct {
	v                    float64
	ok, inexact, fragile bool
}

func (w *pworld) eval(x *pexpr, members []int, q period.Period) pval {
	switch x.op {
	case 'n':
		return pval{v: x.num, ok: true}
	case 'r':
		v, ok := w.value(x.el, members, q)
		return pval{v: v, ok: ok, inexact: x.el.agg == kehoach.AggAverage}
	case 'c':
		v, ok := w.count(x.el, members, q)
		return pval{v: v, ok: ok}
	case 'u':
		n := 0
		for _, m := range members {
			for _, k := range x.kinds {
				if strings.EqualFold(w.units[m].kind, k) {
					n++
					break
				}
			}
		}
		return pval{v: float64(n), ok: true}
	}
	l := w.eval(x.l, members, q)
	if !l.ok {
		return pval{fragile: l.fragile}
	}
	r := w.eval(x.r, members, q)
	if !r.ok {
		return pval{fragile: r.fragile}
	}
	out := pval{ok: true, inexact: l.inexact || r.inexact, fragile: l.fragile || r.fragile}
	switch x.op {
	case '+':
		out.v = l.v + r.v
	case '-':
		out.v = l.v - r.v
	case '*':
		out.v = l.v * r.v
	case '/':
		if r.inexact && math.Abs(r.v) < 1e-6 {
			out.fragile = true
		}
		if r.v == 0 {
			return pval{fragile: out.fragile}
		}
		out.v, out.inexact = l.v/r.v, true
	}
	return out
}

// near reports whether a and b agree to 1e-9 relative (absolute near 0).
func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func pointAgrees(pt kehoach.Point, want pval) bool {
	if pt.HasValue != want.ok {
		return false
	}
	return !want.ok || near(pt.Value, want.v)
}

// randScope picks a unit to ask about: a root half the time, as the big
// scopes aggregate the most.
func (w *pworld) randScope() int {
	if w.r.IntN(2) == 0 {
		var roots []int
		for i, u := range w.units {
			if u.parent < 0 {
				roots = append(roots, i)
			}
		}
		return roots[w.r.IntN(len(roots))]
	}
	return w.r.IntN(len(w.units))
}

func (w *pworld) randQueryPeriod() period.Period {
	return w.randPeriod(propTypes[w.r.IntN(len(propTypes))], 2018, 2027)
}

// describe lists what the recomputation saw, for a failure message.
func (w *pworld) describe(x *pexpr, root int, q period.Period) string {
	var b strings.Builder
	members := w.members(root, q)
	fmt.Fprintf(&b, "\n  members of %s in %s:", w.units[root].code, q)
	for _, m := range members {
		u := w.units[m]
		fmt.Fprintf(&b, " %s(%s %s..%s)", u.code, u.kind, u.from, u.to)
	}
	for _, el := range x.elements() {
		fmt.Fprintf(&b, "\n  %s:", el.code)
		for _, m := range members {
			u := w.units[m]
			figs := slices.Clone(w.liveFigures()[el.id][u.id])
			if len(figs) == 0 {
				continue
			}
			slices.SortFunc(figs, func(a, b pfig) int { return a.p.Compare(b.p) })
			v, ok := w.unitValue(el, u.id, q)
			fmt.Fprintf(&b, "\n    %s → %v (ok %v):", u.code, v, ok)
			for _, f := range figs {
				fmt.Fprintf(&b, " %s=%v", f.p, f.v)
			}
		}
	}
	return b.String()
}

// coverage recomputes a value's coverage (progress.go): the members whose
// kind reports one of the expression's elements, and those of them with a
// live figure of one of those elements in q itself (for an element of
// longer periods, in the one holding q's end).
func (w *pworld) coverage(x *pexpr, root int, q period.Period) kehoach.Coverage {
	var c kehoach.Coverage
	els := x.elements()
	for _, m := range w.members(root, q) {
		u := w.units[m]
		expected, reported := false, false
		for _, el := range els {
			if !slices.Contains(el.kinds, u.kind) {
				continue
			}
			expected = true
			for _, f := range w.liveFigures()[el.id][u.id] {
				inside := !f.p.Start().Before(q.Start()) && !f.p.End().After(q.End())
				if el.pt.PerYear() < q.Type.PerYear() {
					inside = !f.p.Start().After(q.End()) && !f.p.End().Before(q.End())
				}
				reported = reported || inside
			}
		}
		if expected {
			c.Expected++
			if reported {
				c.Reported++
			}
		}
	}
	return c
}

// covered is Coverage.Meets written out: all units for a threshold of 0.
func (w *pworld) covered(c kehoach.Coverage, threshold float64) bool {
	if threshold == 0 {
		threshold = 1
	}
	return c.Expected == 0 || float64(c.Reported) >= threshold*float64(c.Expected)
}

// ---------------------------------------------------------------------------
// The tests.

type propStats struct {
	queries, withValue, fresh, reloads, fragile int
	// byRule counts answers with a value to #{E} alone by the element's
	// rule and period type and the query's period type.
	byRule, asked map[string]int
}

// TestPropertyAgainstRecomputation checks IndicatorValue against the
// recomputation on random worlds, with figures saved (and removed) between
// answers so that catching up by version is checked too.
func TestPropertyAgainstRecomputation(t *testing.T) {
	st := propStats{byRule: map[string]int{}, asked: map[string]int{}}
	for _, seed := range propSeeds(*propCases) {
		if !propCase(t, seed, &st) {
			t.Fatalf("seed %d failed; rerun with -run %s -prop.seed=%d", seed, t.Name(), seed)
		}
	}
	t.Logf("%d queries (%d with a value, %d right after new figures, %d after a reload), %d skipped as rounding-fragile",
		st.queries, st.withValue, st.fresh, st.reloads, st.fragile)
	if st.withValue < st.queries/10 {
		t.Errorf("only %d of %d answers have a value: the generator is too sparse to test much", st.withValue, st.queries)
	}
	if *propSeed == 0 && !testing.Short() {
		for _, agg := range propRules {
			for _, et := range propTypes {
				for _, qt := range propTypes {
					// Flows of periods longer than the query's have no
					// value in it; the rest must have been seen with one.
					k := agg + " " + et.String() + " by " + qt.String()
					if st.asked[k] == 0 || (st.byRule[k] == 0 && (agg == kehoach.AggLast || et >= qt)) {
						t.Errorf("%s: asked %d times, %d with a value: the generator misses a case", k, st.asked[k], st.byRule[k])
					}
				}
			}
		}
	}
}

func propCase(t *testing.T, seed uint64, st *propStats) bool {
	t.Helper()
	w := newWorld(seed)
	w.genFigures()
	var exprs []*pexpr
	// Every element alone and counted, then random combinations.
	for _, el := range w.elems {
		exprs = append(exprs, &pexpr{op: 'r', el: el}, &pexpr{op: 'c', el: el})
	}
	for range 16 {
		exprs = append(exprs, w.genExpr(3))
	}
	for i, x := range exprs {
		w.src.indicator(fmt.Sprintf("I%d", i), x.String(), "1", 1)
	}
	e := New(w.src)
	ctx := context.Background()
	var recent []string // writes since the last answer
	reloaded := false
	bad := 0
	for q := range 80 {
		i := w.r.IntN(len(exprs))
		x := exprs[i]
		root := w.randScope()
		p := w.randQueryPeriod()
		pt, err := e.IndicatorValue(ctx, fmt.Sprintf("I%d", i), w.units[root].code, p.String())
		if err != nil {
			t.Errorf("seed %d: IndicatorValue(%s, %s, %s): %v", seed, x, w.units[root].code, p, err)
			return false
		}
		want := w.eval(x, w.members(root, p), p)
		st.queries++
		if x.op == 'r' {
			st.asked[x.el.agg+" "+x.el.pt.String()+" by "+p.Type.String()]++
		}
		if len(recent) > 0 {
			st.fresh++
		}
		if reloaded {
			st.reloads++
		}
		if c := w.coverage(x, root, p); pt.Coverage != c {
			t.Errorf("seed %d, query %d: %s for %s in %s: coverage %+v, recomputed %+v\n  writes just before: %v%s",
				seed, q, x, w.units[root].code, p, pt.Coverage, c, recent, w.describe(x, root, p))
			if bad++; bad >= 3 {
				return false
			}
		}
		switch {
		case want.fragile:
			st.fragile++
		case !pointAgrees(pt, want):
			t.Errorf("seed %d, query %d: %s for %s in %s = %v (hasValue %v), want %v (hasValue %v)\n  writes just before: %v%s",
				seed, q, x, w.units[root].code, p, pt.Value, pt.HasValue, want.v, want.ok, recent, w.describe(x, root, p))
			if bad++; bad >= 3 {
				return false
			}
		case want.ok:
			st.withValue++
			if x.op == 'r' {
				st.byRule[x.el.agg+" "+x.el.pt.String()+" by "+p.Type.String()]++
			}
		}
		recent, reloaded = nil, false
		// Now and then save or remove figures; the next answer must have
		// them, from the same engine.
		if w.r.IntN(4) == 0 {
			for range 1 + w.r.IntN(5) {
				el := w.elems[w.r.IntN(len(w.elems))]
				var d string
				if w.r.IntN(5) == 0 {
					d = w.deleteLatest(el)
				} else {
					d = w.randomWrite(el)
				}
				if d != "" {
					recent = append(recent, d)
				}
			}
		}
		// Rarely, metadata changes: a new indicator, a full reload.
		if w.r.IntN(40) == 0 {
			x := w.genExpr(2)
			w.src.indicator(fmt.Sprintf("I%d", len(exprs)), x.String(), "1", 1)
			exprs = append(exprs, x)
			w.src.fakeSource.meta++
			reloaded = true
		}
	}
	w.checkLive(t)
	return bad == 0
}

// TestPropertyProgressAgrees checks that PlanProgress and TargetBreakdown
// agree with IndicatorValue (itself checked against the recomputation) on
// random worlds: the series, baseline and current points, the gap, and the
// breakdown's rows and their order, lagging units first.
func TestPropertyProgressAgrees(t *testing.T) {
	rows, targets := 0, 0
	for _, seed := range propSeeds(*propCases / 3) {
		n, m, ok := progressCase(t, seed)
		rows, targets = rows+n, targets+m
		if !ok {
			t.Fatalf("seed %d failed; rerun with -run %s -prop.seed=%d", seed, t.Name(), seed)
		}
	}
	t.Logf("%d targets' progress and %d breakdown rows checked", targets, rows)
}

func progressCase(t *testing.T, seed uint64) (rows, targets int, ok bool) {
	t.Helper()
	w := newWorld(seed)
	w.genFigures()
	ctx := context.Background()
	var exprs []*pexpr
	for range 6 {
		x := w.genExpr(1)
		if w.r.IntN(2) == 0 {
			x = &pexpr{op: 'r', el: w.elems[w.r.IntN(len(w.elems))]}
		}
		w.src.indicator(fmt.Sprintf("I%d", len(exprs)), x.String(), "1", 1)
		exprs = append(exprs, x)
	}
	e := New(w.src)
	fail := func(format string, args ...any) (int, int, bool) {
		t.Errorf("seed %d: "+format, append([]any{seed}, args...)...)
		return rows, targets, false
	}
	// iv is IndicatorValue, checked against the recomputation.
	iv := func(i int, root int, p period.Period) (kehoach.Point, error) {
		pt, err := e.IndicatorValue(ctx, fmt.Sprintf("I%d", i), w.units[root].code, p.String())
		if err != nil {
			return pt, err
		}
		if want := w.eval(exprs[i], w.members(root, p), p); !want.fragile && !pointAgrees(pt, want) {
			return pt, fmt.Errorf("IndicatorValue(%s, %s, %s) = %v (%v), recomputed %v (%v)%s",
				exprs[i], w.units[root].code, p, pt.Value, pt.HasValue, want.v, want.ok, w.describe(exprs[i], root, p))
		}
		if want := w.coverage(exprs[i], root, p); pt.Coverage != want {
			return pt, fmt.Errorf("IndicatorValue(%s, %s, %s): coverage %+v, recomputed %+v%s",
				exprs[i], w.units[root].code, p, pt.Coverage, want, w.describe(exprs[i], root, p))
		}
		return pt, nil
	}
	samePoint := func(a, b kehoach.Point) bool {
		return a.Period == b.Period && a.HasValue == b.HasValue && (!a.HasValue || near(a.Value, b.Value))
	}
	ops := []string{kehoach.OpGE, kehoach.OpGT, kehoach.OpLE, kehoach.OpLT}

	var plan *kehoach.Plan
	for round := range 4 {
		// Between rounds save and remove figures, the latest ones too, so
		// that the engine catches up rather than reloads.
		if round > 0 {
			for range 1 + w.r.IntN(8) {
				w.randomWrite(w.elems[w.r.IntN(len(w.elems))])
			}
			// Remove the latest figures of the last targets' elements:
			// their current year must move back.
			for _, tg := range plan.Targets {
				i, _ := strconv.Atoi(strings.TrimPrefix(tg.IndicatorCode, "I"))
				for _, el := range exprs[i].elements() {
					for range w.r.IntN(3) {
						w.deleteLatest(el)
					}
				}
			}
		}
		// Often the same targets again, whose points the engine keeps
		// across the writes (points.go), then new ones.
		var again []*kehoach.Target
		if plan != nil && w.r.IntN(2) == 0 {
			again = plan.Targets
		}
		plan = &kehoach.Plan{Code: "P", CoverageThreshold: []float64{0, 0.5, 1}[w.r.IntN(3)], Targets: again}
		for range 1 + w.r.IntN(4) {
			i := w.r.IntN(len(exprs))
			root := w.randScope()
			base := 2019 + w.r.IntN(4)
			tg := &kehoach.Target{
				Code: fmt.Sprintf("T%d", len(plan.Targets)), Text: "t", IndicatorCode: fmt.Sprintf("I%d", i),
				Op: ops[w.r.IntN(len(ops))], ScopeCode: w.units[root].code,
				BaselinePeriod: strconv.Itoa(base), Deadline: strconv.Itoa(base + 1 + w.r.IntN(5)),
				Value: float64(w.r.IntN(30)),
			}
			// Often a value the indicator takes, to meet targets exactly.
			if pt, err := iv(i, root, w.randPeriod(period.Yearly, 2019, 2026)); err != nil {
				return fail("%v", err)
			} else if pt.HasValue && w.r.IntN(2) == 0 {
				tg.Value = pt.Value
			}
			plan.Targets = append(plan.Targets, tg)
		}
		asOf := ""
		if w.r.IntN(2) == 0 {
			asOf = strconv.Itoa(2018 + w.r.IntN(10))
		}
		got, err := e.PlanProgress(ctx, plan, asOf)
		if err != nil {
			return fail("PlanProgress: %v", err)
		}
		if len(got) != len(plan.Targets) {
			return fail("PlanProgress gave %d targets, want %d", len(got), len(plan.Targets))
		}
		for k, tg := range plan.Targets {
			targets++
			tp := got[k]
			i, _ := strconv.Atoi(strings.TrimPrefix(tg.IndicatorCode, "I"))
			root := int(w.src.unitID(tg.ScopeCode) - 1)
			years := period.Range(period.MustParse(tg.BaselinePeriod), period.MustParse(tg.Deadline))
			var series []kehoach.Point
			for _, p := range years {
				pt, err := iv(i, root, p)
				if err != nil {
					return fail("%v", err)
				}
				series = append(series, pt)
			}
			at := -1
			if asOf != "" {
				at = slices.Index(years, period.MustParse(asOf))
			} else if latest, found := w.latestReported(exprs[i]); found {
				// The latest year with a value that does not start after
				// the latest figure reported of the indicator's elements.
				for j, p := range years {
					if series[j].HasValue && !latest.Before(p.Start()) && w.covered(series[j].Coverage, plan.CoverageThreshold) {
						at = j
					}
				}
			}
			// The provisional point: the newest after it with a report.
			var wantProv *kehoach.Point
			for j := len(series) - 1; asOf == "" && j > at; j-- {
				if series[j].HasValue && series[j].Coverage.Reported > 0 {
					wantProv = &series[j]
					break
				}
			}
			if (wantProv == nil) != (tp.Provisional == nil) || (wantProv != nil && !samePoint(*wantProv, *tp.Provisional)) {
				return fail("target %s: provisional %+v, want %+v", tg.Code, tp.Provisional, wantProv)
			}
			what := fmt.Sprintf("target %s (%s %s %v over %s, %s..%s, as of %q)", tg.Code, exprs[i], tg.Op, tg.Value, tg.ScopeCode, tg.BaselinePeriod, tg.Deadline, asOf)
			if !samePoint(tp.Baseline, series[0]) {
				return fail("%s: baseline %+v, IndicatorValue %+v", what, tp.Baseline, series[0])
			}
			if at < 0 {
				if tp.Series != nil || tp.Current.HasValue || tp.Status != kehoach.StatusNoData {
					return fail("%s: no current year expected, got series %v current %+v status %s", what, tp.Series, tp.Current, tp.Status)
				}
				continue
			}
			if len(tp.Series) != at+1 {
				fresh := "?"
				if fp, err := New(w.src).PlanProgress(ctx, plan, asOf); err == nil {
					fresh = strconv.Itoa(len(fp[k].Series))
				}
				return fail("%s: series of %d points (a new engine: %s), want %d (up to %s)\n  got %+v\n  IndicatorValue %+v", what, len(tp.Series), fresh, at+1, years[at], tp.Series, series)
			}
			for j := range tp.Series {
				if !samePoint(tp.Series[j], series[j]) {
					return fail("%s: series[%d] = %+v, IndicatorValue %+v", what, j, tp.Series[j], series[j])
				}
			}
			if !samePoint(tp.Current, series[at]) {
				return fail("%s: current %+v, IndicatorValue %+v", what, tp.Current, series[at])
			}
			if tp.Current.HasValue && !near(tp.Gap, tg.Value-tp.Current.Value) {
				return fail("%s: gap %v, want %v", what, tp.Gap, tg.Value-tp.Current.Value)
			}
			if st, _, _ := Status(tg, series[:at+1], series[0], at, len(years)-1-at); tp.Status != st {
				return fail("%s: status %s, Status of the IndicatorValue series %s", what, tp.Status, st)
			}
		}

		// A breakdown for one target, by a kind, for a period of any type.
		tg := plan.Targets[w.r.IntN(len(plan.Targets))]
		i, _ := strconv.Atoi(strings.TrimPrefix(tg.IndicatorCode, "I"))
		root := int(w.src.unitID(tg.ScopeCode) - 1)
		kind := w.kinds[w.r.IntN(len(w.kinds))]
		p := w.randQueryPeriod()
		bd, err := e.TargetBreakdown(ctx, tg, kind, p.String())
		if err != nil {
			return fail("TargetBreakdown: %v", err)
		}
		what := fmt.Sprintf("breakdown of %s (%s %s %v) over %s by %s in %s", tg.Code, exprs[i], tg.Op, tg.Value, tg.ScopeCode, kind, p)
		var want []string
		for _, m := range w.members(root, p) {
			if w.units[m].kind == kind {
				want = append(want, w.units[m].code)
			}
		}
		var gotCodes []string
		for _, row := range bd {
			gotCodes = append(gotCodes, row.Unit.Code)
		}
		slices.Sort(want)
		slices.Sort(gotCodes)
		if !slices.Equal(gotCodes, want) {
			return fail("%s: units %v, want %v", what, gotCodes, want)
		}
		dir := 1.0
		if kehoach.Falling(tg.Op) {
			dir = -1
		}
		rank := func(up *kehoach.UnitProgress) int {
			switch {
			case !up.Point.HasValue:
				return 0
			case !up.Meets:
				return 1
			}
			return 2
		}
		for j, row := range bd {
			rows++
			pt, err := iv(i, int(w.src.unitID(row.Unit.Code)-1), p)
			if err != nil {
				return fail("%v", err)
			}
			if !samePoint(row.Point, pt) {
				return fail("%s: row %s = %+v, IndicatorValue %+v", what, row.Unit.Code, row.Point, pt)
			}
			// Part of a year (todate.go): a flow is judged at its yearly
			// pace, the figure divided by the share of the year it covers,
			// and when it meets the target it is on track, not achieved.
			judged, flow := pt.Value, false
			for _, el := range exprs[i].elements() {
				flow = flow || el.agg == kehoach.AggSum
			}
			if year := p.Parent(period.Yearly); flow && p.Type != period.Yearly {
				judged /= (p.End().Sub(p.Start()).Hours() + 24) / (year.End().Sub(year.Start()).Hours() + 24)
			} else {
				flow = false
			}
			meets := pt.HasValue && kehoach.Meets(tg.Op, judged, tg.Value)
			status := kehoach.StatusNoData
			if pt.HasValue {
				status = kehoach.StatusOffTrack
				if meets && flow {
					status = kehoach.StatusOnTrack
				} else if meets {
					status = kehoach.StatusAchieved
				}
				if !near(row.Gap, tg.Value-judged) {
					return fail("%s: row %s gap %v, want %v", what, row.Unit.Code, row.Gap, tg.Value-judged)
				}
			}
			if row.Meets != meets || row.Status != status {
				return fail("%s: row %s meets %v status %s, want %v %s", what, row.Unit.Code, row.Meets, row.Status, meets, status)
			}
			if j == 0 {
				continue
			}
			prev := bd[j-1]
			if rank(prev) > rank(row) {
				return fail("%s: %s (%+v) before %s (%+v): lagging units must come first", what, prev.Unit.Code, prev.Point, row.Unit.Code, row.Point)
			}
			if rank(prev) == 1 && rank(row) == 1 && dir*prev.Gap < dir*row.Gap {
				return fail("%s: %s (gap %v) before %s (gap %v): the larger shortfall must come first", what, prev.Unit.Code, prev.Gap, row.Unit.Code, row.Gap)
			}
		}
	}
	w.checkLive(t)
	return rows, targets, true
}

// latestReported returns the end of the latest period with a live figure
// of any element the expression refers to, in any unit.
func (w *pworld) latestReported(x *pexpr) (time.Time, bool) {
	var latest time.Time
	found := false
	for _, el := range x.elements() {
		for _, figs := range w.liveFigures()[el.id] {
			for _, f := range figs {
				if !found || latest.Before(f.p.End()) {
					latest, found = f.p.End(), true
				}
			}
		}
	}
	return latest, found
}
