package bench

import (
	"context"
	"testing"

	"kehoach"
)

// The cost of coverage and of approved-only reads (issue 9): Q1–Q3 with the
// coverage columns (includeCoverage), and asked for approved figures only,
// beside BenchmarkQ1–Q3 (all figures, no coverage asked, none counted):
//
//	KEHOACH_BENCH_DB=sqlite:gen-national.db go test ./internal/bench -run XXX -bench 'Q[123]' -benchtime 20x

func benchApproved(b *testing.B, req func(*Questions) *kehoach.AnalyticsRequest) {
	benchQueryIn(kehoach.NewContextWithFigures(context.Background(), kehoach.FiguresApproved), b, req)
}

func BenchmarkQ1Approved(b *testing.B) { benchApproved(b, (*Questions).Q1) }
func BenchmarkQ2Approved(b *testing.B) { benchApproved(b, (*Questions).Q2) }
func BenchmarkQ3Approved(b *testing.B) { benchApproved(b, (*Questions).Q3) }

func benchCoverage(b *testing.B, req func(*Questions) *kehoach.AnalyticsRequest) {
	benchQuery(b, func(q *Questions) *kehoach.AnalyticsRequest {
		r := *req(q)
		r.IncludeCoverage = true
		return &r
	})
}

func BenchmarkQ1Coverage(b *testing.B) { benchCoverage(b, (*Questions).Q1) }
func BenchmarkQ2Coverage(b *testing.B) { benchCoverage(b, (*Questions).Q2) }
func BenchmarkQ3Coverage(b *testing.B) { benchCoverage(b, (*Questions).Q3) }
