package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/vntext"
	"kehoach/internal/web/form"
)

// taskCtx is the request's context with the planner's right to decide on
// any task's reports when the role may plan (the store checks it).
func taskCtx(r *http.Request) *http.Request {
	if u := currentUser(r); u != nil && auth.Can(u.Role, auth.ActionPlan) {
		return r.WithContext(kehoach.NewContextWithPlanner(r.Context()))
	}
	return r
}

// taskFilter reads the listing filters: plan, unit, section, status,
// dueBefore, asof. The caller's view scope always applies.
func taskFilter(r *http.Request) (kehoach.TaskFilter, error) {
	q := r.URL.Query()
	f := kehoach.TaskFilter{Unit: q.Get("unit"), Section: q.Get("section"), State: q.Get("status"), Within: viewScope(r), Started: q.Get("started") == "true"}
	bad := map[string]string{}
	if p := q.Get("plan"); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			bad["plan"] = "Mã kế hoạch phải là số."
		}
		f.PlanID = id
	}
	var err error
	if f.DueBefore, err = kehoach.ParseDate(q.Get("dueBefore")); err != nil {
		bad["dueBefore"] = "Ngày phải có dạng NNNN-TT-NN."
	}
	if f.AsOf, err = kehoach.ParseDate(q.Get("asof")); err != nil {
		bad["asof"] = "Ngày phải có dạng NNNN-TT-NN."
	}
	if len(bad) > 0 {
		return f, &kehoach.Error{Code: kehoach.EINVALID, Message: "Tham số lọc không hợp lệ.", Fields: bad}
	}
	return f, nil
}

func (h *handler) apiTasks(w http.ResponseWriter, r *http.Request) {
	f, err := taskFilter(r)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	occ, err := h.Services.Tasks.FindTasks(r.Context(), f)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	var c kehoach.TaskCount
	for _, o := range occ {
		c.Add(o.State)
	}
	if occ == nil {
		occ = []kehoach.Occurrence{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": occ, "count": c})
}

// pathID reads the {name} path value as a positive id.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, kehoach.Errorf(kehoach.ENOTFOUND, "không có %s", r.URL.Path)
	}
	return id, nil
}

func (h *handler) apiTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	asOf, _ := kehoach.ParseDate(r.URL.Query().Get("asof"))
	d, err := h.Services.Tasks.FindTaskByID(r.Context(), id, asOf)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// apiTaskInput is POST /api/tasks's body.
type apiTaskInput struct {
	Plan         int64    `json:"plan"`
	Code         string   `json:"code"`
	Section      string   `json:"section"`
	Title        string   `json:"title"`
	Kind         string   `json:"kind"`
	Lead         string   `json:"lead"`
	Coordinators []string `json:"coordinators"`
	Targets      []string `json:"targets"`
	Start        string   `json:"start"`
	Due          string   `json:"due"`
}

// decodeAPITask reads a task as POST and PUT /api/tasks take it: NFC text,
// dates as NNNN-TT-NN (EINVALID with Fields otherwise).
func decodeAPITask(w http.ResponseWriter, r *http.Request) (kehoach.TaskInput, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var in apiTaskInput
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return kehoach.TaskInput{}, kehoach.Errorf(kehoach.EINVALID, "Không đọc được JSON gửi lên: %v", err)
	}
	bad := map[string]string{}
	start, err := kehoach.ParseDate(in.Start)
	if err != nil {
		bad["start"] = "Ngày phải có dạng NNNN-TT-NN."
	}
	due, err := kehoach.ParseDate(in.Due)
	if err != nil {
		bad["due"] = "Ngày phải có dạng NNNN-TT-NN."
	}
	if len(bad) > 0 {
		return kehoach.TaskInput{}, &kehoach.Error{Code: kehoach.EINVALID, Message: "Nhiệm vụ chưa hợp lệ; chưa lưu gì.", Fields: bad}
	}
	nfc := func(ss []string) []string {
		for i := range ss {
			ss[i] = strings.TrimSpace(vntext.NFC(ss[i]))
		}
		return ss
	}
	return kehoach.TaskInput{PlanID: in.Plan, Code: in.Code, Section: in.Section, Title: in.Title, Kind: in.Kind,
		Lead: in.Lead, Coordinators: nfc(in.Coordinators), Targets: nfc(in.Targets), Start: start, Due: due}, nil
}

func (h *handler) apiTaskCreate(w http.ResponseWriter, r *http.Request) {
	in, err := decodeAPITask(w, r)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	r = taskCtx(r)
	t, err := h.Services.Tasks.CreateTask(r.Context(), in)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

// apiTaskUpdate is PUT /api/tasks/{id}: the whole task as POST takes it
// (plan and code are the task's own and not changed), checked by the
// store as the edit page's form is, every field's reason at once.
func (h *handler) apiTaskUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	in, err := decodeAPITask(w, r)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	r = taskCtx(r)
	t, err := h.Services.Tasks.UpdateTask(r.Context(), id, in)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (h *handler) apiProgressCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	in, err := form.DecodeProgress(w, r, id)
	if err == nil && in.Submit && !auth.Can(currentUser(r).Role, auth.ActionSubmit) {
		err = forbidden()
	}
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	p, err := h.Services.Tasks.SaveProgress(r.Context(), in)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// progressAction checks the role an action on a report needs: submitting
// is the reporter's; accepting and returning the approver's or planner's.
func progressAction(r *http.Request) (string, error) {
	action, u := r.PathValue("action"), currentUser(r)
	switch action {
	case kehoach.ActionSubmitProgress:
		if !auth.Can(u.Role, auth.ActionSubmit) {
			return "", forbidden()
		}
	case kehoach.ActionAcceptProgress, kehoach.ActionReturnProgress:
		if !auth.Can(u.Role, auth.ActionApprove) && !auth.Can(u.Role, auth.ActionPlan) {
			return "", forbidden()
		}
	default:
		return "", kehoach.Errorf(kehoach.ENOTFOUND, "không có thao tác %q", action)
	}
	return action, nil
}

func (h *handler) apiProgressChange(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	action, err := progressAction(r)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var body struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			h.jsonError(w, r, kehoach.Errorf(kehoach.EINVALID, "Không đọc được JSON gửi lên: %v", err))
			return
		}
	}
	r = taskCtx(r)
	p, err := h.Services.Tasks.ChangeProgress(r.Context(), id, action, body.Reason)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// evidenceFile serves an evidence file as an attachment with the type it
// was sniffed as, so that a browser never renders it as a page of ours.
func (h *handler) evidenceFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		var e *kehoach.Evidence
		if e, err = h.Services.Tasks.FindEvidence(taskCtx(r).Context(), id); err == nil {
			w.Header().Set("Content-Type", e.Type)
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename*=UTF-8''%s", url.PathEscape(e.Name)))
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Write(e.Data)
			return
		}
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		h.jsonError(w, r, err)
		return
	}
	h.htmlError(w, r, err)
}
