package kehoach

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// Task kinds (loại nhiệm vụ). A continuous task (thường xuyên) runs over
// the whole plan and is reported on once, at its end; a yearly task (hằng
// năm) recurs each year of the plan with one occurrence per year to report
// on; a one-off task (một lần) has one due date.
const (
	TaskContinuous = "continuous"
	TaskYearly     = "yearly"
	TaskOnce       = "once"
)

// TaskKinds lists the kinds.
var TaskKinds = []string{TaskContinuous, TaskYearly, TaskOnce}

// Computed task states. They are never declared by anyone: TaskState
// derives them from the dates of the occurrence and of its accepted
// progress reports.
const (
	TaskNotStarted = "not_started" // no accepted progress yet, still within its term
	TaskInProgress = "in_progress" // accepted progress, not done, within its term
	TaskDoneOnTime = "done_on_time"
	TaskDoneLate   = "done_late"
	TaskOverdue    = "overdue" // not done and its due date has passed
)

// TaskStates lists the computed states in the order pages show them.
var TaskStates = []string{TaskNotStarted, TaskInProgress, TaskDoneOnTime, TaskDoneLate, TaskOverdue}

// TaskState computes the state of one occurrence on day today: doneOn is
// the date of the accepted report that declared the work done (zero if
// none), progressed whether any progress was accepted. The rules follow the
// Government's follow-up of assigned tasks: done on time when done by the
// due date, done late when after it, overdue when not done and the due date
// has passed, otherwise not done and within its term.
func TaskState(due, doneOn Date, progressed bool, today Date) string {
	switch {
	case !doneOn.IsZero() && (due.IsZero() || doneOn <= due):
		return TaskDoneOnTime
	case !doneOn.IsZero():
		return TaskDoneLate
	case !due.IsZero() && today > due:
		return TaskOverdue
	case progressed:
		return TaskInProgress
	}
	return TaskNotStarted
}

// TaskCount is the four-state count of task occurrences: done on time,
// done late, not done and within its term (not started or in progress),
// and overdue. Total is their sum.
type TaskCount struct {
	Total      int `json:"total"`
	DoneOnTime int `json:"doneOnTime"`
	DoneLate   int `json:"doneLate"`
	Pending    int `json:"pending"` // not done, within term
	Overdue    int `json:"overdue"`
}

// Add counts one occurrence in state.
func (c *TaskCount) Add(state string) {
	c.Total++
	switch state {
	case TaskDoneOnTime:
		c.DoneOnTime++
	case TaskDoneLate:
		c.DoneLate++
	case TaskOverdue:
		c.Overdue++
	default:
		c.Pending++
	}
}

// Plus is the sum of two counts.
func (c TaskCount) Plus(d TaskCount) TaskCount {
	return TaskCount{Total: c.Total + d.Total, DoneOnTime: c.DoneOnTime + d.DoneOnTime, DoneLate: c.DoneLate + d.DoneLate,
		Pending: c.Pending + d.Pending, Overdue: c.Overdue + d.Overdue}
}

// OverdueShare is the percentage of occurrences overdue (0 when none).
func (c TaskCount) OverdueShare() float64 {
	if c.Total == 0 {
		return 0
	}
	return 100 * float64(c.Overdue) / float64(c.Total)
}

// Occurrence is one span of a task to report on: the year of a yearly
// task ("2023"), or the whole task ("") for the others. Owner is the unit
// that answers for it: the lead, or, when the lead ceased to exist before
// the occurrence is due, its successor; when several bodies took over the
// lead's work, the span is one occurrence for each of them, with the same
// Key (see TaskOwners).
type Occurrence struct {
	TaskID    int64  `json:"taskId"`
	TaskCode  string `json:"taskCode"`
	Title     string `json:"title"`
	Section   string `json:"section"`
	Kind      string `json:"kind"`
	Key       string `json:"occurrence"` // "2023" or ""
	Start     Date   `json:"start"`
	Due       Date   `json:"due"`
	Owner     string `json:"owner"`
	OwnerName string `json:"ownerName,omitempty"`
	// Lead is the task's own lead when Owner is its successor.
	Lead string `json:"lead,omitempty"`
	// Coordinators are the units that coordinate this span: the task's,
	// or, for one that ceased before the span is due, its successors
	// (as for the lead, TaskOwners).
	Coordinators []string `json:"coordinators,omitempty"`
	State        string   `json:"state"`
	Percent      int      `json:"percent"`
	DoneOn       Date     `json:"doneOn,omitempty"`
	// Returned is set when the unit's latest report was returned; Reason
	// says why.
	Returned bool   `json:"returned,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// Occurrences splits a task into the spans reported on, within the plan's
// horizon of years from..to ("2022", "2025"). A yearly task recurs on the
// month and day of its due date in every year of the horizon; a continuous
// task runs from the start of the horizon to its due date (or the end of
// the horizon); a one-off task from its start (or the horizon's) to due.
func Occurrences(t *Task, from, to string) []Occurrence {
	y0, _ := strconv.Atoi(from)
	y1, _ := strconv.Atoi(to)
	start := t.Start
	if start.IsZero() && y0 > 0 {
		start = Date(from + "-01-01")
	}
	base := Occurrence{TaskID: t.ID, TaskCode: t.Code, Title: t.Title, Section: t.Section, Kind: t.Kind, Owner: t.LeadCode}
	if t.Kind != TaskYearly || y0 == 0 || y1 < y0 {
		o := base
		o.Start, o.Due = start, t.Due
		if o.Due.IsZero() && y1 > 0 {
			o.Due = Date(to + "-12-31")
		}
		return []Occurrence{o}
	}
	md := "-12-31"
	if len(t.Due) == len(DateFormat) {
		md = string(t.Due[4:])
	}
	var out []Occurrence
	for y := y0; y <= y1; y++ {
		ys := strconv.Itoa(y)
		o := base
		o.Key = ys
		o.Start = Date(ys + "-01-01")
		if o.Start < start {
			o.Start = start
		}
		o.Due = Date(ys + md)
		out = append(out, o)
	}
	return out
}

// TaskOwners returns who answers on day for a task led by lead: lead
// while it exists, else the units its successor links lead to (followed
// through several reorganisations). When a ceased unit's work went to
// several units (a split, or a district office whose work went to every
// new commune), each of them answers for its own part: the occurrence
// goes to each, in the order of the links, and the planner may give the
// task to one of them instead (a task edit). links are all successor
// links; validTo gives each unit's last day ("" while it exists). A
// ceased unit with no successor stays the owner: a person must assign
// the task.
func TaskOwners(lead string, on Date, validTo map[string]Date, links []UnitLink) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(cur string, depth int)
	walk = func(cur string, depth int) {
		if end := validTo[cur]; end.IsZero() || on <= end || depth >= 10 { // reorganisations do not loop; 10 bounds bad data
			if !seen[cur] {
				seen[cur] = true
				out = append(out, cur)
			}
			return
		}
		found := false
		for _, l := range links {
			if l.From == cur && l.To != cur {
				found = true
				walk(l.To, depth+1)
			}
		}
		if !found && !seen[lead] {
			seen[lead] = true
			out = append(out, lead)
		}
	}
	walk(lead, 0)
	return out
}

// Progress report states: an update goes draft → submitted → accepted or
// returned (with a reason), like figures; a returned update is corrected
// and submitted again.
const (
	ProgressDraft     = "draft"
	ProgressSubmitted = "submitted"
	ProgressAccepted  = "accepted"
	ProgressReturned  = "returned"
)

// Progress actions.
const (
	ActionSubmitProgress = "submit"
	ActionAcceptProgress = "accept"
	ActionReturnProgress = "return"
)

// ProgressTransition returns the state an action leads to from state
// from, and whether it is allowed.
func ProgressTransition(action, from string) (string, bool) {
	switch {
	case action == ActionSubmitProgress && (from == ProgressDraft || from == ProgressReturned):
		return ProgressSubmitted, true
	case action == ActionAcceptProgress && from == ProgressSubmitted:
		return ProgressAccepted, true
	case action == ActionReturnProgress && from == ProgressSubmitted:
		return ProgressReturned, true
	}
	return "", false
}

// What a report says of the work. The computed states (on time, late,
// overdue) follow from its date; a client that sends one is checked
// against the dates (CheckProgressClaim).
const (
	WorkInProgress = "in_progress"
	WorkDone       = "done"
)

// Limits of progress reports and evidence.
const (
	ProgressTextMaxLen  = 5000
	EvidenceMaxBytes    = 10 << 20 // per file
	EvidenceMaxFiles    = 5        // per report
	EvidenceNameMaxLen  = 200
	TaskTitleMaxLen     = 1000
	ReminderDaysDefault = 30
)

// Progress is one update of a unit on one occurrence of a task.
type Progress struct {
	ID         int64       `json:"id"`
	TaskID     int64       `json:"taskId"`
	Occurrence string      `json:"occurrence"`
	Unit       string      `json:"unit"`
	UnitName   string      `json:"unitName,omitempty"`
	Text       string      `json:"text"`
	Work       string      `json:"work"` // in_progress or done
	Percent    int         `json:"percent"`
	On         Date        `json:"date"`
	State      string      `json:"state"`
	Reason     string      `json:"reason,omitempty"`
	CreatedBy  string      `json:"createdBy"`
	CreatedAt  time.Time   `json:"createdAt"`
	DecidedBy  string      `json:"decidedBy,omitempty"`
	DecidedAt  time.Time   `json:"decidedAt,omitzero"`
	Evidence   []*Evidence `json:"evidence,omitempty"`
}

// Evidence is a file attached to a progress report. Type is what the
// content was sniffed as, never what the name or the client claimed.
type Evidence struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	Data   []byte `json:"-"`
}

// ProgressInput is a new progress report. Claim, when set, is a computed
// state the client believes the report leads to (done_on_time,
// done_late…): it is refused when the dates say otherwise.
type ProgressInput struct {
	TaskID     int64
	Occurrence string
	Unit       string
	Text       string
	Work       string
	Percent    int
	On         Date
	Claim      string
	Submit     bool // submit at once instead of keeping a draft
	Files      []EvidenceFile
}

// EvidenceFile is an uploaded file before checks.
type EvidenceFile struct {
	Name string
	Data []byte
}

// TaskFilter selects task occurrences. Zero fields do not filter.
type TaskFilter struct {
	PlanID int64
	// Unit keeps the occurrences the unit answers for (owner) or
	// coordinates.
	Unit    string
	Section string // a section number and everything under it ("II.2")
	State   string // one of TaskStates
	// DueBefore keeps occurrences due on or before this day.
	DueBefore Date
	// AsOf is the day states are computed on; zero means today (Vietnam).
	AsOf Date
	// Started keeps only occurrences whose span has begun by AsOf, as the
	// four-state count does: a 2025 occurrence is not counted in 2023.
	Started bool
	// Within keeps occurrences whose owner is in these subtrees (the
	// viewer's scope); nil does not filter.
	Within []string
	// SectionIs and OwnerIs keep one section exactly (not those under it)
	// and one owner (not what it coordinates): a group of the task board.
	SectionIs string
	OwnerIs   string
	// Offset skips that many occurrences first; Limit keeps at most that
	// many (0: all).
	Offset int
	Limit  int
}

// Task board groupings (CountTaskGroups).
const (
	GroupBySection = "section"
	GroupByOwner   = "owner"
)

// TaskGroupCount is the four-state count of one group of occurrences: a
// section of the plan or the unit that answers for them.
type TaskGroupCount struct {
	Key   string    `json:"key"`
	Name  string    `json:"name,omitempty"` // the owner's name
	Count TaskCount `json:"count"`
}

// TaskInput is a new task, as the planner writes it.
type TaskInput struct {
	PlanID       int64
	Code         string
	Section      string
	Title        string
	Kind         string
	Lead         string
	Coordinators []string
	Targets      []string
	Start        Date
	Due          Date
}

// TaskDetail is a task with its occurrences and every progress report,
// newest first.
type TaskDetail struct {
	Task        *Task        `json:"task"`
	PlanID      int64        `json:"planId"`
	PlanTitle   string       `json:"planTitle"`
	LeadName    string       `json:"leadName,omitempty"`
	Occurrences []Occurrence `json:"occurrences"`
	Reports     []*Progress  `json:"reports"`
}

// TaskService keeps a plan's tasks, their occurrences and progress
// reports, and counts them in the four states.
//
// Authorization is checked here too, with the Actor of ctx: a report is
// posted only for a unit in the actor's Entry scope that answers for or
// coordinates the task (EFORBIDDEN otherwise); a report is accepted or
// returned only by an actor whose Entry scope covers the task's owner
// (the lead body) or who may plan (Planner in ctx, see
// NewContextWithPlanner). Every change is audited in its transaction.
type TaskService interface {
	// FindTasks returns the occurrences matching f, by due date then
	// task code. Returns ENOTFOUND for an unknown plan or unit, EINVALID
	// for an unknown state.
	FindTasks(ctx context.Context, f TaskFilter) ([]Occurrence, error)
	// CountTasks returns the four-state count of the occurrences matching
	// f (set Started for what has begun by AsOf): for a plan (PlanID), a
	// body (Unit) or a section (Section), or any combination.
	CountTasks(ctx context.Context, f TaskFilter) (TaskCount, error)
	// CountTasksByTask is CountTasks for each task separately, keyed by
	// task id (tasks with no occurrence matching f are absent).
	CountTasksByTask(ctx context.Context, f TaskFilter) (map[int64]TaskCount, error)
	// CountTaskGroups is CountTasks for each group of occurrences, by
	// GroupBySection or GroupByOwner, in the order first met (by due
	// date). EINVALID for another grouping.
	CountTaskGroups(ctx context.Context, f TaskFilter, by string) ([]TaskGroupCount, error)
	// FindTaskByID returns a task with its occurrences (states as of
	// asOf, zero for today) and reports. ENOTFOUND when there is none.
	FindTaskByID(ctx context.Context, id int64, asOf Date) (*TaskDetail, error)
	// CreateTask adds a task to a plan. EINVALID (with Fields) for a
	// missing or bad field, a lead or coordinator that does not exist or
	// has ceased before the task is due, an unknown target; ECONFLICT for
	// a code already used in the plan.
	CreateTask(ctx context.Context, in TaskInput) (*Task, error)
	// UpdateTask changes a task's text, section, lead, coordinators, kind,
	// start and due dates and the targets it serves (not its code), for a
	// planner (Planner in ctx) whose Plan scope covers the plan's issuer
	// (EFORBIDDEN otherwise). EINVALID with Fields, each message naming
	// its field, for a missing or bad field, a lead or coordinator that
	// does not exist, has ceased or is not yet set up on the day the task
	// runs (today, or its due date once past), an unknown target;
	// ENOTFOUND for an unknown task. Audited with the task before and
	// after; reports already made stay.
	UpdateTask(ctx context.Context, id int64, in TaskInput) (*Task, error)
	// SaveProgress stores a report (draft, or submitted when in.Submit).
	// EINVALID with Fields for a date in the future or before the task's
	// start, a percentage outside 0–100, done below 100 %, a claim the
	// dates contradict, a file too large, of a type not allowed or whose
	// content is not what its name says; nothing is saved then.
	SaveProgress(ctx context.Context, in ProgressInput) (*Progress, error)
	// ChangeProgress submits, accepts or returns a report (action one of
	// ActionSubmitProgress, ActionAcceptProgress, ActionReturnProgress).
	// A return needs a reason (EINVALID with Fields["reason"]).
	ChangeProgress(ctx context.Context, id int64, action, reason string) (*Progress, error)
	// FindEvidence returns one evidence file with its content, if the
	// Actor of ctx may view the reporting unit.
	FindEvidence(ctx context.Context, id int64) (*Evidence, error)
}

type plannerKey struct{}

// NewContextWithPlanner marks ctx as acting with the planner's right to
// decide on any task's reports (the web sets it for roles that may plan).
func NewContextWithPlanner(ctx context.Context) context.Context {
	return context.WithValue(ctx, plannerKey{}, true)
}

// IsPlanner reports whether ctx carries the planner's right.
func IsPlanner(ctx context.Context) bool {
	v, _ := ctx.Value(plannerKey{}).(bool)
	return v
}

// TaskStateOK reports whether s is one of TaskStates.
func TaskStateOK(s string) bool {
	for _, x := range TaskStates {
		if x == s {
			return true
		}
	}
	return false
}

// CheckTaskFields checks what a task says of itself (not its units nor
// its targets, which need the store): section, text, kind and dates. It
// returns the reasons by field, in Vietnamese, each naming its field;
// empty when all is well.
func CheckTaskFields(in *TaskInput) map[string]string {
	f := map[string]string{}
	if in.Section == "" {
		f["section"] = "Mục: cần số mục của kế hoạch (ví dụ II.2.1)."
	}
	if in.Title == "" {
		f["title"] = "Nội dung: cần ghi nội dung nhiệm vụ."
	} else if len([]rune(in.Title)) > TaskTitleMaxLen {
		f["title"] = "Nội dung: dài quá " + strconv.Itoa(TaskTitleMaxLen) + " ký tự."
	}
	if !slices.Contains(TaskKinds, in.Kind) {
		f["kind"] = "Loại: phải là thường xuyên, hằng năm hoặc một lần."
	}
	if _, err := ParseDate(string(in.Start)); err != nil {
		f["start"] = "Ngày bắt đầu: không hợp lệ (NNNN-TT-NN)."
	}
	if in.Due.IsZero() {
		f["due"] = "Hạn hoàn thành: cần ghi hạn."
	} else if _, err := ParseDate(string(in.Due)); err != nil {
		f["due"] = "Hạn hoàn thành: không hợp lệ (NNNN-TT-NN)."
	} else if !in.Start.IsZero() && in.Start > in.Due {
		f["due"] = "Hạn hoàn thành: trước ngày bắt đầu."
	}
	return f
}

// CheckProgress validates a report against its occurrence: it returns
// EINVALID with a reason per field, or nil. today is the current day and
// created the day the task was created or starts.
func CheckProgress(in *ProgressInput, o Occurrence, today Date) error {
	f := map[string]string{}
	if in.Text == "" {
		f["text"] = "Cần ghi nội dung đã thực hiện."
	} else if len([]rune(in.Text)) > ProgressTextMaxLen {
		f["text"] = "Nội dung dài quá " + strconv.Itoa(ProgressTextMaxLen) + " ký tự."
	}
	switch in.Work {
	case WorkInProgress, WorkDone:
	default:
		f["work"] = "Tình trạng phải là “đang thực hiện” hoặc “đã hoàn thành”."
	}
	if in.Percent < 0 || in.Percent > 100 {
		f["percent"] = "Tỷ lệ hoàn thành phải từ 0 đến 100%."
	} else if in.Work == WorkDone && in.Percent != 100 {
		f["percent"] = "Đã hoàn thành thì tỷ lệ phải là 100%."
	} else if in.Work == WorkInProgress && in.Percent == 100 {
		f["work"] = "Tỷ lệ 100% nghĩa là đã hoàn thành; hãy chọn “đã hoàn thành”."
	}
	switch {
	case in.On.IsZero():
		f["date"] = "Cần ghi ngày thực hiện."
	case in.On > today:
		f["date"] = "Ngày báo cáo không được ở tương lai."
	case !o.Start.IsZero() && in.On < o.Start:
		f["date"] = "Ngày báo cáo trước ngày bắt đầu của nhiệm vụ (" + string(o.Start) + ")."
	}
	if in.Claim != "" && f["date"] == "" && f["work"] == "" {
		var want string
		if in.Work == WorkDone {
			want = TaskState(o.Due, in.On, true, in.On)
		} else {
			want = TaskState(o.Due, "", true, today)
		}
		if !TaskStateOK(in.Claim) {
			f["status"] = "Trạng thái không hợp lệ."
		} else if in.Claim != want {
			f["status"] = "Trạng thái do ngày tháng quyết định: theo hạn " + string(o.Due) + " và ngày " + string(in.On) + " thì không thể là trạng thái đã khai."
		}
	}
	if len(f) > 0 {
		return &Error{Code: EINVALID, Message: "Báo cáo tiến độ chưa hợp lệ; chưa lưu gì.", Fields: f}
	}
	return nil
}

// Flags of a target against the tasks that serve it (TargetTaskFlag).
const (
	// FlagBehindTasksDone: the target is behind although every task
	// serving it is done: the tasks may not be the right ones.
	FlagBehindTasksDone = "behind_tasks_done"
	// FlagAheadTasksOverdue: the target is met or on track although a
	// task serving it is overdue: the figures or the task may be wrong.
	FlagAheadTasksOverdue = "ahead_tasks_overdue"
)

// TargetTaskFlagOf is TargetTaskFlag over the four-state count of the
// occurrences instead of their states.
func TargetTaskFlagOf(targetStatus string, c TaskCount) string {
	if c.Total == 0 {
		return ""
	}
	var states []string
	if c.DoneOnTime+c.DoneLate < c.Total {
		states = append(states, TaskInProgress)
	}
	if c.Overdue > 0 {
		states = append(states, TaskOverdue)
	}
	if len(states) == 0 {
		states = append(states, TaskDoneOnTime)
	}
	return TargetTaskFlag(targetStatus, states)
}

// TargetTaskFlag compares a target's status with the states of the
// occurrences of the tasks serving it (those begun), and returns a flag
// or "" when they agree or there is nothing to compare.
func TargetTaskFlag(targetStatus string, states []string) string {
	if len(states) == 0 {
		return ""
	}
	done, overdue := true, false
	for _, s := range states {
		if s != TaskDoneOnTime && s != TaskDoneLate {
			done = false
		}
		if s == TaskOverdue {
			overdue = true
		}
	}
	switch {
	case done && (targetStatus == StatusOffTrack || targetStatus == StatusAtRisk):
		return FlagBehindTasksDone
	case overdue && (targetStatus == StatusAchieved || targetStatus == StatusOnTrack):
		return FlagAheadTasksOverdue
	}
	return ""
}
