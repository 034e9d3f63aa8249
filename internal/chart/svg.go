package chart

import (
	"cmp"
	"fmt"
	"html"
	"math"
	"slices"
	"strings"

	"kehoach/internal/locale"
	"kehoach/internal/report"
)

func (t Trend) text(v float64) string {
	if t.Percent {
		return locale.VI.Percent(v)
	}
	return locale.VI.Number(v, t.Decimals)
}

// TrendSVG draws a trend with axes and labels: the values (solid line,
// round dots), the target (dashed), the roadmap (dotted, diamonds) and the
// projection to the deadline (dash-dot). Every mark has a <title>.
func TrendSVG(t Trend) string {
	const w, h, left, right, top, bottom = 560.0, 260.0, 52.0, 16.0, 34.0, 40.0
	n := len(t.Labels)
	var b strings.Builder
	id := "trend-" + html.EscapeString(t.Code)
	fmt.Fprintf(&b, `<svg class="chart trend" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t %s-d">`, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">Xu hướng mục tiêu %s</title><desc id="%s-d">Kết quả từng năm so với chỉ tiêu %s, lộ trình và dự báo đến hạn.</desc>`,
		id, html.EscapeString(t.Title), id, html.EscapeString(t.TargetText))
	if n == 0 {
		fmt.Fprintf(&b, `<text x="%g" y="%g" class="chart-empty">Chưa có số liệu</text></svg>`, w/2, h/2)
		return b.String()
	}
	x := func(i int) float64 {
		if n == 1 {
			return left + (w-left-right)/2
		}
		return left + float64(i)*(w-left-right)/float64(n-1)
	}
	y := func(v float64) float64 { return top + (t.Max-v)/t.Max*(h-top-bottom) }
	// Axes and grid: Steps steps from 0 to Max.
	if t.Steps <= 0 {
		t.Steps = 5
	}
	for i := 0; i <= t.Steps; i++ {
		v := t.Max * float64(i) / float64(t.Steps)
		fmt.Fprintf(&b, `<line class="grid" x1="%g" y1="%.1f" x2="%g" y2="%.1f"/><text class="axis-label" x="%g" y="%.1f" text-anchor="end">%s</text>`,
			left, y(v), w-right, y(v), left-6, y(v)+4, t.text(v))
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%g" y1="%g" x2="%g" y2="%g"/>`, left, y(0), w-right, y(0))
	for i, l := range t.Labels {
		fmt.Fprintf(&b, `<text class="axis-label" x="%.1f" y="%g" text-anchor="middle">%s</text>`, x(i), h-bottom+16, html.EscapeString(strings.TrimPrefix(l, "Năm ")))
	}
	// Target line.
	fmt.Fprintf(&b, `<line class="target" x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke-dasharray="8 4"><title>Chỉ tiêu %s</title></line>`,
		left, y(t.Target), w-right, y(t.Target), html.EscapeString(t.TargetText))
	fmt.Fprintf(&b, `<text class="target-label" x="%g" y="%.1f" text-anchor="end">Chỉ tiêu %s</text>`, w-right, y(t.Target)-5, html.EscapeString(t.TargetText))
	// Roadmap.
	if len(t.Milestones) == n {
		var pts []string
		for i, m := range t.Milestones {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(m)))
		}
		fmt.Fprintf(&b, `<polyline class="roadmap" points="%s" stroke-dasharray="2 4"/>`, strings.Join(pts, " "))
		for i, m := range t.Milestones {
			fmt.Fprintf(&b, `<path class="milestone" d="M%.1f %.1f l4 4 l-4 4 l-4 -4 z"><title>Lộ trình %s: %s</title></path>`, x(i), y(m)-4, html.EscapeString(t.Labels[i]), t.text(m))
		}
	}
	// Values.
	var pts []string
	last := -1
	for i, v := range t.Values {
		if !math.IsNaN(v) {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
			last = i
		}
	}
	if len(pts) > 1 {
		fmt.Fprintf(&b, `<polyline class="values" points="%s"/>`, strings.Join(pts, " "))
	}
	if t.HasProjection && last >= 0 && last < n-1 {
		fmt.Fprintf(&b, `<line class="projection" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke-dasharray="6 3 1 3"><title>Dự báo đến hạn: %s</title></line>`,
			x(last), y(t.Values[last]), x(n-1), y(t.Projection), t.text(t.Projection))
	}
	for i, v := range t.Values {
		if !math.IsNaN(v) {
			fmt.Fprintf(&b, `<circle class="value" cx="%.1f" cy="%.1f" r="4"><title>%s: %s</title></circle>`, x(i), y(v), html.EscapeString(t.Labels[i]), t.text(v))
		}
	}
	// Legend.
	fmt.Fprintf(&b, `<g class="legend" transform="translate(%g 14)">`, left)
	for i, item := range []struct{ class, dash, label string }{
		{"values", "", "Kết quả"}, {"target", "8 4", "Chỉ tiêu"}, {"roadmap", "2 4", "Lộ trình"}, {"projection", "6 3 1 3", "Dự báo"},
	} {
		lx := float64(i) * 120
		fmt.Fprintf(&b, `<line class="%s" x1="%g" y1="0" x2="%g" y2="0" stroke-dasharray="%s"/><text class="axis-label" x="%g" y="4">%s</text>`, item.class, lx, lx+26, item.dash, lx+32, item.label)
	}
	b.WriteString(`</g></svg>`)
	return b.String()
}

// BarsSVG draws each unit's value for one target as horizontal bars,
// highest first, with the target as a vertical dashed line; bars short of
// the target are hatched (readable in black and white), units without a
// figure are listed as such.
func BarsSVG(a report.Appendix, target float64, targetText string) string {
	rows := slices.Clone(a.Rows)
	slices.SortStableFunc(rows, func(x, y report.AppendixRow) int {
		if x.HasValue != y.HasValue {
			if x.HasValue {
				return -1
			}
			return 1
		}
		return cmp.Compare(y.Value, x.Value)
	})
	const w, left, right, rowH, top = 560.0, 170.0, 60.0, 20.0, 24.0
	h := top + rowH*float64(len(rows)) + 10
	max := target
	for _, r := range rows {
		max = math.Max(max, r.Value)
	}
	if a.Percent {
		max = math.Max(max, 100)
	}
	if max <= 0 {
		max = 1
	}
	x := func(v float64) float64 { return left + v/max*(w-left-right) }
	id := "bars-" + html.EscapeString(a.Code)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart bars" viewBox="0 0 %g %g" role="img" aria-labelledby="%s-t">`, w, h, id)
	fmt.Fprintf(&b, `<title id="%s-t">Mục tiêu %s theo %s, cao nhất trước</title>`, id, html.EscapeString(a.Code), html.EscapeString(strings.ToLower(a.Kind)))
	fmt.Fprintf(&b, `<defs><pattern id="%s-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"/><line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern></defs>`, id)
	for i, r := range rows {
		y := top + float64(i)*rowH
		fmt.Fprintf(&b, `<text class="axis-label" x="%g" y="%.1f" text-anchor="end">%s</text>`, left-6, y+rowH*0.65, html.EscapeString(r.Unit))
		if !r.HasValue {
			fmt.Fprintf(&b, `<text class="axis-label muted" x="%g" y="%.1f">chưa có số liệu</text>`, left+4, y+rowH*0.65)
			continue
		}
		fill := `class="bar ok"`
		if !r.Meets {
			fill = fmt.Sprintf(`class="bar short" fill="url(#%s-hatch)"`, id)
		}
		fmt.Fprintf(&b, `<rect %s x="%g" y="%.1f" width="%.1f" height="%g"><title>%s: %s (%s)</title></rect>`,
			fill, left, y+3, x(r.Value)-left, rowH-6, html.EscapeString(r.Unit), html.EscapeString(r.ValueText), html.EscapeString(r.StatusText))
		fmt.Fprintf(&b, `<text class="axis-label" x="%.1f" y="%.1f">%s</text>`, x(r.Value)+4, y+rowH*0.65, html.EscapeString(r.ValueText))
	}
	fmt.Fprintf(&b, `<line class="target" x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke-dasharray="8 4"><title>Chỉ tiêu %s</title></line>`, x(target), top-6, x(target), h-6, html.EscapeString(targetText))
	fmt.Fprintf(&b, `<text class="target-label" x="%.1f" y="%g" text-anchor="middle">Chỉ tiêu %s</text>`, x(target), top-10, html.EscapeString(targetText))
	b.WriteString(`</svg>`)
	return b.String()
}

// Light is one cell of the overview: a unit's status on a target, with a
// symbol besides the colour so that it prints in black and white.
type Light struct {
	Status, Symbol, Title string
}

// Overview is units × targets as traffic lights.
type Overview struct {
	Targets []string
	Units   []string
	Cells   [][]Light // [unit][target]
}

// symbols of the statuses.
var symbols = map[string]string{"achieved": "✓", "off_track": "✗", "no_data": "–", "at_risk": "!", "on_track": "○"}

// OverviewRow is one unit's status on one target, for OverviewFrom.
type OverviewRow struct {
	Unit, Status, Title string
}

// OverviewFrom lays units × targets out from each target's rows (rows[j]
// are targets[j]'s): the units in the order first met, a cell no row
// names is out of the target's scope.
func OverviewFrom(targets []string, rows [][]OverviewRow) Overview {
	o := Overview{Targets: targets}
	index := map[string]int{}
	for _, rs := range rows {
		for _, row := range rs {
			if _, ok := index[row.Unit]; !ok {
				index[row.Unit] = len(o.Units)
				o.Units = append(o.Units, row.Unit)
			}
		}
	}
	o.Cells = make([][]Light, len(o.Units))
	for i := range o.Cells {
		o.Cells[i] = make([]Light, len(targets))
		for j := range o.Cells[i] {
			o.Cells[i][j] = Light{Status: "none", Symbol: "", Title: "Không thuộc phạm vi"}
		}
	}
	for j, rs := range rows {
		for _, row := range rs {
			o.Cells[index[row.Unit]][j] = Light{Status: row.Status, Symbol: symbols[row.Status], Title: row.Title}
		}
	}
	return o
}

// OverviewOf lays the appendix out as units × targets.
func OverviewOf(r *report.Report) Overview {
	targets := make([]string, len(r.Appendix))
	rows := make([][]OverviewRow, len(r.Appendix))
	for j, a := range r.Appendix {
		targets[j] = a.Code
		for _, row := range a.Rows {
			rows[j] = append(rows[j], OverviewRow{Unit: row.Unit, Status: row.Status,
				Title: row.Unit + " – mục tiêu " + a.Code + ": " + row.ValueText + " (" + row.StatusText + ")"})
		}
	}
	return OverviewFrom(targets, rows)
}
