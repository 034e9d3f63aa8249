package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/period"
)

// sparkline draws a target's yearly series as a small SVG: the values, the
// target as a dashed line, the deadline as the right edge's line, and the
// projection to it as a dotted one, with its scale (the highest and
// lowest value drawn, since each row has its own) and the baseline's and
// deadline's years written on its axes (issue 16 point 4). Each point has
// a <title> that browsers show as a tooltip.
func sparkline(tp *kehoach.TargetProgress) template.HTML {
	const w, h, pad = 170.0, 46.0, 4.0
	const gutter, foot = 30.0, 10.0 // the scale's labels, the years'
	const plotH = h - foot
	periods := 0
	if b, err := period.Parse(tp.Target.BaselinePeriod); err == nil {
		if d, err := period.Parse(tp.Target.Deadline); err == nil {
			periods = len(period.Range(b, d))
		}
	}
	if periods < 2 {
		periods = 2
	}
	lo, hi := tp.Target.Value, tp.Target.Value
	for _, p := range tp.Series {
		if p.HasValue {
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
	}
	if tp.HasProjection {
		lo, hi = math.Min(lo, tp.Projection), math.Max(hi, tp.Projection)
	}
	if hi-lo < 10 {
		lo = hi - 10
	}
	x := func(i int) float64 { return gutter + pad + float64(i)*(w-gutter-2*pad)/float64(periods-1) }
	y := func(v float64) float64 { return pad + (hi-v)/(hi-lo)*(plotH-2*pad) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" viewBox="0 0 %g %g" width="%g" height="%g" role="img" aria-label="Xu hướng %s">`, w, h, w, h, template.HTMLEscapeString(tp.Target.Code))
	// The axes: the scale at the left, the years below, the deadline.
	fmt.Fprintf(&b, `<text class="spark-axis" x="%g" y="%.1f" text-anchor="end">%s</text>`, gutter-2, pad+6, locale.VI.Percent(math.Round(hi)))
	fmt.Fprintf(&b, `<text class="spark-axis" x="%g" y="%.1f" text-anchor="end">%s</text>`, gutter-2, plotH-pad, locale.VI.Percent(math.Round(lo)))
	fmt.Fprintf(&b, `<line class="spark-deadline" x1="%.1f" y1="%g" x2="%.1f" y2="%g"><title>Hạn: %s</title></line>`,
		x(periods-1), pad, x(periods-1), plotH-pad, template.HTMLEscapeString(periodLabel(tp.Target.Deadline)))
	fmt.Fprintf(&b, `<text class="spark-axis" x="%.1f" y="%g">%s</text>`, x(0), h-1, template.HTMLEscapeString(tp.Target.BaselinePeriod))
	fmt.Fprintf(&b, `<text class="spark-axis" x="%.1f" y="%g" text-anchor="end">%s</text>`, x(periods-1), h-1, template.HTMLEscapeString(tp.Target.Deadline))
	fmt.Fprintf(&b, `<line class="spark-target" x1="%g" y1="%.1f" x2="%g" y2="%.1f"><title>Mục tiêu %s</title></line>`,
		gutter+pad, y(tp.Target.Value), w-pad, y(tp.Target.Value), locale.VI.Percent(tp.Target.Value))
	var pts []string
	last := -1
	for i, p := range tp.Series {
		if p.HasValue {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Value)))
			last = i
		}
	}
	if len(pts) > 0 {
		fmt.Fprintf(&b, `<polyline class="spark-line" points="%s"/>`, strings.Join(pts, " "))
	}
	if tp.HasProjection && last >= 0 {
		fmt.Fprintf(&b, `<line class="spark-proj" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"><title>Dự báo đến hạn: %s</title></line>`,
			x(last), y(tp.Series[last].Value), x(periods-1), y(tp.Projection), locale.VI.Percent(tp.Projection))
	}
	// The interim milestones, baseline to target (issue 9).
	for i, m := range tp.Milestones {
		if i > 0 && i < len(tp.Milestones)-1 && i < periods {
			fmt.Fprintf(&b, `<rect class="spark-milestone" x="%.1f" y="%.1f" width="3" height="3"><title>Mốc năm thứ %d: %s</title></rect>`,
				x(i)-1.5, y(math.Max(lo, math.Min(hi, m)))-1.5, i, locale.VI.Percent(m))
		}
	}
	for i, p := range tp.Series {
		if p.HasValue {
			fmt.Fprintf(&b, `<circle class="spark-dot" cx="%.1f" cy="%.1f" r="2.2"><title>%s: %s</title></circle>`,
				x(i), y(p.Value), template.HTMLEscapeString(periodLabel(p.Period)), locale.VI.Percent(p.Value))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
