package kehoach

import (
	"context"
	"fmt"

	"kehoach/period"
)

// Plan is a kế hoạch: an official document whose targets and tasks the
// system follows.
type Plan struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Number      string `json:"number"` // "…/KH-UBND"
	Title       string `json:"title"`
	IssuerCode  string `json:"issuer"`
	IssuedOn    Date   `json:"issuedOn,omitempty"`
	Place       string `json:"place,omitempty"`
	LegalBasis  string `json:"legalBasis,omitempty"`
	HorizonFrom string `json:"horizonFrom,omitempty"` // a period id, e.g. "2022"
	HorizonTo   string `json:"horizonTo,omitempty"`   // e.g. "2025"
	Signer      string `json:"signer,omitempty"`
	Demo        bool   `json:"demo,omitempty"`
	// CoverageThreshold is the share of the expected units whose reports a
	// period needs before a target's status is computed on it (issue 9);
	// 0 means all of them.
	CoverageThreshold float64 `json:"coverageThreshold,omitempty"`
	// Figures is what the plan's pages and reports read by default:
	// FiguresAll (drafts marked) or FiguresApproved; "" is FiguresAll.
	Figures  string     `json:"figures,omitempty"`
	Sections []*Section `json:"sections,omitempty"`
	Targets  []*Target  `json:"targets,omitempty"`
	Tasks    []*Task    `json:"tasks,omitempty"`
}

// Section is a numbered part of the plan's text ("II.2.4").
type Section struct {
	Number string `json:"number"`
	Title  string `json:"title"`
	Body   string `json:"body,omitempty"`
}

// Comparison operators of a target.
const (
	OpGE = ">="
	OpGT = ">"
	OpEQ = "="
	OpLE = "<="
	// OpLT: strictly below ("dưới 5%", issue 15).
	OpLT = "<"
)

// Falling reports whether op asks the indicator to go down to the target.
func Falling(op string) bool { return op == OpLE || op == OpLT }

// OpSymbol returns the symbol people read for a comparison.
func OpSymbol(op string) string {
	switch op {
	case OpGE:
		return "≥"
	case OpLE:
		return "≤"
	}
	return op
}

// Meets reports whether value v satisfies op against target t.
func Meets(op string, v, t float64) bool {
	const eps = 1e-9
	switch op {
	case OpGE:
		return v >= t-eps
	case OpGT:
		return v > t+eps
	case OpLE:
		return v <= t+eps
	case OpLT:
		return v < t-eps
	case OpEQ:
		return v > t-eps && v < t+eps
	}
	return false
}

// Target is a mục tiêu: an indicator that must reach Value by Deadline over
// the units under ScopeCode.
type Target struct {
	ID             int64   `json:"-"`
	Code           string  `json:"code"` // "1a"
	Text           string  `json:"text"`
	IndicatorCode  string  `json:"indicator"`
	Op             string  `json:"comparison"`
	Value          float64 `json:"target"`
	Deadline       string  `json:"deadline"`       // period id, e.g. "2025"
	BaselinePeriod string  `json:"baselinePeriod"` // period id, e.g. "2021"
	ScopeCode      string  `json:"scope"`          // unit code
	CountLabel     string  `json:"countLabel"`     // what x/y counts: "xã", "bản", "hộ"
	Section        string  `json:"section,omitempty"`
	// Milestones are the interim values to reach (planning, issue 14).
	Milestones []Milestone `json:"milestones,omitempty"`
}

// Validate checks a target's own fields.
func (t *Target) Validate() error {
	if t.Code == "" || t.Text == "" || t.IndicatorCode == "" || t.ScopeCode == "" {
		return Errorf(EINVALID, "mục tiêu %q thiếu mã, nội dung, chỉ tiêu hoặc phạm vi", t.Code)
	}
	switch t.Op {
	case OpGE, OpGT, OpEQ, OpLE, OpLT:
	default:
		return Errorf(EINVALID, "mục tiêu %s: phép so sánh %q không hợp lệ", t.Code, t.Op)
	}
	for _, p := range []string{t.Deadline, t.BaselinePeriod} {
		if _, err := period.Parse(p); err != nil {
			return Errorf(EINVALID, "mục tiêu %s: %v", t.Code, err)
		}
	}
	return nil
}

// Task is a nhiệm vụ the plan assigns: a lead unit, coordinating units, a
// recurrence and due date.
type Task struct {
	ID           int64    `json:"id"`
	Code         string   `json:"code"`
	Section      string   `json:"section"`
	Title        string   `json:"title"`
	LeadCode     string   `json:"lead,omitempty"`
	Coordinators []string `json:"coordinators,omitempty"`
	Recurrence   string   `json:"recurrence,omitempty"` // a period type, or "" for one-off
	Due          Date     `json:"due,omitempty"`
	Status       string   `json:"status"`
	// tasks (issue 11): kind (TaskContinuous, TaskYearly, TaskOnce), the
	// day work starts (zero: the start of the plan) and the codes of the
	// targets the task serves.
	Kind    string   `json:"kind,omitempty"`
	Start   Date     `json:"start,omitempty"`
	Targets []string `json:"targets,omitempty"`
}

// Task statuses.
const (
	TaskOpen     = "open"
	TaskProgress = "in_progress"
	TaskDone     = "done"
)

// Indicator is a chỉ tiêu: numerator / denominator × factor over data
// element expressions (see package expr).
type Indicator struct {
	ID          int64   `json:"-"`
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	Numerator   string  `json:"numerator"`
	Denominator string  `json:"denominator"`
	Factor      float64 `json:"factor"`
	Decimals    int     `json:"decimals"`
}

// String names the indicator in logs.
func (i *Indicator) String() string { return fmt.Sprintf("%s (%s)", i.Code, i.Name) }

// PlanService reads plans.
type PlanService interface {
	// FindPlans lists plans without their sections, targets and tasks.
	FindPlans(ctx context.Context) ([]*Plan, error)
	// FindPlanByID returns one plan with sections, targets and tasks.
	// Returns ENOTFOUND when there is none.
	FindPlanByID(ctx context.Context, id int64) (*Plan, error)
}
