package web

import (
	"fmt"
	"net/http"
	"slices"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/locale"
	"kehoach/period"
)

// completenessRow is one reporting unit on the completeness page.
type completenessRow struct {
	*kehoach.UnitCompleteness
	Label       string
	Class       string
	SubmittedAt string
	// Timeliness says "Đúng hạn", "Trễ 3 ngày" or "Chưa quá hạn".
	Timeliness string
	// Grid is true when the caller may open the unit's grid.
	Grid bool
}

// completenessPage is what the completeness page shows.
type completenessPage struct {
	Forms   []*kehoach.Form
	Form    *kehoach.Form
	Periods []period.Period
	Period  period.Period
	Parents []*kehoach.Unit
	Parent  string
	C       *kehoach.Completeness
	// Missing are the units that have not reported, Reported the others.
	Missing  []completenessRow
	Reported []completenessRow
	Deadline string
	AsOf     string
}

// completenessQuery counts the reporting units of form in period pid under
// ?unit= (checked against the caller's view scope), within the caller's
// view scope, as of the handler's clock.
func (h *handler) completenessQuery(r *http.Request, form *kehoach.Form, pid string) (*kehoach.Completeness, error) {
	parent := r.URL.Query().Get("unit")
	if parent != "" {
		if err := h.checkUnit(r, auth.ActionView, parent); err != nil {
			return nil, err
		}
	}
	return h.Services.Submissions.Completeness(r.Context(), kehoach.CompletenessFilter{
		Form: form.Code, Period: pid, Parent: parent, Within: viewScope(r), AsOf: h.Now(),
	})
}

// completenessShow lists, for a form and period, the units that have not
// reported yet (with how many days they are late), then the others with
// their status and submission time, and the completeness and on-time rates.
func (h *handler) completenessShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	pg := &completenessPage{Parent: q.Get("unit")}
	forms, err := h.Services.Data.FindForms(ctx)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	pg.Forms = forms
	for _, f := range forms {
		if f.Code == q.Get("form") {
			pg.Form = f
		}
	}
	units, err := h.Services.Units.FindUnits(ctx, kehoach.UnitFilter{Within: viewScope(r)})
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	for _, u := range units {
		if u.Kind == kehoach.KindProvince || u.Kind == kehoach.KindDistrict || u.Kind == kehoach.KindCommune {
			pg.Parents = append(pg.Parents, u)
		}
	}
	if pg.Form == nil {
		if q.Get("form") != "" {
			h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Không có biểu mẫu mã %q.", q.Get("form")))
			return
		}
		h.render(w, r, http.StatusOK, "completeness", map[string]any{"Title": "Tình hình báo cáo", "P": pg})
		return
	}
	ptype, err := period.ParseType(pg.Form.PeriodType)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	now := h.Now()
	pg.Periods = entryPeriods(ptype, &kehoach.Unit{}, now)
	pid := q.Get("period")
	if pid == "" {
		// The period most recently due: the one before the current.
		pid = period.Of(ptype, now).Prev().String()
	}
	c, err := h.completenessQuery(r, pg.Form, pid)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	pg.C = c
	pg.Period, _ = period.Parse(c.Period)
	if !slices.Contains(pg.Periods, pg.Period) {
		pg.Periods = append([]period.Period{pg.Period}, pg.Periods...)
	}
	pg.Deadline = locale.VI.Day(string(c.Deadline))
	pg.AsOf = locale.VI.DateTime(now)
	gridOK, err := h.gridUnits(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	for _, u := range c.Units {
		row := completenessRow{UnitCompleteness: u, Label: locale.VI.Submission(u.Status), Class: statusClass(u.Status),
			SubmittedAt: locale.VI.DateTime(u.SubmittedAt), Grid: gridOK(u.Unit)}
		switch {
		case u.Reported && u.OnTime:
			row.Timeliness = "Đúng hạn"
		case u.DaysLate > 0:
			row.Timeliness = fmt.Sprintf("Trễ %d ngày", u.DaysLate)
		default:
			row.Timeliness = "Chưa quá hạn"
		}
		if u.Reported {
			pg.Reported = append(pg.Reported, row)
		} else {
			pg.Missing = append(pg.Missing, row)
		}
	}
	title := "Tình hình báo cáo: " + pg.Form.Name + ", " + pg.Period.Label()
	h.render(w, r, http.StatusOK, "completeness", map[string]any{"Title": title, "P": pg})
}

// gridUnits returns a test of whether the caller may open a unit's grid
// (enter its figures or approve them).
func (h *handler) gridUnits(r *http.Request) (func(string) bool, error) {
	u := currentUser(r)
	if !auth.Can(u.Role, auth.ActionEnter) && !auth.Can(u.Role, auth.ActionApprove) {
		return func(string) bool { return false }, nil
	}
	scope := entryScope(r)
	if scope == nil {
		return func(string) bool { return true }, nil
	}
	units, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{Within: scope})
	if err != nil {
		return nil, err
	}
	in := map[string]bool{}
	for _, x := range units {
		in[x.Code] = true
	}
	return func(code string) bool { return in[code] }, nil
}

// apiCompleteness answers ?form=F&period=P[&unit=PARENT] with the counts,
// the rates (percentages of the units expected) and every reporting unit.
func (h *handler) apiCompleteness(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("form") == "" || q.Get("period") == "" {
		h.jsonError(w, r, &kehoach.Error{Code: kehoach.EINVALID, Message: "Cần tham số form (mã biểu mẫu) và period (kỳ báo cáo).",
			Fields: map[string]string{"form": "bắt buộc", "period": "bắt buộc"}})
		return
	}
	form, err := h.Services.Data.FindFormByCode(r.Context(), q.Get("form"))
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	c, err := h.completenessQuery(r, form, q.Get("period"))
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}
