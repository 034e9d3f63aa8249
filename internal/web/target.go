package web

import (
	"cmp"
	"net/http"
	"slices"

	"kehoach"
	"kehoach/expr"
)

// targetShow is a target's page: its indicator by commune (or by village
// where villages report), lagging units first, sortable.
func (h *handler) targetShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// The plan is read once, with its targets' milestones (FindPlanByID
	// fills them, issue 14): the plan's read was a fifth of the page's
	// cost, twice (speed, issue 16).
	plan, err := h.findPlanBy(r, h.Services.Plans.FindPlanByID)
	if err == nil { // planning (issue 14): drafts are the planners'
		err = h.hideDraft(r, plan)
	}
	if err == nil {
		plan, _, err = h.scopePlan(r, plan)
	}
	if err == nil { // planning (issue 14): ?stood=YYYY-MM-DD
		plan, _, err = h.planStood(r, plan)
	}
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	var target *kehoach.Target
	for _, t := range plan.Targets {
		if t.Code == r.PathValue("code") {
			target = t
		}
	}
	if target == nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Kế hoạch không có mục tiêu %q.", r.PathValue("code")))
		return
	}
	q := r.URL.Query()
	r, figures := withFigures(r, plan)
	ctx = r.Context()
	progress, err := h.Services.Analytics.PlanProgress(ctx, &kehoach.Plan{Targets: []*kehoach.Target{target}, CoverageThreshold: plan.CoverageThreshold}, q.Get("period"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	tp := progress[0]
	// Issue 10: the same target under the tree of a day, beside.
	underDate, under, err := h.progressUnder(r, &kehoach.Plan{Targets: []*kehoach.Target{target}}, q.Get("period"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	pid := q.Get("period")
	if pid == "" {
		pid = tp.Current.Period
	}
	if pid == "" {
		pid = target.Deadline
	}
	kinds, err := h.breakdownKinds(r, tp.Indicator)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	kind := q.Get("level")
	if !slices.Contains(kinds, kind) {
		kind = kinds[0]
	}
	// Speed (issue 16): a breakdown by many units is sorted and paged on
	// the server, so that a page stays small.
	bq := kehoach.BreakdownQuery{Kind: kind, Period: pid, Sort: q.Get("sort")}
	if d := q.Get("hierarchyDate"); d != "" && d != "none" && h.Services.Hierarchy != nil {
		bq.Date = kehoach.Date(d) // issue 10: the breakdown by the units of the day asked
	}
	page, err := pageNumber(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	size := cmp.Or(h.BreakdownPageSize, breakdownPageSize)
	bq.Offset, bq.Limit = (page-1)*size, size
	bp, err := h.breakdownPage(r, target, bq)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	pg, err := pagerOf(r, page, bp.Total, size)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	rows := bp.Rows
	tasks, err := h.targetTasks(r, plan, target.Code) // tasks (issue 11)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.renderShared(w, r, http.StatusOK, "target", map[string]any{
		"Title":    "Mục tiêu " + target.Code + ": " + target.Text,
		"Plan":     plan,
		"Target":   target,
		"TP":       tp,
		"Rows":     rows,
		"Versions": map[string]string{"Rows": bp.Version}, // renderShared
		"Kind":     kind,
		"Figures":  figures,
		"Kinds":    kinds,
		"Period":   pid,
		"Years":    planYears(plan),
		"Sort":     q.Get("sort"),
		"Pager":    pg,
		"DemoNote": h.demoNote(plan),
		// Planning (issue 14): the target's revisions.
		"Revisions": h.targetRevisions(r, plan, target.Code),
		"UnderDate": underDate, "Under": under[target.Code], // issue 10
		"Tasks": tasks, // tasks (issue 11)
	})
}

// breakdownKinds returns the unit kinds a target can be broken down by:
// communes always, and the kinds of units that report its elements when
// they sit below communes (villages, schools).
func (h *handler) breakdownKinds(r *http.Request, ind *kehoach.Indicator) ([]string, error) {
	elements, err := h.Services.Data.FindDataElements(r.Context())
	if err != nil {
		return nil, err
	}
	byCode := map[string]*kehoach.DataElement{}
	for _, e := range elements {
		byCode[e.Code] = e
	}
	kinds := []string{kehoach.KindCommune}
	for _, src := range []string{ind.Numerator, ind.Denominator} {
		x, err := expr.Parse(src)
		if err != nil {
			continue
		}
		for _, ref := range x.Refs() {
			if e := byCode[ref.Element]; e != nil {
				for _, k := range e.UnitKinds {
					if (k == kehoach.KindVillage || k == kehoach.KindSchool || k == kehoach.KindAgency) && !slices.Contains(kinds, k) {
						kinds = append(kinds, k)
					}
				}
			}
		}
	}
	return kinds, nil
}

// breakdownPage reads one page of a target's breakdown: from the
// analytics when they page it themselves (analytics.Cached sorts each
// order once per data version), else sorted and cut here.
func (h *handler) breakdownPage(r *http.Request, t *kehoach.Target, q kehoach.BreakdownQuery) (*kehoach.BreakdownPage, error) {
	if p, ok := h.Services.Analytics.(kehoach.BreakdownPager); ok {
		return p.TargetBreakdownPage(r.Context(), t, q)
	}
	var rows []*kehoach.UnitProgress
	var err error
	if q.Date != "" {
		rows, err = h.Services.Hierarchy.TargetBreakdownUnder(r.Context(), t, q.Kind, q.Period, q.Date)
	} else {
		rows, err = h.Services.Analytics.TargetBreakdown(r.Context(), t, q.Kind, q.Period)
	}
	if err != nil {
		return nil, err
	}
	kehoach.SortBreakdown(rows, q.Sort)
	return kehoach.PageOfBreakdown(rows, q), nil
}
