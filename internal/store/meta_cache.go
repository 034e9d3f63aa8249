package store

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"kehoach"
)

// The metadata cache (issue 16). The plan and target pages read a plan
// (five queries: the header, sections, targets, settings, milestones) and
// the target page the data elements on every request: at the national
// scale, with 50 readers, those queries were a quarter of a page's time.
// Plans, bundles, the library and the unit tree change only with the
// "meta" counter (every write of them bumps it, as the analytics engine
// relies on), so what they read is kept under it; a read compares the
// counter with one primary-key query, so a change through any server is
// in the next answer, as with figures and tasks.

// metaCache holds what was read at one value of the "meta" counter.
type metaCache struct {
	mu       sync.Mutex
	metaN    int64
	plans    map[int64]*kehoach.Plan // without tasks; never handed out
	elements []*kehoach.DataElement  // nil: not read yet
}

// at empties the cache when the counter moved on, and reports whether
// it is of mn (a reader who read an older counter reads past it);
// callers hold c.mu.
func (c *metaCache) at(mn int64) bool {
	if c.plans == nil || c.metaN < mn {
		c.metaN, c.plans, c.elements = mn, map[int64]*kehoach.Plan{}, nil
	}
	return c.metaN == mn
}

// plan returns a copy of plan id as read at meta counter mn (read just
// before by the caller), without its tasks.
func (c *metaCache) plan(ctx context.Context, db *DB, mn, id int64) (*kehoach.Plan, error) {
	p, err := keptAt(c, mn,
		func() (*kehoach.Plan, bool) { p, ok := c.plans[id]; return p, ok },
		func() (*kehoach.Plan, error) { return db.readPlan(ctx, id) },
		func(p *kehoach.Plan) { c.plans[id] = p })
	if err != nil {
		return nil, err
	}
	return copyPlan(p), nil
}

// keptAt returns what get finds in c at counter mn (read just before by
// the caller), else what read reads, kept by put while c is still of mn:
// what was read while a newer counter was written is not kept past that
// counter's next read. get and put run under c.mu; read does not.
func keptAt[T any](c *metaCache, mn int64, get func() (T, bool), read func() (T, error), put func(T)) (T, error) {
	var v T
	ok := false
	c.mu.Lock()
	if c.at(mn) {
		v, ok = get()
	}
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := read()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.metaN == mn {
		put(v)
	}
	c.mu.Unlock()
	return v, nil
}

// copyPlan copies p deeply enough that the caller may change anything
// it holds (the pages scope plans and set their targets' fields).
func copyPlan(p *kehoach.Plan) *kehoach.Plan {
	cp := *p
	cp.Sections = make([]*kehoach.Section, len(p.Sections))
	for i, s := range p.Sections {
		x := *s
		cp.Sections[i] = &x
	}
	cp.Targets = make([]*kehoach.Target, len(p.Targets))
	for i, t := range p.Targets {
		x := *t
		x.Milestones = slices.Clone(t.Milestones)
		cp.Targets[i] = &x
	}
	cp.Tasks = nil
	return &cp
}

// metaVersion reads the "meta" counter.
func (db *DB) metaVersion(ctx context.Context) (int64, error) {
	var n int64
	if err := db.read.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = 'meta'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: meta version: %w", err)
	}
	return n, nil
}

// FindDataElements returns all data elements, with the period type of
// the first form that collects each, from the metadata cache.
func (db *DB) FindDataElements(ctx context.Context) ([]*kehoach.DataElement, error) {
	mn, err := db.metaVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &db.meta
	es, err := keptAt(c, mn,
		func() ([]*kehoach.DataElement, bool) { return c.elements, c.elements != nil },
		func() ([]*kehoach.DataElement, error) { return db.readDataElements(ctx) },
		func(es []*kehoach.DataElement) { c.elements = es })
	if err != nil {
		return nil, err
	}
	out := make([]*kehoach.DataElement, len(es))
	for i, e := range es {
		x := *e
		x.UnitKinds = slices.Clone(e.UnitKinds)
		out[i] = &x
	}
	return out, nil
}
