package report

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"

	"kehoach"
	"kehoach/expr"
	"kehoach/period"
)

// Coverage says what share (0–100) of the expected reports stands behind a
// target's figure for a period. This is the one place where coverage comes
// in: today FromCompleteness counts submitted grids; the analytics engine's
// coverage per figure plugs in here by implementing the interface.
type Coverage interface {
	// TargetCoverage returns the coverage and whether there is one.
	TargetCoverage(ctx context.Context, t *kehoach.Target, p Period) (float64, bool, error)
}

// Tasks gives the task progress of a plan by body, in the four states, as
// of a day. A nil Tasks (or an answer without bodies) prints NoTasks.
type Tasks interface {
	TaskProgress(ctx context.Context, plan *kehoach.Plan, asOf kehoach.Date) ([]TaskBody, error)
}

// Sources are the services a document is built from.
type Sources struct {
	Plans       kehoach.PlanService
	Units       kehoach.UnitService
	Data        kehoach.DataService
	Analytics   kehoach.AnalyticsService
	Submissions kehoach.SubmissionService
	// Coverage nil: FromCompleteness over Data and Submissions.
	Coverage Coverage
	// Tasks nil: no task data ("chưa có dữ liệu nhiệm vụ").
	Tasks Tasks
	// Scheme is the cut-off rule; zero: Decree 09.
	Scheme period.Scheme
	// Hierarchy reads under another day's tree (Period.Tree); nil: a
	// document read so is refused.
	Hierarchy kehoach.HierarchyReader
}

// FromCompleteness is the coverage of a target's figure as the share of
// the reporting units under the target's scope that have submitted the
// forms collecting its elements, for the form period holding the end of
// the document's window; several forms are averaged.
type FromCompleteness struct {
	Data        kehoach.DataService
	Submissions kehoach.SubmissionService
	// counted keeps each (form, period, scope) count for the life of the
	// value: the targets of a plan share a few forms and scopes, and a
	// count reads every unit of the scope (100,000 villages nationally).
	counted map[string]*kehoach.Completeness
}

// NewFromCompleteness returns a FromCompleteness that counts each form,
// period and scope once.
func NewFromCompleteness(data kehoach.DataService, subs kehoach.SubmissionService) *FromCompleteness {
	return &FromCompleteness{Data: data, Submissions: subs, counted: map[string]*kehoach.Completeness{}}
}

// Prefetch counts, two at a time, every (form, period, scope) the targets
// will ask for: each count reads the whole scope, and a national plan's
// few counts are most of its report's time.
func (c *FromCompleteness) Prefetch(ctx context.Context, targets []*kehoach.Target, p Period) error {
	type job struct {
		key string
		f   kehoach.CompletenessFilter
	}
	var jobs []job
	seen := map[string]bool{}
	for _, t := range targets {
		forms, err := targetForms(ctx, c.Data, t)
		if err != nil {
			return err
		}
		for _, f := range forms {
			pid, ok := formPeriod(f, p)
			key := f.Code + "/" + pid + "/" + t.ScopeCode
			if ok && !seen[key] && c.counted[key] == nil {
				seen[key] = true
				jobs = append(jobs, job{key, kehoach.CompletenessFilter{Form: f.Code, Period: pid, Parent: t.ScopeCode}})
			}
		}
	}
	results := make([]*kehoach.Completeness, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i], errs[i] = c.Submissions.Completeness(ctx, j.f)
		})
	}
	wg.Wait()
	for i, j := range jobs {
		switch kehoach.ErrorCode(errs[i]) {
		case "":
			c.counted[j.key] = results[i]
		case kehoach.ENOTFOUND, kehoach.EINVALID:
			c.counted[j.key] = nil
		default:
			return errs[i]
		}
	}
	return nil
}

// TargetCoverage implements Coverage.
func (c *FromCompleteness) TargetCoverage(ctx context.Context, t *kehoach.Target, p Period) (float64, bool, error) {
	forms, err := targetForms(ctx, c.Data, t)
	if err != nil {
		return 0, false, err
	}
	var sum float64
	n := 0
	for _, f := range forms {
		pid, ok := formPeriod(f, p)
		if !ok {
			continue
		}
		key := f.Code + "/" + pid + "/" + t.ScopeCode
		cm, seen := c.counted[key]
		if !seen {
			var err error
			cm, err = c.Submissions.Completeness(ctx, kehoach.CompletenessFilter{Form: f.Code, Period: pid, Parent: t.ScopeCode})
			switch kehoach.ErrorCode(err) {
			case "":
			case kehoach.ENOTFOUND, kehoach.EINVALID:
				cm = nil
			default:
				return 0, false, err
			}
			if c.counted != nil {
				c.counted[key] = cm
			}
		}
		if cm == nil || cm.Expected == 0 {
			continue
		}
		sum += cm.CompletenessRate
		n++
	}
	if n == 0 {
		return 0, false, nil
	}
	return sum / float64(n), true, nil
}

// targetForms returns the forms that collect an element of t's indicator.
func targetForms(ctx context.Context, data kehoach.DataService, t *kehoach.Target) ([]*kehoach.Form, error) {
	inds, err := data.FindIndicators(ctx)
	if err != nil {
		return nil, err
	}
	var elements []string
	for _, ind := range inds {
		if ind.Code != t.IndicatorCode {
			continue
		}
		for _, src := range []string{ind.Numerator, ind.Denominator} {
			if x, err := expr.Parse(src); err == nil {
				for _, r := range x.Refs() {
					elements = append(elements, r.Element)
				}
			}
		}
	}
	forms, err := data.FindForms(ctx)
	if err != nil {
		return nil, err
	}
	var out []*kehoach.Form
	for _, f := range forms {
		for _, e := range f.Elements {
			if slices.Contains(elements, e) {
				out = append(out, f)
				break
			}
		}
	}
	return out, nil
}

// formPeriod is the period of form f's type that holds the last day of
// the document's data period.
func formPeriod(f *kehoach.Form, p Period) (string, bool) {
	t, err := period.ParseType(f.PeriodType)
	if err != nil {
		return "", false
	}
	d, err := p.dataEnd()
	if err != nil {
		return "", false
	}
	return period.Of(t, d.End()).String(), true
}

// PlanTasks counts the tasks the plan itself lists (kehoach.Task) by lead
// body: done, in progress, overdue (due before asOf and not done), or not
// started. It stands in until a task service is wired in its place.
type PlanTasks struct {
	Units kehoach.UnitService
}

// TaskProgress implements Tasks.
func (pt PlanTasks) TaskProgress(ctx context.Context, plan *kehoach.Plan, asOf kehoach.Date) ([]TaskBody, error) {
	if len(plan.Tasks) == 0 {
		return nil, nil
	}
	var codes []string
	for _, t := range plan.Tasks {
		codes = append(codes, t.LeadCode)
	}
	names, err := unitNames(ctx, pt.Units, codes)
	if err != nil {
		return nil, err
	}
	var out []TaskBody
	index := map[string]int{}
	for _, t := range plan.Tasks {
		body := names[t.LeadCode]
		if body == "" {
			body = "Chưa giao đơn vị chủ trì"
		}
		i, ok := index[body]
		if !ok {
			i = len(out)
			index[body] = i
			out = append(out, TaskBody{Body: body})
		}
		b := &out[i]
		switch {
		case t.Status == kehoach.TaskDone:
			b.Done++
		case !t.Due.IsZero() && t.Due < asOf:
			b.Overdue++
			b.Late = append(b.Late, t.Title)
		case t.Status == kehoach.TaskProgress:
			b.InProgress++
		default:
			b.NotStarted++
		}
	}
	return out, nil
}

// unitNames maps unit codes to names.
func unitNames(ctx context.Context, units kehoach.UnitService, codes []string) (map[string]string, error) {
	out := map[string]string{}
	var ask []string
	for _, c := range codes {
		if c != "" && !slices.Contains(ask, c) {
			ask = append(ask, c)
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	us, err := units.FindUnits(ctx, kehoach.UnitFilter{Codes: ask})
	if err != nil {
		return nil, err
	}
	for _, u := range us {
		out[u.Code] = u.Name
	}
	return out, nil
}

// SourcesOf takes a document's sources from the services. Tasks come from
// the task service (ServiceTasks) when there is one, else from the plan's
// own list (PlanTasks).
func SourcesOf(s kehoach.Services) Sources {
	var tasks Tasks = PlanTasks{Units: s.Units}
	if s.Tasks != nil {
		tasks = ServiceTasks{Tasks: s.Tasks}
	}
	return Sources{Plans: s.Plans, Units: s.Units, Data: s.Data, Analytics: s.Analytics, Submissions: s.Submissions,
		Tasks: tasks, Hierarchy: s.Hierarchy}
}

// ServiceTasks counts a plan's task occurrences by the task service
// (issue 11): states computed from dates, each occurrence under the body
// that answers for it (a ceased lead's successor included), as of the
// report's day.
type ServiceTasks struct {
	Tasks kehoach.TaskService
}

// TaskProgress implements Tasks.
func (st ServiceTasks) TaskProgress(ctx context.Context, plan *kehoach.Plan, asOf kehoach.Date) ([]TaskBody, error) {
	occ, err := st.Tasks.FindTasks(ctx, kehoach.TaskFilter{PlanID: plan.ID, AsOf: asOf, Started: true})
	if err != nil {
		return nil, err
	}
	var out []TaskBody
	index := map[string]int{}
	for _, o := range occ {
		body := cmp.Or(o.OwnerName, o.Owner, "Chưa giao đơn vị chủ trì")
		i, ok := index[body]
		if !ok {
			i = len(out)
			index[body] = i
			out = append(out, TaskBody{Body: body})
		}
		b := &out[i]
		switch o.State {
		case kehoach.TaskDoneOnTime, kehoach.TaskDoneLate:
			b.Done++
		case kehoach.TaskOverdue:
			b.Overdue++
			b.Late = append(b.Late, cmp.Or(strings.TrimSpace(o.Title+" "+o.Key), o.TaskCode))
		case kehoach.TaskInProgress:
			b.InProgress++
		default:
			b.NotStarted++
		}
	}
	return out, nil
}
