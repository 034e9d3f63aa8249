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
// before by the caller), without its tasks. A plan read while a newer
// counter was written is not kept past that counter's next read.
func (c *metaCache) plan(ctx context.Context, db *DB, mn, id int64) (*kehoach.Plan, error) {
	var p *kehoach.Plan
	c.mu.Lock()
	if c.at(mn) {
		p = c.plans[id]
	}
	c.mu.Unlock()
	if p == nil {
		var err error
		if p, err = db.readPlan(ctx, id); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.metaN == mn {
			c.plans[id] = p
		}
		c.mu.Unlock()
	}
	return copyPlan(p), nil
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
	var es []*kehoach.DataElement
	c := &db.meta
	c.mu.Lock()
	if c.at(mn) {
		es = c.elements
	}
	c.mu.Unlock()
	if es == nil {
		if es, err = db.readDataElements(ctx); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.metaN == mn {
			c.elements = es
		}
		c.mu.Unlock()
	}
	out := make([]*kehoach.DataElement, len(es))
	for i, e := range es {
		x := *e
		x.UnitKinds = slices.Clone(e.UnitKinds)
		out[i] = &x
	}
	return out, nil
}
