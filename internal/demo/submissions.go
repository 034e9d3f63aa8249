package demo

import (
	"fmt"
	"slices"
	"time"

	"kehoach"
	"kehoach/period"
)

// submissions tells the demo's story of reporting (issue 9): every grid of
// a past period was submitted around its deadline (now and then a few days
// late) and approved a few days after, so that the completeness page and
// the plan page agree, up to the clock when the demo lives in the present
// (issue 9 point 7). The latest period of each form with figures stays open for
// every unit, and every period of the units the demo names open (one
// commune still reporting): their figures are drafts, provisional beside the approved ones
// when a page reads approved figures only, and still editable.
func (g *gen) submissions() error {
	from, to, err := g.span()
	if err != nil {
		return err
	}
	byCode := map[string]*kehoach.DataElement{}
	for _, e := range g.b.Elements {
		byCode[e.Code] = e
	}
	children := map[string][]*kehoach.Unit{}
	for _, u := range g.b.Units {
		children[u.ParentCode] = append(children[u.ParentCode], u)
	}
	for _, f := range g.b.Forms {
		t, err := period.ParseType(f.PeriodType)
		if err != nil {
			return fmt.Errorf("demo: form %s: %w", f.Code, err)
		}
		scheme := period.Scheme{CutoffDay: f.CutoffDay, DeadlineDays: f.DeadlineDays}
		if scheme.Validate() != nil {
			continue
		}
		var els []*kehoach.DataElement
		for _, c := range f.Elements {
			if e := byCode[c]; e != nil {
				els = append(els, e)
			}
		}
		// The periods with figures (to the clock when the demo lives in
		// the present), the latest left open.
		periods, _ := g.periods(t, from, to)
		latest := periods[len(periods)-1]
		for _, p := range periods {
			if p == latest {
				continue // open: the grids of the latest period are drafts
			}
			start, end := kehoach.DateOf(p.Start()), kehoach.DateOf(p.End())
			for _, u := range g.b.Units {
				if !kehoach.OwnsGrid(u, children[u.Code], els, start, end) {
					continue
				}
				if slices.Contains(g.p.Open.Units, u.Code) && string(end) >= g.p.Open.From {
					continue // still reporting: its grids are drafts
				}
				g.b.Submissions = append(g.b.Submissions, g.submission(f, u, p, scheme.Deadline(p)))
			}
		}
	}
	return nil
}

// submission is one approved grid with plausible dates: sent in the last
// week before the deadline (one in eight up to ten days late), during
// office hours, and approved one to four days later.
func (g *gen) submission(f *kehoach.Form, u *kehoach.Unit, p period.Period, due time.Time) *kehoach.Submission {
	r := g.rng("submission", f.Code, u.Code, p.String())
	day := due.AddDate(0, 0, -r.IntN(7))
	if r.IntN(8) == 0 {
		day = due.AddDate(0, 0, 1+r.IntN(10))
	}
	at := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), 8+r.IntN(9), r.IntN(60), 0, 0, kehoach.VietnamZone).UTC()
	}
	sent := at(day)
	decided := at(day.AddDate(0, 0, 1+r.IntN(4)))
	return &kehoach.Submission{Form: f.Code, Unit: u.Code, UnitName: u.Name, Period: p.String(), Status: kehoach.SubmissionApproved,
		SubmittedAt: sent, SubmittedBy: "demo", DecidedAt: decided, DecidedBy: "demo"}
}
