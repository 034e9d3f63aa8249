package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// taskGroup is one group of a task board: a section or a body, with its
// four-state count and, on a page, the occurrences of the page.
type taskGroup struct {
	Key, Title string
	Count      kehoach.TaskCount
	Items      []kehoach.Occurrence
	// Page is the board's page where the group begins (its link, with
	// the anchor of the group); Continued is set on the pages after it.
	Page      int
	Link      string
	Continued bool
}

// taskBoardPageSize is how many occurrences one page of the board shows:
// at the province scale a plan has 20,000, and a page of them all was
// megabytes of HTML that took seconds to render (issue 11).
const taskBoardPageSize = 100

// planTasks lists the occurrences of a plan's tasks begun by asOf that
// the caller may see.
func (h *handler) planTasks(r *http.Request, planID int64, asOf kehoach.Date) ([]kehoach.Occurrence, error) {
	return h.Services.Tasks.FindTasks(r.Context(), kehoach.TaskFilter{PlanID: planID, AsOf: asOf, Started: true, Within: viewScope(r)})
}

// taskBoard is the plan's task board: grouped by section of the plan
// (by=section) or by the body that answers for them (by=unit, the
// leader's view: bodies with the most overdue first, and on what). It is
// paged by occurrences, in group order; every group is listed above with
// its count and a link to the page where it begins.
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
	page, err := pageNumber(r)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	state := q.Get("status")
	by := q.Get("by")
	if by != "unit" {
		by = "section"
	}
	// Counts come from the store's snapshot; only the page's occurrences
	// are copied out.
	f := kehoach.TaskFilter{PlanID: plan.ID, AsOf: asOf, Started: true, Within: viewScope(r), State: state}
	groupBy := kehoach.GroupBySection
	if by == "unit" {
		groupBy = kehoach.GroupByOwner
	}
	counts, err := h.Services.Tasks.CountTaskGroups(r.Context(), f, groupBy)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	var total kehoach.TaskCount // of every state, whichever is shown
	if state == "" {
		for _, c := range counts {
			total = total.Plus(c.Count)
		}
	} else {
		f.State = ""
		if total, err = h.Services.Tasks.CountTasks(r.Context(), f); err != nil {
			h.htmlError(w, r, err)
			return
		}
		f.State = state
	}
	titles := map[string]string{}
	for _, s := range plan.Sections {
		titles[s.Number] = s.Number + ". " + s.Title
	}
	all := make([]*taskGroup, len(counts))
	for i, c := range counts {
		title := titles[c.Key]
		if by == "unit" {
			title = c.Name
		}
		all[i] = &taskGroup{Key: c.Key, Title: cmp.Or(title, c.Key), Count: c.Count}
	}
	if by == "unit" {
		slices.SortStableFunc(all, func(a, b *taskGroup) int {
			if a.Count.Overdue != b.Count.Overdue {
				return b.Count.Overdue - a.Count.Overdue
			}
			return vntext.Compare(a.Title, b.Title)
		})
	} else {
		slices.SortStableFunc(all, func(a, b *taskGroup) int { return sectionCompare(a.Key, b.Key) })
	}
	rows := 0
	for _, g := range all {
		rows += g.Count.Total
	}
	pg, err := pagerOf(r, page, rows, taskBoardPageSize)
	if err != nil {
		h.htmlError(w, r, err)
		return
	}
	// The groups of this page, cut to the page's rows.
	var shown []*taskGroup
	at := 0
	for _, g := range all {
		n := g.Count.Total
		g.Page = at/taskBoardPageSize + 1
		g.Link = pageLink(r, g.Page) + "#g-" + g.Key
		if from, to := max(at, pg.From), min(at+n, pg.To); from < to {
			gf := f
			gf.Offset, gf.Limit = from-at, to-from
			if by == "unit" {
				gf.OwnerIs = g.Key
			} else {
				gf.SectionIs = g.Key
			}
			c := *g
			c.Continued = from > at
			if c.Items, err = h.Services.Tasks.FindTasks(r.Context(), gf); err != nil {
				h.htmlError(w, r, err)
				return
			}
			shown = append(shown, &c)
		}
		at += n
	}
	h.render(w, r, http.StatusOK, "tasks_board", map[string]any{
		"Title": "Nhiệm vụ · " + plan.Title, "Plan": plan, "Groups": shown, "All": all, "Pager": pg, "Total": total, "By": by,
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
// the plan's four-state count, for the plan page. It reads counts per
// task, not the occurrences (20,000 at the province scale).
func (h *handler) targetTaskFlags(r *http.Request, plan *kehoach.Plan, progress []*kehoach.TargetProgress) (map[string]string, kehoach.TaskCount, error) {
	var total kehoach.TaskCount
	byTask, err := h.Services.Tasks.CountTasksByTask(r.Context(), kehoach.TaskFilter{PlanID: plan.ID, Started: true, Within: viewScope(r)})
	if err != nil {
		return nil, total, err
	}
	counts := map[string]kehoach.TaskCount{}
	for _, t := range plan.Tasks {
		c, ok := byTask[t.ID]
		if !ok {
			continue
		}
		total = total.Plus(c)
		for _, code := range t.Targets {
			counts[code] = counts[code].Plus(c)
		}
	}
	flags := map[string]string{}
	for _, tp := range progress {
		if f := kehoach.TargetTaskFlagOf(tp.Status, counts[tp.Target.Code]); f != "" {
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
