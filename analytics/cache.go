package analytics

import (
	"context"
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

	seed maphash.Seed
	mu   sync.Mutex
	ver  [3]int64 // the versions the entries are of: data, metadata, approvals
	plan map[cacheKey][]*kehoach.TargetProgress
	unit map[cacheKey][]*kehoach.UnitProgress
}

// NewCached wraps e.
func NewCached(e *Engine) *Cached {
	return &Cached{Engine: e, seed: maphash.MakeSeed()}
}

// cacheKey names a question: a hash of the targets as asked (their code,
// indicator, scope, rule, value and periods), its period and kind, which
// figures it reads (approved only or all, from the context) and the plan's
// coverage threshold (both change the answer: issue 9).
type cacheKey struct {
	targets   uint64
	pid, kind string
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
		var b [8]byte
		v := math.Float64bits(t.Value)
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
		h.Write(b[:])
	}
	return cacheKey{h.Sum64(), pid, kind, date, figuresMode(ctx), threshold}
}

// versions returns the versions the engine has applied: its figures, its
// metadata, and the approved grids (an approval changes what a reader of
// approved figures sees without a new figure; issue 9).
func (c *Cached) versions() [3]int64 {
	c.Engine.mu.RLock()
	defer c.Engine.mu.RUnlock()
	return [3]int64{c.Engine.dataVersion, c.Engine.metaVersion, c.Engine.approvalVersion}
}

// lookup returns the entry of k in m when the entries are of version v.
func lookup[T any](c *Cached, m map[cacheKey]T, v [3]int64, k cacheKey) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero T
	if c.ver != v || m == nil {
		return zero, false
	}
	r, ok := m[k]
	return r, ok
}

// store keeps r under k if the engine is still at version v (else r may
// be of a newer version than v, or an older one than the entries).
func (c *Cached) store(v [3]int64, put func()) {
	if c.versions() != v {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := c.MaxEntries
	if limit <= 0 {
		limit = 512
	}
	if c.ver != v || len(c.plan)+len(c.unit) >= limit {
		c.ver = v
		c.plan = map[cacheKey][]*kehoach.TargetProgress{}
		c.unit = map[cacheKey][]*kehoach.UnitProgress{}
	}
	put()
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
	got, ok := lookup(c, c.plan, v, k)
	if !ok {
		var err error
		if got, err = c.Engine.PlanProgressUnder(ctx, plan, asOf, date); err != nil {
			return nil, err
		}
		c.store(v, func() { c.plan[k] = got })
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
	if err := c.Engine.Refresh(ctx); err != nil {
		return nil, err
	}
	v, k := c.versions(), c.key(ctx, []*kehoach.Target{t}, pid, kind, date, 0)
	got, ok := lookup(c, c.unit, v, k)
	if !ok {
		var err error
		if got, err = c.Engine.TargetBreakdownUnder(ctx, t, kind, pid, date); err != nil {
			return nil, err
		}
		c.store(v, func() { c.unit[k] = got })
	}
	return slices.Clone(got), nil
}
