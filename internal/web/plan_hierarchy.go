package web

import (
	"net/http"

	"kehoach"
	"kehoach/internal/locale"
)

// progressUnder reads a plan's targets under the tree of the day the page
// asks (?hierarchyDate=YYYY-MM-DD; by default today's, "none" for none),
// to show beside the progress as it was (issue 10): a target set on the
// old communes keeps its basis, and the same indicator under the new
// communes stands next to it. Returns the day and the progress by target.
func (h *handler) progressUnder(r *http.Request, plan *kehoach.Plan, asOf string) (kehoach.Date, map[string]*kehoach.TargetProgress, error) {
	q := r.URL.Query().Get("hierarchyDate")
	if h.Services.Hierarchy == nil || q == "none" {
		return "", nil, nil
	}
	d := kehoach.Date(q)
	if d == "" {
		d = kehoach.DateOf(h.Now().In(locale.VI.Zone))
	}
	progress, err := h.Services.Hierarchy.PlanProgressUnder(r.Context(), plan, asOf, d)
	if err != nil {
		return "", nil, err
	}
	out := make(map[string]*kehoach.TargetProgress, len(progress))
	for _, tp := range progress {
		out[tp.Target.Code] = tp
	}
	return d, out, nil
}
