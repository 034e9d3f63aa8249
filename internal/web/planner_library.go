package web

import (
	"net/http"
	"slices"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
	"kehoach/internal/web/form"
)

// The library shared by every plan: indicators, data elements, forms.
// An edit that changes figures another plan reads says so first, naming
// the plans, and goes through only when confirmed.

// findIndicator returns the indicator of code, ENOTFOUND when none.
func (h *handler) findIndicator(r *http.Request, code string) (*kehoach.Indicator, error) {
	inds, err := h.Services.Data.FindIndicators(r.Context())
	if err != nil {
		return nil, err
	}
	for _, i := range inds {
		if i.Code == code {
			return i, nil
		}
	}
	return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Không có chỉ tiêu mã %q.", code)
}

// exprPreview is the check of an indicator as typed and its value for a
// unit and period: what the page shows and /planner/check answers.
type exprPreview struct {
	Numerator   exprCheck `json:"numerator"`
	Denominator exprCheck `json:"denominator"`
	Unit        string    `json:"unit"`
	Period      string    `json:"period"`
	// Value is the preview formatted, "" when there is none; Note says why.
	Value string `json:"value"`
	Note  string `json:"note,omitempty"`
}

// exprCheck is one expression's check: OK, or the reason and its column.
type exprCheck struct {
	OK     bool   `json:"ok"`
	Column int    `json:"column,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func checkExpr(src string, optional bool) exprCheck {
	if why := kehoach.ExprReason(src, optional); why != "" {
		return exprCheck{Column: kehoach.ExprColumn(src), Reason: why}
	}
	return exprCheck{OK: true}
}

// previewIndicator checks i's expressions and evaluates it for unit and
// period when both parse and both are given.
func (h *handler) previewIndicator(r *http.Request, i *kehoach.Indicator, unit, pid string) *exprPreview {
	pv := &exprPreview{Numerator: checkExpr(i.Numerator, false), Denominator: checkExpr(i.Denominator, true), Unit: unit, Period: pid}
	pr, ok := h.Services.Analytics.(kehoach.IndicatorPreviewer)
	switch {
	case !pv.Numerator.OK || !pv.Denominator.OK:
		pv.Note = "Sửa biểu thức để xem thử giá trị."
	case unit == "" || pid == "":
		pv.Note = "Chọn đơn vị và kỳ để xem thử giá trị."
	case !ok:
		pv.Note = "Máy chủ này không xem thử được."
	default:
		if err := h.checkUnit(r, auth.ActionView, unit); err != nil {
			pv.Note = kehoach.ErrorMessage(err)
			break
		}
		if i.Factor == 0 {
			i.Factor = 1
		}
		pt, err := pr.PreviewIndicator(r.Context(), i, unit, pid)
		switch {
		case err != nil:
			pv.Note = kehoach.ErrorMessage(err)
		case !pt.HasValue:
			pv.Note = "Chưa có số liệu cho đơn vị và kỳ này (hoặc mẫu số bằng 0)."
		default:
			pv.Value = locale.VI.Number(pt.Value, i.Decimals) + " (" + locale.VI.Number(pt.Num, 2) + " / " + locale.VI.Number(pt.Den, 2) + ")"
		}
	}
	return pv
}

// plannerCheck answers the indicator form's live check as JSON.
func (h *handler) plannerCheck(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	i := &kehoach.Indicator{Numerator: q.Get("numerator"), Denominator: q.Get("denominator"), Factor: 1}
	if f, ok := parseFactor(q.Get("factor")); ok {
		i.Factor = f
	}
	writeJSON(w, http.StatusOK, h.previewIndicator(r, i, q.Get("unit"), q.Get("period")))
}

func (h *handler) renderIndicator(w http.ResponseWriter, r *http.Request, i *kehoach.Indicator, edit bool, extra map[string]any, err error) {
	data := map[string]any{"Title": "Chỉ tiêu", "F": i, "Edit": edit, "Unit": r.FormValue("previewUnit"), "Period": r.FormValue("previewPeriod")}
	for k, v := range extra {
		data[k] = v
	}
	h.plannerForm(w, r, "planner_indicator", data, err)
}

func (h *handler) plannerIndicatorNew(w http.ResponseWriter, r *http.Request) {
	h.renderIndicator(w, r, &kehoach.Indicator{Factor: 100, Decimals: 1}, false, nil, nil)
}

func (h *handler) plannerIndicatorEdit(w http.ResponseWriter, r *http.Request) {
	i, err := h.findIndicator(r, r.PathValue("code"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	uses, err := h.indicatorUses(r, i)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.renderIndicator(w, r, i, true, map[string]any{"Uses": uses}, nil)
}

// indicatorUses lists the targets of every plan that read the indicator.
func (h *handler) indicatorUses(r *http.Request, i *kehoach.Indicator) ([]kehoach.ElementUse, error) {
	var out []kehoach.ElementUse
	for _, el := range i.ElementRefs() {
		uses, err := h.Services.Planning.FindElementUses(r.Context(), el)
		if err != nil {
			return nil, err
		}
		for _, u := range uses {
			if u.Indicator == i.Code && !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// plannerIndicatorSave adds or changes an indicator. With action=preview
// it only checks and shows the value (the page's way without JavaScript).
// A change of a used indicator's formula asks to be confirmed first.
func (h *handler) plannerIndicatorSave(w http.ResponseWriter, r *http.Request) {
	oldCode := r.PathValue("code")
	i, err := form.DecodeIndicator(r)
	if i == nil {
		h.htmlError(w, r, err)
		return
	}
	if oldCode != "" {
		i.Code = oldCode
	}
	if r.PostForm.Get("action") == "preview" {
		// A check saves nothing: the fields it does not read (name,
		// decimals) may still be empty.
		h.renderIndicator(w, r, i, oldCode != "", map[string]any{"Preview": h.previewIndicator(r, i, r.PostForm.Get("previewUnit"), r.PostForm.Get("previewPeriod"))}, nil)
		return
	}
	if err == nil && oldCode != "" && r.PostForm.Get("confirm") != "1" {
		old, ferr := h.findIndicator(r, oldCode)
		if ferr != nil {
			h.htmlError(w, r, ferr)
			return
		}
		if old.Numerator != i.Numerator || old.Denominator != i.Denominator || old.Factor != i.Factor {
			uses, uerr := h.indicatorUses(r, old)
			if uerr != nil {
				h.htmlError(w, r, uerr)
				return
			}
			if len(uses) > 0 {
				h.renderIndicator(w, r, i, true, map[string]any{"Uses": uses, "Confirm": true},
					kehoach.Errorf(kehoach.ECONFLICT, "Đổi công thức sẽ đổi số liệu của các mục tiêu dưới đây. Xem lại rồi bấm \"Lưu, đồng ý thay đổi\"."))
				return
			}
		}
	}
	if err == nil {
		err = h.Services.Planning.SaveIndicator(r.Context(), oldCode, i)
	}
	if err != nil {
		if refusedInput(err) {
			h.renderIndicator(w, r, i, oldCode != "", map[string]any{"Preview": h.previewIndicator(r, i, r.PostForm.Get("previewUnit"), r.PostForm.Get("previewPeriod"))}, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/planner/indicators/"+i.Code+"?saved=1", http.StatusSeeOther)
}

// findElement returns the element of code, ENOTFOUND when none.
func (h *handler) findElement(r *http.Request, code string) (*kehoach.DataElement, error) {
	els, err := h.Services.Data.FindDataElements(r.Context())
	if err != nil {
		return nil, err
	}
	for _, e := range els {
		if e.Code == code {
			return e, nil
		}
	}
	return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Không có chỉ số mã %q.", code)
}

func (h *handler) renderElement(w http.ResponseWriter, r *http.Request, e *kehoach.DataElement, edit bool, extra map[string]any, err error) {
	data := map[string]any{"Title": "Chỉ số thu thập", "F": e, "Edit": edit}
	if edit {
		uses, uerr := h.Services.Planning.FindElementUses(r.Context(), e.Code)
		if uerr != nil {
			h.htmlError(w, r, uerr)
			return
		}
		data["Uses"] = uses
	}
	for k, v := range extra {
		data[k] = v
	}
	h.plannerForm(w, r, "planner_element", data, err)
}

func (h *handler) plannerElementNew(w http.ResponseWriter, r *http.Request) {
	h.renderElement(w, r, &kehoach.DataElement{ValueType: kehoach.TypeInteger, Aggregation: kehoach.AggLast, UnitKinds: []string{kehoach.KindCommune}}, false, nil, nil)
}

// plannerElementEdit is an element's page: its fields and the plans that
// use it.
func (h *handler) plannerElementEdit(w http.ResponseWriter, r *http.Request) {
	e, err := h.findElement(r, r.PathValue("code"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.renderElement(w, r, e, true, nil, nil)
}

// plannerElementSave adds or changes an element; a change of how a used
// element counts (type, aggregation, who reports it) asks first.
func (h *handler) plannerElementSave(w http.ResponseWriter, r *http.Request) {
	oldCode := r.PathValue("code")
	e, err := form.DecodeElement(r)
	if e == nil {
		h.htmlError(w, r, err)
		return
	}
	if oldCode != "" {
		e.Code = oldCode
		old, ferr := h.findElement(r, oldCode)
		if ferr != nil {
			h.htmlError(w, r, ferr)
			return
		}
		changes := old.ValueType != e.ValueType || old.Aggregation != e.Aggregation || !slices.Equal(old.UnitKinds, e.UnitKinds)
		if changes && r.PostForm.Get("confirm") != "1" {
			uses, uerr := h.Services.Planning.FindElementUses(r.Context(), oldCode)
			if uerr != nil {
				h.htmlError(w, r, uerr)
				return
			}
			if len(uses) > 0 {
				h.renderElement(w, r, e, true, map[string]any{"Confirm": true},
					kehoach.Errorf(kehoach.ECONFLICT, "Thay đổi này đổi số liệu của các kế hoạch dùng chỉ số (danh sách dưới đây). Xem lại rồi bấm \"Lưu, đồng ý thay đổi\"."))
				return
			}
		}
	}
	if err = h.Services.Planning.SaveDataElement(r.Context(), oldCode, e); err != nil {
		if refusedInput(err) {
			h.renderElement(w, r, e, oldCode != "", nil, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/planner/elements/"+e.Code+"?saved=1", http.StatusSeeOther)
}

func (h *handler) renderForm(w http.ResponseWriter, r *http.Request, f *kehoach.Form, edit bool, err error) {
	els, ferr := h.Services.Data.FindDataElements(r.Context())
	if ferr != nil {
		h.htmlError(w, r, ferr)
		return
	}
	h.plannerForm(w, r, "planner_form", map[string]any{"Title": "Biểu mẫu", "F": f, "Edit": edit, "Elements": els, "Rules": form.RulesText(f.Rules),
		"Reporters": h.formReporters(r, f, els), "Assignable": h.assignable(r, f, els)}, err)
}

// assignable lists the units a planner may assign f to (issue 14): today's
// grid owners of its elements within the planner's view (kehoach.OwnsGrid),
// or every unit that is not a village while the form has no elements yet,
// by name in Vietnamese order, the assigned ones first.
func (h *handler) assignable(r *http.Request, f *kehoach.Form, els []*kehoach.DataElement) []*kehoach.Unit {
	today := kehoach.DateOf(h.Now().In(kehoach.VietnamZone))
	us, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{On: today, Within: kehoach.ActorFromContext(r.Context()).View.Filter()})
	if err != nil {
		h.Log.Warn("assignable units", "err", err)
		return nil
	}
	var mine []*kehoach.DataElement
	for _, e := range els {
		if slices.Contains(f.Elements, e.Code) {
			mine = append(mine, e)
		}
	}
	children := map[string][]*kehoach.Unit{}
	for _, u := range us {
		children[u.ParentCode] = append(children[u.ParentCode], u)
	}
	var out []*kehoach.Unit
	for _, u := range us {
		if u.Kind != kehoach.KindVillage && (len(mine) == 0 || kehoach.OwnsGrid(u, children[u.Code], mine, today, today) || slices.Contains(f.Units, u.Code)) {
			out = append(out, u)
		}
	}
	slices.SortStableFunc(out, func(a, b *kehoach.Unit) int {
		if x, y := slices.Contains(f.Units, a.Code), slices.Contains(f.Units, b.Code); x != y {
			if x {
				return -1
			}
			return 1
		}
		return vntext.Compare(a.Name, b.Name)
	})
	return out
}

// formReporter is a kind of unit that fills a form, and how many there are.
type formReporter struct {
	Kind  string
	Count int
}

// formReporters says who fills f: the units of the kinds that report its
// elements (a form is assigned to units through its elements' kinds).
func (h *handler) formReporters(r *http.Request, f *kehoach.Form, els []*kehoach.DataElement) []formReporter {
	var kinds []string
	for _, e := range els {
		if !slices.Contains(f.Elements, e.Code) {
			continue
		}
		for _, k := range e.UnitKinds {
			if !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	var out []formReporter
	for _, k := range kehoach.UnitKinds {
		if !slices.Contains(kinds, k) {
			continue
		}
		us, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{Kind: k, On: kehoach.DateOf(h.Now().In(kehoach.VietnamZone)), Within: kehoach.ActorFromContext(r.Context()).View.Filter()})
		if err != nil {
			h.Log.Warn("form reporters", "err", err)
			return out
		}
		out = append(out, formReporter{k, len(us)})
	}
	return out
}

func (h *handler) plannerFormNew(w http.ResponseWriter, r *http.Request) {
	// Decree 09/2019/NĐ-CP: figures to the 14th/15th of the period's last
	// month, the report a few days later.
	h.renderForm(w, r, &kehoach.Form{PeriodType: "yearly", CutoffDay: 14, DeadlineDays: 5}, false, nil)
}

func (h *handler) plannerFormEdit(w http.ResponseWriter, r *http.Request) {
	f, err := h.Services.Data.FindFormByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.renderForm(w, r, f, true, nil)
}

// plannerFormSave adds or changes a form with its elements and rules.
func (h *handler) plannerFormSave(w http.ResponseWriter, r *http.Request) {
	oldCode := r.PathValue("code")
	f, err := form.DecodeForm(r)
	if f == nil {
		h.htmlError(w, r, err)
		return
	}
	if oldCode != "" {
		f.Code = oldCode
	}
	if err == nil {
		err = h.Services.Planning.SaveForm(r.Context(), oldCode, f)
	}
	if err != nil {
		if refusedInput(err) {
			h.renderForm(w, r, f, oldCode != "", err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/planner/forms/"+f.Code+"?saved=1", http.StatusSeeOther)
}
