package kehoach

import (
	"context"
	"sync"
)

// Which figures a leader or a report reads (issue 9): every saved figure,
// drafts included and marked, or only those of approved grids.
const (
	FiguresAll      = "all"
	FiguresApproved = "approved"
)

type figuresKey struct{}

// NewContextWithFigures returns ctx asking the analytics for the figures
// named (FiguresAll or FiguresApproved). It travels in the context, as the
// actor does, so that every caller of AnalyticsService (pages, the API,
// reports) chooses without each method growing a parameter.
func NewContextWithFigures(ctx context.Context, which string) context.Context {
	return context.WithValue(ctx, figuresKey{}, which)
}

// FiguresFromContext returns the figures ctx asks for: FiguresAll unless
// FiguresApproved was asked.
func FiguresFromContext(ctx context.Context) string {
	if v, _ := ctx.Value(figuresKey{}).(string); v == FiguresApproved {
		return FiguresApproved
	}
	return FiguresAll
}

type oneVersionKey struct{}

// OneVersion is what a read-only request has read, per service (issue
// 16): a page asks the analytics several things (the plan's targets, the
// same under today's tree, a breakdown) and shows one version of the
// figures, the one its first question was answered from; the service
// asks the database for its versions once per page, not per question.
type OneVersion struct {
	mu sync.Mutex
	m  map[any]any
}

// NewContextWithOneVersion returns ctx with an empty OneVersion. For
// reads only: a request that saves and then reads must not use it.
func NewContextWithOneVersion(ctx context.Context) context.Context {
	return context.WithValue(ctx, oneVersionKey{}, &OneVersion{})
}

// OneVersionFromContext returns ctx's OneVersion, nil when it has none.
func OneVersionFromContext(ctx context.Context) *OneVersion {
	o, _ := ctx.Value(oneVersionKey{}).(*OneVersion)
	return o
}

// Get returns what was kept under key, nil when nothing was.
func (o *OneVersion) Get(key any) any {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.m[key]
}

// Keep keeps v under key unless something is kept there already, and
// returns what is kept.
func (o *OneVersion) Keep(key, v any) any {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[any]any{}
	}
	if old, ok := o.m[key]; ok {
		return old
	}
	o.m[key] = v
	return v
}
