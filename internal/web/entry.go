package web

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/locale"
	"kehoach/internal/web/form"
	"kehoach/period"
)

// entryCell is one field of the grid.
type entryCell struct {
	Name    string // "v.UNIT.ELEMENT"
	Element *kehoach.DataElement
	Enabled bool
	Value   string
	// Stored is the figure in the database when the page was made, sent
	// back as o.UNIT.ELEMENT for the check that nobody changed it since.
	Stored  string
	Prev    string
	Error   string
	Warning string
	// Remove is the cell's "Xóa" control as posted (entry removal, issue 9).
	Remove bool
	// Check is a plausibility warning needing a confirmation (Checked) or
	// a Comment; Flag the stored figure's warning, for the approver
	// (plausibility.go, issue 9).
	Check, Comment, Flag string
	Checked              bool
	// Range is the planner's bound for the figure ("50–200"), shown
	// beside the field before anything is typed (issue 9).
	Range string
}

// entryRow is one unit of the grid.
type entryRow struct {
	Unit  *kehoach.Unit
	Cells []*entryCell
}

// entryPage is everything the data entry page shows.
type entryPage struct {
	Units    []*kehoach.Unit
	Unit     *kehoach.Unit
	Forms    []*kehoach.Form
	Form     *kehoach.Form
	Elements []*kehoach.DataElement
	Periods  []period.Period
	Period   period.Period
	Prev     period.Period
	Window   [2]string
	Deadline string
	Rows     []*entryRow
	Errors   map[string]string
	// Unplaced are the errors of posted cells the grid has no field for
	// (an unknown unit, a unit that does not report the element).
	Unplaced []string
	Message  string
	Saved    string
	// ConfirmRemove lists the figures a post asks to remove, for the
	// question the page asks before removing them (entry removal, issue 9).
	ConfirmRemove []string
	// Flags lists the figures saved despite a warning ("cần kiểm tra").
	Flags []string
	// Submission is the grid's submission status and what the caller may
	// do with it (submission.go); set whenever Rows is.
	Submission *gridSubmission
}

// entryShow shows the choice of unit, form and period, and the grid once
// all three are chosen. Reporters see the grids of their entry scope;
// approvers see those of their approval scope read-only, to decide.
func (h *handler) entryShow(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := h.checkGridReader(r, q.Get("unit")); err != nil {
		h.htmlError(w, r, err)
		return
	}
	pg, err := h.entryPage(r, q.Get("unit"), q.Get("form"), q.Get("period"), nil)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	if s := q.Get("saved"); s != "" {
		pg.Saved = s
	}
	h.renderEntry(w, r, http.StatusOK, pg)
}

// entrySave validates and saves the grid in one transaction. On any error
// the page comes back with what was typed and a message beside each field;
// nothing of the submission is saved.
func (h *handler) entrySave(w http.ResponseWriter, r *http.Request) {
	in, err := form.DecodeEntry(r)
	if err != nil && in == nil {
		h.htmlError(w, r, err)
		return
	}
	if err == nil {
		err = h.checkEntryUnits(r, in)
	}
	if kehoach.ErrorCode(err) == kehoach.EFORBIDDEN {
		h.htmlError(w, r, err)
		return
	}
	// Entry removal (issue 9): figures go only by their "Xóa" control,
	// and only once the person has said yes to the page's question.
	var removals []string
	if err == nil {
		removals, err = in.Removals()
	}
	if err == nil && len(removals) > 0 && !in.ConfirmRemove {
		h.entryAskRemove(w, r, in, removals)
		return
	}
	var res *kehoach.SaveResult
	if err == nil {
		res, err = h.Services.Data.SaveValues(r.Context(), entryBatch(in, currentUser(r).Username))
		// Unusual figures (issue 9) need a confirmation or a comment:
		// nothing was saved; ask beside the fields.
		if unusual := unusualOnly(err); unusual != nil {
			if pg, perr := h.entryPage(r, in.Unit, in.Form, in.Period, in.Values); perr == nil {
				pg.askUnusual(unusual, in)
				h.entryAskCheck(w, r, pg, in, len(unusual))
				return
			}
		}
	}
	if err == nil {
		if err == nil && len(res.Warnings) > 0 {
			// Saved, with rules of lower importance broken: show them beside
			// their fields rather than only counting them.
			pg, perr := h.entryPage(r, in.Unit, in.Form, in.Period, nil)
			if perr != nil {
				h.htmlError(w, r, perr)
				return
			}
			pg.Saved = fmt.Sprintf("Đã lưu: %d số liệu mới, %d sửa, %d xóa. Có %d cảnh báo cần xem lại (bên cạnh ô).", res.Imported, res.Updated, res.Deleted, len(res.Warnings))
			pg.markCells(nil, res.Warnings)
			h.renderEntry(w, r, http.StatusOK, pg)
			return
		}
		if err == nil {
			saved := fmt.Sprintf("Đã lưu: %d số liệu mới, %d sửa, %d xóa.", res.Imported, res.Updated, res.Deleted)
			if len(res.Warnings) > 0 {
				saved += fmt.Sprintf(" Có %d cảnh báo cần xem lại.", len(res.Warnings))
			}
			http.Redirect(w, r, "/entry?"+url.Values{"unit": {in.Unit}, "form": {in.Form}, "period": {in.Period}, "saved": {saved}}.Encode(), http.StatusSeeOther)
			return
		}
	}
	code := kehoach.ErrorCode(err)
	// A database that cannot store (a full disk) still answers reads: the
	// grid comes back with what was typed and says so (503), rather than
	// an error page that loses the typing.
	if code != kehoach.EINVALID && code != kehoach.ENOTFOUND && code != kehoach.ECONFLICT && code != kehoach.EUNAVAILABLE {
		h.htmlError(w, r, err)
		return
	}
	typed := in.Values
	if code == kehoach.ECONFLICT {
		// Show the other person's figures in the cells they changed; keep
		// what this person typed everywhere else.
		typed = map[string]map[string]string{}
		for u, els := range in.Values {
			for e, v := range els {
				if _, clash := kehoach.ErrorFields(err)[u+"."+e]; !clash {
					if typed[u] == nil {
						typed[u] = map[string]string{}
					}
					typed[u][e] = v
				}
			}
		}
	}
	pg, perr := h.entryPage(r, in.Unit, in.Form, in.Period, typed)
	if perr != nil {
		// The page itself cannot be shown (unknown unit, form or period):
		// say so with the reason.
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "%s", kehoach.ErrorMessage(perr)))
		return
	}
	pg.Message = kehoach.ErrorMessage(err)
	pg.Errors = kehoach.ErrorFields(err)
	pg.markCells(pg.Errors, nil)
	pg.markRemove(in.Remove)
	h.renderEntry(w, r, statusOf(err), pg)
}

// entryAskRemove shows the grid as posted with the question before
// removing: which figures would go, and a button that says yes. Nothing
// is saved yet.
func (h *handler) entryAskRemove(w http.ResponseWriter, r *http.Request, in *form.Entry, removals []string) {
	pg, err := h.entryPage(r, in.Unit, in.Form, in.Period, in.Values)
	if err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "%s", kehoach.ErrorMessage(err)))
		return
	}
	pg.markRemove(in.Remove)
	for _, row := range pg.Rows {
		for _, c := range row.Cells {
			if c.Remove {
				pg.ConfirmRemove = append(pg.ConfirmRemove, fmt.Sprintf("%s, %s: %s", row.Unit.Name, c.Element.Name, c.Stored))
			}
		}
	}
	if len(pg.ConfirmRemove) == 0 {
		pg.ConfirmRemove = removals
	}
	h.renderEntry(w, r, http.StatusOK, pg)
}

// markRemove keeps the "Xóa" controls as the person set them.
func (pg *entryPage) markRemove(remove map[string]map[string]bool) {
	for _, row := range pg.Rows {
		for _, c := range row.Cells {
			c.Remove = remove[row.Unit.Code][c.Element.Code]
		}
	}
}

func (h *handler) renderEntry(w http.ResponseWriter, r *http.Request, status int, pg *entryPage) {
	title := "Nhập số liệu"
	if pg.Unit != nil {
		title += ": " + pg.Unit.Name
	}
	h.render(w, r, status, "entry", map[string]any{"Title": title, "E": pg})
}

// entryPage assembles the page for the chosen unit, form and period.
// typed, when not nil, replaces the stored values with what was posted.
func (h *handler) entryPage(r *http.Request, unitCode, formCode, pid string, typed map[string]map[string]string) (*entryPage, error) {
	ctx := r.Context()
	svc := h.Services
	pg := &entryPage{}
	all, err := svc.Units.FindUnits(ctx, kehoach.UnitFilter{Within: entryScope(r)})
	if err != nil {
		return nil, err
	}
	for _, u := range all {
		if u.Kind != kehoach.KindVillage {
			pg.Units = append(pg.Units, u)
		}
	}
	if unitCode == "" {
		return pg, nil
	}
	if pg.Unit, err = svc.Units.FindUnitByCode(ctx, unitCode); err != nil {
		return nil, err
	}
	forms, err := svc.Data.FindForms(ctx)
	if err != nil {
		return nil, err
	}
	elements, err := svc.Data.FindDataElements(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]*kehoach.DataElement{}
	for _, e := range elements {
		byCode[e.Code] = e
	}
	kinds := []string{pg.Unit.Kind}
	for _, c := range pg.Unit.Children {
		if !slices.Contains(kinds, c.Kind) {
			kinds = append(kinds, c.Kind)
		}
	}
	for _, f := range forms {
		// A form that lists its units (issue 14) is on their pages only.
		if formReportedBy(f, byCode, kinds) && f.Assigned(pg.Unit.Code) {
			pg.Forms = append(pg.Forms, f)
		}
		if f.Code == formCode {
			pg.Form = f
		}
	}
	if formCode == "" {
		return pg, nil
	}
	if pg.Form == nil {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Không có biểu mẫu mã %q.", formCode)
	}
	if !slices.Contains(pg.Forms, pg.Form) {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Đơn vị %s và các đơn vị trực thuộc không báo cáo biểu mẫu %q.", pg.Unit.Name, pg.Form.Name)
	}
	for _, c := range pg.Form.Elements {
		pg.Elements = append(pg.Elements, byCode[c])
	}
	ptype, err := period.ParseType(pg.Form.PeriodType)
	if err != nil {
		return nil, err
	}
	pg.Periods = entryPeriods(ptype, pg.Unit, h.Now())
	if pid == "" {
		return pg, nil
	}
	if pg.Period, err = pg.Form.PeriodOf(pid); err != nil {
		return nil, err
	}
	pg.Prev = pg.Period.Prev()
	scheme := period.Scheme{CutoffDay: pg.Form.CutoffDay, DeadlineDays: pg.Form.DeadlineDays}
	if scheme.Validate() == nil {
		from, to := scheme.Window(pg.Period)
		pg.Window = [2]string{locale.VI.Date(from), locale.VI.Date(to)}
		pg.Deadline = locale.VI.Date(scheme.Deadline(pg.Period))
	}

	rows := kehoach.GridRows(pg.Unit, pg.Unit.Children, pg.Elements, kehoach.DateOf(pg.Period.Start()), kehoach.DateOf(pg.Period.End()))
	codes := make([]string, len(rows))
	for i, u := range rows {
		codes[i] = u.Code
	}
	stored := map[string]string{}
	notes := map[string]string{} // comments of the period's figures
	if len(codes) > 0 {
		vals, err := svc.Data.FindDataValues(ctx, kehoach.DataValueFilter{Units: codes, Periods: []string{pg.Period.String(), pg.Prev.String()}, Elements: pg.Form.Elements})
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			if v.Disagg == "" {
				stored[v.Period+"/"+v.Unit+"."+v.Element] = v.Value
				if v.Period == pg.Period.String() {
					notes[v.Unit+"."+v.Element] = v.Comment
				}
			}
		}
	}
	for _, u := range rows {
		row := &entryRow{Unit: u}
		for _, e := range pg.Elements {
			key := u.Code + "." + e.Code
			c := &entryCell{Name: "v." + key, Element: e, Enabled: e.ReportedBy(u.Kind)}
			c.Stored = stored[pg.Period.String()+"/"+key]
			c.Value = c.Stored
			if typed != nil {
				if v, ok := typed[u.Code][e.Code]; ok {
					c.Value = v
				}
			}
			c.Prev = stored[pg.Prev.String()+"/"+key]
			row.Cells = append(row.Cells, c)
		}
		pg.Rows = append(pg.Rows, row)
	}
	pg.markFlags(notes)
	if err := h.markRanges(r, pg, codes); err != nil {
		return nil, err
	}
	if len(pg.Rows) > 0 {
		if pg.Submission, err = h.gridSubmission(r, pg); err != nil {
			return nil, err
		}
	}
	return pg, nil
}

// checkEntryUnits checks that the caller may enter figures for the page's
// unit and that every cell posted belongs to that unit or a unit under it
// (the grid's rows): a post cannot reach units the page did not show.
func (h *handler) checkEntryUnits(r *http.Request, in *form.Entry) error {
	if err := h.checkUnit(r, auth.ActionEnter, in.Unit); err != nil {
		return err
	}
	for code := range in.Values {
		if code == in.Unit {
			continue
		}
		ancestors, err := h.Services.Units.FindAncestors(r.Context(), code)
		if kehoach.ErrorCode(err) == kehoach.ENOTFOUND {
			continue // the store names unknown units beside their cells
		} else if err != nil {
			return err
		}
		if !slices.Contains(ancestors, in.Unit) {
			return kehoach.Errorf(kehoach.EFORBIDDEN, "Đơn vị %s không thuộc %s: không thể nhập số liệu cho đơn vị này từ biểu mẫu của %s.", code, in.Unit, in.Unit)
		}
	}
	return nil
}

// markCells puts each message beside its cell; errors of cells the grid
// has no field for (an unknown unit, a unit that does not report the
// element) are listed above it.
func (pg *entryPage) markCells(errs, warnings map[string]string) {
	placed := map[string]bool{"unit": true, "form": true, "period": true}
	for _, row := range pg.Rows {
		for _, c := range row.Cells {
			if !c.Enabled {
				continue
			}
			key := strings.TrimPrefix(c.Name, "v.")
			c.Error, c.Warning = errs[key], warnings[key]
			placed[key] = true
		}
	}
	for _, key := range slices.Sorted(maps.Keys(errs)) {
		if !placed[key] {
			pg.Unplaced = append(pg.Unplaced, key+": "+errs[key])
		}
	}
}

// formReportedBy reports whether any element of f is reported by one of kinds.
func formReportedBy(f *kehoach.Form, byCode map[string]*kehoach.DataElement, kinds []string) bool {
	for _, c := range f.Elements {
		if e := byCode[c]; e != nil {
			for _, k := range kinds {
				if e.ReportedBy(k) {
					return true
				}
			}
		}
	}
	return false
}

// entryPeriods lists the periods one may pick, newest first: those open
// for entry (kehoach.Form.Periods, the rule the store enforces too), within
// the unit's validity.
func entryPeriods(t period.Type, u *kehoach.Unit, now time.Time) []period.Period {
	var out []period.Period
	for _, p := range (&kehoach.Form{PeriodType: t.String()}).Periods(now) {
		if u.ValidDuring(kehoach.DateOf(p.Start()), kehoach.DateOf(p.End())) {
			out = append(out, p)
		}
	}
	return out
}
