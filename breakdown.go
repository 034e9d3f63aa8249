package kehoach

import (
	"bytes"
	"cmp"
	"context"
	"slices"
)

// A target's breakdown by unit can be 100,000 villages long: it is sorted
// and cut into pages on the server (issue 16), in one of these orders.
const (
	SortLagging   = ""       // as the engine ranks it: no figures, then the furthest from the target, then the rest
	SortName      = "name"   // by name, Vietnamese order (A < Ă < Â, D < Đ)
	SortValue     = "value"  // lowest value first; units without figures before all
	SortValueDesc = "-value" // highest value first; units without figures before all
	SortStatus    = "status" // no figures, not met, at risk, on track, achieved; by name within each
)

// BreakdownSorts are the orders SortBreakdown knows.
var BreakdownSorts = []string{SortLagging, SortName, SortValue, SortValueDesc, SortStatus}

// BreakdownQuery asks for one page of a target's breakdown.
type BreakdownQuery struct {
	Kind   string // the kind of units (commune, village, school…)
	Period string // the period id
	Date   Date   // the tree of that day (issue 10); "" the units as they were
	Sort   string // one of BreakdownSorts
	Offset int    // the first row of the page, from 0
	Limit  int    // rows in the page; 0 or less: all of them
}

// BreakdownPage is one page of a breakdown and the length of the whole.
type BreakdownPage struct {
	Rows  []*UnitProgress
	Total int
	// Version names the rows' content: two pages of the same Version hold
	// the same rows ("": not known). The pages that keep what they render
	// compare it rather than the rows (speed, issue 16).
	Version string
}

// BreakdownPager answers a page of a breakdown without handing over the
// rest (analytics.Cached sorts each order once per data version).
// EINVALID for a malformed period or date, ENOTFOUND for an unknown
// indicator or scope.
type BreakdownPager interface {
	TargetBreakdownPage(ctx context.Context, t *Target, q BreakdownQuery) (*BreakdownPage, error)
}

// SortBreakdown orders rows by sort (one of BreakdownSorts; SortLagging
// and any unknown sort leave them in the order given). Equal rows keep
// their order. Names are compared by their collation keys (Unit.NameKey):
// comparing with the collator at each step of sorting 100,000 villages
// costs seconds.
func SortBreakdown(rows []*UnitProgress, sort string) {
	switch sort {
	case SortName, SortStatus:
		type keyed struct {
			r    *UnitProgress
			rank int
			key  []byte
		}
		ks := make([]keyed, len(rows))
		for i, r := range rows {
			ks[i] = keyed{r, 0, r.Unit.NameKey()}
			if sort == SortStatus {
				ks[i].rank = statusRank(r.Status)
			}
		}
		slices.SortStableFunc(ks, func(a, b keyed) int {
			if c := cmp.Compare(a.rank, b.rank); c != 0 {
				return c
			}
			return bytes.Compare(a.key, b.key)
		})
		for i, k := range ks {
			rows[i] = k.r
		}
	case SortValue, SortValueDesc:
		sign := 1
		if sort == SortValueDesc {
			sign = -1
		}
		slices.SortStableFunc(rows, func(a, b *UnitProgress) int {
			if a.Point.HasValue != b.Point.HasValue {
				if a.Point.HasValue {
					return 1
				}
				return -1
			}
			return sign * cmp.Compare(a.Point.Value, b.Point.Value)
		})
	}
}

// statusRank puts the statuses worst first for SortStatus.
func statusRank(s string) int {
	switch s {
	case StatusNoData:
		return 0
	case StatusOffTrack:
		return 1
	case StatusAtRisk:
		return 2
	case StatusOnTrack:
		return 3
	case StatusAchieved:
		return 4
	}
	return 5
}

// PageOfBreakdown cuts the page q asks out of rows already sorted.
func PageOfBreakdown(rows []*UnitProgress, q BreakdownQuery) *BreakdownPage {
	from := min(max(q.Offset, 0), len(rows))
	to := len(rows)
	if q.Limit > 0 {
		to = min(to, from+q.Limit)
	}
	return &BreakdownPage{Rows: slices.Clone(rows[from:to]), Total: len(rows)}
}
