package analytics

import (
	"maps"
	"slices"
	"sync"

	"kehoach"
	"kehoach/period"
)

// A target's series is a point a year from its baseline to its deadline,
// each read over its scope's units (100,000 villages for the country).
// A save changes the figures of one period, and the points of the years
// before it stay as they were: a point of period p reads only figures of
// periods that begin by p's end (a flow's within p, a stock's and its
// report's on or before it; nothing expr reads looks ahead). So the
// points of targets' series are kept across data versions, each with the
// version it was read at, and served while no figure it could read has
// changed since (state.unchanged): a save recomputes the years it falls
// in, not ten (issue 16 point 8).

// pointCache holds the points of targets' series for one load of the
// metadata (a new load starts an empty one). Safe for concurrent use.
type pointCache struct {
	mu sync.Mutex
	m  map[pointKey]keptPoint
}

// pointCacheMax bounds the points kept: past it, the cache starts afresh
// (a plan of 50 targets over 10 years under two trees is 1,000 points).
const pointCacheMax = 100_000

type pointKey struct {
	ind       string
	unit      int32
	p         period.Period
	approved  bool
	date      string // the tree's day, "" as it was
	approvals int64  // the approved grids' version
}

type keptPoint struct {
	pt kehoach.Point
	at int64 // the data version it was read at
}

func newPointCache() *pointCache { return &pointCache{m: map[pointKey]keptPoint{}} }

// edits records, by period ordinal, the latest data version at which a
// figure of that period changed, for an element or a report. Published
// states share it: a writer clones it before recording (edited).
type edits map[int]int64

// newer reports whether a figure of a period of type t beginning by end
// changed after version since.
func (ed edits) newer(t period.Type, end period.Period, since int64) bool {
	last := end.End()
	for o, v := range ed {
		if v > since && !fromOrdinal(t, o).Start().After(last) {
			return true
		}
	}
	return false
}

// unchanged reports whether no figure that a point of ind at p reads has
// changed after version since: neither of its elements nor of the other
// elements of their reports (a stock is carried by whole report).
func (e *state) unchanged(ind *indicator, p period.Period, since int64) bool {
	for _, x := range ind.elems {
		if x.edits.newer(x.ptype, p, since) || x.report != nil && x.report.edits.newer(x.report.ptype, p, since) {
			return false
		}
	}
	return true
}

// seriesPoint is pointUnder for a target's series, kept across versions.
func (e *state) seriesPoint(v *hview, ind *indicator, u int32, p period.Period, approved bool) kehoach.Point {
	if e.kept == nil {
		return e.pointUnder(v, ind, u, p, approved)
	}
	k := pointKey{ind: ind.ind.Code, unit: u, p: p, approved: approved, approvals: e.approvalVersion}
	if v != nil {
		k.date = v.date
	}
	c := e.kept
	c.mu.Lock()
	kept, ok := c.m[k]
	c.mu.Unlock()
	// A point read at a later version than e's may hold figures e has not.
	if ok && kept.at <= e.dataVersion && e.unchanged(ind, p, kept.at) {
		return kept.pt
	}
	pt := e.pointUnder(v, ind, u, p, approved)
	c.mu.Lock()
	if len(c.m) >= pointCacheMax {
		clear(c.m)
	}
	if old, ok := c.m[k]; !ok || old.at <= e.dataVersion {
		c.m[k] = keptPoint{pt, e.dataVersion}
	}
	c.mu.Unlock()
	return pt
}

// edited records that a figure of x of ordinal o changed at version v,
// and, when the unit's report for it came or went (reportMoved), that its
// report did, in maps of the writer's own (cloned once per state: mine).
func (x *element) edited(o int, v int64, reportMoved bool, mine map[any]bool) {
	if !mine[x] {
		x.edits, mine[x] = maps.Clone(x.edits), true
		if x.edits == nil {
			x.edits = edits{}
		}
	}
	x.edits[o] = v
	if rp := x.report; rp != nil && reportMoved {
		if !mine[rp] {
			rp.edits, mine[rp] = maps.Clone(rp.edits), true
			if rp.edits == nil {
				rp.edits = edits{}
			}
		}
		rp.edits[o] = v
	}
}

// unitEdit is one figure saved: the data version, the unit and the
// element (state.log).
type unitEdit struct {
	version int64
	unit    int32
	element int64
}

// logMax bounds the log of figures saved; past it the older half goes
// (logFrom moves), and a breakdown older than the log is read whole.
const logMax = 8192

// logged records the figures of a batch saved at version upto. The log is
// shared with the state before, appended to only: a published state reads
// its own length of it.
func (e *state) logged(batch []RawValue, upto int64) {
	for _, v := range batch {
		if u, ok := e.unitByID[v.UnitID]; ok {
			e.log = append(e.log, unitEdit{upto, u, v.ElementID})
		}
	}
	if len(e.log) > logMax {
		drop := len(e.log) - logMax/2
		e.logFrom = e.log[drop-1].version
		e.log = slices.Clone(e.log[drop:])
	}
}

// touchedSince returns the units whose figures for ind changed after
// version since — a figure of its elements, or of another element of
// their reports (a stock is carried by whole report) — with every unit
// above them in the tree as it was; nil when e cannot tell (since is older
// than its log) or when so many changed that reading all is as quick.
func (e *state) touchedSince(ind *indicator, since int64) map[int32]bool {
	if since < e.logFrom {
		return nil
	}
	reads := func(id int64) bool {
		x := e.elementByID[id]
		if x == nil {
			return false
		}
		for _, y := range ind.elems {
			if y == x || x.report != nil && y.report == x.report {
				return true
			}
		}
		return false
	}
	out := map[int32]bool{}
	for i := len(e.log) - 1; i >= 0 && e.log[i].version > since; i-- {
		ed := e.log[i]
		if !reads(ed.element) {
			continue
		}
		if len(out) > 1000 {
			return nil
		}
		for u := ed.unit; u >= 0 && !out[u]; u = e.units[u].parent {
			out[u] = true
		}
	}
	return out
}
