package kehoach

import (
	"context"
	"slices"
	"strings"
	"time"

	"kehoach/period"
)

// Reminders is what a unit is reminded of, at login and in the e-mail
// digest: the occurrences overdue, those due within Days, the reports
// that were returned, and the figures returned. The page and the digest
// are both built from one Reminders, so they say the same.
type Reminders struct {
	Unit     string
	UnitName string
	Today    Date
	Days     int
	Overdue  []Occurrence
	DueSoon  []Occurrence
	Returned []Occurrence
	// Figures are the unit's returned figure submissions.
	Figures []*Submission
	// FiguresDue are the forms the unit reports whose deadline (the form's
	// Decree 09 window and deadline, period.Scheme) falls within Days
	// before or after Today and which it has not sent yet (returned ones
	// are in Figures), deadline first.
	FiguresDue []FigureDue
	// NOverdue, NDueSoon and NReturned count all of each kind; the lists
	// keep the first ReminderListMax (a province body may have thousands
	// overdue; the page and the digest say how many more wait).
	NOverdue, NDueSoon, NReturned int
}

// ReminderListMax bounds each list of reminders.
const ReminderListMax = 100

// More returns how many of a kind ("overdue", "due", "returned") are not
// listed.
func (r *Reminders) More(kind string) int {
	switch kind {
	case "overdue":
		return r.NOverdue - len(r.Overdue)
	case "due":
		return r.NDueSoon - len(r.DueSoon)
	case "returned":
		return r.NReturned - len(r.Returned)
	}
	return 0
}

// Empty reports whether there is nothing to remind of.
func (r *Reminders) Empty() bool {
	return len(r.Overdue)+len(r.DueSoon)+len(r.Returned)+len(r.Figures)+len(r.FiguresDue) == 0
}

// BuildReminders sorts a unit's occurrences into reminders on day today:
// overdue, due within days (not done), returned (the latest report sent
// back). An occurrence may be both returned and overdue or due soon.
func BuildReminders(unit string, occ []Occurrence, figures []*Submission, today Date, days int) *Reminders {
	if days <= 0 {
		days = ReminderDaysDefault
	}
	r := &Reminders{Unit: unit, Today: today, Days: days, Figures: figures}
	horizon := DateOf(today.Time().Add(time.Duration(days) * 24 * time.Hour))
	add := func(list *[]Occurrence, n *int, o Occurrence) {
		if *n++; len(*list) < ReminderListMax {
			*list = append(*list, o)
		}
	}
	for _, o := range occ {
		if o.Returned {
			add(&r.Returned, &r.NReturned, o)
		}
		switch {
		case o.State == TaskOverdue:
			add(&r.Overdue, &r.NOverdue, o)
		case (o.State == TaskNotStarted || o.State == TaskInProgress) && o.Due <= horizon && o.Start <= today:
			add(&r.DueSoon, &r.NDueSoon, o)
		}
	}
	return r
}

// FigureDue is one grid (form, unit, period) whose reporting deadline is
// near or has just passed, not sent yet.
type FigureDue struct {
	Form     string `json:"form"`
	FormName string `json:"formName"`
	Unit     string `json:"orgUnit"`
	Period   string `json:"period"`
	Deadline Date   `json:"deadline"`
	Overdue  bool   `json:"overdue"` // the deadline has passed
}

// figuresDue finds the grids of unit due within days of today: for each
// form, the periods whose deadline falls in [today-days, today+days],
// kept when the unit is one of the form's reporting units for the period
// (as completeness counts them) and has neither sent it nor had it
// returned.
func figuresDue(ctx context.Context, s Services, unit string, today Date, days int) ([]FigureDue, error) {
	forms, err := s.Data.FindForms(ctx)
	if err != nil {
		return nil, err
	}
	lo := DateOf(today.Time().AddDate(0, 0, -days))
	hi := DateOf(today.Time().AddDate(0, 0, days))
	var out []FigureDue
	for _, f := range forms {
		t, err := period.ParseType(f.PeriodType)
		sc := period.Scheme{CutoffDay: f.CutoffDay, DeadlineDays: f.DeadlineDays}
		if err != nil || sc.Validate() != nil || !f.Assigned(unit) {
			continue
		}
		// A deadline falls at most a month before a period's end (the
		// window closes in its last month) and 60 days after it.
		first := period.Of(t, lo.Time().AddDate(0, 0, -61))
		last := period.Of(t, hi.Time().AddDate(0, 0, 32))
		for _, p := range period.Range(first, last) {
			d := DateOf(sc.Deadline(p))
			if d < lo || d > hi {
				continue
			}
			c, err := s.Submissions.Completeness(ctx, CompletenessFilter{Form: f.Code, Period: p.String(), Parent: unit})
			if err != nil {
				return nil, err
			}
			for _, uc := range c.Units {
				if uc.Unit == unit && !uc.Reported && uc.Status != SubmissionReturned {
					out = append(out, FigureDue{Form: f.Code, FormName: f.Name, Unit: unit, Period: p.String(), Deadline: d, Overdue: d < today})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b FigureDue) int { return strings.Compare(string(a.Deadline), string(b.Deadline)) })
	return out, nil
}

// UnitReminders reads what unit is to be reminded of on day today, from
// the services: its task occurrences (owner or coordinator) and its
// returned figure submissions, and the forms due (FiguresDue). The login
// page and the e-mail digest both call it.
func UnitReminders(ctx context.Context, s Services, unit string, days int, today Date) (*Reminders, error) {
	u, err := s.Units.FindUnitByCode(ctx, unit)
	if err != nil {
		return nil, err
	}
	occ, err := s.Tasks.FindTasks(ctx, TaskFilter{Unit: unit, AsOf: today})
	if err != nil {
		return nil, err
	}
	subs, err := s.Submissions.FindSubmissions(ctx, SubmissionFilter{Units: []string{unit}, Statuses: []string{SubmissionReturned}})
	if err != nil {
		return nil, err
	}
	r := BuildReminders(unit, occ, subs, today, days)
	r.UnitName = u.Name
	if r.FiguresDue, err = figuresDue(ctx, s, unit, today, r.Days); err != nil {
		return nil, err
	}
	return r, nil
}
