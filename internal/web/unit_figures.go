package web

import (
	"cmp"
	"net/http"
	"slices"

	"kehoach"
	"kehoach/period"
)

// unitFigureRows is how many of a unit's own figures its page shows, the
// latest first: enough to see what it reported lately (issue 10).
const unitFigureRows = 40

// unitFigure is one of a unit's own figures, with its element's name.
type unitFigure struct {
	V       *kehoach.DataValue
	Element string
}

// unitFigures returns the latest figures reported for the unit itself
// (not its subtree). The caller has checked the unit is in view.
func (h *handler) unitFigures(r *http.Request, code string) ([]unitFigure, error) {
	vals, err := h.Services.Data.FindDataValues(r.Context(), kehoach.DataValueFilter{Units: []string{code}})
	if err != nil {
		return nil, err
	}
	elements, err := h.Services.Data.FindDataElements(r.Context())
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, e := range elements {
		names[e.Code] = e.Name
	}
	end := func(id string) string {
		p, err := period.Parse(id)
		if err != nil {
			return id
		}
		return string(kehoach.DateOf(p.End()))
	}
	slices.SortStableFunc(vals, func(a, b *kehoach.DataValue) int {
		if c := cmp.Compare(end(b.Period), end(a.Period)); c != 0 {
			return c
		}
		return cmp.Compare(a.Element, b.Element)
	})
	out := make([]unitFigure, 0, min(len(vals), unitFigureRows))
	for _, v := range vals[:min(len(vals), unitFigureRows)] {
		out = append(out, unitFigure{V: v, Element: names[v.Element]})
	}
	return out, nil
}
