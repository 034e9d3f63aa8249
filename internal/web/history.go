package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/locale"
	"kehoach/period"
)

// historyRow is one change of a figure as the page shows it.
type historyRow struct {
	*kehoach.AuditEvent
	Time        string
	ActionLabel string
	OldText     string
	NewText     string
}

// historyPage is what the history of one figure shows.
type historyPage struct {
	Unit    *kehoach.Unit
	Element *kehoach.DataElement
	Period  period.Period
	Rows    []historyRow
	Current string // the figure now, "" when there is none
	Back    string // the grid the person came from, or the unit's page
	// ShowAddress: the caller is an administrator and sees the savers'
	// addresses; for anyone else the rows carry none.
	ShowAddress bool
}

// historyShow shows every change of one figure (element, unit, period):
// when, who, old → new, oldest first, and to administrators from which
// address. Whoever may view the unit may read it; a saver's IP address
// tells where a person works from, which is for those who look after the
// system, not for every reader of the unit.
func (h *handler) historyShow(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	unit, element, pid := q.Get("unit"), q.Get("element"), q.Get("period")
	if unit == "" || element == "" || pid == "" {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Cần chọn đơn vị, chỉ số và kỳ báo cáo để xem lịch sử số liệu."))
		return
	}
	if err := h.checkUnit(r, auth.ActionView, unit); err != nil {
		h.htmlError(w, r, err)
		return
	}
	ctx := r.Context()
	pg := &historyPage{}
	var err error
	if pg.Period, err = period.Parse(pid); err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "%v", err))
		return
	}
	if pg.Unit, err = h.Services.Units.FindUnitByCode(ctx, unit); err != nil {
		h.htmlError(w, r, err)
		return
	}
	elements, err := h.Services.Data.FindDataElements(ctx)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	for _, e := range elements {
		if e.Code == element {
			pg.Element = e
		}
	}
	if pg.Element == nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.ENOTFOUND, "Không có chỉ số thu thập mã %q.", element))
		return
	}
	events, err := h.Services.Audit.FindValueHistory(ctx, element, unit, pg.Period.String())
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	pg.ShowAddress = auth.Can(currentUser(r).Role, auth.ActionAdmin)
	for _, e := range events {
		if !pg.ShowAddress {
			// Blank a copy, so that no template can print it.
			c := *e
			c.Address = ""
			e = &c
		}
		pg.Rows = append(pg.Rows, historyRow{AuditEvent: e, Time: locale.VI.DateTimeSeconds(e.At),
			ActionLabel: locale.VI.AuditAction(e.Action),
			OldText:     displayValue(pg.Element, e.Old), NewText: displayValue(pg.Element, e.New)})
	}
	// The figure now is the stored one: a bulk or bundle load writes one
	// audit event for the whole load, not one per cell.
	stored, err := h.Services.Data.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{unit}, Periods: []string{pg.Period.String()}, Elements: []string{element}})
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	for _, v := range stored {
		if v.Disagg == "" {
			pg.Current = displayValue(pg.Element, v.Value)
		}
	}
	pg.Back = "/units/" + url.PathEscape(unit)
	if u := currentUser(r); auth.Can(u.Role, auth.ActionEnter) || auth.Can(u.Role, auth.ActionApprove) {
		// Back to the grid (where figures are entered or approved): the
		// page's unit (a commune, for a village's cell) and form when the
		// link from the grid named them.
		v := url.Values{"unit": {unit}}
		if grid := q.Get("grid"); grid != "" {
			v.Set("unit", grid)
		}
		if form := q.Get("form"); form != "" {
			v.Set("form", form)
			v.Set("period", pg.Period.String())
		}
		pg.Back = "/entry?" + v.Encode()
	}
	h.render(w, r, http.StatusOK, "history", map[string]any{
		"Title": "Lịch sử số liệu: " + pg.Element.ShortName + ", " + pg.Unit.Name + ", " + pg.Period.Label(),
		"H":     pg,
	})
}

// displayValue writes a stored figure the Vietnamese way: yes/no as
// Có/Không, numbers with a decimal comma and grouped thousands.
func displayValue(e *kehoach.DataElement, s string) string {
	if s == "" {
		return ""
	}
	switch e.ValueType {
	case kehoach.TypeBool:
		switch s {
		case "true", "1":
			return "Có"
		case "false", "0":
			return "Không"
		}
	case kehoach.TypeInteger, kehoach.TypeNumber:
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			decimals := 0
			if _, frac, ok := strings.Cut(s, "."); ok {
				decimals = len(frac)
			}
			return locale.VI.Number(v, decimals)
		}
	}
	return s
}
