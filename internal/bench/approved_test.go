package bench

import (
	"context"
	"testing"

	"kehoach"
)

// The cost of approved-only reads (issue 9): Q1–Q3 asked for approved
// figures only, beside BenchmarkQ1–Q3 (all figures, with coverage).

func benchApproved(b *testing.B, req func(*Questions) *kehoach.AnalyticsRequest) {
	benchQueryIn(kehoach.NewContextWithFigures(context.Background(), kehoach.FiguresApproved), b, req)
}

func BenchmarkQ1Approved(b *testing.B) { benchApproved(b, (*Questions).Q1) }
func BenchmarkQ2Approved(b *testing.B) { benchApproved(b, (*Questions).Q2) }
func BenchmarkQ3Approved(b *testing.B) { benchApproved(b, (*Questions).Q3) }
