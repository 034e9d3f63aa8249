package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/web/form"
)

// The bounds of an element's figures (issue 9, point 4): the planner lists
// them, adds or changes one for a unit or for every unit of a kind, has
// ranges proposed from each unit's past reports ("Đề xuất từ lịch sử"),
// reviews them and saves those kept. The store checks the plan scope and
// audits; the write path flags a figure outside its bound.

// boundInput is the bound form as the page shows it: the typed text of
// each field, so that a refused form shows what was typed.
type boundInput struct {
	Target, Unit, Kind, Min, Max, Note string
}

// boundRow is one bound of the list, formatted.
type boundRow struct {
	*kehoach.Bound
	Label, Min, Max string
	EditQuery       string
}

// proposalRow is one unit's proposed bound, as typed or proposed, with
// the bound it has now.
type proposalRow struct {
	Unit, UnitName, Min, Max, Note, Current string
	Keep                                    bool
}

// decimalsOf is how many decimals the element's bounds show.
func decimalsOf(el *kehoach.DataElement) int {
	if el.ValueType == kehoach.TypeNumber {
		return 2
	}
	return 0
}

// inputNumber writes an end of a bound as a person types it back: no
// thousands dots, a decimal comma ("1234,5"); "" for an open end.
func inputNumber(v *float64) string {
	if v == nil {
		return ""
	}
	return strings.Replace(strconv.FormatFloat(*v, 'f', -1, 64), ".", ",", 1)
}

// rangeLabel writes a bound's ends for reading ("50–200", "tối đa 200").
func rangeLabel(b *kehoach.Bound, decimals int) string {
	num := func(v *float64) string { return locale.VI.Number(*v, decimals) }
	switch {
	case b.Min != nil && b.Max != nil:
		return num(b.Min) + "–" + num(b.Max)
	case b.Min != nil:
		return "tối thiểu " + num(b.Min)
	case b.Max != nil:
		return "tối đa " + num(b.Max)
	}
	return ""
}

// boundTargetLabel names what a bound applies to.
func boundTargetLabel(b *kehoach.Bound) string {
	if b.Unit != "" {
		if b.UnitName != "" {
			return b.UnitName + " (" + b.Unit + ")"
		}
		return b.Unit
	}
	return "Mọi đơn vị loại " + strings.ToLower(locale.VI.Kind(b.Kind))
}

// plannerBounds is an element's bounds page. ?unit= or ?kind= fills the
// form with that bound to change it; ?propose=1 (with ?under=, a unit)
// proposes ranges from history.
func (h *handler) plannerBounds(w http.ResponseWriter, r *http.Request) {
	el, err := h.findElement(r, r.PathValue("code"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	q := r.URL.Query()
	in := boundInput{Target: "unit", Unit: strings.ToUpper(strings.TrimSpace(q.Get("unit")))}
	if k := q.Get("kind"); k != "" {
		in = boundInput{Target: "kind", Kind: k}
	}
	bounds, err := h.Services.Bounds.FindBounds(r.Context(), el.Code)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	for _, b := range bounds {
		if (in.Target == "unit" && in.Unit != "" && b.Unit == in.Unit) || (in.Target == "kind" && b.Unit == "" && b.Kind == in.Kind) {
			in.Min, in.Max, in.Note = inputNumber(b.Min), inputNumber(b.Max), b.Note
		}
	}
	extra := map[string]any{"In": in}
	var fail error
	if q.Get("propose") != "" {
		rows, perr := h.proposals(r, el, bounds, strings.ToUpper(strings.TrimSpace(q.Get("under"))))
		if perr != nil && !refusedInput(perr) && kehoach.ErrorCode(perr) != kehoach.ENOTFOUND {
			h.htmlError(w, r, perr)
			return
		}
		extra["Proposals"], extra["Proposed"], extra["Under"], fail = rows, true, q.Get("under"), perr
	}
	h.renderBounds(w, r, el, bounds, extra, fail)
}

// proposals are the ranges proposed from history, beside the bounds now.
func (h *handler) proposals(r *http.Request, el *kehoach.DataElement, bounds []*kehoach.Bound, under string) ([]proposalRow, error) {
	ps, err := h.Services.Bounds.ProposeBounds(r.Context(), el.Code, under)
	if err != nil {
		return nil, err
	}
	current := map[string]string{}
	for _, b := range bounds {
		if b.Unit != "" {
			current[b.Unit] = rangeLabel(b, decimalsOf(el))
		}
	}
	rows := make([]proposalRow, len(ps))
	for i, p := range ps {
		rows[i] = proposalRow{Unit: p.Unit, UnitName: p.UnitName, Min: inputNumber(p.Min), Max: inputNumber(p.Max), Note: p.Note,
			Current: current[p.Unit], Keep: current[p.Unit] == ""}
	}
	return rows, nil
}

// renderBounds renders the page with the reasons of err beside their
// fields (and beside the proposals', keyed "UNIT.min").
func (h *handler) renderBounds(w http.ResponseWriter, r *http.Request, el *kehoach.DataElement, bounds []*kehoach.Bound, extra map[string]any, err error) {
	rows := make([]boundRow, len(bounds))
	for i, b := range bounds {
		q := url.Values{}
		if b.Unit != "" {
			q.Set("unit", b.Unit)
		} else {
			q.Set("kind", b.Kind)
		}
		rows[i] = boundRow{Bound: b, Label: boundTargetLabel(b), Min: rangeEnd(b.Min, decimalsOf(el)), Max: rangeEnd(b.Max, decimalsOf(el)), EditQuery: q.Encode()}
	}
	kinds := choices(locale.LabelKind, el.UnitKinds...)
	data := map[string]any{"Title": "Khoảng cho phép · " + el.Name, "El": el, "Bounds": rows, "Kinds": kinds,
		"Saved": r.URL.Query().Get("saved"), "Numeric": el.ValueType == kehoach.TypeInteger || el.ValueType == kehoach.TypeNumber}
	for k, v := range extra {
		data[k] = v
	}
	h.plannerForm(w, r, "planner_bounds", data, err)
}

// rangeEnd formats one end of a bound for the list; "—" when open.
func rangeEnd(v *float64, decimals int) string {
	if v == nil {
		return "—"
	}
	return locale.VI.Number(*v, decimals)
}

// typedBound is the bound form as posted.
func typedBound(r *http.Request) boundInput {
	in := boundInput{Target: postField(r, "target"), Unit: strings.ToUpper(postField(r, "unit")), Kind: postField(r, "kind"),
		Min: postField(r, "min"), Max: postField(r, "max"), Note: postField(r, "note")}
	if in.Target != "kind" {
		in.Target = "unit"
	}
	return in
}

// plannerBoundSave adds or changes one bound.
func (h *handler) plannerBoundSave(w http.ResponseWriter, r *http.Request) {
	el, err := h.findElement(r, r.PathValue("code"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	b, err := form.DecodeBound(r, el)
	if b == nil {
		h.htmlError(w, r, err)
		return
	}
	if err == nil {
		err = h.Services.Bounds.SaveBounds(r.Context(), []*kehoach.Bound{b})
	}
	if err != nil {
		h.boundsRefused(w, r, el, map[string]any{"In": typedBound(r)}, err)
		return
	}
	http.Redirect(w, r, "/planner/elements/"+el.Code+"/bounds?saved=1", http.StatusSeeOther)
}

// boundsRefused shows the page again with why a save was refused, or the
// error page when it is not the person's to fix.
func (h *handler) boundsRefused(w http.ResponseWriter, r *http.Request, el *kehoach.DataElement, extra map[string]any, err error) {
	if !refusedInput(err) {
		h.htmlError(w, r, err)
		return
	}
	bounds, ferr := h.Services.Bounds.FindBounds(r.Context(), el.Code)
	if ferr != nil {
		h.htmlError(w, r, ferr)
		return
	}
	if _, ok := extra["In"]; !ok {
		extra["In"] = boundInput{Target: "unit"}
	}
	h.renderBounds(w, r, el, bounds, extra, err)
}

// plannerBoundProposalsSave saves the proposals kept, as reviewed.
func (h *handler) plannerBoundProposalsSave(w http.ResponseWriter, r *http.Request) {
	el, err := h.findElement(r, r.PathValue("code"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	bs, err := form.DecodeBoundProposals(r, el)
	if bs == nil && err != nil && kehoach.ErrorFields(err) == nil {
		h.htmlError(w, r, err)
		return
	}
	if err == nil {
		err = h.Services.Bounds.SaveBounds(r.Context(), bs)
	}
	if err != nil {
		// The proposals again, as typed and ticked.
		var rows []proposalRow
		kept := map[string]bool{}
		for _, u := range r.PostForm["keep"] {
			kept[strings.ToUpper(strings.TrimSpace(u))] = true
		}
		for _, u := range r.PostForm["unit"] {
			rows = append(rows, proposalRow{Unit: u, UnitName: postField(r, "name."+u), Min: postField(r, "min."+u), Max: postField(r, "max."+u),
				Note: postField(r, "note."+u), Current: postField(r, "current."+u), Keep: kept[u]})
		}
		h.boundsRefused(w, r, el, map[string]any{"Proposals": rows, "Proposed": true, "Under": postField(r, "under")}, err)
		return
	}
	http.Redirect(w, r, "/planner/elements/"+el.Code+"/bounds?saved="+strconv.Itoa(len(bs)), http.StatusSeeOther)
}

// plannerBoundDelete removes a bound.
func (h *handler) plannerBoundDelete(w http.ResponseWriter, r *http.Request) {
	el, err := h.findElement(r, r.PathValue("code"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Không có khoảng cho phép %q.", r.PathValue("id")))
		return
	}
	if err := h.Services.Bounds.DeleteBound(r.Context(), el.Code, id); err != nil {
		h.boundsRefused(w, r, el, map[string]any{}, err)
		return
	}
	http.Redirect(w, r, "/planner/elements/"+el.Code+"/bounds?saved=deleted", http.StatusSeeOther)
}

// markRanges puts beside each number field the bound that applies to it
// (the unit's own, else its kind's): the reporter sees the range before
// typing, and the write path asks about a figure outside it.
func (h *handler) markRanges(r *http.Request, pg *entryPage, units []string) error {
	if h.Services.Bounds == nil || len(units) == 0 {
		return nil
	}
	var els []string
	for _, e := range pg.Elements {
		if e.ValueType == kehoach.TypeInteger || e.ValueType == kehoach.TypeNumber {
			els = append(els, e.Code)
		}
	}
	bounds, err := h.Services.Bounds.FindBoundsFor(r.Context(), els, units)
	if err != nil || len(bounds) == 0 {
		return err
	}
	byElement := map[string][]*kehoach.Bound{}
	for _, b := range bounds {
		byElement[b.Element] = append(byElement[b.Element], b)
	}
	for _, row := range pg.Rows {
		for _, c := range row.Cells {
			if b := kehoach.BoundFor(byElement[c.Element.Code], row.Unit.Code, row.Unit.Kind); b != nil && c.Enabled {
				c.Range = rangeLabel(b, decimalsOf(c.Element))
			}
		}
	}
	return nil
}
