package analytics

import (
	"math"

	"kehoach"
)

// Thresholds of the status rule (docs/targets.md).
const (
	// atRiskShare: a projection that closes at least this share of the gap
	// between the baseline and the target, without reaching the target,
	// puts the target at risk; less is off track.
	atRiskShare = 0.75
)

// Status returns a target's status from its yearly series (oldest first,
// points without value allowed), the baseline point, the index in series of
// the "as of" point, and the number of periods from that point to the
// deadline (0 or less: the deadline has come). It also returns the value
// projected to the deadline by a least-squares line through the points.
func Status(t *kehoach.Target, series []kehoach.Point, baseline kehoach.Point, asOf int, toDeadline int) (status string, projection float64, projected bool) {
	return statusAt(t, series, baseline, asOf, toDeadline, 1)
}

// statusAt is Status when the point at asOf stands share (0 < share ≤ 1)
// of the way through its period (a quarter's figure of a yearly series,
// todate.go): the projection line puts it there.
func statusAt(t *kehoach.Target, series []kehoach.Point, baseline kehoach.Point, asOf int, toDeadline int, share float64) (status string, projection float64, projected bool) {
	if asOf < 0 || asOf >= len(series) || !series[asOf].HasValue {
		return kehoach.StatusNoData, 0, false
	}
	current := series[asOf].Value
	if kehoach.Meets(t.Op, current, t.Value) {
		return kehoach.StatusAchieved, current, false
	}
	if toDeadline <= 0 {
		return kehoach.StatusOffTrack, current, false
	}
	projection = projectX(series[:asOf+1], float64(asOf+toDeadline), share)
	if kehoach.Meets(t.Op, projection, t.Value) {
		return kehoach.StatusOnTrack, projection, true
	}
	// How much of the way from the baseline to the target the projection
	// gets; the direction is the one the target asks for.
	start := current
	if baseline.HasValue {
		start = baseline.Value
	}
	dir := direction(t, start)
	need := dir * (t.Value - start)
	got := dir * (projection - start)
	if need > 0 && got/need >= atRiskShare {
		return kehoach.StatusAtRisk, projection, true
	}
	return kehoach.StatusOffTrack, projection, true
}

// project fits a least-squares line through the points with values (x =
// index) and returns its value at x = at. With one point the trend is flat.
func project(points []kehoach.Point, at int) float64 {
	return projectX(points, float64(at), 1)
}

// projectX is project with the last point lastShare of the way through its
// period: at x = len−2+lastShare rather than len−1.
func projectX(points []kehoach.Point, at float64, lastShare float64) float64 {
	var n, sx, sy, sxx, sxy float64
	last := math.NaN()
	for i, p := range points {
		if !p.HasValue {
			continue
		}
		x := float64(i)
		if i == len(points)-1 && lastShare < 1 {
			x += lastShare - 1
		}
		n++
		sx += x
		sy += p.Value
		sxx += x * x
		sxy += x * p.Value
		last = p.Value
	}
	if n < 2 {
		return last
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	intercept := (sy - slope*sx) / n
	return intercept + slope*at
}
