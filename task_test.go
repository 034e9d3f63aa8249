package kehoach

import (
	"strings"
	"testing"
)

func TestTaskState(t *testing.T) {
	for _, c := range []struct {
		due, done  Date
		progressed bool
		today      Date
		want       string
	}{
		{"2023-12-31", "", false, "2023-06-01", TaskNotStarted},
		{"2023-12-31", "", true, "2023-06-01", TaskInProgress},
		{"2023-12-31", "", true, "2024-01-01", TaskOverdue},
		{"2023-12-31", "", false, "2023-12-31", TaskNotStarted}, // the due day itself is within term
		{"2023-12-31", "2023-12-31", true, "2024-05-01", TaskDoneOnTime},
		{"2023-12-31", "2024-01-02", true, "2024-05-01", TaskDoneLate},
		{"", "2024-01-02", true, "2024-05-01", TaskDoneOnTime},
	} {
		if got := TaskState(c.due, c.done, c.progressed, c.today); got != c.want {
			t.Errorf("TaskState(%s, %s, %v, %s) = %s, want %s", c.due, c.done, c.progressed, c.today, got, c.want)
		}
	}
}

func TestTaskCount(t *testing.T) {
	var c TaskCount
	for _, s := range []string{TaskNotStarted, TaskInProgress, TaskDoneOnTime, TaskDoneLate, TaskOverdue, TaskOverdue} {
		c.Add(s)
	}
	if c != (TaskCount{Total: 6, DoneOnTime: 1, DoneLate: 1, Pending: 2, Overdue: 2}) {
		t.Fatalf("count %+v", c)
	}
	if s := c.OverdueShare(); s < 33.3 || s > 33.4 {
		t.Fatalf("overdue share %v", s)
	}
}

func TestOccurrences(t *testing.T) {
	for _, c := range []struct {
		task Task
		keys []string
		dues []Date
	}{
		{Task{Kind: TaskYearly, Due: "2025-12-14"}, []string{"2022", "2023", "2024", "2025"}, []Date{"2022-12-14", "2023-12-14", "2024-12-14", "2025-12-14"}},
		{Task{Kind: TaskOnce, Due: "2023-12-31"}, []string{""}, []Date{"2023-12-31"}},
		{Task{Kind: TaskContinuous}, []string{""}, []Date{"2025-12-31"}},
	} {
		got := Occurrences(&c.task, "2022", "2025")
		if len(got) != len(c.keys) {
			t.Fatalf("%+v: %d occurrences", c.task, len(got))
		}
		for i, o := range got {
			if o.Key != c.keys[i] || o.Due != c.dues[i] {
				t.Errorf("%+v #%d: %s due %s", c.task, i, o.Key, o.Due)
			}
		}
		if got[0].Start != "2022-01-01" {
			t.Errorf("start %s", got[0].Start)
		}
	}
}

func TestTaskOwners(t *testing.T) {
	validTo := map[string]Date{"A": "2025-06-30", "B": "2025-06-30", "S": "", "X": "", "Y": "2026-06-30", "C": "2025-06-30"}
	links := []UnitLink{{From: "A", To: "S", Kind: LinkMerge}, {From: "B", To: "X", Kind: LinkSplit}, {From: "B", To: "Y", Kind: LinkSplit},
		{From: "Y", To: "S", Kind: LinkMerge}}
	for _, c := range []struct {
		lead string
		on   Date
		want string
	}{
		{"A", "2024-12-31", "A"},
		{"A", "2025-12-31", "S"},
		{"B", "2025-06-30", "B"},
		{"B", "2025-12-31", "X Y"}, // split: each successor answers for its part
		{"B", "2026-12-31", "X S"}, // and on through a later merge
		{"C", "2025-12-31", "C"},   // no successor: a person must assign it
		{"S", "2025-12-31", "S"},
	} {
		if got := strings.Join(TaskOwners(c.lead, c.on, validTo, links), " "); got != c.want {
			t.Errorf("TaskOwners(%s, %s) = %s, want %s", c.lead, c.on, got, c.want)
		}
	}
}

func TestProgressTransition(t *testing.T) {
	for _, c := range []struct {
		action, from, to string
		ok               bool
	}{
		{ActionSubmitProgress, ProgressDraft, ProgressSubmitted, true},
		{ActionSubmitProgress, ProgressReturned, ProgressSubmitted, true},
		{ActionSubmitProgress, ProgressAccepted, "", false},
		{ActionAcceptProgress, ProgressSubmitted, ProgressAccepted, true},
		{ActionAcceptProgress, ProgressDraft, "", false},
		{ActionReturnProgress, ProgressSubmitted, ProgressReturned, true},
		{ActionReturnProgress, ProgressAccepted, "", false},
	} {
		to, ok := ProgressTransition(c.action, c.from)
		if to != c.to || ok != c.ok {
			t.Errorf("%s from %s = %s %v", c.action, c.from, to, ok)
		}
	}
}

func TestCheckProgress(t *testing.T) {
	o := Occurrence{Start: "2023-01-01", Due: "2023-12-31"}
	good := ProgressInput{Text: "Đã tổ chức", Work: WorkDone, Percent: 100, On: "2023-11-01"}
	for _, c := range []struct {
		name  string
		edit  func(*ProgressInput)
		field string
	}{
		{"good", func(*ProgressInput) {}, ""},
		{"future", func(p *ProgressInput) { p.On = "2024-03-02" }, "date"},
		{"before start", func(p *ProgressInput) { p.On = "2022-12-31" }, "date"},
		{"percent over 100", func(p *ProgressInput) { p.Percent = 101; p.Work = WorkInProgress }, "percent"},
		{"done below 100", func(p *ProgressInput) { p.Percent = 80 }, "percent"},
		{"claim agrees", func(p *ProgressInput) { p.Claim = TaskDoneOnTime }, ""},
		{"claim contradicts", func(p *ProgressInput) { p.Claim = TaskDoneLate }, "status"},
		{"late claimed on time", func(p *ProgressInput) { p.On = "2024-01-05"; p.Claim = TaskDoneOnTime }, "status"},
		{"no text", func(p *ProgressInput) { p.Text = "" }, "text"},
		{"bad work", func(p *ProgressInput) { p.Work = "maybe" }, "work"},
	} {
		in := good
		c.edit(&in)
		err := CheckProgress(&in, o, "2024-03-01")
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if ErrorCode(err) != EINVALID || ErrorFields(err)[c.field] == "" {
			t.Errorf("%s: want EINVALID on %s, got %v %v", c.name, c.field, err, ErrorFields(err))
		}
	}
}

func TestBuildReminders(t *testing.T) {
	occ := []Occurrence{
		{TaskCode: "a", State: TaskOverdue, Due: "2025-01-01", Start: "2024-01-01"},
		{TaskCode: "b", State: TaskInProgress, Due: "2025-03-20", Start: "2025-01-01", Returned: true, Reason: "thiếu"},
		{TaskCode: "c", State: TaskNotStarted, Due: "2025-06-01", Start: "2025-01-01"},
		{TaskCode: "d", State: TaskDoneOnTime, Due: "2025-03-12", Start: "2025-01-01"},
		{TaskCode: "e", State: TaskNotStarted, Due: "2025-03-15", Start: "2025-03-14"}, // not begun yet
	}
	r := BuildReminders("X", occ, nil, "2025-03-10", 14)
	if len(r.Overdue) != 1 || r.Overdue[0].TaskCode != "a" || len(r.DueSoon) != 1 || r.DueSoon[0].TaskCode != "b" ||
		len(r.Returned) != 1 || r.Returned[0].TaskCode != "b" || r.Empty() {
		t.Errorf("%+v", r)
	}
	if r := BuildReminders("X", occ[2:4], nil, "2025-03-10", 14); !r.Empty() {
		t.Errorf("not empty: %+v", r)
	}
}

func TestTargetTaskFlag(t *testing.T) {
	for _, c := range []struct {
		status string
		states []string
		want   string
	}{
		{StatusOffTrack, []string{TaskDoneOnTime, TaskDoneLate}, FlagBehindTasksDone},
		{StatusAtRisk, []string{TaskDoneOnTime}, FlagBehindTasksDone},
		{StatusOffTrack, []string{TaskDoneOnTime, TaskInProgress}, ""},
		{StatusAchieved, []string{TaskDoneOnTime, TaskOverdue}, FlagAheadTasksOverdue},
		{StatusOnTrack, []string{TaskOverdue}, FlagAheadTasksOverdue},
		{StatusOffTrack, []string{TaskOverdue}, ""},
		{StatusAchieved, nil, ""},
		{StatusNoData, []string{TaskDoneOnTime}, ""},
	} {
		if got := TargetTaskFlag(c.status, c.states); got != c.want {
			t.Errorf("%s %v = %q, want %q", c.status, c.states, got, c.want)
		}
	}
}
