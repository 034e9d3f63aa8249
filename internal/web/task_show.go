package web

import (
	"net/http"
	"net/url"
	"strconv"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/web/form"
)

// taskShow is a task's page: its occurrences with their states, every
// progress report with its evidence and decision, the form to report and
// the buttons to accept or return.
func (h *handler) taskShow(w http.ResponseWriter, r *http.Request) {
	h.renderTask(w, r, http.StatusOK, nil, nil)
}

// renderTask renders the task page; failed is the report that was
// refused (kept in the form) and err why.
func (h *handler) renderTask(w http.ResponseWriter, r *http.Request, status int, failed *kehoach.ProgressInput, fail error) {
	d, err := h.findTask(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	u := currentUser(r)
	// The units the caller may report for: those answering for the task
	// within the caller's entry scope.
	seen := map[string]bool{}
	var mine []string
	cands := append([]string{d.Task.LeadCode}, d.Task.Coordinators...)
	for _, o := range d.Occurrences {
		cands = append(cands, o.Owner)
	}
	for _, c := range cands {
		if !seen[c] && auth.Can(u.Role, auth.ActionEnter) && h.checkUnit(r, auth.ActionEnter, c) == nil {
			mine = append(mine, c)
		}
		seen[c] = true
	}
	// The spans that went to several successors (kehoach.TaskOwners).
	owners := map[string][]string{}
	var split []string
	for _, o := range d.Occurrences {
		if o.Lead != "" {
			owners[o.Key] = append(owners[o.Key], o.Owner)
			if len(owners[o.Key]) > len(split) {
				split = owners[o.Key]
			}
		}
	}
	if len(split) < 2 {
		split = nil
	}
	names, err := h.unitNames(r, append(cands, d.Task.Coordinators...))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	data := map[string]any{
		"Title": "Nhiệm vụ " + d.Task.Code, "D": d, "Units": names, "Mine": mine,
		"CanDecide": auth.Can(u.Role, auth.ActionApprove) || auth.Can(u.Role, auth.ActionPlan),
		"CanSubmit": auth.Can(u.Role, auth.ActionSubmit),
		"CanEdit":   canEditTasks(r),
		"Split":     split,
		"Done":      r.URL.Query().Get("done"),
		"Today":     string(kehoach.DateOf(h.Now().In(kehoach.VietnamZone))),
		"Errors":    map[string]string{},
		"Limits":    strconv.Itoa(kehoach.EvidenceMaxFiles) + " tệp, mỗi tệp tối đa " + strconv.Itoa(kehoach.EvidenceMaxBytes>>20) + " MB",
	}
	if failed != nil {
		data["In"] = failed
		data["Message"] = kehoach.ErrorMessage(fail)
		if f := kehoach.ErrorFields(fail); f != nil {
			data["Errors"] = f
		}
	} else if msg := r.URL.Query().Get("error"); msg != "" {
		data["Message"] = msg
	}
	h.render(w, r, status, "task", data)
}

// taskProgressSave posts a report from the task page.
func (h *handler) taskProgressSave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	in, err := form.DecodeProgress(w, r, id)
	if err == nil && in.Submit && !auth.Can(currentUser(r).Role, auth.ActionSubmit) {
		err = forbidden()
	}
	if err == nil {
		_, err = h.Services.Tasks.SaveProgress(r.Context(), in)
	}
	if err != nil {
		h.logIfInternal(r, err)
		h.renderTask(w, r, statusOf(err), &in, err)
		return
	}
	done := "Đã lưu bản nháp báo cáo tiến độ."
	if in.Submit {
		done = "Đã gửi báo cáo tiến độ; cơ quan chủ trì sẽ xem xét."
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10)+"?"+url.Values{"done": {done}}.Encode(), http.StatusSeeOther)
}

// progressDecide submits, accepts or returns a report from the task page.
func (h *handler) progressDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	action, err := progressAction(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	if err := readPost(w, r); err != nil {
		h.htmlError(w, r, err)
		return
	}
	task := r.PostForm.Get("task")
	if _, err := strconv.ParseInt(task, 10, 64); err != nil {
		h.htmlError(w, r, kehoach.Errorf(kehoach.EINVALID, "Thiếu nhiệm vụ."))
		return
	}
	p, err := h.Services.Tasks.ChangeProgress(taskCtx(r).Context(), id, action, postField(r, "reason"))
	back := "/tasks/" + task + "?"
	if err != nil {
		h.logIfInternal(r, err)
		if kehoach.ErrorCode(err) == kehoach.EINTERNAL {
			h.htmlError(w, r, err)
			return
		}
		http.Redirect(w, r, back+url.Values{"error": {kehoach.ErrorMessage(err)}}.Encode()+"#report-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	msg := map[string]string{
		kehoach.ActionSubmitProgress: "Đã gửi báo cáo tiến độ.",
		kehoach.ActionAcceptProgress: "Đã chấp nhận báo cáo tiến độ.",
		kehoach.ActionReturnProgress: "Đã trả lại báo cáo tiến độ với lý do.",
	}[action]
	http.Redirect(w, r, back+url.Values{"done": {msg}}.Encode()+"#report-"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}

// findTask reads the task of the path's id, as it stands today.
func (h *handler) findTask(r *http.Request) (*kehoach.TaskDetail, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Services.Tasks.FindTaskByID(r.Context(), id, "")
}
