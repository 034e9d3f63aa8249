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

// lineage returns the codes up the tree from the unit, and up the tree
// from each unit it was made of, and theirs (issue 10): the reporter of a
// commune made in 2025 sees the 2022 plan's targets of the district its
// predecessors lay in, read for the new commune.
func (h *handler) lineage(r *http.Request, code string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	var walk func(c string, depth int) error
	walk = func(c string, depth int) error {
		if seen[c] || depth > 16 {
			return nil
		}
		seen[c] = true
		anc, err := h.Services.Units.FindAncestors(r.Context(), c)
		if err != nil {
			return err
		}
		out = append(out, anc...)
		u, err := h.Services.Units.FindUnitByCode(r.Context(), c)
		if err != nil {
			return err
		}
		for _, l := range u.Predecessors {
			if err := walk(l.From, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(code, 0)
}
