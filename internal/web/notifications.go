package web

import (
	"net/http"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/locale"
)

// In-app notifications (issue 16), computed from the submissions each time
// so that none is ever stale: a reporter sees the grids returned to them
// and why, an approver the grids waiting for a decision. The tasks issue
// adds its own kinds to the same list.

// maxNotices bounds the notices listed per kind (on average); the page
// says when more wait.
const maxNotices = 50

// notice is one thing that waits for the reader.
type notice struct {
	Kind string // "returned" or "waiting"
	Sub  *kehoach.Submission
}

// noticeCookie marks the first page after signing in, which shows the
// notices in full rather than only their count in the header.
const noticeCookie = "kehoach_notices"

// notices returns what waits for the signed-in reader: grids of their
// entry scope returned to be corrected (if they may submit), and grids
// submitted for approval (if they may approve). Nil for anonymous pages.
func (h *handler) notices(r *http.Request) []notice {
	u := currentUser(r)
	if u == nil || h.Services.Submissions == nil {
		return nil
	}
	// One query for both kinds: this runs on every page.
	kinds := map[string]string{}
	if auth.Can(u.Role, auth.ActionSubmit) {
		kinds[kehoach.SubmissionReturned] = "returned"
	}
	if auth.Can(u.Role, auth.ActionApprove) {
		kinds[kehoach.SubmissionSubmitted] = "waiting"
	}
	if len(kinds) == 0 {
		return nil
	}
	var statuses []string
	for _, st := range []string{kehoach.SubmissionReturned, kehoach.SubmissionSubmitted} {
		if kinds[st] != "" {
			statuses = append(statuses, st)
		}
	}
	subs, err := h.Services.Submissions.FindSubmissions(r.Context(), kehoach.SubmissionFilter{
		Statuses: statuses, Within: entryScope(r), Limit: maxNotices * len(statuses),
	})
	if err != nil {
		h.Log.Warn("notices", "err", err)
		return nil
	}
	var out []notice
	for _, s := range subs {
		out = append(out, notice{Kind: kinds[s.Status], Sub: s})
	}
	return out
}

// noticeRow is a notice as the page reads it: names, not codes.
type noticeRow struct {
	notice
	FormName, UnitName, PeriodLabel, At string
}

// noticeRows names the forms and periods of ns.
func (h *handler) noticeRows(r *http.Request, ns []notice) ([]noticeRow, error) {
	if len(ns) == 0 {
		return nil, nil
	}
	forms, err := h.Services.Data.FindForms(r.Context())
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, f := range forms {
		names[f.Code] = f.Name
	}
	subs := make([]*kehoach.Submission, len(ns))
	for i, n := range ns {
		subs[i] = n.Sub
	}
	units, err := h.submissionUnitLabels(r, subs)
	if err != nil {
		return nil, err
	}
	rows := make([]noticeRow, len(ns))
	for i, n := range ns {
		at := n.Sub.DecidedAt
		if n.Kind == "waiting" {
			at = n.Sub.SubmittedAt
		}
		unit := n.Sub.UnitName
		if l, ok := units[n.Sub.Unit]; ok {
			unit = l
		}
		rows[i] = noticeRow{notice: n, FormName: names[n.Sub.Form], UnitName: unit, PeriodLabel: periodLabel(n.Sub.Period), At: locale.VI.DateTime(at)}
	}
	return rows, nil
}

// notificationsShow lists what waits for the reader.
func (h *handler) notificationsShow(w http.ResponseWriter, r *http.Request) {
	ns := h.notices(r)
	rows, err := h.noticeRows(r, ns)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "notifications", map[string]any{"Title": "Thông báo", "Notices": ns, "Rows": rows, "Max": maxNotices})
}

// welcomeNotices returns the notices to show in full on the first page
// after signing in, and the reminders of the reader's units that are not
// empty (issue 11: tasks overdue or due, reports returned, figures due),
// and forgets that it was the first.
func (h *handler) welcomeNotices(w http.ResponseWriter, r *http.Request, ns []notice) ([]noticeRow, []*kehoach.Reminders) {
	if _, err := r.Cookie(noticeCookie); err != nil {
		return nil, nil
	}
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.secure(r), SameSite: http.SameSiteLaxMode})
	rows, err := h.noticeRows(r, ns)
	if err != nil {
		h.Log.Warn("notices", "err", err)
		rows = nil
	}
	return rows, h.welcomeReminders(r)
}

// welcomeRemindersMax bounds the units summed up at sign-in; "my tasks"
// shows them all.
const welcomeRemindersMax = 5

// welcomeReminders are the non-empty reminders of the units of the
// reader's entry scope (none for a scope of every unit).
func (h *handler) welcomeReminders(r *http.Request) []*kehoach.Reminders {
	a := kehoach.ActorFromContext(r.Context())
	if currentUser(r) == nil || a.Entry.All || h.Services.Tasks == nil {
		return nil
	}
	var out []*kehoach.Reminders
	for i, u := range a.Entry.Units {
		if i == welcomeRemindersMax {
			break
		}
		rem, err := h.reminders(r, u, kehoach.ReminderDaysDefault)
		if err != nil {
			h.Log.Warn("reminders", "unit", u, "err", err)
			continue
		}
		if !rem.Empty() {
			out = append(out, rem)
		}
	}
	return out
}

// markWelcome makes the next page show the notices (set at sign-in).
func (h *handler) markWelcome(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: "1", Path: "/", MaxAge: 300, HttpOnly: true,
		Secure: h.secure(r), SameSite: http.SameSiteLaxMode})
}
