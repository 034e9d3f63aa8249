package kehoach

import "context"

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
