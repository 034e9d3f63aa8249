package analytics

import (
	"math"
	"testing"

	"kehoach"
)

// pts makes yearly points from values; NaN means no figure that year.
func pts(vals ...float64) []kehoach.Point {
	out := make([]kehoach.Point, len(vals))
	for i, v := range vals {
		if !math.IsNaN(v) {
			out[i] = kehoach.Point{Value: v, HasValue: true}
		}
	}
	return out
}

func TestStatus(t *testing.T) {
	nan := math.NaN()
	ge := &kehoach.Target{Op: kehoach.OpGE, Value: 90}
	le := &kehoach.Target{Op: kehoach.OpLE, Value: 10}
	lt := &kehoach.Target{Op: kehoach.OpLT, Value: 10} // "dưới 10%" (issue 15)
	for _, tc := range []struct {
		name       string
		target     *kehoach.Target
		points     []kehoach.Point
		toDeadline int
		want       string
		proj       float64
	}{
		{"already achieved", ge, pts(70, 80, 91), 1, kehoach.StatusAchieved, 91},
		{"flat below target", ge, pts(70, 70, 70, 70), 1, kehoach.StatusOffTrack, 70},
		{"rising fast enough", ge, pts(60, 70, 80), 1, kehoach.StatusOnTrack, 90},
		{"rising, close but short", ge, pts(60, 66, 72, 78), 1, kehoach.StatusAtRisk, 84},
		{"rising too slowly", ge, pts(60, 62, 64, 66), 1, kehoach.StatusOffTrack, 68},
		{"falling", ge, pts(80, 78, 76), 2, kehoach.StatusOffTrack, 72},
		{"missing years fit on the rest", ge, pts(60, nan, 80), 1, kehoach.StatusOnTrack, 90},
		{"single point is flat", ge, pts(85), 2, kehoach.StatusOffTrack, 85},
		{"deadline reached, not met", ge, pts(70, 80, 85), 0, kehoach.StatusOffTrack, 85},
		{"no figure", ge, pts(nan, nan), 1, kehoach.StatusNoData, 0},
		{"lower is better, falling fast enough", le, pts(30, 20, 15), 1, kehoach.StatusOnTrack, 6.67},
		{"lower is better, rising", le, pts(20, 25), 1, kehoach.StatusOffTrack, 30},
		{"strictly below, reached", lt, pts(30, 20, 9), 1, kehoach.StatusAchieved, 9},
		{"strictly below: on the value is not below it", lt, pts(30, 20, 10), 0, kehoach.StatusOffTrack, 10},
		{"strictly below, falling fast enough", lt, pts(30, 20, 15), 1, kehoach.StatusOnTrack, 6.67},
		{"strictly below, rising", lt, pts(20, 25), 1, kehoach.StatusOffTrack, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := len(tc.points) - 1
			baseline := tc.points[0]
			got, proj, _ := Status(tc.target, tc.points, baseline, at, tc.toDeadline)
			if got != tc.want {
				t.Errorf("status = %s, want %s (projection %.2f)", got, tc.want, proj)
			}
			if tc.want != kehoach.StatusNoData && math.Abs(proj-tc.proj) > 0.01 {
				t.Errorf("projection = %.2f, want %.2f", proj, tc.proj)
			}
		})
	}
}
