package analytics

import "kehoach"

// The pace still needed (issue 9): how much the indicator must change each
// period from the current one to reach the target by the deadline (or the
// planner's next milestone, NextMilestone), beside the trend it has kept
// (the least-squares slope through the series), and the interim milestones,
// a straight line from the baseline to the target unless the planner set
// them (MilestonePath).

// Pace returns, for a series (oldest first) whose point at asOf is the
// current one and toDeadline periods from there to the deadline, the change
// per period still needed and the current trend per period. ok is false
// when there is no current value, the deadline has come, or the target is
// met already.
func Pace(t *kehoach.Target, series []kehoach.Point, asOf, toDeadline int) (need, trend float64, ok bool) {
	return PaceTo(t, series, asOf, toDeadline, t.Value, toDeadline)
}

// PaceTo is Pace with the change needed to reach value in steps periods
// (the next milestone) rather than the target by the deadline.
func PaceTo(t *kehoach.Target, series []kehoach.Point, asOf, toDeadline int, value float64, steps int) (need, trend float64, ok bool) {
	if asOf < 0 || asOf >= len(series) || !series[asOf].HasValue || toDeadline <= 0 || steps <= 0 {
		return 0, 0, false
	}
	current := series[asOf].Value
	if kehoach.Meets(t.Op, current, t.Value) {
		return 0, 0, false
	}
	need = (value - current) / float64(steps)
	trend = project(series[:asOf+1], 1) - project(series[:asOf+1], 0)
	return need, trend, true
}

// Milestones returns the value the target asks for at each period from the
// baseline (index 0) to the deadline (the last): a straight line from the
// baseline value to the target. Without a baseline value there are none.
func Milestones(t *kehoach.Target, baseline kehoach.Point, periods int) []float64 {
	if !baseline.HasValue || periods < 2 {
		return nil
	}
	out := make([]float64, periods)
	for i := range out {
		out[i] = baseline.Value + (t.Value-baseline.Value)*float64(i)/float64(periods-1)
	}
	return out
}
