package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/locale"
)

// auditPageSize is how many events one page of the audit log shows.
const auditPageSize = 50

// auditQuery is the audit log's filter form, as typed.
type auditQuery struct {
	Actor, Action, Entity, Address string
	Key                            string
	Match                          string // "exact", "prefix" or "contains"
	From, To                       string // YYYY-MM-DD, Vietnam time
	Page                           int
}

// auditMatches are the ways the key may match, for the form.
var auditMatches = [][2]string{{"exact", "đúng bằng"}, {"prefix", "bắt đầu bằng"}, {"contains", "có chứa"}}

// parseAuditQuery reads the form and turns it into a filter; errs names
// the fields that could not be read (the filter then leaves them out).
func parseAuditQuery(r *http.Request) (auditQuery, kehoach.AuditFilter, map[string]string) {
	v := r.URL.Query()
	q := auditQuery{
		Actor:   strings.TrimSpace(v.Get("actor")),
		Action:  strings.TrimSpace(v.Get("action")),
		Entity:  strings.TrimSpace(v.Get("entity")),
		Address: strings.TrimSpace(v.Get("address")),
		Key:     strings.TrimSpace(v.Get("key")),
		Match:   v.Get("match"),
		From:    strings.TrimSpace(v.Get("from")),
		To:      strings.TrimSpace(v.Get("to")),
		Page:    1,
	}
	errs := map[string]string{}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			errs["page"] = "Số trang không hợp lệ."
		} else {
			q.Page = n
		}
	}
	f := kehoach.AuditFilter{Actor: strings.ToLower(q.Actor), Action: q.Action, Entity: q.Entity, Address: q.Address}
	switch q.Match {
	case "prefix":
		f.KeyPrefix = q.Key
	case "contains":
		f.KeyContains = q.Key
	default:
		q.Match = "exact"
		f.Key = q.Key
	}
	day := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(kehoach.DateFormat, s, locale.Vietnam)
		if err != nil {
			errs[field] = fmt.Sprintf("Ngày %q không hợp lệ (cần dạng NNNN-TT-NN).", s)
			return time.Time{}
		}
		return t
	}
	f.From = day("from", q.From)
	if to := day("to", q.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole of the last day
	}
	return q, f, errs
}

// values returns the filter as query parameters, without the page.
func (q auditQuery) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"actor", q.Actor}, {"action", q.Action}, {"entity", q.Entity}, {"address", q.Address},
		{"key", q.Key}, {"from", q.From}, {"to", q.To}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if q.Key != "" && q.Match != "exact" {
		v.Set("match", q.Match)
	}
	return v
}

// auditRow is one event as the page shows it.
type auditRow struct {
	*kehoach.AuditEvent
	Time        string // Vietnam time
	ActionLabel string
	EntityLabel string
	History     string // link to the value's history, for data values
	// Names, not codes (issue 16): the key's names, and JSON values as
	// fields old → new (Fields false: Old and New are shown as they are).
	KeyLabel string
	Changes  []fieldChange
	Fields   bool
}

// auditPage is what the audit log page shows.
type auditPage struct {
	Q         auditQuery
	Matches   [][2]string
	Actions   [][2]string // code, label
	Entities  [][2]string
	Rows      []auditRow
	Total     int
	TotalText string // Total written the Vietnamese way
	Pages     int
	Prev      string // links to the newer and older pages, "" at the ends
	Next      string
	CSV       string
	Errors    map[string]string
}

// auditShow shows the audit log, newest first, filtered and paged:
// administrators only (the route says so). Reading the log is not itself
// audited; exporting it is.
func (h *handler) auditShow(w http.ResponseWriter, r *http.Request) {
	q, f, errs := parseAuditQuery(r)
	pg := &auditPage{Q: q, Matches: auditMatches, Errors: errs}
	for _, a := range kehoach.AuditActions {
		pg.Actions = append(pg.Actions, [2]string{a, locale.VI.AuditAction(a)})
	}
	for _, e := range kehoach.AuditEntities {
		pg.Entities = append(pg.Entities, [2]string{e, locale.VI.AuditEntity(e)})
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		f.Limit, f.Offset = auditPageSize, (q.Page-1)*auditPageSize
		events, total, err := h.Services.Audit.FindAuditEvents(r.Context(), f)
		if err != nil {
			h.htmlError(w, r, err)
			return
		}
		pg.Total, pg.TotalText = total, locale.VI.Number(float64(total), 0)
		pg.Pages = (total + auditPageSize - 1) / auditPageSize
		n, err := h.auditNames(r, events)
		if err != nil {
			h.htmlError(w, r, err)
			return
		}
		for _, e := range events {
			changes, fields := auditChanges(e, n.units)
			pg.Rows = append(pg.Rows, auditRow{AuditEvent: e, Time: locale.VI.DateTimeSeconds(e.At),
				ActionLabel: locale.VI.AuditAction(e.Action), EntityLabel: locale.VI.AuditEntity(e.Entity),
				History: valueHistoryLink(e), KeyLabel: auditKeyLabel(e, n.units, n.elements, n.forms), Changes: changes, Fields: fields})
		}
		page := func(n int) string {
			v := q.values()
			if n > 1 {
				v.Set("page", strconv.Itoa(n))
			}
			if len(v) == 0 {
				return "/admin/audit"
			}
			return "/admin/audit?" + v.Encode()
		}
		if q.Page > 1 {
			pg.Prev = page(min(q.Page-1, max(pg.Pages, 1)))
		}
		if q.Page < pg.Pages {
			pg.Next = page(q.Page + 1)
		}
	}
	pg.CSV = "/admin/audit.csv"
	if v := q.values(); len(v) > 0 {
		pg.CSV += "?" + v.Encode()
	}
	h.render(w, r, status, "audit", map[string]any{"Title": "Nhật ký hệ thống", "A": pg})
}

// valueHistoryLink links a data value's event to the value's history.
func valueHistoryLink(e *kehoach.AuditEvent) string {
	if e.Entity != kehoach.AuditDataValue {
		return ""
	}
	parts := strings.Split(e.Key, "/")
	if len(parts) != 3 {
		return ""
	}
	return "/entry/history?" + url.Values{"element": {parts[0]}, "unit": {parts[1]}, "period": {parts[2]}}.Encode()
}

// auditCSV exports the filtered audit log as CSV for Excel: UTF-8 with a
// byte order mark (else Excel reads it as the ANSI code page and garbles
// Vietnamese), comma-separated, a header row in Vietnamese, times in
// Vietnam time. The export itself is recorded in the log first.
func (h *handler) auditCSV(w http.ResponseWriter, r *http.Request) {
	_, f, errs := parseAuditQuery(r)
	delete(errs, "page") // the export has no pages
	if len(errs) > 0 {
		for _, msg := range errs {
			h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "%s", msg))
			return
		}
	}
	cw := csv.NewWriter(w)
	started := false
	start := func() {
		started = true
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="nhat-ky-`+h.Now().In(locale.Vietnam).Format("20060102-1504")+`.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte("\ufeff"))
		cw.Write([]string{"Số thứ tự sự kiện", "Thời gian (giờ Việt Nam)", "Người thực hiện", "Địa chỉ", "Hành động",
			"Đối tượng", "Mã đối tượng", "Giá trị cũ", "Giá trị mới"})
	}
	_, err := h.Services.Audit.ExportAuditEvents(r.Context(), f, func(e *kehoach.AuditEvent) error {
		if !started {
			start()
		}
		cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.In(locale.Vietnam).Format("2006-01-02 15:04:05"),
			csvCell(e.Actor), csvCell(e.Address), locale.VI.AuditAction(e.Action), locale.VI.AuditEntity(e.Entity),
			csvCell(e.Key), csvCell(e.Old), csvCell(e.New)})
		return cw.Error() // a client gone stops the export
	})
	if err != nil && !started {
		h.htmlError(w, r, err)
		return
	}
	if err != nil {
		h.Log.Warn("audit export cut short", "err", err)
		return
	}
	if !started {
		start()
	}
	cw.Flush()
}

// csvCell keeps a spreadsheet from reading a cell as a formula (CSV
// injection): text that begins with = + - @ or a control character gets a
// leading apostrophe, which Excel shows as text and does not display.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
