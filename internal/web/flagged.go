package web

import (
	"net/http"
	"strconv"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/period"
)

// flaggedPageSize is how many flagged figures one page lists.
const flaggedPageSize = 100

// flaggedRow is one flagged figure as the list shows it.
type flaggedRow struct {
	*kehoach.Flagged
	PeriodLabel, Shown, Saved string
}

// flaggedList is the approver's "cần kiểm tra" across grids (issue 9,
// point 4): every figure saved despite a warning (out of the planner's
// bound, a jump, an outlier) whose grid is not approved yet, within the
// approver's scope, with its reason and range, the comment and a link to
// its grid; by unit in Vietnamese order, a page at a time (?form=,
// ?period= narrow it).
func (h *handler) flaggedList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := kehoach.FlaggedFilter{Within: entryScope(r), Form: q.Get("form"), Period: q.Get("period"), Limit: flaggedPageSize}
	if f.Period != "" {
		if _, err := period.Parse(f.Period); err != nil {
			h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Kỳ %q không hợp lệ: %v", f.Period, err))
			return
		}
	}
	n, err := pageNumber(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	f.Offset = (n - 1) * flaggedPageSize
	list, total, err := h.Services.Bounds.FindFlagged(r.Context(), f)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	pg, err := pagerOf(r, n, total, flaggedPageSize)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	forms, err := h.Services.Data.FindForms(r.Context())
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	rows := make([]flaggedRow, len(list))
	for i, x := range list {
		rows[i] = flaggedRow{Flagged: x, PeriodLabel: periodLabel(x.Period), Shown: shownFigure(x.Value, x.ValueType), Saved: locale.VI.DateTime(x.UpdatedAt)}
	}
	h.render(w, r, http.StatusOK, "flagged", map[string]any{"Title": "Số liệu cần kiểm tra", "Rows": rows, "Pager": pg,
		"Forms": forms, "Form": f.Form, "Period": f.Period})
}

// shownFigure writes a stored figure as the pages do ("1.160.000").
func shownFigure(value, valueType string) string {
	if valueType != kehoach.TypeInteger && valueType != kehoach.TypeNumber {
		return value
	}
	v, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return value
	}
	d := 0
	if valueType == kehoach.TypeNumber {
		d = 2
	}
	return locale.VI.Number(v, d)
}
