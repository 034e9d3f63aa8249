package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

var _ kehoach.TaskService = (*DB)(nil)

// taskRow is a task as read for occurrences.
type taskRow struct {
	task     kehoach.Task
	planID   int64
	from, to string // the plan's horizon
	coord    map[string]bool
}

// taskUnits is what the owner rule needs of the units involved: names,
// last days and successor links.
type taskUnits struct {
	names   map[string]string
	validTo map[string]kehoach.Date
	parent  map[string]string
	links   []kehoach.UnitLink
}

// today is the current day in Vietnam, the day states are computed on.
func (db *DB) today() kehoach.Date {
	return kehoach.DateOf(db.Now().In(kehoach.VietnamZone))
}

// loadTasks reads the tasks matching f with their coordinators.
func (db *DB) loadTasks(ctx context.Context, where string, args []any) ([]*taskRow, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, t.plan_id, t.code, t.section, t.title, COALESCE(u.code, ''), t.kind, t.start_on, t.due, t.recurrence, t.status, pl.horizon_from, pl.horizon_to
		FROM tasks t JOIN plans pl ON pl.id = t.plan_id LEFT JOIN units u ON u.id = t.lead_id WHERE `+where+` ORDER BY t.plan_id, t.position`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: tasks: %w", err)
	}
	defer rows.Close()
	var out []*taskRow
	byID := map[int64]*taskRow{}
	for rows.Next() {
		r := &taskRow{coord: map[string]bool{}}
		var start, due string
		if err := rows.Scan(&r.task.ID, &r.planID, &r.task.Code, &r.task.Section, &r.task.Title, &r.task.LeadCode, &r.task.Kind, &start, &due, &r.task.Recurrence, &r.task.Status, &r.from, &r.to); err != nil {
			return nil, fmt.Errorf("store: tasks: %w", err)
		}
		r.task.Start, r.task.Due = kehoach.Date(start), kehoach.Date(due)
		out = append(out, r)
		byID[r.task.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	crow, err := db.read.QueryContext(ctx, `SELECT tu.task_id, u.code FROM task_units tu JOIN units u ON u.id = tu.unit_id
		WHERE tu.task_id IN (SELECT t.id FROM tasks t WHERE `+where+`) ORDER BY tu.task_id, u.sort_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: task units: %w", err)
	}
	defer crow.Close()
	for crow.Next() {
		var id int64
		var code string
		if err := crow.Scan(&id, &code); err != nil {
			return nil, err
		}
		if r := byID[id]; r != nil {
			r.coord[code] = true
			r.task.Coordinators = append(r.task.Coordinators, code)
		}
	}
	return out, crow.Err()
}

// loadTaskUnits reads the names and last days of the tasks' leads and
// coordinators and of every unit a link leads to, with all links.
func (db *DB) loadTaskUnits(ctx context.Context, tasks []*taskRow) (*taskUnits, error) {
	tu := &taskUnits{names: map[string]string{}, validTo: map[string]kehoach.Date{}, parent: map[string]string{}}
	links, err := db.FindUnitLinks(ctx)
	if err != nil {
		return nil, err
	}
	tu.links = links
	want := map[string]bool{}
	for _, l := range links {
		want[l.From], want[l.To] = true, true
	}
	for _, t := range tasks {
		want[t.task.LeadCode] = true
		for c := range t.coord {
			want[c] = true
		}
	}
	codes := make([]string, 0, len(want))
	for c := range want {
		if c != "" {
			codes = append(codes, c)
		}
	}
	for len(codes) > 0 {
		n := min(len(codes), 500)
		var p params
		rows, err := db.read.QueryContext(ctx, `SELECT u.code, u.name, u.valid_to, COALESCE(pa.code, '') FROM units u LEFT JOIN units pa ON pa.id = u.parent_id WHERE u.code IN (`+list(&p, codes[:n])+`)`, p.args...)
		if err != nil {
			return nil, fmt.Errorf("store: task units: %w", err)
		}
		for rows.Next() {
			var c, name, to, parent string
			if err := rows.Scan(&c, &name, &to, &parent); err != nil {
				rows.Close()
				return nil, err
			}
			tu.names[c], tu.validTo[c], tu.parent[c] = name, kehoach.Date(to), parent
		}
		rows.Close()
		codes = codes[n:]
	}
	return tu, nil
}

// reportFacts is what the reports of one unit on one occurrence say.
type reportFacts struct {
	percent    int
	doneOn     kehoach.Date
	progressed bool
	lastState  string
	lastReason string
}

type occKey struct {
	task int64
	occ  string
	unit string
}

// loadReportFacts reads the reports of the tasks selected by where.
func (db *DB) loadReportFacts(ctx context.Context, where string, args []any) (map[occKey]*reportFacts, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.task_id, r.occurrence, u.code, r.work, r.percent, r.on_date, r.state, r.reason
		FROM task_reports r JOIN units u ON u.id = r.unit_id WHERE r.task_id IN (SELECT t.id FROM tasks t WHERE `+where+`) ORDER BY r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: task reports: %w", err)
	}
	defer rows.Close()
	out := map[occKey]*reportFacts{}
	for rows.Next() {
		var k occKey
		var work, on, state, reason string
		var pct int
		if err := rows.Scan(&k.task, &k.occ, &k.unit, &work, &pct, &on, &state, &reason); err != nil {
			return nil, err
		}
		f := out[k]
		if f == nil {
			f = &reportFacts{}
			out[k] = f
		}
		if state != kehoach.ProgressDraft {
			f.lastState, f.lastReason = state, reason
		}
		if state != kehoach.ProgressAccepted {
			continue
		}
		f.progressed = true
		f.percent = max(f.percent, pct)
		if work == kehoach.WorkDone && (f.doneOn.IsZero() || kehoach.Date(on) < f.doneOn) {
			f.doneOn = kehoach.Date(on)
		}
	}
	return out, rows.Err()
}

// occurrencesOf computes the occurrences of the tasks with their owners
// and states on asOf. The state follows the accepted reports of the owner
// and of the task's own lead (a body's work before it ceased counts).
func occurrencesOf(tasks []*taskRow, tu *taskUnits, facts map[occKey]*reportFacts, asOf kehoach.Date) []kehoach.Occurrence {
	out, progressed := occurrenceFacts(tasks, tu, facts)
	for i := range out {
		out[i].State = kehoach.TaskState(out[i].Due, out[i].DoneOn, progressed[i], asOf)
	}
	return out
}

// occurrenceFacts computes the occurrences of the tasks with their owners
// and what their reports say, without the state (which depends on the
// day): progressed[i] tells whether any progress on out[i] was accepted.
func occurrenceFacts(tasks []*taskRow, tu *taskUnits, facts map[occKey]*reportFacts) (out []kehoach.Occurrence, progressed []bool) {
	pred := map[string][]string{}
	for _, l := range tu.links {
		pred[l.To] = append(pred[l.To], l.From)
	}
	for _, t := range tasks {
		for _, base := range kehoach.Occurrences(&t.task, t.from, t.to) {
			for _, owner := range kehoach.TaskOwners(t.task.LeadCode, base.Due, tu.validTo, tu.links) {
				o := base
				o.Owner = owner
				if o.Owner != t.task.LeadCode {
					o.Lead = t.task.LeadCode
				}
				o.OwnerName = tu.names[o.Owner]
				for _, c := range t.task.Coordinators {
					for _, u := range nearOwner(o.Owner, kehoach.TaskOwners(c, o.Due, tu.validTo, tu.links), tu.parent) {
						if u != o.Owner && !slices.Contains(o.Coordinators, u) {
							o.Coordinators = append(o.Coordinators, u)
						}
					}
				}
				// Readers get copies sharing this array: an append of theirs
				// must not write into the snapshot.
				o.Coordinators = slices.Clip(o.Coordinators)
				var f reportFacts
				for _, u := range reporters(t.task.LeadCode, o.Owner, pred) {
					g := facts[occKey{t.task.ID, o.Key, u}]
					if g == nil {
						continue
					}
					f.progressed = f.progressed || g.progressed
					f.percent = max(f.percent, g.percent)
					if !g.doneOn.IsZero() && (f.doneOn.IsZero() || g.doneOn < f.doneOn) {
						f.doneOn = g.doneOn
					}
					if g.lastState != "" {
						f.lastState, f.lastReason = g.lastState, g.lastReason
					}
					if u == o.Owner {
						break
					}
				}
				o.Percent, o.DoneOn = f.percent, f.doneOn
				if f.lastState == kehoach.ProgressReturned {
					o.Returned, o.Reason = true, f.lastReason
				}
				out = append(out, o)
				progressed = append(progressed, f.progressed)
			}
		}
	}
	return out, progressed
}

// nearOwner keeps, of a ceased coordinator's several successors, those of
// the owner's own place (the same parent, its parent or its children):
// when a district office's work went to every commune, each commune's
// part is coordinated by that commune's bodies. All of them when none is.
func nearOwner(owner string, succ []string, parent map[string]string) []string {
	if len(succ) < 2 {
		return succ
	}
	var out []string
	for _, u := range succ {
		if (parent[u] != "" && parent[u] == parent[owner]) || parent[owner] == u || parent[u] == owner {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return succ
	}
	return out
}

// reporters lists the units whose reports count for a span owned by
// owner of a task led by lead: the lead, the owner's predecessors (a body
// whose work the owner took over, e.g. when a planner gave the task of a
// ceased office to one of its successors) and the owner, last.
func reporters(lead, owner string, pred map[string][]string) []string {
	out := []string{lead}
	seen := map[string]bool{lead: true, owner: true}
	next := []string{owner}
	for depth := 0; depth < 10 && len(next) > 0; depth++ {
		var more []string
		for _, u := range next {
			for _, p := range pred[u] {
				if !seen[p] {
					seen[p] = true
					out = append(out, p)
					more = append(more, p)
				}
			}
		}
		next = more
	}
	if owner != lead {
		out = append(out, owner)
	}
	return out
}

// FindTasks returns the occurrences matching f, by due date then code.
// They come from the snapshot of every task (task_cache.go), so a page
// reads no task row unless a task, a report or the unit tree changed.
func (db *DB) FindTasks(ctx context.Context, f kehoach.TaskFilter) ([]kehoach.Occurrence, error) {
	out := []kehoach.Occurrence{}
	skip := f.Offset
	size := func(n int) {
		n = max(0, n-skip)
		if f.Limit > 0 {
			n = min(n, f.Limit)
		}
		out = make([]kehoach.Occurrence, 0, n)
	}
	err := db.eachOccurrence(ctx, f, size, func(o *kehoach.Occurrence, state string) bool {
		if skip > 0 {
			skip--
			return true
		}
		out = append(out, *o)
		out[len(out)-1].State = state
		return f.Limit <= 0 || len(out) < f.Limit
	})
	return out, err
}

// CountTasks returns the four-state count of the occurrences matching f.
func (db *DB) CountTasks(ctx context.Context, f kehoach.TaskFilter) (kehoach.TaskCount, error) {
	var c kehoach.TaskCount
	err := db.eachOccurrence(ctx, f, nil, func(_ *kehoach.Occurrence, state string) bool {
		c.Add(state)
		return true
	})
	return c, err
}

// CountTasksByTask returns the four-state count of each task's
// occurrences matching f.
func (db *DB) CountTasksByTask(ctx context.Context, f kehoach.TaskFilter) (map[int64]kehoach.TaskCount, error) {
	out := map[int64]kehoach.TaskCount{}
	err := db.eachOccurrence(ctx, f, nil, func(o *kehoach.Occurrence, state string) bool {
		c := out[o.TaskID]
		c.Add(state)
		out[o.TaskID] = c
		return true
	})
	return out, err
}

// CountTaskGroups returns the four-state count of each section's or
// owner's occurrences matching f.
func (db *DB) CountTaskGroups(ctx context.Context, f kehoach.TaskFilter, by string) ([]kehoach.TaskGroupCount, error) {
	if by != kehoach.GroupBySection && by != kehoach.GroupByOwner {
		return nil, kehoach.Errorf(kehoach.EINVALID, "không nhóm được theo %q", by)
	}
	var out []kehoach.TaskGroupCount
	at := map[string]int{}
	err := db.eachOccurrence(ctx, f, nil, func(o *kehoach.Occurrence, state string) bool {
		key, name := o.Section, ""
		if by == kehoach.GroupByOwner {
			key, name = o.Owner, o.OwnerName
		}
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, kehoach.TaskGroupCount{Key: key, Name: name})
		}
		out[i].Count.Add(state)
		return true
	})
	return out, err
}

// checkTaskFilter refuses an unknown state, plan or unit.
func (db *DB) checkTaskFilter(ctx context.Context, f kehoach.TaskFilter) error {
	if f.State != "" && !kehoach.TaskStateOK(f.State) {
		return &kehoach.Error{Code: kehoach.EINVALID, Message: fmt.Sprintf("trạng thái %q không có", f.State),
			Fields: map[string]string{"status": "Trạng thái phải là một trong: " + strings.Join(kehoach.TaskStates, ", ") + "."}}
	}
	if f.PlanID != 0 {
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM plans WHERE id = $1`, f.PlanID).Scan(&n); err != nil {
			return fmt.Errorf("store: plan: %w", err)
		} else if n == 0 {
			return kehoach.Errorf(kehoach.ENOTFOUND, "không có kế hoạch số %d", f.PlanID)
		}
	}
	if f.Unit != "" {
		if _, err := findUnitByCode(ctx, db.read, f.Unit); err != nil {
			return err
		}
	}
	return nil
}

// FindTaskByID returns a task with its occurrences and reports.
func (db *DB) FindTaskByID(ctx context.Context, id int64, asOf kehoach.Date) (*kehoach.TaskDetail, error) {
	if asOf.IsZero() {
		asOf = db.today()
	}
	where, args := "t.id = $1", []any{id}
	tasks, err := db.loadTasks(ctx, where, args)
	if err != nil {
		return nil, err
	}
	if len(tasks) == 0 {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có nhiệm vụ số %d", id)
	}
	t := tasks[0]
	if err := db.checkTaskView(ctx, t); err != nil {
		return nil, err
	}
	tu, err := db.loadTaskUnits(ctx, tasks)
	if err != nil {
		return nil, err
	}
	facts, err := db.loadReportFacts(ctx, where, args)
	if err != nil {
		return nil, err
	}
	d := &kehoach.TaskDetail{Task: &t.task, PlanID: t.planID, LeadName: tu.names[t.task.LeadCode]}
	d.Occurrences = occurrencesOf(tasks, tu, facts, asOf)
	if err := db.read.QueryRowContext(ctx, `SELECT title FROM plans WHERE id = $1`, t.planID).Scan(&d.PlanTitle); err != nil {
		return nil, fmt.Errorf("store: task %d plan: %w", id, err)
	}
	if t.task.Targets, err = taskTargets(ctx, db.read, id); err != nil {
		return nil, err
	}
	if d.Reports, err = db.taskReports(ctx, "r.task_id = $1", id); err != nil {
		return nil, err
	}
	return d, nil
}

// checkTaskView refuses a task none of whose units (lead, successors,
// coordinators) the Actor of ctx may view.
func (db *DB) checkTaskView(ctx context.Context, t *taskRow) error {
	a := kehoach.ActorFromContext(ctx)
	if a.View.All {
		return nil
	}
	units := append([]string{t.task.LeadCode}, t.task.Coordinators...)
	links, err := db.FindUnitLinks(ctx)
	if err != nil {
		return err
	}
	for _, l := range links {
		if l.From == t.task.LeadCode {
			units = append(units, l.To)
		}
	}
	for _, u := range units {
		anc, err := db.FindAncestors(ctx, u)
		if err == nil && a.View.Covers(anc) {
			return nil
		}
	}
	return kehoach.Errorf(kehoach.EFORBIDDEN, "Bạn không có quyền xem nhiệm vụ %s.", t.task.Code)
}

// taskTargets returns the codes of the targets a task serves.
func taskTargets(ctx context.Context, q queryer, id int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.code FROM task_targets tt JOIN targets g ON g.id = tt.target_id WHERE tt.task_id = $1 ORDER BY g.position`, id)
	if err != nil {
		return nil, fmt.Errorf("store: task targets: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// insertTaskExtras stores what the tasks feature adds to a bundle's task:
// kind, start and the targets it serves (codes of the same plan).
func insertTaskExtras(ctx context.Context, tx *sql.Tx, p *kehoach.Plan, t *kehoach.Task) error {
	if t.Kind == "" {
		t.Kind = kehoach.TaskOnce
		if t.Recurrence == "yearly" {
			t.Kind = kehoach.TaskYearly
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tasks SET kind = $1, start_on = $2 WHERE id = $3`, t.Kind, string(t.Start), t.ID); err != nil {
		return fmt.Errorf("store: task %s: %w", t.Code, err)
	}
	for _, code := range t.Targets {
		res, err := tx.ExecContext(ctx, `INSERT INTO task_targets (task_id, target_id) SELECT $1, id FROM targets WHERE plan_id = $2 AND code = $3`, t.ID, p.ID, code)
		if err != nil {
			return fmt.Errorf("store: task %s target: %w", t.Code, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kehoach.Errorf(kehoach.EINVALID, "nhiệm vụ %s: kế hoạch không có mục tiêu %q", t.Code, code)
		}
	}
	return nil
}

// validateTasks checks a bundle plan's tasks before anything is stored.
func validateTasks(p *kehoach.Plan) error {
	seen := map[string]bool{}
	for _, t := range p.Tasks {
		switch {
		case t.Code == "" || t.Title == "" || t.Section == "":
			return kehoach.Errorf(kehoach.EINVALID, "nhiệm vụ %q thiếu mã, mục hoặc nội dung", t.Code)
		case seen[t.Code]:
			return kehoach.Errorf(kehoach.EINVALID, "kế hoạch %s có hai nhiệm vụ mã %s", p.Code, t.Code)
		case t.Kind != "" && !validKind(t.Kind):
			return kehoach.Errorf(kehoach.EINVALID, "nhiệm vụ %s: loại %q không có", t.Code, t.Kind)
		}
		seen[t.Code] = true
		for _, d := range []kehoach.Date{t.Start, t.Due} {
			if _, err := kehoach.ParseDate(string(d)); err != nil {
				return kehoach.Errorf(kehoach.EINVALID, "nhiệm vụ %s: %v", t.Code, kehoach.ErrorMessage(err))
			}
		}
		t.Title = vntext.NFC(t.Title)
	}
	return nil
}

func validKind(k string) bool {
	for _, x := range kehoach.TaskKinds {
		if x == k {
			return true
		}
	}
	return false
}
