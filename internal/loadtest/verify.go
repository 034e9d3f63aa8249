package loadtest

import (
	"context"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// expectations are the figures the reporters saved: per cell the values
// the database may hold. After a save that answered, one value; after a
// save that got no answer, the value before it or the one sent ("" in
// the list: no figure at all).
type expectations struct {
	mu    sync.Mutex
	cells map[cellKey]*expected
	// before is each cell's value before the run, where it had one.
	before map[cellKey]string
}

type expected struct {
	ok      []string // acceptable values; "" means no row
	saved   bool     // a save of it was confirmed
	by      string
	updates int  // confirmed changes after the first confirmed save
	base    bool // the cell had a figure before the run
}

func newExpectations() *expectations { return &expectations{cells: map[cellKey]*expected{}} }

// attempt notes a save about to be sent: until it answers, the old value
// and the new are both acceptable.
func (e *expectations) attempt(vals map[cellKey]string, by string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, v := range vals {
		x := e.cells[k]
		if x == nil {
			b, base := e.before[k]
			x = &expected{ok: []string{b}, by: by, base: base}
			e.cells[k] = x
		}
		if !slices.Contains(x.ok, v) {
			x.ok = append(x.ok, v)
		}
	}
}

// saved notes a save the server confirmed: the new values are the only
// acceptable ones.
func (e *expectations) saved(vals map[cellKey]string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, v := range vals {
		x := e.cells[k]
		if (x.saved || x.base) && len(x.ok) > 0 && x.ok[0] != v {
			x.updates++
		}
		x.ok = []string{v}
		x.saved = true
	}
}

// failed notes a save the server refused: the new values are not acceptable.
func (e *expectations) failed(vals map[cellKey]string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, v := range vals {
		x := e.cells[k]
		if len(x.ok) > 1 {
			x.ok = slices.DeleteFunc(x.ok, func(s string) bool { return s == v })
		}
	}
}

// Verification is the check of the database after the run.
type Verification struct {
	// Cells are the figures whose save the server confirmed; Exact those
	// stored exactly once with the value last saved.
	Cells, Exact int
	// Lost: no row; Duplicated: more than one row; Wrong: another value.
	Lost, Duplicated, Wrong int
	// Uncertain are cells whose last save got no answer (either value
	// accepted); Unexpected are rows of the periods played that nobody
	// saved.
	Uncertain, Unexpected int
	// AuditCreates counts cells whose audit trail does not hold exactly
	// one creation; Updates and WantUpdates are the changes the audit
	// trail holds and those confirmed by corrections.
	AuditCreates         int
	Updates, WantUpdates int
	// Submitted grids (confirmed), SubmittedStored those the database
	// holds once as submitted; SubmitFailed submissions not confirmed;
	// NotSubmitted grids left unsubmitted (submission route present).
	Submitted, SubmittedStored, SubmitFailed, NotSubmitted int
	// Examples name a few of the problems.
	Examples []string
}

// Problems counts what must be zero.
func (v *Verification) Problems() int {
	return v.Lost + v.Duplicated + v.Wrong + v.Unexpected + v.AuditCreates + (v.Submitted - v.SubmittedStored) + abs(v.Updates-v.WantUpdates)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func (v *Verification) example(format string, a ...any) {
	if len(v.Examples) < 8 {
		v.Examples = append(v.Examples, fmt.Sprintf(format, a...))
	}
}

// cellRow is what the store holds for one cell: how many rows, which values.
type cellRow struct {
	n      int
	values []string
}

// unchanged reports whether cell k holds what it held before the run.
func (r *run) unchanged(k cellKey, got *cellRow) bool {
	b := r.before[k]
	return b != nil && got != nil && slices.Equal(b.values, got.values)
}

// readRows reads the live figures of the periods the grids work on.
func (r *run) readRows(ctx context.Context) (map[cellKey]*cellRow, error) {
	db := r.cfg.DB.Reader()
	periods := map[string]bool{}
	for _, g := range r.grids {
		periods[g.period.String()] = true
	}
	var args []any
	var ph []string
	for _, p := range slices.Sorted(maps.Keys(periods)) {
		args = append(args, p)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	rows := map[cellKey]*cellRow{}
	q, err := db.QueryContext(ctx, `SELECT e.code, u.code, v.period, v.coc, v.value FROM data_values v
		JOIN data_elements e ON e.id = v.element_id JOIN units u ON u.id = v.unit_id
		WHERE v.deleted = $`+fmt.Sprint(len(args)+1)+` AND v.period IN (`+strings.Join(ph, ", ")+`)`, append(args, false)...)
	if err != nil {
		return nil, fmt.Errorf("loadtest: read figures: %w", err)
	}
	for q.Next() {
		var el, unit, pe, coc, value string
		if err := q.Scan(&el, &unit, &pe, &coc, &value); err != nil {
			q.Close()
			return nil, fmt.Errorf("loadtest: read figures: %w", err)
		}
		k := cellKey{el, unit, pe}
		if coc != "" {
			k.Element += "." + coc // a disaggregation nobody here saves
		}
		x := rows[k]
		if x == nil {
			x = &cellRow{}
			rows[k] = x
		}
		x.n++
		x.values = append(x.values, value)
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, fmt.Errorf("loadtest: read figures: %w", err)
	}
	return rows, nil
}

// verify reads the figures of the periods played through one server's
// store: every figure saved must be there once, with its last value.
func (r *run) verify(ctx context.Context) (*Verification, error) {
	v := &Verification{}
	db := r.cfg.DB.Reader()
	periods := map[string]bool{}
	for _, g := range r.grids {
		periods[g.period.String()] = true
	}
	rows, err := r.readRows(ctx)
	if err != nil {
		return nil, err
	}

	creates := map[string]int{}
	updates := 0
	aq, err := db.QueryContext(ctx, `SELECT entity_key, action FROM audit_events WHERE entity = 'data_value' AND action IN ('create', 'update')`)
	if err != nil {
		return nil, fmt.Errorf("loadtest: read audit: %w", err)
	}
	for aq.Next() {
		var key, action string
		if err := aq.Scan(&key, &action); err != nil {
			aq.Close()
			return nil, fmt.Errorf("loadtest: read audit: %w", err)
		}
		if action == "create" {
			creates[key]++
		} else if parts := strings.Split(key, "/"); len(parts) == 3 && periods[parts[2]] {
			updates++
		}
	}
	aq.Close()
	if err := aq.Err(); err != nil {
		return nil, fmt.Errorf("loadtest: read audit: %w", err)
	}

	r.expect.mu.Lock()
	defer r.expect.mu.Unlock()
	uncertain := false
	for _, k := range slices.SortedFunc(maps.Keys(r.expect.cells), func(a, b cellKey) int { return strings.Compare(a.String(), b.String()) }) {
		x := r.expect.cells[k]
		got := rows[k]
		if len(x.ok) > 1 {
			v.Uncertain++
			uncertain = true
			if got != nil && got.n == 1 && slices.Contains(x.ok, got.values[0]) || got == nil && slices.Contains(x.ok, "") {
				continue
			}
		}
		if !x.saved && len(x.ok) == 1 && x.ok[0] == "" {
			if got != nil {
				v.Unexpected++
				v.example("%s: stored %q though its save was refused", k, got.values)
			}
			continue
		}
		if len(x.ok) == 1 {
			v.Cells++
		}
		v.WantUpdates += x.updates
		want := x.ok[len(x.ok)-1]
		switch {
		case got == nil:
			v.Lost++
			v.example("%s: lost (saved %q by %s)", k, want, x.by)
		case got.n > 1:
			v.Duplicated++
			v.example("%s: %d rows %q", k, got.n, got.values)
		case !slices.Contains(x.ok, got.values[0]):
			v.Wrong++
			v.example("%s: %q, saved %q by %s", k, got.values[0], want, x.by)
		default:
			if len(x.ok) == 1 {
				v.Exact++
			}
		}
		if got != nil {
			want := 1
			if r.before[k] != nil {
				want = 0 // the figure was there before the run: an update
			}
			if n := creates[k.String()]; n != want {
				v.AuditCreates++
				v.example("%s: %d creations in the audit trail", k, n)
			}
		}
	}
	for k, got := range rows {
		if _, ok := r.expect.cells[k]; !ok && !r.unchanged(k, got) {
			v.Unexpected++
			v.example("%s: stored, nobody saved it", k)
		}
	}
	v.Updates = updates
	if uncertain {
		v.WantUpdates = v.Updates // unknowable after a save without answer
	}

	// Submissions: each grid submitted once, as submitted.
	if r.submitOK {
		status := map[string][]string{}
		sq, err := db.QueryContext(ctx, `SELECT f.code, u.code, s.period, s.status FROM submissions s
			JOIN forms f ON f.id = s.form_id JOIN units u ON u.id = s.unit_id`)
		if err != nil {
			return nil, fmt.Errorf("loadtest: read submissions: %w", err)
		}
		for sq.Next() {
			var f, u, pe, st string
			if err := sq.Scan(&f, &u, &pe, &st); err != nil {
				sq.Close()
				return nil, fmt.Errorf("loadtest: read submissions: %w", err)
			}
			key := f + "/" + u + "/" + pe
			status[key] = append(status[key], st)
		}
		sq.Close()
		if err := sq.Err(); err != nil {
			return nil, fmt.Errorf("loadtest: read submissions: %w", err)
		}
		v.SubmitFailed = int(r.subFailed.Load())
		for _, g := range r.grids {
			st := status[g.String()]
			if _, ok := r.submitted.Load(g); ok {
				v.Submitted++
				if len(st) == 1 && st[0] == "submitted" {
					v.SubmittedStored++
				} else {
					v.example("grid %s: submitted, stored as %q", g, st)
				}
			} else {
				v.NotSubmitted++
			}
		}
	}
	return v, nil
}

// Result is what a run measured and found.
type Result struct {
	Backend   string // set by the caller, for the heading
	Servers   int
	Reporters int
	Leaders   int
	// Communes, Grids, Pieces and Cells describe the plan of work.
	Communes, Grids, Pieces, Cells int
	IdleReporters                  int // reporters left without a piece
	Duration                       time.Duration
	SignIn, Work                   time.Duration // the phases as run
	// WorkCPU is the CPU time the process (servers and simulated
	// browsers) used in the work phase; LoadBefore and LoadAfter the
	// machine's load averages around it: other programs on the machine
	// show there.
	WorkCPU               time.Duration
	LoadBefore, LoadAfter string
	SubmissionsRoute      bool
	CutByDeadline         bool
	Unfinished            int // reporters' grids not done when the run was cut
	Routes                []*RouteStats
	Verify                Verification
}

// Budget is the p99 a route must stay under (work phase).
const Budget = 200 * time.Millisecond

// BudgetRoutes are the routes the budget is about: saves and dashboards.
var BudgetRoutes = []string{RouteEntrySave, RoutePlan}

// BudgetLine is one route against the budget.
type BudgetLine struct {
	Route string
	P99   time.Duration
	Pass  bool
}

// Budget returns the budget lines.
func (r *Result) Budget() []BudgetLine {
	var out []BudgetLine
	for _, route := range BudgetRoutes {
		l := BudgetLine{Route: route}
		for _, s := range r.Routes {
			if s.Phase == PhaseWork && s.Route == route {
				l.P99 = s.P99
				l.Pass = s.Count > 0 && s.P99 < Budget
			}
		}
		out = append(out, l)
	}
	return out
}

// Errors counts the requests that did not answer as expected, the checks
// that failed on the pages, and the work left undone.
func (r *Result) Errors() int {
	n := r.Unfinished
	for _, s := range r.Routes {
		n += s.ErrorCount()
	}
	return n
}

// OK reports a run without errors, losses, duplicates or wrong figures.
func (r *Result) OK() bool {
	return r.Errors() == 0 && r.Verify.Problems() == 0
}

// Print writes the tables.
func (r *Result) Print(w io.Writer) {
	backend := r.Backend
	if backend == "" {
		backend = "?"
	}
	fmt.Fprintf(w, "Load test: %s, %d server(s); %d reporters, %d leaders; deadline hour played in %s\n", backend, r.Servers, r.Reporters, r.Leaders, r.Duration)
	fmt.Fprintf(w, "Work: %d communes, %d grids, %d pieces, %d cells", r.Communes, r.Grids, r.Pieces, r.Cells)
	if r.IdleReporters > 0 {
		fmt.Fprintf(w, " (%d reporters without a piece)", r.IdleReporters)
	}
	fmt.Fprintln(w)
	sub := "present"
	if !r.SubmissionsRoute {
		sub = "absent (saving is the submission)"
	}
	fmt.Fprintf(w, "Phases: sign-in %s, work %s; POST /submissions/submit %s\n", r.SignIn.Round(time.Millisecond), r.Work.Round(time.Millisecond), sub)
	if r.WorkCPU > 0 && r.Work > 0 {
		fmt.Fprintf(w, "Work phase CPU (servers + simulated browsers): %.1f s over %.1f s = %.2f of %d cores", r.WorkCPU.Seconds(), r.Work.Seconds(), r.WorkCPU.Seconds()/r.Work.Seconds(), runtime.NumCPU())
		if r.LoadBefore != "" {
			fmt.Fprintf(w, "; machine load average before %s, after %s", r.LoadBefore, r.LoadAfter)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	printRoutes(w, r.Routes)
	if r.Unfinished > 0 || r.CutByDeadline {
		fmt.Fprintf(w, "Cut by the hard deadline: %v; grids not finished by their reporters: %d\n", r.CutByDeadline, r.Unfinished)
	}
	v := r.Verify
	fmt.Fprintf(w, "\nVerification (one server's store):\n")
	fmt.Fprintf(w, "  figures saved %d: exactly once with the last value %d; lost %d, duplicated %d, wrong %d; rows nobody saved %d",
		v.Cells, v.Exact, v.Lost, v.Duplicated, v.Wrong, v.Unexpected)
	if v.Uncertain > 0 {
		fmt.Fprintf(w, "; %d cells whose last save got no answer (either value accepted)", v.Uncertain)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  audit trail: cells not created exactly once %d; updates %d (corrections confirmed %d)\n", v.AuditCreates, v.Updates, v.WantUpdates)
	if r.SubmissionsRoute {
		fmt.Fprintf(w, "  submissions: %d grids submitted, %d stored once as submitted; %d refused; %d grids left unsubmitted\n",
			v.Submitted, v.SubmittedStored, v.SubmitFailed, v.NotSubmitted)
	}
	for _, e := range v.Examples {
		fmt.Fprintf(w, "  - %s\n", e)
	}
	fmt.Fprintf(w, "\nBudget (work phase, p99 < %s):\n", Budget)
	for _, l := range r.Budget() {
		verdict := "FAIL"
		if l.Pass {
			verdict = "PASS"
		}
		fmt.Fprintf(w, "  %-20s p99 %6s ms  %s\n", l.Route, ms(l.P99), verdict)
	}
	verdict := "OK"
	if !r.OK() {
		verdict = fmt.Sprintf("FAILED (%d errors, %d problems in the database)", r.Errors(), r.Verify.Problems())
	}
	fmt.Fprintf(w, "Result: %s\n", verdict)
}
