// Package chart draws a report's figures: for each target its trend
// against the target line, the yearly roadmap from the baseline to the
// target (the interim milestones) and the projection to the deadline;
// each unit's value as a sorted bar; and an overview of units × targets
// as traffic lights. The web gets our own SVG (titles, values in
// tooltips, dash patterns and markers that read in black and white);
// documents get the same trend as a PNG drawn with go-analyze/charts.
package chart

import (
	"math"

	"kehoach/internal/report"
	"kehoach/period"
)

// Trend is one target's chart, in periods from the baseline to the
// deadline.
type Trend struct {
	Code, Title string
	Percent     bool
	Decimals    int
	Labels      []string // one per period
	// Values has NaN where a period has no figure (or is still ahead).
	Values []float64
	// Milestones is the path from the baseline value to the target at the
	// deadline, a value per period: the result's (through the planner's
	// milestones), else the straight line.
	Milestones    []float64
	Target        float64
	TargetText    string
	Projection    float64
	HasProjection bool
	// Max is the top of the value axis; Steps its number of intervals.
	Max   float64
	Steps int
}

// TrendOf lays out a result's trend over its whole horizon.
func TrendOf(r report.Result) Trend {
	t := Trend{Code: r.Code, Title: r.Code + ". " + r.Text, Percent: r.Percent, Decimals: r.Decimals, Target: r.Target,
		TargetText: r.TargetText, Projection: r.Projection, HasProjection: r.HasProjection}
	var periods []period.Period
	if len(r.Series) > 0 {
		b, err1 := period.Parse(r.Series[0].Period)
		d, err2 := period.Parse(r.Deadline)
		if err1 == nil && err2 == nil {
			periods = period.Range(b, d)
		}
	}
	values := map[string]float64{}
	for _, p := range r.Series {
		if p.HasValue {
			values[p.Period] = p.Value
		}
	}
	for _, p := range periods {
		t.Labels = append(t.Labels, p.Label())
		v, ok := values[p.String()]
		if !ok {
			v = math.NaN()
		}
		t.Values = append(t.Values, v)
	}
	if len(r.Milestones) == len(periods) {
		// The planner's path when the result carries it.
		t.Milestones = r.Milestones
	} else if n := len(periods); n > 1 && len(r.Series) > 0 && r.Series[0].HasValue {
		base := r.Series[0].Value
		for i := range periods {
			t.Milestones = append(t.Milestones, base+(r.Target-base)*float64(i)/float64(n-1))
		}
	}
	t.Max = r.Target
	for _, v := range append(append([]float64{}, t.Values...), t.Projection) {
		if !math.IsNaN(v) && v > t.Max {
			t.Max = v
		}
	}
	if r.Percent {
		// Percent axes run to 100%, or on to the next 20% above it, so
		// that the five steps stay round.
		t.Max = math.Max(100, math.Ceil(t.Max/20)*20)
		t.Steps = int(t.Max / 20)
	} else {
		t.Max = niceCeil(t.Max * 1.1)
		t.Steps = 5
	}
	return t
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
