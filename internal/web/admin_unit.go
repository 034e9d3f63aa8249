package web

import (
	"net/http"
	"net/url"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
	"kehoach/internal/web/form"
)

// treeRow is one line of the unit tree: a unit at its depth.
type treeRow struct {
	U     *kehoach.Unit
	Depth int
}

// unitTree lays units out as a tree (children under their parent, in
// the order FindUnits gave: Vietnamese order of name within a level).
// Units whose parent is not listed (filtered out) start a tree of their own.
func unitTree(units []*kehoach.Unit) []treeRow {
	listed := map[string]bool{}
	kids := map[string][]*kehoach.Unit{}
	for _, u := range units {
		listed[u.Code] = true
	}
	var roots []*kehoach.Unit
	for _, u := range units {
		if u.ParentCode == "" || !listed[u.ParentCode] {
			roots = append(roots, u)
		} else {
			kids[u.ParentCode] = append(kids[u.ParentCode], u)
		}
	}
	out := make([]treeRow, 0, len(units))
	var walk func(u *kehoach.Unit, depth int)
	walk = func(u *kehoach.Unit, depth int) {
		out = append(out, treeRow{u, depth})
		for _, c := range kids[u.Code] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out
}

// unitAdminList is the administrator's tree of units, with names, and
// the choice of the units valid today only.
func (h *handler) unitAdminList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := kehoach.UnitFilter{Query: vntext.NFC(q.Get("q"))}
	current := q.Get("current") == "1"
	if current {
		f.On = kehoach.DateOf(h.Now().In(locale.VI.Zone))
	}
	units, err := h.Services.Units.FindUnits(r.Context(), f)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "admin_units", map[string]any{"Title": "Quản lý đơn vị", "Rows": unitTree(units),
		"Current": current, "Q": f.Query, "Saved": q.Get("saved")})
}

func (h *handler) renderUnitForm(w http.ResponseWriter, r *http.Request, status int, u *kehoach.Unit, code string, err error) {
	data := map[string]any{"Title": "Đơn vị", "F": u, "Code": code, "Kinds": kehoach.UnitKinds}
	if err != nil {
		data["Message"] = kehoach.ErrorMessage(err)
		data["Errors"] = kehoach.ErrorFields(err)
	}
	h.render(w, r, status, "admin_unit", data)
}

func (h *handler) unitAdminNew(w http.ResponseWriter, r *http.Request) {
	h.renderUnitForm(w, r, http.StatusOK, &kehoach.Unit{Kind: kehoach.KindVillage, ParentCode: r.URL.Query().Get("parent")}, "", nil)
}

func (h *handler) unitAdminEdit(w http.ResponseWriter, r *http.Request) {
	u, err := h.Services.Units.FindUnitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.renderUnitForm(w, r, http.StatusOK, u, u.Code, nil)
}

// unitAdminCreate creates a unit; bad input shows the form again.
func (h *handler) unitAdminCreate(w http.ResponseWriter, r *http.Request) {
	h.unitAdminSave(w, r, "")
}

// unitAdminUpdate changes a unit (its name, code, kind, parent, validity).
func (h *handler) unitAdminUpdate(w http.ResponseWriter, r *http.Request) {
	h.unitAdminSave(w, r, r.PathValue("code"))
}

func (h *handler) unitAdminSave(w http.ResponseWriter, r *http.Request, code string) {
	u, err := form.DecodeUnit(r)
	if err == nil {
		if code == "" {
			err = h.Services.UnitAdmin.CreateUnit(r.Context(), u)
		} else {
			_, err = h.Services.UnitAdmin.UpdateUnit(r.Context(), code, u)
		}
	}
	if err != nil {
		if c := kehoach.ErrorCode(err); c == kehoach.EINVALID || c == kehoach.ECONFLICT {
			h.renderUnitForm(w, r, statusOf(err), u, code, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/units?saved="+url.QueryEscape(u.Code), http.StatusSeeOther)
}

// reorgShow is the empty reorganisation form, with the units given in the
// query (?units=A,B&kind=merge from the tree).
func (h *handler) reorgShow(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	in := &form.Reorg{Kind: q.Get("kind"), Units: q.Get("units"), Date: string(kehoach.DateOf(h.Now().In(locale.VI.Zone)))}
	if in.Kind == "" {
		in.Kind = kehoach.ReorgMerge
	}
	h.renderReorg(w, r, http.StatusOK, in, nil, nil)
}

func (h *handler) renderReorg(w http.ResponseWriter, r *http.Request, status int, in *form.Reorg, pl *kehoach.ReorgPlan, err error) {
	data := map[string]any{"Title": "Sắp xếp đơn vị", "F": in, "Plan": pl, "Kinds": kehoach.ReorgKinds}
	if err != nil {
		data["Message"] = kehoach.ErrorMessage(err)
		data["Errors"] = kehoach.ErrorFields(err)
	}
	if pl != nil {
		codes := []string{}
		for _, u := range pl.Ended {
			codes = append(codes, u.Code)
		}
		names, nerr := h.unitNames(r, codes)
		if nerr != nil {
			h.htmlError(w, r, nerr)
			return
		}
		for _, u := range pl.Created {
			names[u.Code] = u
		}
		data["Names"] = names
		// The first preview ticks the proposals offered by default; a
		// preview of a changed form keeps the administrator's ticks.
		ticked := map[string]bool{}
		for _, k := range in.Confirm {
			ticked[k] = true
		}
		if len(in.Confirm) == 0 {
			for _, p := range pl.Props {
				ticked[p.Key] = p.Default
			}
		}
		data["Ticked"] = ticked
	}
	h.render(w, r, status, "admin_reorg", data)
}

// reorgPost previews a reorganisation, or applies it (action=apply) with
// the proposals ticked; bad input shows the form again with the reason.
func (h *handler) reorgPost(w http.ResponseWriter, r *http.Request) {
	in, re, err := form.DecodeReorg(r)
	if err != nil {
		if in == nil {
			h.htmlError(w, r, err)
			return
		}
		h.renderReorg(w, r, statusOf(err), in, nil, err)
		return
	}
	var pl *kehoach.ReorgPlan
	if in.Apply {
		pl, err = h.Services.Reorg.ApplyReorg(r.Context(), re)
	} else {
		pl, err = h.Services.Reorg.PreviewReorg(r.Context(), re)
	}
	if err != nil {
		if kehoach.ErrorCode(err) == kehoach.EINVALID {
			h.renderReorg(w, r, statusOf(err), in, nil, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	if in.Apply {
		codes := make([]string, 0, len(pl.Created))
		for _, u := range pl.Created {
			codes = append(codes, u.Code)
		}
		http.Redirect(w, r, "/admin/units?current=1&saved="+url.QueryEscape(strings.Join(codes, ",")), http.StatusSeeOther)
		return
	}
	h.renderReorg(w, r, http.StatusOK, in, pl, nil)
}

// fillUnitServices takes the services of issue 10 from the unit and
// analytics services when the caller did not name them (the store and
// the engine implement them), so that every server has the pages.
func fillUnitServices(s *kehoach.Services) {
	if a, ok := s.Units.(kehoach.UnitAdminService); ok && s.UnitAdmin == nil {
		s.UnitAdmin = a
	}
	if r, ok := s.Units.(kehoach.ReorgService); ok && s.Reorg == nil {
		s.Reorg = r
	}
	if x, ok := s.Analytics.(kehoach.HierarchyReader); ok && s.Hierarchy == nil {
		s.Hierarchy = x
	}
}
