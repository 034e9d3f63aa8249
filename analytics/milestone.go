package analytics

import (
	"slices"

	"kehoach"
	"kehoach/period"
)

// The planner's interim milestones (issue 14, issue 9 point 6). A target may
// say what it must reach by some periods before its deadline ("60 % by
// 2023"); the status then asks whether the current value is where the
// milestones say it should be, and the pace is the one still needed to the
// next milestone. Without milestones the path is the straight line from the
// baseline to the target and the status is the projection rule of Status.

// MilestonePath returns the value the target asks for at each of periods
// (the baseline period first, the deadline last) and whether the planner's
// milestones shaped it: linear between the baseline value, each milestone
// and the target, or, without milestones, the straight line (Milestones).
// Without a baseline value there is no path (the start is unknown), and
// the status falls back to the projection rule. A milestone's period falls
// in the period of the series containing its end (a quarter's milestone on
// a yearly series counts in its year).
func MilestonePath(t *kehoach.Target, baseline kehoach.Point, periods []period.Period) (path []float64, planned bool) {
	if !baseline.HasValue || len(periods) < 2 {
		return nil, false
	}
	type anchor struct {
		i int
		v float64
	}
	anchors := []anchor{{0, baseline.Value}}
	for _, m := range t.Milestones {
		if i := periodIndex(periods, m.Period); i > 0 && i < len(periods)-1 {
			anchors = append(anchors, anchor{i, m.Value})
		}
	}
	if len(anchors) == 1 {
		return Milestones(t, baseline, len(periods)), false
	}
	anchors = append(anchors, anchor{len(periods) - 1, t.Value})
	slices.SortStableFunc(anchors, func(a, b anchor) int { return a.i - b.i })
	path = make([]float64, len(periods))
	for k := 0; k+1 < len(anchors); k++ {
		a, b := anchors[k], anchors[k+1]
		for i := a.i; i <= b.i; i++ {
			path[i] = b.v
			if b.i > a.i {
				path[i] = a.v + (b.v-a.v)*float64(i-a.i)/float64(b.i-a.i)
			}
		}
	}
	return path, true
}

// periodIndex returns the index of the period of ps containing the end of
// period id pid, or -1.
func periodIndex(ps []period.Period, pid string) int {
	p, err := period.Parse(pid)
	if err != nil {
		return -1
	}
	end := p.End()
	for i, q := range ps {
		if !end.Before(q.Start()) && !end.After(q.End()) {
			return i
		}
	}
	return -1
}

// StatusOnPath is Status for a target whose planner set milestones (path
// from MilestonePath, planned): achieved, no data and a deadline come are
// Status's; otherwise the current value c is compared with the path's
// value m at the current period: c at or beyond m (in the direction the
// target asks for) is on track, c covering at least atRiskShare of the way
// from the baseline to m is at risk, less is off track. The projection is
// Status's, shown beside. docs/targets.md.
func StatusOnPath(t *kehoach.Target, series []kehoach.Point, baseline kehoach.Point, asOf, toDeadline int, path []float64) (status string, projection float64, projected bool) {
	return statusOnPathAt(t, series, baseline, asOf, toDeadline, path, 1)
}

// statusOnPathAt is StatusOnPath with the point at asOf share of the way
// through its period (statusAt); path holds the milestone for that moment.
func statusOnPathAt(t *kehoach.Target, series []kehoach.Point, baseline kehoach.Point, asOf, toDeadline int, path []float64, share float64) (status string, projection float64, projected bool) {
	status, projection, projected = statusAt(t, series, baseline, asOf, toDeadline, share)
	if !projected || asOf >= len(path) {
		return status, projection, projected
	}
	current, m := series[asOf].Value, path[asOf]
	start := current
	if baseline.HasValue {
		start = baseline.Value
	}
	dir := direction(t, start)
	const eps = 1e-9
	if dir*(current-m) >= -eps {
		return kehoach.StatusOnTrack, projection, true
	}
	if need, got := dir*(m-start), dir*(current-start); need > 0 && got/need >= atRiskShare {
		return kehoach.StatusAtRisk, projection, true
	}
	return kehoach.StatusOffTrack, projection, true
}

// direction is +1 when the target asks the indicator to rise from start,
// -1 when to fall.
func direction(t *kehoach.Target, start float64) float64 {
	if kehoach.Falling(t.Op) || (t.Op == kehoach.OpEQ && t.Value < start) {
		return -1
	}
	return 1
}

// NextMilestone returns the first milestone the planner set after the
// period at index asOf of periods, and how many periods away it is; the
// target at its deadline when no milestone is left.
func NextMilestone(t *kehoach.Target, periods []period.Period, asOf int) (next kehoach.Milestone, steps int) {
	next, steps = kehoach.Milestone{Period: t.Deadline, Value: t.Value}, len(periods)-1-asOf
	for _, m := range t.Milestones {
		if i := periodIndex(periods, m.Period); i > asOf && i < len(periods)-1 && i-asOf < steps {
			next, steps = m, i-asOf
		}
	}
	return next, steps
}
