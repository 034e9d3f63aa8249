package analytics

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"sync"

	"kehoach"
)

// Cached answers the plan and target pages from results computed once per
// version of what they read (issue 16): a target's progress and its
// breakdown are kept per (the target as asked, the period, the kind, the
// tree) under the versions of the figures it reads (the data version at
// which its indicator's elements last changed: Engine.versionOf), of the
// metadata and of the approved grids, so that fifty people reading the
// plan cost one computation, not fifty, and a saved figure recomputes only
// the targets that read it. It is never stale: each call first catches the
// engine up with the database (Refresh, one query of the versions), and a
// result is found only under the versions the engine has then, and is
// computed from the one state of those versions (no save lands midway). The
// other methods are the Engine's own.
type Cached struct {
	*Engine
	// MaxEntries bounds the results kept; zero means 512.
	MaxEntries int
	// MaxRows bounds the breakdown rows kept (a breakdown by village of
	// the country is 100,000 rows, some 15 MB, and each of its sorts 0.8
	// MB more); zero means 2,000,000.
	MaxRows int

	seed maphash.Seed
	mu   sync.Mutex
	plan map[cacheKey]entry[[]*kehoach.TargetProgress]
	unit map[cacheKey]entry[[]*kehoach.UnitProgress] // by sort too
	rows int                                         // in unit
	// flights are the computations under way: fifty readers missing the
	// same entry after a save wait for one computation, not fifty.
	flights map[flightKey]*flight
}

// entry is a result and the versions it is of.
type entry[T any] struct {
	v    [3]int64
	val  T
	size int
}

type flightKey struct {
	v    [3]int64
	k    cacheKey
	plan bool
}

type flight struct {
	done chan struct{}
	val  any
	err  error
}

// NewCached wraps e.
func NewCached(e *Engine) *Cached {
	return &Cached{Engine: e, seed: maphash.MakeSeed(), flights: map[flightKey]*flight{}}
}

// cacheKey names a question: a hash of the targets as asked (their code,
// indicator, scope, rule, value, periods and milestones), its period and kind, which
// figures it reads (approved only or all, from the context) and the plan's
// coverage threshold (both change the answer: issue 9).
type cacheKey struct {
	targets   uint64
	pid, kind string
	sort      string       // a breakdown's order (kehoach.BreakdownSorts)
	date      kehoach.Date // the tree of the day read under (issue 10), "" as it was
	approved  bool
	threshold float64
}

func (c *Cached) key(ctx context.Context, targets []*kehoach.Target, pid, kind string, date kehoach.Date, threshold float64) cacheKey {
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, t := range targets {
		for _, s := range []string{t.Code, t.IndicatorCode, t.ScopeCode, t.Op, t.BaselinePeriod, t.Deadline} {
			h.WriteString(s)
			h.WriteByte(0)
		}
		writeFloat(&h, t.Value)
		// The planner's milestones decide the status (milestone.go).
		for _, m := range t.Milestones {
			h.WriteString(m.Period)
			writeFloat(&h, m.Value)
		}
		h.WriteByte(1)
	}
	return cacheKey{targets: h.Sum64(), pid: pid, kind: kind, date: date, approved: figuresMode(ctx), threshold: threshold}
}

// name names a result of k computed at versions v: the versions and the
// question name it exactly.
func (k cacheKey) name(v [3]int64) string {
	return fmt.Sprintf("%d.%d.%d/%x/%s/%s/%s/%v/%v", v[0], v[1], v[2], k.targets, k.pid, k.kind, k.date, k.approved, k.threshold)
}

func writeFloat(h *maphash.Hash, f float64) {
	var b [8]byte
	v := math.Float64bits(f)
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	h.Write(b[:])
}

// versions returns the versions a result for targets read from st is of:
// of the figures they read, of the metadata, and of the approved grids (an
// approval changes what a reader of approved figures sees without a new
// figure; issue 9).
func (st *state) versions(targets []*kehoach.Target) [3]int64 {
	return [3]int64{st.versionOf(targets), st.metaVersion, st.approvalVersion}
}

// once returns the entry of k at the versions of targets in st, computing
// it from st (once, however many ask at the same time) when there is none.
// size counts the rows the entry holds (0 for a target's progress).
func once[T any](c *Cached, st *state, plan bool, targets []*kehoach.Target, k cacheKey, compute func() (T, int, error)) (T, [3]int64, error) {
	m := func() map[cacheKey]entry[T] { // the map of T: plan or unit
		var x any = c.plan
		if !plan {
			x = c.unit
		}
		return x.(map[cacheKey]entry[T])
	}
	v := st.versions(targets)
	// The computation runs on without the first asker's cancellation (see
	// the callers' context.WithoutCancel): the others wait for it.
	fk := flightKey{v, k, plan}
	c.mu.Lock()
	if c.plan == nil {
		c.plan, c.unit = map[cacheKey]entry[[]*kehoach.TargetProgress]{}, map[cacheKey]entry[[]*kehoach.UnitProgress]{}
	}
	if e, ok := m()[k]; ok && e.v == v {
		c.mu.Unlock()
		return e.val, v, nil
	}
	if f := c.flights[fk]; f != nil {
		c.mu.Unlock()
		<-f.done
		r, _ := f.val.(T)
		return r, v, f.err
	}
	f := &flight{done: make(chan struct{})}
	c.flights[fk] = f
	c.mu.Unlock()

	r, size, err := compute()
	f.val, f.err = r, err
	c.mu.Lock()
	delete(c.flights, fk)
	if err == nil {
		maxEntries, maxRows := cmp.Or(c.MaxEntries, 512), cmp.Or(c.MaxRows, 2_000_000)
		old, had := m()[k]
		if had {
			c.rows -= old.size
		}
		if !had && len(c.plan)+len(c.unit) >= maxEntries || c.rows+size > maxRows {
			c.rows = 0
			c.plan = map[cacheKey]entry[[]*kehoach.TargetProgress]{}
			c.unit = map[cacheKey]entry[[]*kehoach.UnitProgress]{}
		}
		m()[k] = entry[T]{v: v, val: r, size: size}
		c.rows += size
	}
	c.mu.Unlock()
	close(f.done)
	return r, v, err
}

// PlanProgress is Engine.PlanProgress, computed once per version. The
// answer's TargetProgress values are the caller's own copies, pointing to
// the caller's targets; their series are shared and must not be changed.
func (c *Cached) PlanProgress(ctx context.Context, plan *kehoach.Plan, asOf string) ([]*kehoach.TargetProgress, error) {
	return c.PlanProgressUnder(ctx, plan, asOf, "")
}

// PlanProgressUnder is Engine.PlanProgressUnder, computed once per target
// and version of what it reads, and day: the plan page reads the plan under
// today's tree beside the plan as it was (issue 10), and that reading was
// the page's whole cost when it went past the cache (issue 16); a saved
// figure recomputes the targets that read it, not the plan's others.
func (c *Cached) PlanProgressUnder(ctx context.Context, plan *kehoach.Plan, asOf string, date kehoach.Date) ([]*kehoach.TargetProgress, error) {
	st, err := c.Engine.read(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*kehoach.TargetProgress, len(plan.Targets))
	for i, t := range plan.Targets {
		one := []*kehoach.Target{t}
		k := c.key(ctx, one, asOf, "", date, plan.CoverageThreshold)
		got, v, err := once(c, st, true, one, k, func() ([]*kehoach.TargetProgress, int, error) {
			r, err := st.progressUnder(context.WithoutCancel(ctx), &kehoach.Plan{Targets: one, CoverageThreshold: plan.CoverageThreshold}, asOf, date)
			return r, 0, err
		})
		if err != nil {
			return nil, err
		}
		cp := *got[0]
		cp.Target = t
		cp.Version = k.name(v)
		out[i] = &cp
	}
	return out, nil
}

// TargetBreakdown is Engine.TargetBreakdown, computed once per version.
// The slice is the caller's own (it may sort it); the rows are shared and
// must not be changed.
func (c *Cached) TargetBreakdown(ctx context.Context, t *kehoach.Target, kind, pid string) ([]*kehoach.UnitProgress, error) {
	return c.TargetBreakdownUnder(ctx, t, kind, pid, "")
}

// TargetBreakdownUnder is Engine.TargetBreakdownUnder, computed once per
// version and day, as TargetBreakdown.
func (c *Cached) TargetBreakdownUnder(ctx context.Context, t *kehoach.Target, kind, pid string, date kehoach.Date) ([]*kehoach.UnitProgress, error) {
	p, err := c.TargetBreakdownPage(ctx, t, kehoach.BreakdownQuery{Kind: kind, Period: pid, Date: date})
	if err != nil {
		return nil, err
	}
	return p.Rows, nil
}

// TargetBreakdownPage is one page of the breakdown in one order: the
// breakdown is computed once per version and day, each order sorted once
// from it, and a page is a copy of its rows' pointers (the rows are shared
// and must not be changed).
func (c *Cached) TargetBreakdownPage(ctx context.Context, t *kehoach.Target, q kehoach.BreakdownQuery) (*kehoach.BreakdownPage, error) {
	if err := checkBreakdown(q.Period, q.Date); err != nil {
		return nil, err
	}
	st, err := c.Engine.read(ctx)
	if err != nil {
		return nil, err
	}
	one := []*kehoach.Target{t}
	k := c.key(ctx, one, q.Period, q.Kind, q.Date, 0)
	rows, v, err := once(c, st, false, one, k, func() ([]*kehoach.UnitProgress, int, error) {
		// The rows of the version before, when it is of the same metadata
		// and approvals: a save reads again only the units it touched.
		var prev []*kehoach.UnitProgress
		var since int64
		c.mu.Lock()
		if old, ok := c.unit[k]; ok && old.v[1] == st.metaVersion && old.v[2] == st.approvalVersion && old.v[0] <= st.versionOf(one) {
			prev, since = old.val, old.v[0]
		}
		c.mu.Unlock()
		r, err := st.targetBreakdown(context.WithoutCancel(ctx), t, q.Kind, q.Period, q.Date, prev, since)
		return r, len(r), err
	})
	if err == nil && q.Sort != kehoach.SortLagging && slices.Contains(kehoach.BreakdownSorts, q.Sort) {
		sk := k
		sk.sort = q.Sort
		rows, v, err = once(c, st, false, one, sk, func() ([]*kehoach.UnitProgress, int, error) {
			r := slices.Clone(rows)
			kehoach.SortBreakdown(r, q.Sort)
			return r, len(r) / 16, err // pointers only: the rows are those of k
		})
	}
	if err != nil {
		return nil, err
	}
	page := kehoach.PageOfBreakdown(rows, q)
	// The versions, the question and the page name the rows exactly.
	page.Version = fmt.Sprintf("%s/%s/%d+%d", k.name(v), q.Sort, q.Offset, q.Limit)
	return page, nil
}
