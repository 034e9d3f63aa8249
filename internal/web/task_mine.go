package web

import (
	"net/http"
	"strconv"

	"kehoach"
)

// myTasks is "my tasks": for each unit of the caller's entry scope (or the
// unit asked for, within the view scope), the occurrences overdue, due
// within the chosen number of days, and the reports and figures returned.
// It is where a person lands after signing in when something is pending.
func (h *handler) myTasks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	days := kehoach.ReminderDaysDefault
	if v := q.Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 366 {
			h.htmlError(w, r, &kehoach.Error{Code: kehoach.EINVALID, Message: "Số ngày phải từ 1 đến 366.", Fields: map[string]string{"days": "1–366"}})
			return
		}
		days = n
	}
	var units []string
	if u := q.Get("unit"); u != "" {
		units = []string{u}
	} else if a := kehoach.ActorFromContext(r.Context()); !a.Entry.All {
		units = a.Entry.Units
	}
	var list []*kehoach.Reminders
	for _, u := range units {
		rem, err := h.reminders(r, u, days)
		if err != nil {
			h.htmlError(w, r, err)
			return
		}
		list = append(list, rem)
	}
	h.render(w, r, http.StatusOK, "tasks_mine", map[string]any{"Title": "Việc của tôi", "List": list, "Days": days, "Unit": q.Get("unit")})
}

// reminders builds a unit's reminders as the digest does
// (kehoach.UnitReminders).
func (h *handler) reminders(r *http.Request, unit string, days int) (*kehoach.Reminders, error) {
	if err := h.checkUnit(r, "view", unit); err != nil {
		return nil, err
	}
	return kehoach.UnitReminders(r.Context(), h.Services, unit, days, kehoach.DateOf(h.Now().In(kehoach.VietnamZone)))
}
