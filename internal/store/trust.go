package store

import (
	"context"
	"database/sql"
	"fmt"

	"kehoach"
	"kehoach/analytics"
)

// The analytics engine's view of approvals (issue 9, analytics/approval.go).

var _ analytics.ApprovalSource = (*DB)(nil)

// ApprovalVersion changes whenever a submission changes status: every
// change appends a submission event.
func (db *DB) ApprovalVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM submission_events`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: approval version: %w", err)
	}
	return v, nil
}

// FindApprovedGrids lists the approved submissions.
func (db *DB) FindApprovedGrids(ctx context.Context) ([]analytics.ApprovedGrid, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT f.code, s.unit_id, s.period FROM submissions s JOIN forms f ON f.id = s.form_id WHERE s.status = 'approved'`)
	if err != nil {
		return nil, fmt.Errorf("store: approved grids: %w", err)
	}
	defer rows.Close()
	var out []analytics.ApprovedGrid
	for rows.Next() {
		var g analytics.ApprovedGrid
		if err := rows.Scan(&g.Form, &g.UnitID, &g.Period); err != nil {
			return nil, fmt.Errorf("store: approved grids: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// readPlanTrust fills the plan's coverage threshold and default figures
// (migration 0008); a plan without settings keeps the defaults.
func (db *DB) readPlanTrust(ctx context.Context, p *kehoach.Plan) error {
	err := db.read.QueryRowContext(ctx, `SELECT coverage_threshold, figures FROM plan_trust WHERE plan_id = $1`, p.ID).Scan(&p.CoverageThreshold, &p.Figures)
	if err == sql.ErrNoRows {
		return nil
	} else if err != nil {
		return fmt.Errorf("store: plan %d trust: %w", p.ID, err)
	}
	return nil
}

// insertPlanTrust stores a loaded plan's settings, when it has any.
func insertPlanTrust(ctx context.Context, tx *sql.Tx, p *kehoach.Plan) error {
	if p.CoverageThreshold == 0 && p.Figures == "" {
		return nil
	}
	threshold, figures := p.CoverageThreshold, p.Figures
	if threshold == 0 {
		threshold = 1
	}
	if figures == "" {
		figures = kehoach.FiguresAll
	}
	if threshold < 0 || threshold > 1 || (figures != kehoach.FiguresAll && figures != kehoach.FiguresApproved) {
		return kehoach.Errorf(kehoach.EINVALID, "kế hoạch %s: ngưỡng báo cáo phải trong (0, 1] và số liệu là all hoặc approved (nhận %v, %q)", p.Code, p.CoverageThreshold, p.Figures)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO plan_trust (plan_id, coverage_threshold, figures) VALUES ($1, $2, $3)`, p.ID, threshold, figures); err != nil {
		return fmt.Errorf("store: plan %s trust: %w", p.Code, err)
	}
	return nil
}
