package web

import (
	"net/http"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
)

func (h *handler) apiUnits(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	units, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{
		Query: vntext.NFC(q.Get("q")), Kind: q.Get("kind"), Parent: q.Get("parent"), On: kehoach.Date(q.Get("on")),
		Within: viewScope(r),
	})
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	if units == nil {
		units = []*kehoach.Unit{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": units})
}

func (h *handler) apiUnit(w http.ResponseWriter, r *http.Request) {
	u, err := h.viewUnit(r, r.PathValue("code"))
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (h *handler) apiPlans(w http.ResponseWriter, r *http.Request) {
	plans, err := h.Services.Plans.FindPlans(r.Context())
	if err == nil { // planning (issue 14): drafts are the planners'
		plans, err = h.publishedOnly(r, plans)
	}
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	if plans == nil {
		plans = []*kehoach.Plan{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"plans": plans})
}

// apiTarget is a target as the API shows it: its definition and where it
// stands.
type apiTarget struct {
	Code        string          `json:"code"`
	Text        string          `json:"text"`
	Indicator   string          `json:"indicator"`
	Comparison  string          `json:"comparison"`
	Target      float64         `json:"target"`
	Deadline    string          `json:"deadline"`
	Scope       string          `json:"scope"`
	Period      string          `json:"period,omitempty"`
	Value       *float64        `json:"value"`
	Numerator   *float64        `json:"numerator"`
	Denominator *float64        `json:"denominator"`
	Gap         *float64        `json:"gap"`
	Projection  *float64        `json:"projection"`
	Status      string          `json:"status"`
	StatusLabel string          `json:"statusLabel"`
	Baseline    *float64        `json:"baseline"`
	Series      []kehoach.Point `json:"series"`
	// Coverage of the current value and the newer, provisional value
	// (issue 9).
	Coverage    kehoach.Coverage `json:"coverage"`
	Provisional *kehoach.Point   `json:"provisional,omitempty"`
	// The pace still needed per year and the trend, and the milestones.
	Need       *float64  `json:"need"`
	Trend      *float64  `json:"trend"`
	HasPace    bool      `json:"hasPace"`
	Milestones []float64 `json:"milestones,omitempty"`
	// MilestonesSet: the planner's milestones shaped them and decide the
	// status; NextMilestone is the one Need leads to (issue 14).
	MilestonesSet bool               `json:"milestonesSet,omitempty"`
	NextMilestone *kehoach.Milestone `json:"nextMilestone,omitempty"`
}

func (h *handler) apiPlan(w http.ResponseWriter, r *http.Request) {
	plan, err := h.findPlan(r)
	if err == nil { // planning (issue 14): drafts are the planners'
		err = h.hideDraft(r, plan)
	}
	if err == nil {
		plan, _, err = h.scopePlan(r, plan)
	}
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	r, _ = withFigures(r, plan)
	progress, err := h.Services.Analytics.PlanProgress(r.Context(), plan, r.URL.Query().Get("asof"))
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	ptr := func(v float64, ok bool) *float64 {
		if !ok {
			return nil
		}
		return &v
	}
	targets := make([]apiTarget, len(progress))
	for i, tp := range progress {
		t := tp.Target
		c := tp.Current
		targets[i] = apiTarget{
			Code: t.Code, Text: t.Text, Indicator: t.IndicatorCode, Comparison: t.Op, Target: t.Value,
			Deadline: t.Deadline, Scope: t.ScopeCode, Period: c.Period,
			Value: ptr(c.Value, c.HasValue), Numerator: ptr(c.Num, c.HasValue), Denominator: ptr(c.Den, c.HasValue),
			Gap: ptr(tp.Gap, c.HasValue), Projection: ptr(tp.Projection, tp.HasProjection),
			Status: tp.Status, StatusLabel: locale.VI.Status(tp.Status),
			Baseline: ptr(tp.Baseline.Value, tp.Baseline.HasValue), Series: tp.Series,
			Coverage: c.Coverage, Provisional: tp.Provisional,
			Need: ptr(tp.Need, tp.HasPace), Trend: ptr(tp.Trend, tp.HasPace), HasPace: tp.HasPace, Milestones: tp.Milestones,
			MilestonesSet: tp.MilestonesSet, NextMilestone: tp.NextMilestone,
		}
	}
	out := struct {
		*kehoach.Plan
		Targets []apiTarget `json:"targets"`
	}{plan, targets}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) apiIndicators(w http.ResponseWriter, r *http.Request) {
	inds, err := h.Services.Data.FindIndicators(r.Context())
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"indicators": inds})
}
