package store

import (
	"context"
	"fmt"

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
