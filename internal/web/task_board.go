package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// taskGroup is one group of a task board: a section or a body, with its
// four-state count and its occurrences.
type taskGroup struct {
	Key, Title string
	Count      kehoach.TaskCount
	Items      []kehoach.Occurrence
}

// planTasks lists the occurrences of a plan's tasks begun by asOf that
// the caller may see.
func (h *handler) planTasks(r *http.Request, planID int64, asOf kehoach.Date) ([]kehoach.Occurrence, error) {
	return h.Services.Tasks.FindTasks(r.Context(), kehoach.TaskFilter{PlanID: planID, AsOf: asOf, Started: true, Within: viewScope(r)})
}

// taskBoard is the plan's task board: grouped by section of the plan
// (by=section) or by the body that answers for them (by=unit, the
// leader's view: bodies with the most overdue first, and on what).
func (h *handler) taskBoard(w http.ResponseWriter, r *http.Request) {
	plan, err := h.findPlan(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	q := r.URL.Query()
	asOf, err := kehoach.ParseDate(q.Get("asof"))
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	occ, err := h.planTasks(r, plan.ID, asOf)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	state := q.Get("status")
	by := q.Get("by")
	if by != "unit" {
		by = "section"
	}
	var total kehoach.TaskCount
	groups := map[string]*taskGroup{}
	var order []string
	titles := map[string]string{}
	for _, s := range plan.Sections {
		titles[s.Number] = s.Number + ". " + s.Title
	}
	for _, o := range occ {
		total.Add(o.State)
		if state != "" && o.State != state {
			continue
		}
		key, title := o.Section, titles[o.Section]
		if by == "unit" {
			key, title = o.Owner, o.OwnerName
		}
		if title == "" {
			title = key
		}
		g := groups[key]
		if g == nil {
			g = &taskGroup{Key: key, Title: title}
			groups[key] = g
			order = append(order, key)
		}
		g.Count.Add(o.State)
		g.Items = append(g.Items, o)
	}
	out := make([]*taskGroup, len(order))
	for i, k := range order {
		out[i] = groups[k]
	}
	if by == "unit" {
		slices.SortStableFunc(out, func(a, b *taskGroup) int {
			if a.Count.Overdue != b.Count.Overdue {
				return b.Count.Overdue - a.Count.Overdue
			}
			return vntext.Compare(a.Title, b.Title)
		})
	} else {
		slices.SortStableFunc(out, func(a, b *taskGroup) int { return sectionCompare(a.Key, b.Key) })
	}
	h.render(w, r, http.StatusOK, "tasks_board", map[string]any{
		"Title": "Nhiệm vụ · " + plan.Title, "Plan": plan, "Groups": out, "Total": total, "By": by,
		"State": state, "States": kehoach.TaskStates, "AsOf": string(asOf), "DemoNote": h.demoNote(plan),
	})
}

// sectionCompare orders section numbers as the plan does: "II.2.10"
// after "II.2.9", Roman numerals by value.
func sectionCompare(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if c := sectionPart(pa[i]) - sectionPart(pb[i]); c != 0 {
			return c
		}
	}
	return len(pa) - len(pb)
}

func sectionPart(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	roman := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50}
	n, prev := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		v := roman[s[i]]
		if v < prev {
			n -= v
		} else {
			n += v
			prev = v
		}
	}
	return n
}

// targetTaskFlags returns each target's flag (kehoach.TargetTaskFlag) and
// the plan's four-state count, for the plan page.
func (h *handler) targetTaskFlags(r *http.Request, plan *kehoach.Plan, progress []*kehoach.TargetProgress) (map[string]string, kehoach.TaskCount, error) {
	var total kehoach.TaskCount
	occ, err := h.planTasks(r, plan.ID, "")
	if err != nil {
		return nil, total, err
	}
	serves := map[int64][]string{}
	for _, t := range plan.Tasks {
		serves[t.ID] = t.Targets
	}
	states := map[string][]string{}
	for _, o := range occ {
		total.Add(o.State)
		for _, code := range serves[o.TaskID] {
			states[code] = append(states[code], o.State)
		}
	}
	flags := map[string]string{}
	for _, tp := range progress {
		if f := kehoach.TargetTaskFlag(tp.Status, states[tp.Target.Code]); f != "" {
			flags[tp.Target.Code] = f
		}
	}
	return flags, total, nil
}

// targetTasks returns the occurrences of the tasks serving a target.
func (h *handler) targetTasks(r *http.Request, plan *kehoach.Plan, code string) ([]kehoach.Occurrence, error) {
	ids := map[int64]bool{}
	for _, t := range plan.Tasks {
		if slices.Contains(t.Targets, code) {
			ids[t.ID] = true
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	occ, err := h.planTasks(r, plan.ID, "")
	if err != nil {
		return nil, err
	}
	out := occ[:0]
	for _, o := range occ {
		if ids[o.TaskID] {
			out = append(out, o)
		}
	}
	return out, nil
}
