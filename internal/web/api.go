package web

import (
	"net/http"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/dhis2"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
	"kehoach/period"
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
}

func (h *handler) apiPlan(w http.ResponseWriter, r *http.Request) {
	plan, err := h.findPlan(r)
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

// apiDataValueSets returns figures in DHIS2's dataValueSets shape.
// orgUnit is required (one or more); period and dataSet (a form code) are
// optional filters; children=true adds the units' descendants.
func (h *handler) apiDataValueSets(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	units, err := listParam(r, "orgUnit", maxUnitsParam)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	periods, err := listParam(r, "period", maxPeriodsParam)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	if len(units) == 0 {
		h.jsonError(w, r, &kehoach.Error{Code: kehoach.EINVALID, Message: "thiếu tham số orgUnit (mã đơn vị)", Fields: map[string]string{"orgUnit": "bắt buộc"}})
		return
	}
	for _, u := range units {
		if err := h.checkUnit(r, auth.ActionView, u); err != nil {
			h.jsonError(w, r, err)
			return
		}
	}
	for _, p := range periods {
		if _, err := period.Parse(p); err != nil {
			h.jsonError(w, r, &kehoach.Error{Code: kehoach.EINVALID, Message: err.Error(), Fields: map[string]string{"period": err.Error()}})
			return
		}
	}
	f := kehoach.DataValueFilter{Units: units, Periods: periods, Children: q.Get("children") == "true"}
	ds := q.Get("dataSet")
	if ds != "" {
		form, err := h.Services.Data.FindFormByCode(ctx, ds)
		if err != nil {
			h.jsonError(w, r, err)
			return
		}
		f.Elements = form.Elements
	}
	values, err := h.Services.Data.FindDataValues(ctx, f)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	dhis2.NewDataValueSet(ds, units, periods, values).Encode(w)
}
