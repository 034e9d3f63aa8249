package analytics

import (
	"math"
	"strconv"
	"testing"

	"kehoach"
	"kehoach/period"
)

func years(from, to int) []period.Period {
	a, _ := period.Parse(strconv.Itoa(from))
	b, _ := period.Parse(strconv.Itoa(to))
	return period.Range(a, b)
}

// TestStatusMilestones is the status rule with the planner's milestones
// (docs/targets.md): the current value against the milestone path of its
// year. The first cases fail with the straight line (Status alone).
func TestStatusMilestones(t *testing.T) {
	nan := math.NaN()
	// Baseline 2022 (first point), deadline 2026 (index 4).
	backLoaded := []kehoach.Milestone{{Period: "2023", Value: 61}, {Period: "2024", Value: 63}, {Period: "2025", Value: 75}}
	frontLoaded := []kehoach.Milestone{{Period: "2023", Value: 80}, {Period: "2024", Value: 89}}
	for _, tc := range []struct {
		name       string
		op         string
		value      float64
		milestones []kehoach.Milestone
		points     []kehoach.Point
		want       string // with the milestones
		straight   string // Status alone (the straight line, projected)
		path       float64
	}{
		{"slow start the plan foresaw", kehoach.OpGE, 90, backLoaded, pts(60, 61, 64), kehoach.StatusOnTrack, kehoach.StatusOffTrack, 63},
		{"good trend behind an early milestone", kehoach.OpGE, 90, frontLoaded, pts(60, 75, 82), kehoach.StatusAtRisk, kehoach.StatusOnTrack, 89},
		{"far behind the milestone", kehoach.OpGE, 90, frontLoaded, pts(60, 62, 65), kehoach.StatusOffTrack, kehoach.StatusOffTrack, 89},
		{"interpolated between baseline and a later milestone", kehoach.OpGE, 90, []kehoach.Milestone{{Period: "2025", Value: 66}}, pts(60, 62, 64), kehoach.StatusOnTrack, kehoach.StatusOffTrack, 64},
		{"a quarter's milestone counts in its year", kehoach.OpGE, 90, []kehoach.Milestone{{Period: "2024Q4", Value: 63}}, pts(60, 61, 64), kehoach.StatusOnTrack, kehoach.StatusOffTrack, 63},
		{"lower is better, on the milestone", kehoach.OpLE, 10, []kehoach.Milestone{{Period: "2024", Value: 28}}, pts(30, 29, 28), kehoach.StatusOnTrack, kehoach.StatusOffTrack, 28},
		{"achieved wins over milestones", kehoach.OpGE, 90, frontLoaded, pts(60, 75, 91), kehoach.StatusAchieved, kehoach.StatusAchieved, 89},
		{"a gap year still compares", kehoach.OpGE, 90, backLoaded, pts(60, nan, 63), kehoach.StatusOnTrack, kehoach.StatusOffTrack, 63},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := &kehoach.Target{Op: tc.op, Value: tc.value, BaselinePeriod: "2022", Deadline: "2026", Milestones: tc.milestones}
			periods := years(2022, 2026)
			path, planned := MilestonePath(tg, tc.points[0], periods)
			if !planned || len(path) != 5 {
				t.Fatalf("MilestonePath = %v, %v; want a planned path of 5", path, planned)
			}
			at := len(tc.points) - 1
			if math.Abs(path[at]-tc.path) > 1e-9 {
				t.Errorf("path[%d] = %v, want %v (path %v)", at, path[at], tc.path, path)
			}
			if path[4] != tc.value || path[0] != tc.points[0].Value {
				t.Errorf("path %v does not run from the baseline to the target", path)
			}
			got, _, _ := StatusOnPath(tg, tc.points, tc.points[0], at, 4-at, path)
			if got != tc.want {
				t.Errorf("with milestones: status = %s, want %s", got, tc.want)
			}
			if s, _, _ := Status(tg, tc.points, tc.points[0], at, 4-at); s != tc.straight {
				t.Errorf("straight line: status = %s, want %s", s, tc.straight)
			}
		})
	}
}

func TestMilestonePathWithout(t *testing.T) {
	tg := &kehoach.Target{Op: kehoach.OpGE, Value: 88, BaselinePeriod: "2022", Deadline: "2026"}
	periods := years(2022, 2026)
	path, planned := MilestonePath(tg, kehoach.Point{Value: 80, HasValue: true}, periods)
	if planned || len(path) != 5 || path[2] != 84 {
		t.Errorf("no milestones: path %v, planned %v; want the straight line 80…88", path, planned)
	}
	tg.Milestones = []kehoach.Milestone{{Period: "2024", Value: 83}}
	if path, planned := MilestonePath(tg, kehoach.Point{}, periods); path != nil || planned {
		t.Errorf("no baseline: path %v, planned %v; want none", path, planned)
	}
	// A milestone outside the horizon is not a milestone of this series.
	tg.Milestones = []kehoach.Milestone{{Period: "2030", Value: 83}}
	if _, planned := MilestonePath(tg, kehoach.Point{Value: 80, HasValue: true}, periods); planned {
		t.Error("a milestone after the deadline shaped the path")
	}
}

func TestNextMilestone(t *testing.T) {
	tg := &kehoach.Target{Op: kehoach.OpGE, Value: 90, BaselinePeriod: "2022", Deadline: "2026",
		Milestones: []kehoach.Milestone{{Period: "2025", Value: 75}, {Period: "2023", Value: 61}}}
	periods := years(2022, 2026)
	for _, tc := range []struct {
		asOf  int
		want  string
		steps int
	}{{0, "2023", 1}, {1, "2025", 2}, {2, "2025", 1}, {3, "2026", 1}} {
		next, steps := NextMilestone(tg, periods, tc.asOf)
		if next.Period != tc.want || steps != tc.steps {
			t.Errorf("as of %d: next %s in %d, want %s in %d", tc.asOf, next.Period, steps, tc.want, tc.steps)
		}
	}
	// The pace to the 2025 milestone from 64 in 2024: 11 a year.
	need, _, ok := PaceTo(tg, pts(60, 61, 64), 2, 2, 75, 1)
	if !ok || need != 11 {
		t.Errorf("PaceTo = %v, %v; want 11", need, ok)
	}
}
