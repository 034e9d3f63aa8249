package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/web/form"
)

// plannerPlanNew is the empty plan form.
func (h *handler) plannerPlanNew(w http.ResponseWriter, r *http.Request) {
	h.plannerForm(w, r, "planner_plan", map[string]any{"Title": "Kế hoạch mới", "F": &kehoach.Plan{}}, nil)
}

// plannerPlanCreate creates a draft plan and opens it.
func (h *handler) plannerPlanCreate(w http.ResponseWriter, r *http.Request) {
	p, err := form.DecodePlan(r)
	if err == nil {
		err = h.Services.Planning.CreatePlan(r.Context(), p)
	}
	if err != nil {
		if p != nil && refusedInput(err) {
			h.plannerForm(w, r, "planner_plan", map[string]any{"Title": "Kế hoạch mới", "F": p, "Sections": form.SectionsText(p.Sections)}, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/planner/plans/"+strconv.FormatInt(p.ID, 10)+"?saved=1", http.StatusSeeOther)
}

// plannerPlanEdit is a plan's set-up page: its header, its targets, what
// stops it from being published, its revisions, and copying it.
func (h *handler) plannerPlanEdit(w http.ResponseWriter, r *http.Request) {
	h.renderPlanEdit(w, r, nil, nil, nil)
}

// renderPlanEdit shows the plan; typed, when set, is the header as the
// person typed it (refused with err), dec the decision typed with it.
func (h *handler) renderPlanEdit(w http.ResponseWriter, r *http.Request, typed *kehoach.Plan, dec *kehoach.Decision, err error) {
	ctx := r.Context()
	id, ferr := planID(r)
	if ferr != nil {
		h.htmlError(w, r, ferr)
		return
	}
	plan, ferr := h.Services.Plans.FindPlanByID(ctx, id)
	if ferr != nil {
		h.htmlError(w, r, ferr)
		return
	}
	state, ferr := h.Services.Planning.FindPlanState(ctx, id)
	if ferr != nil {
		h.htmlError(w, r, ferr)
		return
	}
	problems, ferr := h.Services.Planning.FindPlanProblems(ctx, id)
	if ferr != nil {
		h.htmlError(w, r, ferr)
		return
	}
	revs, ferr := h.Services.Planning.FindRevisions(ctx, id, "")
	if ferr != nil {
		h.htmlError(w, r, ferr)
		return
	}
	f := plan
	if typed != nil {
		typed.ID, typed.Code, typed.Targets = plan.ID, plan.Code, plan.Targets
		f = typed
	}
	h.plannerForm(w, r, "planner_plan", map[string]any{"Title": "Lập kế hoạch: " + plan.Title, "F": f, "Plan": plan, "State": state,
		"Problems": problems, "Revisions": revs, "Sections": form.SectionsText(f.Sections), "Saved": r.URL.Query().Get("saved") != "",
		"Copy": r.URL.Query().Get("copied"), "Decision": cmp.Or(dec, &kehoach.Decision{})}, err)
}

// plannerPlanUpdate changes a plan's header and sections.
func (h *handler) plannerPlanUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := planID(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	p, dec, err := form.DecodePlanChange(r)
	if err == nil {
		p.ID = id
		err = h.Services.Planning.UpdatePlan(r.Context(), p, dec)
	}
	if err != nil {
		if p != nil && refusedInput(err) {
			h.renderPlanEdit(w, r, p, dec, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/planner/plans/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
}

// plannerPlanPublish checks and publishes a draft.
func (h *handler) plannerPlanPublish(w http.ResponseWriter, r *http.Request) {
	id, err := planID(r)
	if err == nil {
		err = h.Services.Planning.PublishPlan(r.Context(), id)
	}
	if err != nil {
		h.planEditError(w, r, err)
		return
	}
	http.Redirect(w, r, "/plans/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// plannerPlanCopy copies a plan into a new draft (a district's plan into
// a commune's, its targets' scope set to the commune).
func (h *handler) plannerPlanCopy(w http.ResponseWriter, r *http.Request) {
	id, get, err := copyForm(w, r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	spec := kehoach.CopySpec{Code: strings.ToUpper(get("code")), Number: get("number"), Title: get("title"),
		Issuer: strings.ToUpper(get("issuer")), Scope: strings.ToUpper(get("scope"))}
	np, err := h.Services.Planning.CopyPlan(r.Context(), id, spec)
	if err != nil {
		h.planEditError(w, r, err)
		return
	}
	http.Redirect(w, r, "/planner/plans/"+strconv.FormatInt(np.ID, 10)+"?saved=1", http.StatusSeeOther)
}

// planEditError shows the plan's set-up page with a refusal the planner can
// act on (a plan not ready to publish, a code taken), the error page
// otherwise.
func (h *handler) planEditError(w http.ResponseWriter, r *http.Request, err error) {
	if refusedInput(err) {
		h.renderPlanEdit(w, r, nil, nil, err)
		return
	}
	h.htmlError(w, r, err)
}

// plannerPlanCopyEach copies a plan into one draft per unit of a kind under
// a unit (a district's plan into each commune's).
func (h *handler) plannerPlanCopyEach(w http.ResponseWriter, r *http.Request) {
	id, get, err := copyForm(w, r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	copies, err := h.Services.Planning.CopyPlanEach(r.Context(), id, kehoach.CopyEachSpec{Under: get("under"), Kind: get("kind"),
		CodePrefix: strings.ToUpper(get("codePrefix")), Number: get("number"), Title: get("title")})
	if err != nil {
		h.planEditError(w, r, err)
		return
	}
	http.Redirect(w, r, "/planner?copied="+strconv.Itoa(len(copies)), http.StatusSeeOther)
}

// copyForm reads the plan of the path and a copy form's fields, trimmed.
func copyForm(w http.ResponseWriter, r *http.Request) (int64, func(string) string, error) {
	id, err := planID(r)
	if err != nil {
		return 0, nil, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return 0, nil, kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên.")
	}
	return id, func(k string) string { return postField(r, k) }, nil
}
