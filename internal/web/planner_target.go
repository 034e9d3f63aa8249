package web

import (
	"net/http"
	"strconv"

	"kehoach"
	"kehoach/internal/web/form"
)

// targetPage is what the target form shows besides the target.
type targetPage struct {
	plan   *kehoach.Plan
	state  *kehoach.PlanState
	inds   []*kehoach.Indicator
	isEdit bool
}

// loadTargetPage reads the plan, its state and the indicators to choose.
func (h *handler) loadTargetPage(r *http.Request) (*targetPage, error) {
	id, err := planID(r)
	if err != nil {
		return nil, err
	}
	tp := &targetPage{}
	if tp.plan, err = h.Services.Planning.FindPlanWithMilestones(r.Context(), id); err != nil {
		return nil, err
	}
	if tp.state, err = h.Services.Planning.FindPlanState(r.Context(), id); err != nil {
		return nil, err
	}
	if tp.inds, err = h.Services.Data.FindIndicators(r.Context()); err != nil {
		return nil, err
	}
	return tp, nil
}

func (h *handler) renderTarget(w http.ResponseWriter, r *http.Request, tp *targetPage, t *kehoach.Target, dec *kehoach.Decision, err error) {
	data := map[string]any{"Title": "Mục tiêu · " + tp.plan.Title, "Plan": tp.plan, "State": tp.state, "Indicators": tp.inds,
		"F": t, "Decision": dec, "Edit": tp.isEdit, "OldCode": r.PathValue("code"), "Milestones": form.MilestonesText(t.Milestones)}
	if tp.isEdit {
		revs, rerr := h.Services.Planning.FindRevisions(r.Context(), tp.plan.ID, r.PathValue("code"))
		if rerr != nil {
			h.htmlError(w, r, rerr)
			return
		}
		data["Revisions"] = revs
	}
	if dec == nil {
		data["Decision"] = &kehoach.Decision{}
	}
	h.plannerForm(w, r, "planner_target", data, err)
}

// plannerTargetNew is the empty target form, scoped to the plan's issuer.
func (h *handler) plannerTargetNew(w http.ResponseWriter, r *http.Request) {
	tp, err := h.loadTargetPage(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	t := &kehoach.Target{Op: kehoach.OpGE, ScopeCode: tp.plan.IssuerCode, BaselinePeriod: tp.plan.HorizonFrom, Deadline: tp.plan.HorizonTo}
	h.renderTarget(w, r, tp, t, nil, nil)
}

// plannerTargetEdit shows a target for changing, with its history.
func (h *handler) plannerTargetEdit(w http.ResponseWriter, r *http.Request) {
	tp, err := h.loadTargetPage(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	tp.isEdit = true
	for _, t := range tp.plan.Targets {
		if t.Code == r.PathValue("code") {
			h.renderTarget(w, r, tp, t, nil, nil)
			return
		}
	}
	h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Kế hoạch không có mục tiêu %q.", r.PathValue("code")))
}

// plannerTargetSave adds a target (POST …/targets) or changes one (POST
// …/targets/{code}); a published plan's change carries its decision.
func (h *handler) plannerTargetSave(w http.ResponseWriter, r *http.Request) {
	tp, err := h.loadTargetPage(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	oldCode := r.PathValue("code")
	tp.isEdit = oldCode != ""
	t, dec, err := form.DecodeTarget(r)
	if err == nil {
		err = h.Services.Planning.SaveTarget(r.Context(), tp.plan.ID, oldCode, t, dec)
	}
	if err != nil {
		if t != nil && refusedInput(err) {
			h.renderTarget(w, r, tp, t, dec, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/planner/plans/"+strconv.FormatInt(tp.plan.ID, 10)+"?saved=1#targets", http.StatusSeeOther)
}

// plannerTargetDelete removes a target of a draft plan.
func (h *handler) plannerTargetDelete(w http.ResponseWriter, r *http.Request) {
	id, err := planID(r)
	if err == nil {
		err = h.Services.Planning.DeleteTarget(r.Context(), id, r.PathValue("code"))
	}
	if err != nil {
		h.planEditError(w, r, err)
		return
	}
	http.Redirect(w, r, "/planner/plans/"+strconv.FormatInt(id, 10)+"?saved=1#targets", http.StatusSeeOther)
}

// targetRevisions reads a target's history for its page (target.go), and
// the plan as it stood on ?stood=YYYY-MM-DD when asked.
func (h *handler) targetRevisions(r *http.Request, plan *kehoach.Plan, code string) []*kehoach.Revision {
	if h.Services.Planning == nil {
		return nil
	}
	revs, err := h.Services.Planning.FindRevisions(r.Context(), plan.ID, code)
	if err != nil {
		h.Log.Warn("target revisions", "err", err)
		return nil
	}
	return revs
}

// planStood returns the plan as it stood on the day ?stood= names, or plan
// itself when none is asked (plan.go, target.go).
func (h *handler) planStood(r *http.Request, plan *kehoach.Plan) (*kehoach.Plan, string, error) {
	d := r.URL.Query().Get("stood")
	if d == "" || h.Services.Planning == nil {
		return plan, "", nil
	}
	day, err := kehoach.ParseDate(d)
	if err != nil {
		return nil, "", &kehoach.Error{Code: kehoach.EINVALID, Message: "Ngày xem kế hoạch: " + kehoach.ErrorMessage(err), Fields: map[string]string{"stood": kehoach.ErrorMessage(err)}}
	}
	stood, err := h.Services.Planning.FindPlanAsOf(r.Context(), plan.ID, day)
	if err != nil {
		return nil, "", err
	}
	current, err := h.Services.Plans.FindPlanByID(r.Context(), plan.ID)
	if err != nil {
		return nil, "", err
	}
	// Keep the scoping the caller applied (scopePlan narrows a target to
	// the person's unit): take the terms of the targets it kept, and the
	// scope of the day only where the caller left the target's own.
	byCode, scopeNow := map[string]*kehoach.Target{}, map[string]string{}
	for _, t := range stood.Targets {
		byCode[t.Code] = t
	}
	for _, t := range current.Targets {
		scopeNow[t.Code] = t.ScopeCode
	}
	c := *plan
	c.Targets = nil
	for _, t := range plan.Targets {
		nt := *t
		if s := byCode[t.Code]; s != nil {
			scoped := nt.ScopeCode
			kehoach.TermsOf(s).Apply(&nt)
			if scoped != scopeNow[t.Code] {
				nt.ScopeCode = scoped
			}
		}
		c.Targets = append(c.Targets, &nt)
	}
	return &c, string(day), nil
}

// milestonesOf returns the interim milestones of the plan's target code,
// for its page (the plan as read with FindPlanWithMilestones).
func milestonesOf(plan *kehoach.Plan, code string) []kehoach.Milestone {
	for _, t := range plan.Targets {
		if t.Code == code {
			return t.Milestones
		}
	}
	return nil
}
