package web

import (
	"bytes"
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/chart"
	"kehoach/internal/export"
	"kehoach/internal/report"
	"kehoach/internal/web/form"
)

// reportPlan reads the plan of a report page and checks the caller may
// view its issuing body's whole scope: a report speaks for the body.
func (h *handler) reportPlan(r *http.Request) (*kehoach.Plan, error) {
	plan, err := h.findPlan(r)
	if err != nil {
		return nil, err
	}
	if err := h.checkUnit(r, auth.ActionView, plan.IssuerCode); err != nil {
		return nil, err
	}
	return plan, nil
}

// reportQuery is the document a request names: ?kind=&period=, and
// &hierarchyDate= to read it under the tree of a day (issue 10), which the
// period then carries ("final@2025-07-01").
func reportQuery(r *http.Request, plan *kehoach.Plan, now func() int) (kind, period string) {
	q := r.URL.Query()
	kind = cmp.Or(q.Get("kind"), kehoach.DocReport)
	period = q.Get("period")
	if d := q.Get("hierarchyDate"); d != "" && period != "" && !strings.Contains(period, "@") {
		period += "@" + d
	}
	if period == "" {
		// This year's report when the plan runs now, else its last year.
		opts := report.PeriodOptions(plan)
		for _, o := range opts {
			if o.ID == strconv.Itoa(now()) {
				return kind, o.ID
			}
		}
		if len(opts) > 1 {
			return kind, opts[len(opts)-2].Year // the last year, before the final review
		}
	}
	return kind, period
}

// reportShow is the report page: the document as it will print, the
// draft's texts to edit, its versions, the download buttons and, for
// planners, the issue button.
func (h *handler) reportShow(w http.ResponseWriter, r *http.Request) {
	plan, err := h.reportPlan(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	kind, period := reportQuery(r, plan, func() int { return h.Now().Year() })
	h.renderReport(w, r, plan, kind, period, nil, nil)
}

// renderReport renders the page; typed, when set, are texts the person
// typed that were not saved (and failed, the reason).
func (h *handler) renderReport(w http.ResponseWriter, r *http.Request, plan *kehoach.Plan, kind, period string, typed *form.Report, failed error) {
	ctx := r.Context()
	status := http.StatusOK
	periodBase, tree, _ := strings.Cut(period, "@")
	data := map[string]any{
		"Title":   "Báo cáo: " + plan.Title,
		"Plan":    plan,
		"Kind":    kind,
		"Period":  period,
		"Periods": report.PeriodOptions(plan),
		// The picker shows the period and the tree apart.
		"PeriodBase": periodBase,
		"Tree":       tree,
		"Formats":    export.Formats,
		"Saved":      r.URL.Query().Get("saved"),
		"Fields":     map[string]string{},
		"H": map[string]string{"General": report.HeadingGeneral, "Results": report.HeadingResults, "Lagging": report.HeadingLagging,
			"Tasks": report.HeadingTasks, "Problems": report.HeadingProblems, "Proposals": report.HeadingProposal,
			"Appendix": report.HeadingAppendix, "NoTasks": report.NoTasks, "NoLagging": report.NoLagging},
		"ResultColumns":   report.ResultColumns,
		"AppendixColumns": report.AppendixColumns,
		"TaskColumns":     report.TaskColumns,
		"OwedColumns":     report.OwedColumns,
	}
	doc, draft, err := report.Document(ctx, report.SourcesOf(h.Services), h.Services.Reports, plan.ID, kind, period, h.Now())
	if err != nil {
		h.logIfInternal(r, err)
		status = statusOf(err)
		data["Error"] = kehoach.ErrorMessage(err)
		data["Fields"] = kehoach.ErrorFields(err)
	}
	if p, perr := report.ParsePeriod(period, plan, report.SourcesOf(h.Services).Scheme); perr == nil {
		data["PeriodInfo"] = p
		texts := report.Defaults(plan, kind, p, h.Now())
		if draft != nil {
			texts = draft.Texts
			data["Draft"] = draft
			versions, err := h.Services.Reports.FindReportVersions(ctx, draft.ID)
			if err != nil {
				h.htmlError(w, r, err)
				return
			}
			data["Versions"] = versions
		}
		version := int64(0)
		if draft != nil {
			version = draft.Version
		}
		if typed != nil {
			texts = typed.Texts
		}
		data["Texts"] = texts
		data["Version"] = version
	}
	if doc != nil {
		data["Doc"] = doc
		data["Charts"] = reportCharts(doc)
	}
	if failed != nil {
		status = statusOf(failed)
		data["Error"] = kehoach.ErrorMessage(failed)
		data["Fields"] = kehoach.ErrorFields(failed)
	}
	h.render(w, r, status, "report", data)
}

// reportURL is the page of one document.
func reportURL(plan *kehoach.Plan, kind, period string, extra ...string) string {
	q := url.Values{"kind": {kind}, "period": {period}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return "/plans/" + strconv.FormatInt(plan.ID, 10) + "/report?" + q.Encode()
}

// reportPost reads the plan and the posted form of a save or an issue; on
// a failure it has answered already.
func (h *handler) reportPost(w http.ResponseWriter, r *http.Request) (*kehoach.Plan, *form.Report, bool) {
	plan, err := h.reportPlan(r)
	if err == nil {
		var f *form.Report
		if f, err = form.DecodeReport(r); err == nil {
			return plan, f, true
		}
	}
	h.htmlError(w, r, err)
	return nil, nil, false
}

// reportSave stores the texts as a new draft version; a save begun from
// an older version is refused with the person's texts kept on the page.
func (h *handler) reportSave(w http.ResponseWriter, r *http.Request) {
	plan, f, ok := h.reportPost(w, r)
	if !ok {
		return
	}
	p, err := report.ParsePeriod(f.Period, plan, report.SourcesOf(h.Services).Scheme)
	if err != nil {
		h.renderReport(w, r, plan, f.Kind, f.Period, f, err)
		return
	}
	_, err = h.Services.Reports.SaveReportDraft(r.Context(), &kehoach.ReportDraft{PlanID: plan.ID, Kind: f.Kind, Period: p.ID, Version: f.Version, Texts: f.Texts})
	if err != nil {
		h.renderReport(w, r, plan, f.Kind, p.ID, f, err)
		return
	}
	http.Redirect(w, r, reportURL(plan, f.Kind, p.ID, "saved", "1"), http.StatusSeeOther)
}

// reportIssue freezes the draft at the version shown.
func (h *handler) reportIssue(w http.ResponseWriter, r *http.Request) {
	plan, f, ok := h.reportPost(w, r)
	if !ok {
		return
	}
	if _, err := report.Issue(r.Context(), report.SourcesOf(h.Services), h.Services.Reports, plan.ID, f.Kind, f.Period, f.Version, h.Now()); err != nil {
		h.renderReport(w, r, plan, f.Kind, f.Period, nil, err)
		return
	}
	http.Redirect(w, r, reportURL(plan, f.Kind, f.Period, "saved", "issued"), http.StatusSeeOther)
}

// reportFile downloads the document in a format: the same bytes as
// `kehoach report` for the same plan, kind and period.
func (h *handler) reportFile(w http.ResponseWriter, r *http.Request) {
	plan, err := h.reportPlan(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	kind, period := reportQuery(r, plan, func() int { return h.Now().Year() })
	format := cmp.Or(r.URL.Query().Get("format"), "docx")
	if err := export.CheckFormat(format); err != nil {
		h.htmlError(w, r, err)
		return
	}
	doc, _, err := report.Document(r.Context(), report.SourcesOf(h.Services), h.Services.Reports, plan.ID, kind, period, h.Now())
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := export.Write(&buf, format, doc); err != nil {
		h.htmlError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", export.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+export.Filename(doc, format)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// docCharts are a document's charts for its page.
type docCharts struct {
	Trends   []template.HTML
	Bars     []template.HTML
	Overview chart.Overview
}

// reportCharts draws the document's charts: a trend per target, a bar
// chart per target by unit, and the traffic-light overview.
func reportCharts(doc *report.Report) docCharts {
	var c docCharts
	target := map[string]report.Result{}
	for _, r := range doc.Results {
		target[r.Code] = r
		c.Trends = append(c.Trends, template.HTML(chart.TrendSVG(chart.TrendOf(r))))
	}
	for _, a := range doc.Appendix {
		c.Bars = append(c.Bars, template.HTML(chart.BarsSVG(a, target[a.Code].Target, target[a.Code].TargetText)))
	}
	c.Overview = chart.OverviewOf(doc)
	return c
}
