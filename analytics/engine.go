// Package analytics computes indicator values from the figures as saved:
// up the unit tree (the hierarchy valid in each period) and over periods, by
// each data element's own aggregation rule, and the status of targets.
//
// The engine keeps every figure in memory, in one dense matrix per data
// element (reporting units × periods), and answers by walking the unit
// tree. Before each answer it asks the database for its data version and
// reads only the figures saved since; so a value saved through any server
// is in the next answer, with no batch rebuild (DHIS2's analytics tables
// lag until one).
package analytics

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"kehoach"
	"kehoach/expr"
	"kehoach/period"
)

// Engine answers analytics questions. It is safe for concurrent use.
type Engine struct {
	src ValueSource
	// Now tells the day for relative periods (THIS_YEAR …); tests set it.
	Now func() time.Time

	// refresh serialises the writers: catching up with the database.
	refresh sync.Mutex
	// cur is the state answers are read from (issue 16 point 8). A writer
	// builds the next state beside it (next, series.go) and swaps it in, so
	// that a reader reads one consistent version without a lock: a save
	// does not wait for a long page, nor the pages after it for the save.
	cur atomic.Pointer[state]
}

// state is the engine at one version of the figures, the metadata and the
// approved grids. Once published (Engine.cur) it is never written; the
// next state shares with it every matrix block it does not change. Its
// methods keep the receiver name e: a state is what the engine knows.
type state struct {
	// gen owns the series and blocks this state may write in place: those
	// it made (series.go).
	gen         int64
	dataVersion int64
	metaVersion int64
	// unitsVersion is the source's version of the units read (0: not
	// told; UnitVersionSource).
	unitsVersion int64
	units        []*node
	unitByID     map[int64]int32
	unitByCode   map[string]int32
	elements     map[string]*element // by code
	elementByID  map[int64]*element
	indicators   map[string]*indicator
	// pre lists the units in the order scope.members walks them, so that
	// the members of unit u's subtree are pre[pos[u]:end[u]] when no unit
	// of it has a validity bound (bounded[u] false); otherwise the subtree
	// is walked period by period.
	pre, pos, end []int32
	bounded       []bool
	// kindPrefix[k][i] counts the units of kind k in pre[:i], so that a
	// subtree's units of a kind are counted without walking it.
	kindPrefix map[string][]int32
	// kinds are the unit kinds by node.kind.
	kinds []string
	// hier holds the successor links for reading under the tree of a
	// day (hierarchy.go, issue 10).
	hier *hierarchy
	// reportByForm and the approved grids (approval.go), by form code.
	reportByForm map[string]*report
	// approvalsRead tells that the approved grids of approvalVersion were
	// read for this metadata.
	approvalsRead   bool
	approvalVersion int64
	// kept keeps the points of targets' series across data versions
	// (points.go); shared by the states of one load.
	kept *pointCache
	// log lists the figures saved since the load, from after version
	// logFrom (points.go: a breakdown reads again only the units a save
	// touched).
	log     []unitEdit
	logFrom int64
	// fromSnapshot and rowsScanned describe the last full load.
	fromSnapshot bool
	rowsScanned  int64
}

// node is a unit in the tree.
type node struct {
	unit     *kehoach.Unit
	parent   int32
	children []int32
	from, to string // validity, "" = open
	// kind numbers unit.Kind (Engine.kinds), so that a walk over 100,000
	// members compares integers, not strings.
	kind int32
}

func (n *node) validDuring(from, to string) bool {
	return (n.from == "" || n.from <= to) && (n.to == "" || from <= n.to)
}

// element holds one data element's figures: per disaggregation a dense
// matrix of rows (units that reported) by period ordinals.
type element struct {
	el     *kehoach.DataElement
	ptype  period.Type
	series map[string]*series // by disaggregation; "" is the default
	// report is the report of the form collecting the element (report.go);
	// nil: the element is its own report.
	report *report
	// changed is the data version at which its figures last changed (the
	// cache's key for what reads it: cache.go); edits, by period, since
	// the load (points.go).
	changed int64
	edits   edits
}

type indicator struct {
	ind      *kehoach.Indicator
	num, den *expr.Expr
	// elems are the elements it reads, for its coverage (coverage.go).
	elems []*element
}

// New returns an engine reading from src. It loads on first use.
func New(src ValueSource) *Engine {
	return &Engine{src: src, Now: time.Now}
}

// ordinal numbers periods of one type consecutively.
func ordinal(p period.Period) int {
	if p.Type == period.Yearly {
		return p.Year
	}
	return p.Year*p.Type.PerYear() + p.N - 1
}

// fromOrdinal is ordinal's inverse.
func fromOrdinal(t period.Type, o int) period.Period {
	if t == period.Yearly {
		return period.Period{Type: t, Year: o}
	}
	n := t.PerYear()
	return period.Period{Type: t, Year: o / n, N: o%n + 1}
}

// Refresh brings the engine up to the database's latest figures. Queries
// call it; the app may call it at start to load before the first request.
func (e *Engine) Refresh(ctx context.Context) error {
	_, err := e.read(ctx)
	return err
}

// read catches up with the database and returns the state to answer from.
// A reader that finds the engine current (the versions asked of the
// database are those it holds) takes no lock at all; otherwise it waits
// for the one writer catching up, which reads and applies the figures
// saved since beside the state others are reading.
//
// Within a context of kehoach.OneVersion, the first read's state answers
// every later one: a page reads one version whatever is saved meanwhile,
// and asks the database once.
func (e *Engine) read(ctx context.Context) (*state, error) {
	one := kehoach.OneVersionFromContext(ctx)
	if one == nil {
		return e.readLatest(ctx)
	}
	if st, ok := one.Get(e).(*state); ok {
		return st, nil
	}
	st, err := e.readLatest(ctx)
	if err != nil {
		return nil, err
	}
	return one.Keep(e, st).(*state), nil
}

func (e *Engine) readLatest(ctx context.Context) (*state, error) {
	data, meta, approval, err := e.versions(ctx)
	if err != nil {
		return nil, err
	}
	if st := e.cur.Load(); st.current(data, meta, approval) {
		return st, nil
	}
	e.refresh.Lock()
	defer e.refresh.Unlock()
	if err := e.refreshData(ctx); err != nil {
		return nil, err
	}
	if err := e.refreshApprovals(ctx); err != nil {
		return nil, err
	}
	return e.cur.Load(), nil
}

// versions asks the source for its versions, in one question when it can
// (approval -1: it keeps no approvals).
func (e *Engine) versions(ctx context.Context) (data, meta, approval int64, err error) {
	if vs, ok := e.src.(VersionSource); ok {
		if _, ok := e.src.(ApprovalSource); ok {
			return vs.AllVersions(ctx)
		}
	}
	if data, meta, err = e.src.Versions(ctx); err != nil {
		return 0, 0, 0, err
	}
	approval, err = e.approvalVersion(ctx)
	return data, meta, approval, err
}

// current reports whether e holds the versions asked (approval -1: the
// source keeps no approvals).
func (e *state) current(data, meta, approval int64) bool {
	return e != nil && e.dataVersion >= data && e.metaVersion == meta &&
		(approval < 0 || e.approvalsRead && e.approvalVersion >= approval)
}

// refreshData catches up with the figures (and reloads on new metadata).
// Callers hold e.refresh.
func (e *Engine) refreshData(ctx context.Context) error {
	data, meta, err := e.src.Versions(ctx)
	if err != nil {
		return err
	}
	cur := e.cur.Load()
	if cur != nil && data == cur.dataVersion && meta == cur.metaVersion {
		return nil
	}
	if cur == nil || meta != cur.metaVersion {
		return e.load(ctx, meta)
	}
	// Apply the figures saved since our version to the next state: the
	// matrices' blocks they fall in are copied, the rest shared, and
	// readers go on reading cur meanwhile.
	var batch []RawValue
	upto, err := e.src.ScanValues(ctx, cur.dataVersion, func(v RawValue) { batch = append(batch, v) })
	if err != nil {
		return err
	}
	next := cur.next()
	mine := map[any]bool{}
	for _, v := range batch {
		moved := next.apply(v)
		if x := next.elementByID[v.ElementID]; x != nil {
			// The report's version moves only when a report came or went
			// (issue 16): a figure changed in a report that stays leaves
			// the targets of its other elements where they were, which at
			// the national scale were seven indicators over 100,000
			// villages recomputed at every save.
			x.changed = upto
			if x.report != nil && moved {
				x.report.changed = upto
			}
			if p, err := period.Parse(v.Period); err == nil && p.Type == x.ptype {
				x.edited(ordinal(p), upto, moved, mine)
			}
		}
	}
	next.logged(batch, upto)
	next.dataVersion = upto
	e.cur.Store(next)
	return nil
}

// versionOf is the data version of what the targets read: the latest at
// which a figure of their indicators' elements changed, or a report of
// their forms came or went (a stock carries from the report as a whole);
// the engine's own version when a target's indicator is unknown.
func (e *state) versionOf(targets []*kehoach.Target) int64 {
	var v int64
	for _, t := range targets {
		ind := e.indicators[t.IndicatorCode]
		if ind == nil {
			return e.dataVersion
		}
		for _, x := range ind.elems {
			v = max(v, x.changed)
			if x.report != nil {
				v = max(v, x.report.changed)
			}
		}
	}
	return v
}

// loadUnits returns the units for a load and their version (0: unknown):
// those the engine holds when the source says they have not changed since
// (they are shared with readers and never written), else read.
func (e *Engine) loadUnits(ctx context.Context) (int64, []*kehoach.Unit, error) {
	var v int64
	if us, ok := e.src.(UnitVersionSource); ok {
		var err error
		if v, err = us.UnitsVersion(ctx); err != nil {
			return 0, nil, err
		}
		if cur := e.cur.Load(); cur != nil && v > 0 && cur.unitsVersion == v {
			units := make([]*kehoach.Unit, len(cur.units))
			for i, n := range cur.units {
				units[i] = n.unit
			}
			return v, units, nil
		}
	}
	units, err := e.src.FindUnits(ctx, kehoach.UnitFilter{})
	return v, units, err
}

// load reads everything afresh into new structures, then swaps them in.
// Callers hold e.refresh.
func (e *Engine) load(ctx context.Context, meta int64) error {
	defer collectOften()()
	unitsVersion, units, err := e.loadUnits(ctx)
	if err != nil {
		return err
	}
	elements, err := e.src.FindDataElements(ctx)
	if err != nil {
		return err
	}
	inds, err := e.src.FindIndicators(ctx)
	if err != nil {
		return err
	}
	fresh := &state{
		gen:          newGen(),
		kept:         newPointCache(),
		unitByID:     make(map[int64]int32, len(units)),
		unitByCode:   make(map[string]int32, len(units)),
		elements:     map[string]*element{},
		elementByID:  map[int64]*element{},
		indicators:   map[string]*indicator{},
		unitsVersion: unitsVersion,
	}
	kindOf := map[string]int32{}
	for i, u := range units {
		k, ok := kindOf[u.Kind]
		if !ok {
			k = int32(len(fresh.kinds))
			kindOf[u.Kind] = k
			fresh.kinds = append(fresh.kinds, u.Kind)
		}
		fresh.units = append(fresh.units, &node{unit: u, parent: -1, from: string(u.ValidFrom), to: string(u.ValidTo), kind: k})
		fresh.unitByID[u.ID] = int32(i)
		fresh.unitByCode[u.Code] = int32(i)
	}
	for i, n := range fresh.units {
		if p, ok := fresh.unitByCode[n.unit.ParentCode]; ok && n.unit.ParentCode != "" {
			n.parent = p
			fresh.units[p].children = append(fresh.units[p].children, int32(i))
		}
	}
	fresh.index()
	// Issue 10: the successor links, for reading under another tree.
	if fresh.hier, err = loadHierarchy(ctx, e.src, fresh); err != nil {
		return err
	}
	for _, el := range elements {
		pt, err := period.ParseType(el.PeriodType)
		if err != nil {
			pt = period.Yearly // an element in no form yet: no figures either
		}
		x := &element{el: el, ptype: pt, series: map[string]*series{}}
		fresh.elements[el.Code] = x
		fresh.elementByID[el.ID] = x
	}
	for _, ind := range inds {
		num, err := expr.Parse(ind.Numerator)
		if err != nil {
			return fmt.Errorf("analytics: indicator %s: %w", ind.Code, err)
		}
		den, err := expr.Parse(ind.Denominator)
		if err != nil {
			return fmt.Errorf("analytics: indicator %s: %w", ind.Code, err)
		}
		x := &indicator{ind: ind, num: num, den: den}
		x.elems = fresh.refs(x)
		fresh.indicators[ind.Code] = x
	}
	if err := fresh.groupForms(ctx, e.src); err != nil {
		return err
	}
	// New metadata over the same units and elements (a new plan, a changed
	// target or indicator, a form's units) keeps the figures in memory and
	// reads only those saved since: a national server does not re-read 54
	// million rows, answering nothing meanwhile, because a target moved.
	// Otherwise start from the snapshot when there is a current one, then
	// read the figures saved after it; otherwise read every figure.
	var since int64
	cur := e.cur.Load()
	carried := cur.carryFigures(fresh)
	if carried {
		since = cur.dataVersion
		fresh.recount()
	} else if ss, ok := e.src.(SnapshotStore); ok {
		v, err := fresh.loadSnapshot(ctx, ss, meta)
		switch {
		case err == nil:
			since = v
		case kehoach.ErrorCode(err) == kehoach.ENOTFOUND, errors.Is(err, errStaleSnapshot):
			for _, x := range fresh.elements {
				clear(x.series)
			}
		default:
			return err
		}
	}
	fresh.fromSnapshot = since > 0 && !carried
	if fresh.fromSnapshot {
		fresh.recount()
	}
	var rows int64
	upto, err := e.src.ScanValues(ctx, since, func(v RawValue) { rows++; fresh.apply(v) })
	if err != nil {
		return err
	}
	for _, x := range fresh.elements {
		x.changed = upto
		if x.report != nil {
			x.report.changed = upto
		}
	}
	fresh.dataVersion, fresh.metaVersion, fresh.logFrom = upto, meta, upto
	fresh.rowsScanned = rows
	e.cur.Store(fresh)
	return nil
}

// carryFigures moves the figures e holds into fresh, a new load of the
// metadata, when every unit e knows is still there and every element
// keeps its period type: each series keeps its matrix, its rows renumbered
// for fresh's units. It reports whether it did; false leaves fresh empty,
// for a full read (as does a nil e: nothing loaded yet). The series are
// shared until written: fresh's are new headers over the same blocks.
func (e *state) carryFigures(fresh *state) bool {
	if e == nil {
		return false
	}
	remap := make([]int32, len(e.units))
	for i, n := range e.units {
		u, ok := fresh.unitByID[n.unit.ID]
		if !ok {
			return false // a unit removed: its figures go with it
		}
		remap[i] = u
	}
	for id, ox := range e.elementByID {
		if x := fresh.elementByID[id]; x != nil && x.ptype != ox.ptype && len(ox.series) > 0 {
			return false // figures read under another period type
		}
	}
	for id, ox := range e.elementByID {
		x := fresh.elementByID[id]
		if x == nil {
			continue // an element removed, with its figures
		}
		for disagg, os := range ox.series {
			x.series[disagg] = os.remapped(fresh, remap)
		}
	}
	// A form's counts of reports go with its figures when its report
	// reads the same elements as before; the others are counted again
	// (recount) from the figures carried.
	elemsOf := func(st *state) map[*report][]int64 {
		m := map[*report][]int64{}
		for id, x := range st.elementByID {
			if x.report != nil {
				m[x.report] = append(m[x.report], id)
			}
		}
		for _, ids := range m {
			slices.Sort(ids)
		}
		return m
	}
	was, now := elemsOf(e), elemsOf(fresh)
	for code, rp := range fresh.reportByForm {
		if orp := e.reportByForm[code]; orp != nil && orp.ptype == rp.ptype && slices.Equal(was[orp], now[rp]) {
			rp.counts, rp.counted = orp.counts.remapped(fresh, remap), true
		}
	}
	return true
}

// remapped returns a header of s for fresh, whose unit indexes are
// remap[those of s]: the same blocks, shared until written.
func (s *series) remapped(fresh *state, remap []int32) *series {
	cp := *s
	cp.blocks = slices.Clone(s.blocks)
	cp.rowOf = make([]int32, len(fresh.units))
	for i := range cp.rowOf {
		cp.rowOf[i] = -1
	}
	cp.units = make([]int32, len(s.units))
	for r, u := range s.units {
		cp.units[r] = remap[u]
		cp.rowOf[remap[u]] = int32(r)
	}
	cp.gen, cp.rowsGen = fresh.gen, fresh.gen
	return &cp
}

// index lays the tree out in the order scope.members walks it (a unit,
// then its children's subtrees, last child first) and marks the subtrees
// that hold a unit with a validity bound. Units no root reaches stay
// bounded, so they are walked as before.
func (e *state) index() {
	n := len(e.units)
	e.pre = make([]int32, 0, n)
	e.pos, e.end = make([]int32, n), make([]int32, n)
	e.bounded = make([]bool, n)
	for i := range e.bounded {
		e.bounded[i] = true
	}
	var visit func(u int32)
	visit = func(u int32) {
		e.pos[u] = int32(len(e.pre))
		e.pre = append(e.pre, u)
		nd := e.units[u]
		b := nd.from != "" || nd.to != ""
		for i := len(nd.children) - 1; i >= 0; i-- {
			c := nd.children[i]
			visit(c)
			b = b || e.bounded[c]
		}
		e.end[u] = int32(len(e.pre))
		e.bounded[u] = b
	}
	for i, nd := range e.units {
		if nd.parent < 0 {
			visit(int32(i))
		}
	}
	e.kindPrefix = map[string][]int32{}
	for i, u := range e.pre {
		k := e.units[u].unit.Kind
		p := e.kindPrefix[k]
		if p == nil {
			p = make([]int32, len(e.pre)+1)
			e.kindPrefix[k] = p
		}
		p[i+1] = 1
	}
	for _, p := range e.kindPrefix {
		for i := 1; i < len(p); i++ {
			p[i] += p[i-1]
		}
	}
}

// apply records one figure (or its removal). A published state's series
// are not written: a series or a block e does not own is copied first
// (series.go). It reports whether the unit's report for the period came
// or went: a figure changed in a report that stays changes what the
// report's other elements read not at all (report.latest asks only
// whether there is one).
func (e *state) apply(v RawValue) (reportMoved bool) {
	x := e.elementByID[v.ElementID]
	u, ok := e.unitByID[v.UnitID]
	if x == nil || !ok {
		return false
	}
	p, err := period.Parse(v.Period)
	if err != nil || p.Type != x.ptype {
		return false
	}
	s := x.series[v.Disagg]
	if s == nil {
		if v.Deleted || !v.HasNum {
			return false
		}
		s = e.newSeries()
		x.series[v.Disagg] = s
	} else if s.gen != e.gen {
		s = s.own(e.gen)
		x.series[v.Disagg] = s
	}
	num := math.NaN()
	if v.HasNum && !v.Deleted {
		num = v.Num
	}
	o := ordinal(p)
	if x.report != nil {
		// Keep the unit's report for the period counted (report.go).
		switch had := !math.IsNaN(s.at(u, o)); {
		case !had && !math.IsNaN(num):
			reportMoved = e.count(x.report, u, o, 1)
		case had && math.IsNaN(num):
			reportMoved = e.count(x.report, u, o, -1)
		}
	}
	s.set(u, o, num)
	return reportMoved
}

// next returns a copy of e for a writer to change and publish: a new gen,
// and its own maps, elements, reports and indicators (a few dozen small
// structs); the units and the tree are shared, as are the series and their
// blocks until written (series.go).
func (e *state) next() *state {
	n := *e
	n.gen = newGen()
	reports := make(map[*report]*report, len(e.reportByForm))
	mine := func(rp *report) *report {
		if rp == nil {
			return nil
		}
		if cp, ok := reports[rp]; ok {
			return cp
		}
		cp := *rp
		reports[rp] = &cp
		return &cp
	}
	n.reportByForm = make(map[string]*report, len(e.reportByForm))
	for code, rp := range e.reportByForm {
		n.reportByForm[code] = mine(rp)
	}
	elems := make(map[*element]*element, len(e.elements))
	n.elements = make(map[string]*element, len(e.elements))
	n.elementByID = make(map[int64]*element, len(e.elementByID))
	for code, x := range e.elements {
		cp := *x
		cp.series = maps.Clone(x.series)
		cp.report = mine(x.report)
		elems[x] = &cp
		n.elements[code] = &cp
		n.elementByID[x.el.ID] = &cp
	}
	n.indicators = make(map[string]*indicator, len(e.indicators))
	for code, ind := range e.indicators {
		cp := *ind
		cp.elems = make([]*element, len(ind.elems))
		for i, x := range ind.elems {
			cp.elems[i] = elems[x]
		}
		n.indicators[code] = &cp
	}
	return &n
}

// LoadStats tells how the engine last loaded: from a snapshot or not, and
// how many figures it read row by row.
func (e *Engine) LoadStats() (fromSnapshot bool, rowsScanned int64) {
	if st := e.cur.Load(); st != nil {
		return st.fromSnapshot, st.rowsScanned
	}
	return false, 0
}

// Version returns the data version the engine has applied.
func (e *Engine) Version() int64 {
	if st := e.cur.Load(); st != nil {
		return st.dataVersion
	}
	return 0
}
