package kehoach

import (
	"context"
	"time"
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
	return len(r.Overdue)+len(r.DueSoon)+len(r.Returned)+len(r.Figures) == 0
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

// UnitReminders reads what unit is to be reminded of on day today, from
// the services: its task occurrences (owner or coordinator) and its
// returned figure submissions. The login page and the e-mail digest both
// call it.
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
	return r, nil
}
