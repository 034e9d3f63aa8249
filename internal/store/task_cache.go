package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"kehoach"
)

// The task snapshot (issue 11). Every page of tasks used to read every
// task, unit link and report and recompute every occurrence: at the
// province scale (20,000 occurrences) a board took seconds. The store now
// keeps the occurrences of every task, computed once, with what their
// reports say; a read takes the day's states from them in memory. The
// snapshot is stamped with two counters (the rows "tasks", bumped by every
// write of a task or a report, and "meta", bumped by plans, bundles and
// the unit tree) read before it is built; each read compares them with one
// primary-key query, so a change through any server is in the next answer,
// as with figures.

// taskSnapshot is every task's occurrences, sorted by due date then task
// code, with what they need to be filtered.
type taskSnapshot struct {
	tasksN, metaN int64
	tasks         map[int64]*taskRow
	byPlan        map[int64][]*taskRow // in the plan's order
	occ           []kehoach.Occurrence // State unset: it depends on the day
	progressed    []bool               // any accepted progress on occ[i]
	rows          []*taskRow           // rows[i] is occ[i]'s task
	// byUnit lists, in order, the occurrences a unit owns or coordinates;
	// bySection those of each section.
	byUnit    map[string][]int32
	bySection map[string][]int32
	parent    map[string]string   // unit → parent, for scopes
	succ      map[string][]string // unit → its direct successors
}

// taskCache holds the snapshot; one build runs at a time.
type taskCache struct {
	mu       sync.Mutex
	snap     *taskSnapshot
	building chan struct{} // closed when the running build ends
}

// bumpTasks marks a change of tasks or reports, inside the writing
// transaction.
func bumpTasks(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO counters (name, n) VALUES ('tasks', 1)
		ON CONFLICT (name) DO UPDATE SET n = counters.n + 1`); err != nil {
		return fmt.Errorf("store: tasks version: %w", err)
	}
	return nil
}

// taskVersions reads the counters the snapshot is stamped with.
func (db *DB) taskVersions(ctx context.Context) (tasksN, metaN int64, err error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, n FROM counters WHERE name IN ('tasks', 'meta')`)
	if err != nil {
		return 0, 0, fmt.Errorf("store: task versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return 0, 0, err
		}
		if name == "tasks" {
			tasksN = n
		} else {
			metaN = n
		}
	}
	return tasksN, metaN, rows.Err()
}

// taskSnapshot returns a snapshot as fresh as the counters, building one
// when they moved (other readers wait for that build rather than start
// their own).
func (db *DB) taskSnapshot(ctx context.Context) (*taskSnapshot, error) {
	return db.taskSnapshotAt(ctx, -1, -1)
}

// taskSnapshotAt is taskSnapshot for a caller that has just read the
// counters (tn, mn; -1 when it has not).
func (db *DB) taskSnapshotAt(ctx context.Context, tn, mn int64) (*taskSnapshot, error) {
	for {
		if tn < 0 {
			var err error
			if tn, mn, err = db.taskVersions(ctx); err != nil {
				return nil, err
			}
		}
		c := &db.tasks
		c.mu.Lock()
		if s := c.snap; s != nil && s.tasksN == tn && s.metaN == mn {
			c.mu.Unlock()
			return s, nil
		}
		if wait := c.building; wait != nil {
			c.mu.Unlock()
			select {
			case <-wait:
				tn, mn = -1, -1 // the build may be of newer counters
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		c.building = done
		c.mu.Unlock()
		s, err := db.buildTaskSnapshot(ctx, tn, mn)
		c.mu.Lock()
		if err == nil { // builds run one at a time: this one is the newest
			c.snap = s
		}
		c.building = nil
		close(done)
		c.mu.Unlock()
		return s, err
	}
}

// buildTaskSnapshot reads every task, unit and report once.
func (db *DB) buildTaskSnapshot(ctx context.Context, tn, mn int64) (*taskSnapshot, error) {
	tasks, err := db.loadTasks(ctx, "1 = 1", nil)
	if err != nil {
		return nil, err
	}
	tu, err := db.loadTaskUnits(ctx, tasks)
	if err != nil {
		return nil, err
	}
	facts, err := db.loadReportFacts(ctx, "1 = 1", nil)
	if err != nil {
		return nil, err
	}
	s := &taskSnapshot{tasksN: tn, metaN: mn, tasks: map[int64]*taskRow{}, byUnit: map[string][]int32{}, bySection: map[string][]int32{},
		parent: map[string]string{}, succ: map[string][]string{}}
	s.byPlan = map[int64][]*taskRow{}
	for _, t := range tasks {
		s.tasks[t.task.ID] = t
		s.byPlan[t.planID] = append(s.byPlan[t.planID], t)
	}
	if err := db.loadTaskTargets(ctx, s.tasks); err != nil {
		return nil, err
	}
	occ, progressed := occurrenceFacts(tasks, tu, facts)
	order := make([]int, len(occ))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := strings.Compare(string(occ[a].Due), string(occ[b].Due)); c != 0 {
			return c
		}
		return strings.Compare(occ[a].TaskCode, occ[b].TaskCode)
	})
	s.occ = make([]kehoach.Occurrence, len(occ))
	s.progressed = make([]bool, len(occ))
	s.rows = make([]*taskRow, len(occ))
	for i, j := range order {
		s.occ[i], s.progressed[i] = occ[j], progressed[j]
		o := &s.occ[i]
		s.rows[i] = s.tasks[o.TaskID]
		s.bySection[o.Section] = append(s.bySection[o.Section], int32(i))
		s.byUnit[o.Owner] = append(s.byUnit[o.Owner], int32(i))
		for _, c := range o.Coordinators {
			s.byUnit[c] = append(s.byUnit[c], int32(i))
		}
	}
	for _, l := range tu.links {
		s.succ[l.From] = append(s.succ[l.From], l.To)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT u.code, COALESCE(p.code, '') FROM units u LEFT JOIN units p ON p.id = u.parent_id`)
	if err != nil {
		return nil, fmt.Errorf("store: task units: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, p string
		if err := rows.Scan(&c, &p); err != nil {
			return nil, err
		}
		s.parent[c] = p
	}
	return s, rows.Err()
}

// scope tells whether a unit is in the subtrees of within.
type scope struct {
	s    *taskSnapshot
	top  map[string]bool
	memo map[string]bool
}

func (s *taskSnapshot) scope(within []string) *scope {
	sc := &scope{s: s, top: map[string]bool{}, memo: map[string]bool{}}
	for _, w := range within {
		sc.top[w] = true
	}
	return sc
}

// in reports whether unit is in the scope.
func (sc *scope) in(unit string) bool {
	if v, ok := sc.memo[unit]; ok {
		return v
	}
	v := false
	for u, n := unit, 0; u != "" && n < 64; u, n = sc.s.parent[u], n+1 {
		if sc.top[u] {
			v = true
			break
		}
	}
	sc.memo[unit] = v
	return v
}

// taskIn reports whether the occurrence o of task t is in the scope: its
// owner, the task's lead or one of its coordinators is in it, or, for the spans the
// lead answered for itself, a direct successor of the lead (the history
// of the body whose work a unit of the scope took over). A span that
// went to another unit's successor is that unit's.
func (sc *scope) taskIn(t *taskRow, o *kehoach.Occurrence) bool {
	if sc.in(o.Owner) || sc.in(t.task.LeadCode) {
		return true
	}
	for _, c := range o.Coordinators {
		if sc.in(c) {
			return true
		}
	}
	if o.Owner != t.task.LeadCode {
		return false
	}
	for _, s := range sc.s.succ[t.task.LeadCode] {
		if sc.in(s) {
			return true
		}
	}
	return false
}

// eachOccurrence calls fn with each occurrence matching f, in order, its
// state computed on f.AsOf, until fn returns false.
// When size is not nil, it is told first how many there are.
func (db *DB) eachOccurrence(ctx context.Context, f kehoach.TaskFilter, size func(int), fn func(o *kehoach.Occurrence, state string) bool) error {
	if err := db.checkTaskFilter(ctx, f); err != nil {
		return err
	}
	if f.AsOf.IsZero() {
		f.AsOf = db.today()
	}
	s, err := db.taskSnapshot(ctx)
	if err != nil {
		return err
	}
	if size != nil {
		n := 0
		s.each(f, func(*kehoach.Occurrence, string) bool { n++; return true })
		size(n)
	}
	s.each(f, fn)
	return nil
}

// each calls fn with each occurrence of s matching f (AsOf set), in
// order, and its state on f.AsOf, until fn returns false. fn must not
// change o (it is the snapshot's); its State field is not set.
func (s *taskSnapshot) each(f kehoach.TaskFilter, fn func(o *kehoach.Occurrence, state string) bool) {
	var sc *scope
	if f.Within != nil {
		sc = s.scope(f.Within)
	}
	visit := func(i int) bool {
		o, t := &s.occ[i], s.rows[i]
		switch {
		case f.PlanID != 0 && t.planID != f.PlanID:
			return true
		case f.Section != "" && o.Section != f.Section && !strings.HasPrefix(o.Section, f.Section+"."):
			return true
		case f.Unit != "" && o.Owner != f.Unit && !slices.Contains(o.Coordinators, f.Unit):
			return true
		case f.SectionIs != "" && o.Section != f.SectionIs:
			return true
		case f.OwnerIs != "" && o.Owner != f.OwnerIs:
			return true
		case !f.DueBefore.IsZero() && o.Due > f.DueBefore:
			return true
		case f.Started && o.Start > f.AsOf:
			return true
		case sc != nil && !sc.taskIn(t, o):
			return true
		}
		st := kehoach.TaskState(o.Due, o.DoneOn, s.progressed[i], f.AsOf)
		if f.State != "" && st != f.State {
			return true
		}
		return fn(o, st)
	}
	var index []int32
	switch {
	case f.OwnerIs != "" || f.Unit != "":
		index = s.byUnit[cmp.Or(f.OwnerIs, f.Unit)]
	case f.SectionIs != "":
		index = s.bySection[f.SectionIs]
	default:
		for i := range s.occ {
			if !visit(i) {
				return
			}
		}
		return
	}
	for _, i := range index {
		if !visit(int(i)) {
			return
		}
	}
}

// loadTaskTargets fills the targets every task serves.
func (db *DB) loadTaskTargets(ctx context.Context, tasks map[int64]*taskRow) error {
	rows, err := db.read.QueryContext(ctx, `SELECT tt.task_id, g.code FROM task_targets tt JOIN targets g ON g.id = tt.target_id ORDER BY tt.task_id, g.position`)
	if err != nil {
		return fmt.Errorf("store: task targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return err
		}
		if t := tasks[id]; t != nil {
			t.task.Targets = append(t.task.Targets, code)
		}
	}
	return rows.Err()
}
