package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"kehoach"
)

var _ kehoach.PlanService = (*DB)(nil)

const planColumns = `p.id, p.code, p.number, p.title, u.code, p.issued_on, p.place, p.legal_basis, p.horizon_from, p.horizon_to, p.signer, p.demo`

func scanPlan(row interface{ Scan(...any) error }) (*kehoach.Plan, error) {
	var p kehoach.Plan
	var issued string
	err := row.Scan(&p.ID, &p.Code, &p.Number, &p.Title, &p.IssuerCode, &issued, &p.Place, &p.LegalBasis, &p.HorizonFrom, &p.HorizonTo, &p.Signer, &p.Demo)
	p.IssuedOn = kehoach.Date(issued)
	return &p, err
}

// FindPlans lists plans without their sections, targets and tasks.
func (db *DB) FindPlans(ctx context.Context) ([]*kehoach.Plan, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+planColumns+` FROM plans p JOIN units u ON u.id = p.issuer_id ORDER BY p.issued_on DESC, p.id`)
	if err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: plans: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindPlanByID returns one plan with sections, targets and tasks: the
// plan from the metadata cache, the tasks from the task snapshot, both
// as fresh as the counters read once here (meta_cache.go).
func (db *DB) FindPlanByID(ctx context.Context, id int64) (*kehoach.Plan, error) {
	tn, mn, err := db.taskVersions(ctx)
	if err != nil {
		return nil, err
	}
	p, err := db.meta.plan(ctx, db, mn, id)
	if err != nil {
		return nil, err
	}
	// tasks (issue 11): from the task snapshot, with their coordinators
	// and the targets they serve.
	snap, err := db.taskSnapshotAt(ctx, tn, mn)
	if err != nil {
		return nil, err
	}
	for _, r := range snap.byPlan[id] {
		t := r.task
		t.Coordinators, t.Targets = slices.Clone(t.Coordinators), slices.Clone(t.Targets)
		p.Tasks = append(p.Tasks, &t)
	}
	return p, nil
}

// readPlan reads one plan with its sections, targets, settings and
// milestones, without its tasks.
func (db *DB) readPlan(ctx context.Context, id int64) (*kehoach.Plan, error) {
	p, err := scanPlan(db.read.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans p JOIN units u ON u.id = p.issuer_id WHERE p.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có kế hoạch số %d", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: plan %d: %w", id, err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT number, title, body FROM plan_sections WHERE plan_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("store: plan %d: %w", id, err)
	}
	for rows.Next() {
		var s kehoach.Section
		if err := rows.Scan(&s.Number, &s.Title, &s.Body); err != nil {
			rows.Close()
			return nil, err
		}
		p.Sections = append(p.Sections, &s)
	}
	rows.Close()
	rows, err = db.read.QueryContext(ctx, `SELECT t.id, t.code, t.text, i.code, t.op, t.value, t.deadline, t.baseline_period, u.code, t.count_label, t.section
		FROM targets t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.scope_id WHERE t.plan_id = $1 ORDER BY t.position`, id)
	if err != nil {
		return nil, fmt.Errorf("store: plan %d targets: %w", id, err)
	}
	for rows.Next() {
		var t kehoach.Target
		if err := rows.Scan(&t.ID, &t.Code, &t.Text, &t.IndicatorCode, &t.Op, &t.Value, &t.Deadline, &t.BaselinePeriod, &t.ScopeCode, &t.CountLabel, &t.Section); err != nil {
			rows.Close()
			return nil, err
		}
		p.Targets = append(p.Targets, &t)
	}
	rows.Close()
	// trust (issue 9): coverage threshold and default figures
	if err := db.readPlanTrust(ctx, p); err != nil {
		return nil, err
	}
	// planning (issue 14): the planner's milestones decide the status.
	if err := db.fillMilestones(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}
