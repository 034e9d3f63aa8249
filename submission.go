package kehoach

import (
	"context"
	"time"
)

// Submission statuses. A grid (form, unit, period) that has never been
// submitted is a draft; it has no stored submission yet.
const (
	// SubmissionDraft: the unit is still entering figures.
	SubmissionDraft = "draft"
	// SubmissionSubmitted: sent for approval; the figures are locked.
	SubmissionSubmitted = "submitted"
	// SubmissionApproved: approved; the figures stay locked until an
	// approver unlocks them.
	SubmissionApproved = "approved"
	// SubmissionReturned: sent back with a reason; editable again.
	SubmissionReturned = "returned"
)

// Submission actions, as submission events and the audit log name them.
const (
	ActionSubmitFigures  = "submit"
	ActionApproveFigures = "approve"
	ActionReturnFigures  = "return"
	ActionUnlockFigures  = "unlock"
)

// SubmissionReasonMaxLen bounds the reason of a return or an unlock
// (characters).
const SubmissionReasonMaxLen = 1000

// SubmissionLocked reports whether figures under a submission of this
// status may not be changed: submitted or approved.
func SubmissionLocked(status string) bool {
	return status == SubmissionSubmitted || status == SubmissionApproved
}

// SubmissionTransition returns the status an action leads to from status
// from, and whether the action is allowed from there:
//
//	submit:  draft, returned → submitted
//	approve: submitted → approved
//	return:  submitted → returned (reason required)
//	unlock:  approved → draft (reason required)
func SubmissionTransition(action, from string) (to string, ok bool) {
	switch {
	case action == ActionSubmitFigures && (from == SubmissionDraft || from == SubmissionReturned):
		return SubmissionSubmitted, true
	case action == ActionApproveFigures && from == SubmissionSubmitted:
		return SubmissionApproved, true
	case action == ActionReturnFigures && from == SubmissionSubmitted:
		return SubmissionReturned, true
	case action == ActionUnlockFigures && from == SubmissionApproved:
		return SubmissionDraft, true
	}
	return "", false
}

// Submission is the state of one data entry grid on its way to approval:
// a form's figures for one unit and one period. Unit is the unit whose grid
// it is: a commune's grid covers the commune's own figures and its
// villages'; an agency's or a school's only its own. While a submission is
// submitted or approved, no figure of its form and period may change for
// the unit or any unit under it.
type Submission struct {
	Form     string `json:"form"`
	Unit     string `json:"orgUnit"`
	UnitName string `json:"orgUnitName"`
	Period   string `json:"period"`
	Status   string `json:"status"`
	// Reason is the reason of the latest return or unlock; cleared by the
	// next submission.
	Reason string `json:"reason,omitempty"`
	// SubmittedAt is the time of the latest submission (zero if never).
	SubmittedAt time.Time `json:"submittedAt,omitzero"`
	SubmittedBy string    `json:"submittedBy,omitempty"`
	// DecidedAt is the time of the latest approval, return or unlock.
	DecidedAt time.Time `json:"decidedAt,omitzero"`
	DecidedBy string    `json:"decidedBy,omitempty"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// Locked reports whether the submission's figures may not change.
func (s *Submission) Locked() bool { return SubmissionLocked(s.Status) }

// SelfApproval reports whether username approving s would approve a
// submission of their own: the rule "approver ≠ submitter" (on unless the
// server is started with it off) refuses that. Only approval is bound by
// it: a submitter may still have their grid returned, and an unlock
// follows an approval someone else made.
func SelfApproval(s *Submission, username string) bool {
	return s.SubmittedBy != "" && s.SubmittedBy == username
}

// SubmissionEvent is one change of a submission's status, kept
// append-only: who, when, from which address, from and to which status,
// and why.
type SubmissionEvent struct {
	ID      int64     `json:"id"`
	Form    string    `json:"form"`
	Unit    string    `json:"orgUnit"`
	Period  string    `json:"period"`
	Action  string    `json:"action"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Reason  string    `json:"reason,omitempty"`
	Actor   string    `json:"actor"`
	Address string    `json:"address,omitempty"`
	At      time.Time `json:"at"`
}

// SubmissionChange asks for one status change of the grid (Form, Unit,
// Period). Expected is the status the person saw: when the stored status
// differs the change fails with ECONFLICT (someone acted meanwhile); ""
// skips that check. Reason is required for return and unlock.
type SubmissionChange struct {
	Form     string
	Unit     string
	Period   string
	Expected string
	Reason   string
}

// SubmissionFilter selects stored submissions. Zero fields do not filter.
type SubmissionFilter struct {
	Form   string
	Period string
	// Units keeps the submissions of these units and their subtrees.
	Units []string
	// Within keeps the submissions of units in these subtrees (a user's
	// scope); nil does not filter.
	Within   []string
	Statuses []string
	Limit    int
}

// CompletenessFilter selects the grids counted by Completeness.
type CompletenessFilter struct {
	Form   string
	Period string
	// Parent limits the count to the subtree of this unit (itself
	// included); "" counts the whole tree.
	Parent string
	// Within keeps only units in these subtrees (the viewer's scope); nil
	// does not filter.
	Within []string
	// AsOf is the time against which units that have not reported are
	// late; zero means the store's clock.
	AsOf time.Time
}

// UnitCompleteness is one reporting unit's place in a completeness count.
type UnitCompleteness struct {
	Unit        string    `json:"orgUnit"`
	Name        string    `json:"orgUnitName"`
	Kind        string    `json:"kind"`
	Parent      string    `json:"parent,omitempty"`
	Status      string    `json:"status"`
	Reported    bool      `json:"reported"`
	SubmittedAt time.Time `json:"submittedAt,omitzero"`
	SubmittedBy string    `json:"submittedBy,omitempty"`
	OnTime      bool      `json:"onTime"`
	// DaysLate counts calendar days (in Vietnam's time) past the deadline:
	// of the submission for a late one, of AsOf for a unit that has not
	// reported; 0 when not late.
	DaysLate int `json:"daysLate"`
}

// Completeness is how many of the units expected to report a form for a
// period have done so (submitted or approved), and how many on time.
// Rates are percentages of Expected (0 when nothing is expected). Units
// lists the units that have not reported first, then the others, each
// group in Vietnamese order of name.
type Completeness struct {
	Form       string `json:"form"`
	FormName   string `json:"formName"`
	Period     string `json:"period"`
	Parent     string `json:"parent,omitempty"`
	ParentName string `json:"parentName,omitempty"`
	// Deadline is the day the reports are due (period.Scheme.Deadline);
	// a report is on time when submitted by the end of that day in
	// Vietnam's time (UTC+7).
	Deadline         Date                `json:"deadline"`
	Expected         int                 `json:"expected"`
	Submitted        int                 `json:"submitted"`
	OnTime           int                 `json:"onTime"`
	CompletenessRate float64             `json:"completenessRate"`
	OnTimeRate       float64             `json:"onTimeRate"`
	Units            []*UnitCompleteness `json:"units"`
}

// VietnamZone is Vietnam's time (UTC+7, no daylight saving), in which
// deadlines end.
var VietnamZone = time.FixedZone("ICT", 7*3600)

// SubmissionService keeps the submission and approval of data entry grids
// and counts completeness and timeliness.
//
// The reporting units of a form ("grid owners") are the units whose own
// kind reports an element of the form, except villages, plus the parents
// of villages whose kind does: villages have no grid of their own, their
// figures are entered and submitted on their commune's grid. Only valid
// units count: a unit must exist during the period.
//
// The service does not check roles or scopes: the web does, with
// auth.Allowed (submit needs auth.ActionSubmit, the others
// auth.ActionApprove). Every change appends a submission event and an
// audit event naming the Actor of ctx, in the same transaction.
type SubmissionService interface {
	// FindSubmission returns the submission of a grid; a grid never
	// submitted is a draft (a Submission with Status SubmissionDraft and
	// zero times). Returns ENOTFOUND for an unknown form or unit, EINVALID
	// for a period that is not one or does not match the form.
	FindSubmission(ctx context.Context, form, unit, period string) (*Submission, error)
	// FindSubmissions returns the stored submissions matching f, oldest
	// change first.
	FindSubmissions(ctx context.Context, f SubmissionFilter) ([]*Submission, error)
	// FindSubmissionEvents returns a grid's events, oldest first.
	FindSubmissionEvents(ctx context.Context, form, unit, period string) ([]*SubmissionEvent, error)

	// Submit sends a draft or returned grid for approval. Returns
	// EINVALID when the unit is not a reporting unit of the form in the
	// period or no figure of the grid has been saved yet, ECONFLICT when
	// the status is not c.Expected, EINVALID when it is not draft or
	// returned.
	Submit(ctx context.Context, c SubmissionChange) (*Submission, error)
	// Approve approves a submitted grid, which stays locked. Approval goes
	// bottom-up: EINVALID, naming them, while a reporting unit of the same
	// form and period below the unit has not been approved. Returns
	// EFORBIDDEN when the Actor of ctx submitted the grid (SelfApproval)
	// unless SelfApprovalAllowed.
	Approve(ctx context.Context, c SubmissionChange) (*Submission, error)
	// SelfApprovalAllowed reports whether the user who submitted a grid may
	// also approve it. It is false unless the server was started so: the
	// approver must then be someone else than the submitter, so that two
	// people see every figure that gets locked.
	SelfApprovalAllowed() bool
	// Return sends a submitted grid back with a reason (EINVALID with
	// Fields["reason"] without one); the figures become editable.
	Return(ctx context.Context, c SubmissionChange) (*Submission, error)
	// Unlock turns an approved grid back into a draft, with a reason
	// (EINVALID with Fields["reason"] without one).
	Unlock(ctx context.Context, c SubmissionChange) (*Submission, error)

	// Completeness counts the reporting units of f.Form in f.Period under
	// f.Parent that have submitted (or been approved), and on time.
	// Returns ENOTFOUND for an unknown form or parent, EINVALID for a bad
	// period.
	Completeness(ctx context.Context, f CompletenessFilter) (*Completeness, error)
}
