package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/web/form"
)

// taskEdit is the planner's form to change a task (issue 11): its text,
// section, lead, coordinating units, kind, dates and the targets it
// serves. The store checks the planner's plan scope and the units.
func (h *handler) taskEdit(w http.ResponseWriter, r *http.Request) {
	h.renderTaskEdit(w, r, nil, nil)
}

// renderTaskEdit renders the form with in (the task as stored when nil)
// and why it was refused.
func (h *handler) renderTaskEdit(w http.ResponseWriter, r *http.Request, in *kehoach.TaskInput, fail error) {
	d, err := h.findTask(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	plan, err := h.Services.Plans.FindPlanByID(r.Context(), d.PlanID)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	t := d.Task
	if in == nil {
		in = &kehoach.TaskInput{PlanID: d.PlanID, Code: t.Code, Section: t.Section, Title: t.Title, Kind: t.Kind, Lead: t.LeadCode,
			Coordinators: t.Coordinators, Targets: t.Targets, Start: t.Start, Due: t.Due}
	}
	serves := map[string]bool{}
	for _, c := range in.Targets {
		serves[c] = true
	}
	// Where the lead's work went (kehoach.TaskOwners): the successors to
	// choose from when the lead has ceased.
	var successors []string
	for _, o := range d.Occurrences {
		if o.Lead != "" && !slices.Contains(successors, o.Owner) {
			successors = append(successors, o.Owner)
		}
	}
	names, err := h.unitNames(r, append(append([]string{in.Lead}, in.Coordinators...), successors...))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	h.plannerForm(w, r, "task_edit", map[string]any{
		"Title": "Sửa nhiệm vụ " + t.Code, "D": d, "Plan": plan, "F": in, "Serves": serves, "Kinds": kehoach.TaskKinds,
		"Coordinators": strings.Join(in.Coordinators, ", "), "Successors": successors, "Units": names,
	}, fail)
}

// taskUpdate saves the form: decoded and checked by form.DecodeTask and
// kehoach.CheckTaskFields, then by the store (units, targets, scope).
func (h *handler) taskUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	r = taskCtx(r)
	in, err := form.DecodeTask(r, 0)
	if err == nil {
		if f := kehoach.CheckTaskFields(&in); len(f) > 0 {
			err = &kehoach.Error{Code: kehoach.EINVALID, Message: "Nhiệm vụ chưa hợp lệ; chưa lưu gì.", Fields: f}
		}
	}
	if err == nil {
		_, err = h.Services.Tasks.UpdateTask(r.Context(), id, in)
	}
	if err != nil {
		if refusedInput(err) {
			h.renderTaskEdit(w, r, &in, err)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	http.Redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10)+"?"+url.Values{"done": {"Đã lưu nhiệm vụ."}}.Encode(), http.StatusSeeOther)
}

// canEditTasks reports whether the signed-in person may change tasks.
func canEditTasks(r *http.Request) bool {
	u := currentUser(r)
	return u != nil && auth.Can(u.Role, auth.ActionPlan)
}
