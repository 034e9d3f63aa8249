package web

import (
	"net/http"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/vntext"
)

// unitList is the unit browser, with diacritic-insensitive search.
func (h *handler) unitList(w http.ResponseWriter, r *http.Request) {
	q := vntext.NFC(r.URL.Query().Get("q"))
	kind := r.URL.Query().Get("kind")
	units, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{Query: q, Kind: kind, Limit: 500, Within: viewScope(r)})
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	var parents []string // names, not codes (issue 16)
	for _, u := range units {
		parents = append(parents, u.ParentCode)
	}
	names, err := h.unitLabels(r, parents)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "units", map[string]any{
		"Title": "Đơn vị", "Units": units, "Q": q, "Kind": kind, "Kinds": kehoach.UnitKinds, "Names": names,
	})
}

// unitShow shows one unit: its place in the tree, its children and the
// units it succeeded or was succeeded by.
func (h *handler) unitShow(w http.ResponseWriter, r *http.Request) {
	u, err := h.viewUnit(r, r.PathValue("code"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	codes := []string{u.ParentCode}
	for _, l := range append(u.Successors, u.Predecessors...) {
		codes = append(codes, l.From, l.To)
	}
	names, err := h.unitNames(r, codes)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	figures, err := h.unitFigures(r, u.Code) // issue 10: the unit's own figures
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "unit", map[string]any{"Title": u.Name, "U": u, "Names": names, "Figures": figures})
}

// health answers 200 when the database answers and can store, 503 with
// the reason otherwise.
func (h *handler) health(w http.ResponseWriter, r *http.Request) {
	if err := h.DB.Ping(r.Context()); err != nil {
		h.Log.Error("health", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	// Answering reads is not enough: a full disk or a read-only database
	// loses every save while reads still work.
	if p, ok := h.DB.(kehoach.WriteProber); ok {
		if err := p.ProbeWrite(r.Context()); err != nil {
			h.Log.Error("health: database cannot store", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database cannot store", "reason": kehoach.ErrorMessage(err)})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// viewUnit returns a unit the caller may see (its children lie in its
// subtree, so in the caller's scope too).
func (h *handler) viewUnit(r *http.Request, code string) (*kehoach.Unit, error) {
	if err := h.checkUnit(r, auth.ActionView, code); err != nil {
		return nil, err
	}
	return h.Services.Units.FindUnitByCode(r.Context(), code)
}
