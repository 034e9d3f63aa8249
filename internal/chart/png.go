package chart

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"sync"

	"github.com/go-analyze/charts"
	"github.com/go-fonts/liberation/liberationsansregular"

	"kehoach/internal/report"
)

var fontOnce sync.Once

// font installs Liberation Sans, which has every Vietnamese letter, as
// the charts' font (the default one lacks most of them).
func font() {
	fontOnce.Do(func() {
		if err := charts.InstallFont("liberation-sans", liberationsansregular.TTF); err == nil {
			charts.SetDefaultFont("liberation-sans")
		}
	})
}

// PNG sizes in pixels (at 96 dpi: 16 × 8 cm).
const pngW, pngH = 600, 300

// TrendPNG draws a trend as a PNG for documents: the values, the target
// and the roadmap as three lines over the horizon.
func TrendPNG(t Trend) ([]byte, error) {
	font()
	null := charts.GetNullValue()
	vals := make([]float64, len(t.Values))
	for i, v := range t.Values {
		vals[i] = v
		if math.IsNaN(v) {
			vals[i] = null
		}
	}
	target := make([]float64, len(t.Values))
	for i := range target {
		target[i] = t.Target
	}
	series := [][]float64{vals, target}
	names := []string{"Kết quả", "Chỉ tiêu " + t.TargetText}
	if len(t.Milestones) == len(vals) {
		series = append(series, t.Milestones)
		names = append(names, "Lộ trình")
	}
	zero, top := 0.0, t.Max
	p, err := charts.LineRender(series,
		charts.PNGOutputOptionFunc(),
		charts.DimensionsOptionFunc(pngW, pngH),
		charts.TitleTextOptionFunc(clip(t.Title, 80)),
		charts.XAxisOptionFunc(charts.XAxisOption{Labels: shortLabels(t.Labels), LabelCount: len(t.Labels)}),
		charts.YAxisOptionFunc(charts.YAxisOption{Min: &zero, Max: &top, LabelCount: t.Steps + 1, ValueFormatter: t.text}),
		charts.LegendOptionFunc(charts.LegendOption{SeriesNames: names, Offset: charts.OffsetStr{Top: "bottom"}}),
		charts.PaddingOptionFunc(charts.Box{Top: 20, Left: 10, Right: 20, Bottom: 10}),
	)
	if err != nil {
		return nil, err
	}
	raw, err := p.Bytes()
	if err != nil {
		return nil, err
	}
	// Re-encoded from the pixels: the renderer's own PNG bytes vary from
	// call to call for the same picture, and an issued report must make
	// the same file every time.
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Images are the trend charts of a report as PNGs, one per target with
// figures, for the DOCX and the PDF.
func Images(r *report.Report) []report.Image {
	var out []report.Image
	for _, res := range r.Results {
		t := TrendOf(res)
		if len(t.Labels) < 2 || !res.HasValue {
			continue
		}
		b, err := TrendPNG(t)
		if err != nil {
			continue // a chart that cannot be drawn leaves the table alone
		}
		out = append(out, report.Image{Name: res.Code, PNG: b, Width: pngW, Height: pngH})
	}
	return out
}

// shortLabels drops "Năm " from yearly labels, as the SVG's axis does.
func shortLabels(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = strings.TrimPrefix(l, "Năm ")
	}
	return out
}

// clip cuts a title to n letters with "…": the PNG's title does not wrap.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
