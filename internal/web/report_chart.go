package web

import (
	"html/template"

	"kehoach"
	"kehoach/internal/chart"
	"kehoach/internal/locale"
	"kehoach/internal/report"
)

// targetCharts are the charts of a target page: its trend over the
// horizon and its units as sorted bars, the same drawings as the report's.
type targetCharts struct {
	Trend, Bars template.HTML
}

func chartsOfTarget(tp *kehoach.TargetProgress, rows []*kehoach.UnitProgress, kind string) targetCharts {
	res := report.ProgressResult(tp)
	a := report.Appendix{Code: res.Code, Text: res.Text, Kind: locale.VI.Kind(kind), Percent: res.Percent, Decimals: res.Decimals,
		Rows: report.AppendixRows(rows, res.Percent, res.Decimals)}
	return targetCharts{
		Trend: template.HTML(chart.TrendSVG(chart.TrendOf(res))),
		Bars:  template.HTML(chart.BarsSVG(a, res.Target, res.TargetText)),
	}
}
