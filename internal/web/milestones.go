package web

import (
	"math"
	"net/http"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/web/form"
	"kehoach/period"
)

// roadStep is one year of a target's roadmap: the value asked for then,
// and whether the planner set it (else it is derived from the baseline,
// the planner's milestones and the target).
type roadStep struct {
	Period string
	Value  float64
	Set    bool
}

// roadmap lays out tp's milestone path by period, without the baseline
// and the deadline (the target itself): what the target page shows and the
// planner's form offers to edit (issue 9 point 6).
func roadmap(tp *kehoach.TargetProgress) []roadStep {
	b, err1 := period.Parse(tp.Target.BaselinePeriod)
	d, err2 := period.Parse(tp.Target.Deadline)
	if err1 != nil || err2 != nil {
		return nil
	}
	periods := period.Range(b, d)
	if len(tp.Milestones) != len(periods) {
		return nil
	}
	set := map[string]bool{}
	for _, m := range tp.Target.Milestones {
		set[m.Period] = true
	}
	var out []roadStep
	for i := 1; i < len(periods)-1; i++ {
		id := periods[i].String()
		out = append(out, roadStep{Period: id, Value: tp.Milestones[i], Set: set[id]})
	}
	return out
}

// roadmapText writes the steps as the milestones field reads them ("2023:
// 65"), values rounded to two decimals.
func roadmapText(steps []roadStep) string {
	var ms []kehoach.Milestone
	for _, s := range steps {
		ms = append(ms, kehoach.Milestone{Period: s.Period, Value: math.Round(s.Value*100) / 100})
	}
	return form.MilestonesText(ms)
}

// milestoneNote says what the status was measured against when the
// planner set milestones ("so với mốc năm 2024: 63,0 %"), "" otherwise.
func milestoneNote(tp *kehoach.TargetProgress) string {
	at := len(tp.Series) - 1
	if !tp.MilestonesSet || at < 0 || at >= len(tp.Milestones) || !tp.Current.HasValue {
		return ""
	}
	return "so với mốc " + strings.ToLower(periodLabel(tp.Current.Period)) + ": " + locale.VI.Percent(tp.Milestones[at])
}

// paceNote is the pace sentence, to the planner's next milestone when
// there is one ("… để đạt mốc 75,0 % năm 2025").
func paceNote(tp *kehoach.TargetProgress) string {
	s := locale.VI.Pace(tp.Need, tp.Trend, "năm")
	if m := tp.NextMilestone; m != nil {
		s += " để đạt mốc " + locale.VI.Percent(m.Value) + " " + strings.ToLower(periodLabel(m.Period))
	}
	return s
}

// derivedRoadmap is the straight-line roadmap of t (its planner's
// milestones left aside), for the planner's form to offer; nil when the
// baseline has no value yet.
func (h *handler) derivedRoadmap(r *http.Request, t *kehoach.Target) []roadStep {
	if t == nil || t.Code == "" || h.Services.Analytics == nil {
		return nil
	}
	bare := *t
	bare.Milestones = nil
	progress, err := h.Services.Analytics.PlanProgress(r.Context(), &kehoach.Plan{Targets: []*kehoach.Target{&bare}}, "")
	if err != nil || len(progress) == 0 {
		return nil
	}
	return roadmap(progress[0])
}
