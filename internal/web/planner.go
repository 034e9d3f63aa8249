package web

import (
	"net/http"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/locale"
)

// The planner's pages (issue 14): plans, targets and the shared library of
// indicators, data elements and forms, under /planner. Every change goes
// through Services.Planning, which checks the actor's plan scope again and
// audits it.

// plannerHome lists the plans with their state, and the library.
func (h *handler) plannerHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	plans, err := h.Services.Plans.FindPlans(ctx)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	states := map[int64]string{}
	for _, p := range plans {
		st, err := h.Services.Planning.FindPlanState(ctx, p.ID)
		if err != nil {
			h.htmlError(w, r, err)
			return
		}
		states[p.ID] = st.Status
	}
	inds, err := h.Services.Data.FindIndicators(ctx)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	els, err := h.Services.Data.FindDataElements(ctx)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	forms, err := h.Services.Data.FindForms(ctx)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "planner", map[string]any{"Title": "Lập kế hoạch", "Plans": plans, "States": states,
		"Indicators": inds, "Elements": els, "Forms": forms, "Copied": r.URL.Query().Get("copied")})
}

// plannerForm renders one of the planner's form pages: data with the
// reasons of err beside their fields and its message on top.
func (h *handler) plannerForm(w http.ResponseWriter, r *http.Request, page string, data map[string]any, err error) {
	status := http.StatusOK
	errs := map[string]string{}
	if err != nil {
		status = statusOf(err)
		data["Message"] = kehoach.ErrorMessage(err)
		for k, v := range kehoach.ErrorFields(err) {
			errs[k] = v
		}
	}
	data["Errors"] = errs
	data["Labels"] = plannerLabels
	data["PlanUnits"] = h.planUnits(r)
	h.render(w, r, status, page, data)
}

// refusedInput reports whether err is the person's to fix on the form
// (bad input, a code taken, a unit outside their scope), rather than a page
// of its own.
func refusedInput(err error) bool {
	switch kehoach.ErrorCode(err) {
	case kehoach.EINVALID, kehoach.ECONFLICT, kehoach.EFORBIDDEN:
		return true
	}
	return false
}

// planID reads the {id} path value.
func planID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, kehoach.Errorf(kehoach.ENOTFOUND, "Không có kế hoạch %q.", r.PathValue("id"))
	}
	return id, nil
}

// plannerChoice is one option of a select or a checkbox list.
type plannerChoice struct{ Code, Label string }

func choices(kind string, codes ...string) []plannerChoice {
	out := make([]plannerChoice, len(codes))
	for i, c := range codes {
		out[i] = plannerChoice{c, locale.VI.Label(kind, c)}
	}
	return out
}

// plannerLabels are the options the planner's forms offer.
var plannerLabels = map[string][]plannerChoice{
	"ops":          {{kehoach.OpGE, "≥ (ít nhất)"}, {kehoach.OpGT, "> (hơn)"}, {kehoach.OpEQ, "= (đúng bằng)"}, {kehoach.OpLE, "≤ (nhiều nhất)"}, {kehoach.OpLT, "< (dưới)"}},
	"valueTypes":   choices(locale.LabelValueType, kehoach.TypeInteger, kehoach.TypeNumber, kehoach.TypeBool, kehoach.TypeText),
	"aggregations": choices(locale.LabelAggregation, kehoach.AggSum, kehoach.AggAverage, kehoach.AggLast, kehoach.AggCountYes),
	"kinds":        choices(locale.LabelKind, kehoach.UnitKinds...),
	"periodTypes":  choices(locale.LabelPeriodType, "yearly", "sixmonthly", "quarterly", "monthly"),
}

// parseFactor reads a number typed with a comma or a dot.
func parseFactor(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	return v, err == nil
}

// publishedOnly drops the drafts from plans for someone who may not plan:
// a draft is the planner's work, not yet the plan units report against.
func (h *handler) publishedOnly(r *http.Request, plans []*kehoach.Plan) ([]*kehoach.Plan, error) {
	if u := currentUser(r); h.Services.Planning == nil || (u != nil && auth.Can(u.Role, auth.ActionPlan)) {
		return plans, nil
	}
	out := plans[:0:0]
	for _, p := range plans {
		st, err := h.Services.Planning.FindPlanState(r.Context(), p.ID)
		if err != nil {
			return nil, err
		}
		if st.Status != kehoach.PlanDraft {
			out = append(out, p)
		}
	}
	return out, nil
}

// hideDraft answers ENOTFOUND for a draft plan to someone who may not plan.
func (h *handler) hideDraft(r *http.Request, plan *kehoach.Plan) error {
	ps, err := h.publishedOnly(r, []*kehoach.Plan{plan})
	if err == nil && len(ps) == 0 {
		err = kehoach.Errorf(kehoach.ENOTFOUND, "Không có kế hoạch số %d.", plan.ID)
	}
	return err
}

// planUnits are the units a planner may name as an issuer or a scope
// (provinces, districts, communes within the plan scope), offered as a
// datalist so that a new planner need not know the codes.
func (h *handler) planUnits(r *http.Request) []*kehoach.Unit {
	scope := kehoach.ActorFromContext(r.Context()).Plan
	var out []*kehoach.Unit
	for _, kind := range []string{kehoach.KindProvince, kehoach.KindDistrict, kehoach.KindCommune} {
		us, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{Kind: kind, Within: scope.Filter(), Limit: 2000})
		if err != nil {
			h.Log.Warn("planner units", "err", err)
			return out
		}
		out = append(out, us...)
	}
	return out
}
