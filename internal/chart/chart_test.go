package chart

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"kehoach/internal/export/exporttest"
)

// The trend lays the horizon out from the baseline to the deadline, with
// the roadmap ending on the target and no value for years still ahead.
func TestTrendOf(t *testing.T) {
	r := exporttest.Golden(t, "report_2024")
	tr := TrendOf(r.Results[0])
	if len(tr.Labels) != 5 || tr.Labels[0] != "Năm 2021" || tr.Labels[4] != "Năm 2025" {
		t.Fatalf("labels %q", tr.Labels)
	}
	if tr.Values[0] != 60 || tr.Values[3] != 84 || !math.IsNaN(tr.Values[4]) {
		t.Errorf("values %v", tr.Values)
	}
	if tr.Milestones[0] != 60 || tr.Milestones[4] != 90 || tr.Max != 100 {
		t.Errorf("milestones %v max %v", tr.Milestones, tr.Max)
	}
}

// The SVGs are accessible (a title, a value in each mark's tooltip) and
// readable in black and white (dash patterns, hatching).
func TestSVG(t *testing.T) {
	r := exporttest.Golden(t, "report_2024")
	svg := TrendSVG(TrendOf(r.Results[0]))
	for _, want := range []string{`role="img"`, `<title id="trend-1a-t">`, `<title>Năm 2024: 84%</title>`, `<title>Chỉ tiêu ≥ 90%</title>`,
		`stroke-dasharray="8 4"`, `<title>Lộ trình Năm 2025: 90%</title>`, `Dự báo đến hạn`} {
		if !strings.Contains(svg, want) {
			t.Errorf("trend lacks %s", want)
		}
	}
	bars := BarsSVG(r.Appendix[0], 90, "≥ 90%")
	a, b := strings.Index(bars, "Xã A:"), strings.Index(bars, "Xã Bê:")
	if a < 0 || b < 0 || a > b || !strings.Contains(bars, "hatch") || !strings.Contains(bars, "chưa có số liệu") {
		t.Errorf("bars not sorted or not hatched: %s", bars)
	}
	o := OverviewOf(r)
	if len(o.Units) != 3 || o.Cells[0][0].Symbol != "✓" || o.Cells[1][0].Symbol != "✗" || o.Cells[2][0].Symbol != "–" {
		t.Errorf("overview %+v", o)
	}
}

// The PNG for documents is a real image, the same every time.
func TestPNG(t *testing.T) {
	r := exporttest.Golden(t, "report_2024")
	a, b := Images(r), Images(r)
	if len(a) != 1 || !bytes.HasPrefix(a[0].PNG, []byte("\x89PNG")) {
		t.Fatalf("images %d", len(a))
	}
	if !bytes.Equal(a[0].PNG, b[0].PNG) {
		t.Error("two drawings of one chart differ")
	}
}
