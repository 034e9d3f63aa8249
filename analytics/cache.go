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
// data version (issue 16): a plan's progress and a target's breakdown are
// kept per (data version, metadata version, the targets as asked, the
// period, the kind), so that fifty people reading the plan cost one
// computation, not fifty. It is never stale: each call first catches the
// engine up with the database (Refresh, one query of the versions), and a
// result is found only under the versions the engine has then; one saved
// figure moves the data version and so misses every entry. The other
// methods are the Engine's own.
type Cached struct {
	*Engine
	// MaxEntries bounds the results kept for one version; zero means 512.
	MaxEntries int
	// MaxRows bounds the breakdown rows kept for one version (a breakdown
	// by village of the country is 100,000 rows, some 15 MB, and each of
	// its sorts 0.8 MB more); zero means 2,000,000.
	MaxRows int

	seed maphash.Seed
	mu   sync.Mutex
	ver  [3]int64 // the versions the entries are of: data, metadata, approvals
	plan map[cacheKey][]*kehoach.TargetProgress
	unit map[cacheKey][]*kehoach.UnitProgress // by sort too
	rows int                                  // in unit
	// flights are the computations under way: fifty readers missing the
	// same entry after a save wait for one computation, not fifty.
	flights map[flightKey]*flight
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

func writeFloat(h *maphash.Hash, f float64) {
	var b [8]byte
	v := math.Float64bits(f)
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	h.Write(b[:])
}

// versions returns the versions the engine has applied: its figures, its
// metadata, and the approved grids (an approval changes what a reader of
// approved figures sees without a new figure; issue 9).
func (c *Cached) versions() [3]int64 {
	c.Engine.mu.RLock()
	defer c.Engine.mu.RUnlock()
	return [3]int64{c.Engine.dataVersion, c.Engine.metaVersion, c.Engine.approvalVersion}
}

// once returns the entry of k at version v, computing it (once, however
// many ask at the same time) when there is none. size counts the rows the
// entry holds (0 for a plan's progress).
func once[T any](c *Cached, plan bool, v [3]int64, k cacheKey, compute func() (T, int, error)) (T, error) {
	m := func() map[cacheKey]T { // the map of T: plan or unit
		var x any = c.plan
		if !plan {
			x = c.unit
		}
		return x.(map[cacheKey]T)
	}
	// The computation runs on without the first asker's cancellation (see
	// the callers' context.WithoutCancel): the others wait for it.
	fk := flightKey{v, k, plan}
	c.mu.Lock()
	if c.ver == v && c.plan != nil {
		if r, ok := m()[k]; ok {
			c.mu.Unlock()
			return r, nil
		}
	}
	if f := c.flights[fk]; f != nil {
		c.mu.Unlock()
		<-f.done
		r, _ := f.val.(T)
		return r, f.err
	}
	f := &flight{done: make(chan struct{})}
	c.flights[fk] = f
	c.mu.Unlock()

	r, size, err := compute()
	f.val, f.err = r, err
	// Keep r only if the engine is still at version v (else r may be of a
	// newer version than v, or an older one than the entries).
	still := c.versions() == v
	c.mu.Lock()
	delete(c.flights, fk)
	if err == nil && still {
		maxEntries, maxRows := cmp.Or(c.MaxEntries, 512), cmp.Or(c.MaxRows, 2_000_000)
		if c.ver != v || c.plan == nil || len(c.plan)+len(c.unit) >= maxEntries || c.rows+size > maxRows {
			c.ver, c.rows = v, 0
			c.plan = map[cacheKey][]*kehoach.TargetProgress{}
			c.unit = map[cacheKey][]*kehoach.UnitProgress{}
		}
		m()[k] = r
		c.rows += size
	}
	c.mu.Unlock()
	close(f.done)
	return r, err
}

// PlanProgress is Engine.PlanProgress, computed once per version. The
// answer's TargetProgress values are the caller's own copies, pointing to
// the caller's targets; their series are shared and must not be changed.
func (c *Cached) PlanProgress(ctx context.Context, plan *kehoach.Plan, asOf string) ([]*kehoach.TargetProgress, error) {
	return c.PlanProgressUnder(ctx, plan, asOf, "")
}

// PlanProgressUnder is Engine.PlanProgressUnder, computed once per
// version and day: the plan page reads the plan under today's tree beside
// the plan as it was (issue 10), and that reading was the page's whole
// cost when it went past the cache (issue 16).
func (c *Cached) PlanProgressUnder(ctx context.Context, plan *kehoach.Plan, asOf string, date kehoach.Date) ([]*kehoach.TargetProgress, error) {
	if err := c.Engine.Refresh(ctx); err != nil {
		return nil, err
	}
	v, k := c.versions(), c.key(ctx, plan.Targets, asOf, "", date, plan.CoverageThreshold)
	got, err := once(c, true, v, k, func() ([]*kehoach.TargetProgress, int, error) {
		r, err := c.Engine.PlanProgressUnder(context.WithoutCancel(ctx), plan, asOf, date)
		return r, 0, err
	})
	if err != nil {
		return nil, err
	}
	out := make([]*kehoach.TargetProgress, len(got))
	for i, tp := range got {
		cp := *tp
		if i < len(plan.Targets) {
			cp.Target = plan.Targets[i]
		}
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
	if err := c.Engine.Refresh(ctx); err != nil {
		return nil, err
	}
	v, k := c.versions(), c.key(ctx, []*kehoach.Target{t}, q.Period, q.Kind, q.Date, 0)
	rows, err := once(c, false, v, k, func() ([]*kehoach.UnitProgress, int, error) {
		r, err := c.Engine.TargetBreakdownUnder(context.WithoutCancel(ctx), t, q.Kind, q.Period, q.Date)
		return r, len(r), err
	})
	if err == nil && q.Sort != kehoach.SortLagging && slices.Contains(kehoach.BreakdownSorts, q.Sort) {
		sk := k
		sk.sort = q.Sort
		rows, err = once(c, false, v, sk, func() ([]*kehoach.UnitProgress, int, error) {
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
	page.Version = fmt.Sprintf("%d.%d.%d/%x/%s/%s/%s/%v/%s/%d+%d", v[0], v[1], v[2], k.targets, k.pid, k.kind, k.date, k.approved, q.Sort, q.Offset, q.Limit)
	return page, nil
}
