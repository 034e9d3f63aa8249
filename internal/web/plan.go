package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"kehoach"
	"kehoach/period"
)

// home opens the plan when there is one, the list otherwise.
func (h *handler) home(w http.ResponseWriter, r *http.Request) {
	plans, err := h.Services.Plans.FindPlans(r.Context())
	if err == nil { // planning (issue 14): drafts are the planners'
		plans, err = h.publishedOnly(r, plans)
	}
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	if len(plans) == 1 {
		http.Redirect(w, r, "/plans/"+strconv.FormatInt(plans[0].ID, 10), http.StatusSeeOther)
		return
	}
	h.renderPlanList(w, r, plans)
}

func (h *handler) planList(w http.ResponseWriter, r *http.Request) {
	plans, err := h.Services.Plans.FindPlans(r.Context())
	if err == nil { // planning (issue 14): drafts are the planners'
		plans, err = h.publishedOnly(r, plans)
	}
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.renderPlanList(w, r, plans)
}

func (h *handler) renderPlanList(w http.ResponseWriter, r *http.Request, plans []*kehoach.Plan) {
	h.render(w, r, http.StatusOK, "plans", map[string]any{"Title": "Kế hoạch", "Plans": plans})
}

// findPlan reads the plan named by the {id} path value.
func (h *handler) findPlan(r *http.Request) (*kehoach.Plan, error) {
	return h.findPlanBy(r, h.Services.Plans.FindPlanByID)
}

// findPlanBy reads the plan named by the {id} path value with read.
func (h *handler) findPlanBy(r *http.Request, read func(context.Context, int64) (*kehoach.Plan, error)) (*kehoach.Plan, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có kế hoạch %q", r.PathValue("id"))
	}
	return read(r.Context(), id)
}

// unitNames returns the names of the given unit codes.
func (h *handler) unitNames(r *http.Request, codes []string) (map[string]*kehoach.Unit, error) {
	out := map[string]*kehoach.Unit{}
	// A plan's 5,000 tasks name a few dozen leads: asking for each once
	// keeps the query small (SQLite's parameter lookup is quadratic).
	slices.Sort(codes)
	codes = slices.DeleteFunc(slices.Compact(codes), func(c string) bool { return c == "" })
	if len(codes) == 0 {
		return out, nil
	}
	units, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{Codes: codes})
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		out[u.Code] = u
	}
	return out, nil
}

// planShow is the plan page: every target with its current value, the
// target, the gap, the status and the trend.
func (h *handler) planShow(w http.ResponseWriter, r *http.Request) {
	plan, err := h.findPlan(r)
	if err == nil { // planning (issue 14): drafts are the planners'
		err = h.hideDraft(r, plan)
	}
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	plan, scopeCode, err := h.scopePlan(r, plan)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	// Planning (issue 14): ?stood=YYYY-MM-DD, the targets as the plan stood.
	plan, stood, err := h.planStood(r, plan)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	asOf := r.URL.Query().Get("asof")
	r, figures := withFigures(r, plan)
	progress, err := h.Services.Analytics.PlanProgress(r.Context(), plan, asOf)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	underDate, under, err := h.progressUnder(r, plan, asOf) // issue 10
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	codes := []string{plan.IssuerCode, scopeCode}
	for _, t := range plan.Tasks {
		codes = append(codes, t.LeadCode)
	}
	units, err := h.unitNames(r, codes)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	// tasks (issue 11): the four-state count, and targets at odds with
	// the tasks that serve them.
	taskFlags, taskCount, err := h.targetTaskFlags(r, plan, progress)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	counts := map[string]int{}
	for _, tp := range progress {
		counts[tp.Status]++
	}
	// Issue 16 point 4: units × targets in traffic lights, one level
	// below the scope shown (the targets' own when none was asked).
	overviewScope := scopeCode
	if overviewScope == "" && len(progress) > 0 {
		overviewScope = progress[0].Target.ScopeCode
	}
	overview, overviewVersion, err := h.planOverview(r, overviewScope, progress)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	// The page shows how many tasks, not the tasks (the board does): a
	// plan of 5,000 would be hashed for the shared page on every request.
	shown := *plan
	shown.Tasks = nil
	h.renderShared(w, r, http.StatusOK, "plan", map[string]any{
		"Title":     plan.Title,
		"Plan":      &shown,
		"TaskTotal": len(plan.Tasks),
		"Progress":  progress,
		"Counts":    counts,
		"Units":     units,
		"AsOf":      asOf,
		"Years":     planYears(plan),
		"DemoNote":  h.demoNote(plan),
		"Scope":     units[scopeCode],
		"Stood":     kehoach.Date(stood),
		// Issue 10: the same targets under the tree of a day.
		"UnderDate": underDate, "Under": under,
		"Figures": figures,
		// tasks (issue 11)
		"TaskFlags": taskFlags,
		"TaskCount": taskCount,
		// issue 16 point 4; the fingerprint takes the breakdowns' versions
		"Overview": overview,
		"Versions": map[string]string{"Overview": overviewVersion},
	})
}

// planYears lists the years from the earliest baseline to the latest deadline.
func planYears(plan *kehoach.Plan) []string {
	var from, to period.Period
	for _, t := range plan.Targets {
		b, err1 := period.Parse(t.BaselinePeriod)
		d, err2 := period.Parse(t.Deadline)
		if err1 != nil || err2 != nil {
			continue
		}
		b, d = b.Parent(period.Yearly), d.Parent(period.Yearly)
		if from.IsZero() || b.Before(from) {
			from = b
		}
		if to.IsZero() || to.Before(d) {
			to = d
		}
	}
	var out []string
	for _, p := range period.Range(from, to) {
		out = append(out, p.String())
	}
	return out
}

func (h *handler) demoNote(plan *kehoach.Plan) string {
	if plan.Demo {
		return h.DemoNote
	}
	return ""
}
