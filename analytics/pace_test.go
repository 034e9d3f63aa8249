package analytics

import (
	"math"
	"testing"

	"kehoach"
)

func TestPace(t *testing.T) {
	t.Parallel()
	pts := func(vs ...float64) []kehoach.Point {
		var out []kehoach.Point
		for _, v := range vs {
			out = append(out, kehoach.Point{Value: v, HasValue: !math.IsNaN(v)})
		}
		return out
	}
	ge := &kehoach.Target{Op: kehoach.OpGE, Value: 88}
	le := &kehoach.Target{Op: kehoach.OpLE, Value: 2}
	nan := math.NaN()
	tests := []struct {
		name        string
		t           *kehoach.Target
		series      []kehoach.Point
		asOf, left  int
		need, trend float64
		ok          bool
	}{
		{"rising too slowly", ge, pts(80, 80.8, 81.6), 2, 3, 2.1333, 0.8, true},
		{"one point: flat trend", ge, pts(80), 0, 4, 2, 0, true},
		{"a gap in the series", ge, pts(80, nan, 82), 2, 2, 3, 1, true},
		{"falling target", le, pts(5, 4.5), 1, 2, -1.25, -0.5, true},
		{"met already", ge, pts(85, 90), 1, 1, 0, 0, false},
		{"deadline come", ge, pts(80, 81), 1, 0, 0, 0, false},
		{"no current value", ge, pts(80, nan), 1, 2, 0, 0, false},
	}
	for _, tc := range tests {
		need, trend, ok := Pace(tc.t, tc.series, tc.asOf, tc.left)
		if ok != tc.ok || math.Abs(need-tc.need) > 1e-3 || math.Abs(trend-tc.trend) > 1e-9 {
			t.Errorf("%s: Pace = %v, %v, %v; want %v, %v, %v", tc.name, need, trend, ok, tc.need, tc.trend, tc.ok)
		}
	}
	if m := Milestones(ge, kehoach.Point{Value: 80, HasValue: true}, 5); len(m) != 5 || m[0] != 80 || m[2] != 84 || m[4] != 88 {
		t.Errorf("Milestones = %v, want 80 82 84 86 88", m)
	}
	if m := Milestones(ge, kehoach.Point{}, 5); m != nil {
		t.Errorf("Milestones without a baseline = %v", m)
	}
}
