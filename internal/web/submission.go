package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/locale"
	"kehoach/period"
)

// gridSubmission is a grid's submission as the entry page shows it, with
// what the caller may do.
type gridSubmission struct {
	*kehoach.Submission
	Class       string // st-… badge class
	SubmittedAt string // "15:04 02/01/2006", Vietnam's time; "" if never
	// Decided says who last approved, returned or unlocked, and when.
	Decided string
	// CanEdit: the caller may enter figures and the grid is not locked.
	CanEdit    bool
	CanSubmit  bool
	CanApprove bool
	CanReturn  bool
	CanUnlock  bool
	// Note says why the grid is read-only, when it is.
	Note string
	// Action, Typed and ReasonError show a refused return or unlock again
	// with what was typed and why it was refused.
	Action      string
	Typed       string
	ReasonError string
}

// statusClass is the badge class of a submission status.
func statusClass(status string) string {
	switch status {
	case kehoach.SubmissionSubmitted:
		return "st-on_track"
	case kehoach.SubmissionApproved:
		return "st-achieved"
	case kehoach.SubmissionReturned:
		return "st-off_track"
	}
	return "st-no_data"
}

// checkGridReader lets a grid be shown to those who may enter its figures
// and, read-only, to those who may approve them.
func (h *handler) checkGridReader(r *http.Request, unit string) error {
	u := currentUser(r)
	if !auth.Can(u.Role, auth.ActionEnter) && !auth.Can(u.Role, auth.ActionApprove) {
		return forbidden()
	}
	if unit == "" {
		return nil
	}
	ancestors, err := h.Services.Units.FindAncestors(r.Context(), unit)
	if err != nil {
		return err
	}
	if auth.Allowed(u, auth.ActionEnter, unit, ancestors) || auth.Allowed(u, auth.ActionApprove, unit, ancestors) {
		return nil
	}
	return kehoach.Errorf(kehoach.EFORBIDDEN, "Đơn vị %s nằm ngoài phạm vi của tài khoản %s.", unit, u.Username)
}

// gridSubmission finds the grid's submission and works out what the caller
// may do with the grid.
func (h *handler) gridSubmission(r *http.Request, pg *entryPage) (*gridSubmission, error) {
	ctx := r.Context()
	s, err := h.Services.Submissions.FindSubmission(ctx, pg.Form.Code, pg.Unit.Code, pg.Period.String())
	if err != nil {
		return nil, err
	}
	ancestors, err := h.Services.Units.FindAncestors(ctx, pg.Unit.Code)
	if err != nil {
		return nil, err
	}
	u := currentUser(r)
	may := func(action string) bool { return auth.Allowed(u, action, pg.Unit.Code, ancestors) }
	from, to := kehoach.DateOf(pg.Period.Start()), kehoach.DateOf(pg.Period.End())
	owner := kehoach.ReportsForm(pg.Form, pg.Unit, pg.Unit.Children, pg.Elements, from, to)
	g := &gridSubmission{Submission: s, Class: statusClass(s.Status), SubmittedAt: locale.VI.DateTime(s.SubmittedAt)}
	g.CanEdit = may(auth.ActionEnter) && !s.Locked()
	g.CanSubmit = may(auth.ActionSubmit) && owner && !s.Locked()
	// Approver ≠ submitter: the one who submitted may return the grid but
	// not approve it, unless the server allows it.
	self := h.selfApproval(s, u)
	g.CanReturn = may(auth.ActionApprove) && s.Status == kehoach.SubmissionSubmitted
	g.CanApprove = g.CanReturn && !self
	g.CanUnlock = may(auth.ActionApprove) && s.Status == kehoach.SubmissionApproved
	if !s.DecidedAt.IsZero() && s.Status != kehoach.SubmissionSubmitted {
		verb := map[string]string{kehoach.SubmissionApproved: "duyệt", kehoach.SubmissionReturned: "trả lại", kehoach.SubmissionDraft: "mở khóa"}[s.Status]
		g.Decided = fmt.Sprintf("%s lúc %s (%s)", verb, locale.VI.DateTime(s.DecidedAt), s.DecidedBy)
	}
	switch {
	case s.Status == kehoach.SubmissionApproved:
		g.Note = fmt.Sprintf("Số liệu %s đã được duyệt và khóa; người phê duyệt có thể mở khóa (ghi lý do) nếu cần sửa.", strings.ToLower(pg.Period.Label()))
	case s.Status == kehoach.SubmissionSubmitted && g.CanReturn && self:
		g.Note = "Bạn đã gửi duyệt số liệu này nên không thể tự duyệt: một người phê duyệt khác sẽ duyệt. Bạn vẫn có thể trả lại để sửa."
	case s.Status == kehoach.SubmissionSubmitted:
		g.Note = "Số liệu đã gửi duyệt nên đang khóa; người phê duyệt sẽ duyệt hoặc trả lại để sửa."
	case !may(auth.ActionEnter):
		g.Note = "Bạn đang xem số liệu ở chế độ chỉ đọc: tài khoản không có quyền nhập số liệu của đơn vị này."
	}
	return g, nil
}

// selfApproval reports whether u approving s would be refused as the
// approval of their own submission (kehoach.SelfApproval), so that pages
// do not offer it.
func (h *handler) selfApproval(s *kehoach.Submission, u *kehoach.User) bool {
	return !h.Services.Submissions.SelfApprovalAllowed() && kehoach.SelfApproval(s, u.Username)
}

// The four actions on a grid's submission, posted from the entry page or
// the approvals page (next=approvals).
func (h *handler) submissionSubmit(w http.ResponseWriter, r *http.Request) {
	h.submissionChange(w, r, kehoach.ActionSubmitFigures)
}

func (h *handler) submissionApprove(w http.ResponseWriter, r *http.Request) {
	h.submissionChange(w, r, kehoach.ActionApproveFigures)
}

func (h *handler) submissionReturn(w http.ResponseWriter, r *http.Request) {
	h.submissionChange(w, r, kehoach.ActionReturnFigures)
}

func (h *handler) submissionUnlock(w http.ResponseWriter, r *http.Request) {
	h.submissionChange(w, r, kehoach.ActionUnlockFigures)
}

// submissionChange applies one action to the grid named by the posted
// form, unit and period, expecting the posted status. On success it goes
// back where it came from with a message; on a refusal it shows that page
// again with the reason (beside the reason field when that is what is
// missing).
func (h *handler) submissionChange(w http.ResponseWriter, r *http.Request, action string) {
	if err := readPost(w, r); err != nil {
		h.htmlError(w, r, err)
		return
	}
	field := func(name string) string { return postField(r, name) }
	c := kehoach.SubmissionChange{Form: field("form"), Unit: field("unit"), Period: field("period"), Expected: field("status"), Reason: field("reason")}
	if c.Form == "" || c.Unit == "" || c.Period == "" {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Thiếu biểu mẫu, đơn vị hoặc kỳ báo cáo."))
		return
	}
	need := auth.ActionApprove
	if action == kehoach.ActionSubmitFigures {
		need = auth.ActionSubmit
	}
	if err := h.checkUnit(r, need, c.Unit); err != nil {
		h.htmlError(w, r, err)
		return
	}
	var s *kehoach.Submission
	var err error
	switch svc, ctx := h.Services.Submissions, r.Context(); action {
	case kehoach.ActionSubmitFigures:
		s, err = svc.Submit(ctx, c)
	case kehoach.ActionApproveFigures:
		s, err = svc.Approve(ctx, c)
	case kehoach.ActionReturnFigures:
		s, err = svc.Return(ctx, c)
	default:
		s, err = svc.Unlock(ctx, c)
	}
	fromApprovals := r.PostForm.Get("next") == "approvals"
	if err == nil {
		msg := doneMessage(action, s)
		if fromApprovals {
			http.Redirect(w, r, "/approvals?"+url.Values{"done": {msg}}.Encode(), http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/entry?"+url.Values{"unit": {c.Unit}, "form": {c.Form}, "period": {c.Period}, "saved": {msg}}.Encode(), http.StatusSeeOther)
		return
	}
	// The scope was checked above: a refusal now (EFORBIDDEN: approving
	// one's own submission) is shown on the page the person came from.
	if code := kehoach.ErrorCode(err); code != kehoach.EINVALID && code != kehoach.ECONFLICT && code != kehoach.EFORBIDDEN {
		h.htmlError(w, r, err)
		return
	}
	if fromApprovals {
		h.renderApprovals(w, r, statusOf(err), kehoach.ErrorMessage(err))
		return
	}
	pg, perr := h.entryPage(r, c.Unit, c.Form, c.Period, nil)
	if perr != nil || pg.Submission == nil {
		h.htmlError(w, r, err)
		return
	}
	if reason := kehoach.ErrorFields(err)["reason"]; reason != "" {
		pg.Submission.Action, pg.Submission.Typed, pg.Submission.ReasonError = action, c.Reason, reason
	} else {
		pg.Message = kehoach.ErrorMessage(err)
	}
	h.renderEntry(w, r, statusOf(err), pg)
}

// doneMessage says what an action did.
func doneMessage(action string, s *kehoach.Submission) string {
	what := fmt.Sprintf("số liệu %s của %s", strings.ToLower(periodLabel(s.Period)), s.UnitName)
	switch action {
	case kehoach.ActionSubmitFigures:
		return "Đã gửi duyệt " + what + ". Số liệu được khóa cho đến khi được duyệt hoặc trả lại."
	case kehoach.ActionApproveFigures:
		return "Đã duyệt " + what + "; số liệu đã được khóa."
	case kehoach.ActionReturnFigures:
		return "Đã trả lại " + what + " để sửa. Lý do: " + s.Reason
	case kehoach.ActionUnlockFigures:
		return "Đã mở khóa " + what + "; đơn vị có thể sửa rồi gửi duyệt lại."
	}
	return "Đã thực hiện."
}

// approvalRow is one submission awaiting a decision.
type approvalRow struct {
	Sub         *kehoach.Submission
	FormName    string
	PeriodLabel string
	SubmittedAt string
	// Own: the caller submitted it and may not approve it too.
	Own bool
}

// approvalList shows the submissions awaiting the caller's decision within
// the caller's scope, oldest first.
func (h *handler) approvalList(w http.ResponseWriter, r *http.Request) {
	h.renderApprovals(w, r, http.StatusOK, "")
}

func (h *handler) renderApprovals(w http.ResponseWriter, r *http.Request, status int, message string) {
	ctx := r.Context()
	q := r.URL.Query()
	subs, err := h.Services.Submissions.FindSubmissions(ctx, kehoach.SubmissionFilter{
		Form: q.Get("form"), Period: q.Get("period"),
		Statuses: []string{kehoach.SubmissionSubmitted}, Within: entryScope(r),
	})
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	forms, err := h.Services.Data.FindForms(ctx)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	names := map[string]string{}
	for _, f := range forms {
		names[f.Code] = f.Name
	}
	unitNames, err := h.submissionUnitLabels(r, subs) // names, not codes (issue 16)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	rows := make([]approvalRow, len(subs))
	for i, s := range subs {
		rows[i] = approvalRow{Sub: s, FormName: names[s.Form], PeriodLabel: periodLabel(s.Period), SubmittedAt: locale.VI.DateTime(s.SubmittedAt),
			Own: h.selfApproval(s, currentUser(r))}
	}
	h.render(w, r, status, "approvals", map[string]any{
		"Title":   "Phê duyệt số liệu",
		"Rows":    rows,
		"Names":   unitNames,
		"Message": message,
		"Done":    q.Get("done"),
		// SelfApproval: whether submitters may approve their own reports.
		"SelfApproval": h.Services.Submissions.SelfApprovalAllowed(),
	})
}

// apiSubmissions lists the stored submissions (?form=&period=&unit=&status=)
// within the caller's view scope. Grids never submitted are drafts and are
// not listed: /api/completeness lists every reporting unit.
func (h *handler) apiSubmissions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := kehoach.SubmissionFilter{Form: q.Get("form"), Period: q.Get("period"), Within: viewScope(r)}
	if f.Period != "" {
		if _, err := period.Parse(f.Period); err != nil {
			h.jsonError(w, r, kehoach.Errorf(kehoach.EINVALID, "%v", err))
			return
		}
	}
	if unit := q.Get("unit"); unit != "" {
		if err := h.checkUnit(r, auth.ActionView, unit); err != nil {
			h.jsonError(w, r, err)
			return
		}
		f.Units = []string{unit}
	}
	statuses, err := listParam(r, "status", maxCodesParam)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	f.Statuses = statuses
	list, err := h.Services.Submissions.FindSubmissions(r.Context(), f)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	if list == nil {
		list = []*kehoach.Submission{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"submissions": list})
}
