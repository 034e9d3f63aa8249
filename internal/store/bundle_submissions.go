package store

import (
	"context"
	"database/sql"
	"fmt"

	"kehoach"
)

// loadSubmissions inserts a bundle's submissions inside the bundle's
// transaction (the demo's approved past periods, issue 9), each with the
// events that led there: submitted, then approved when it is. The bundle
// load's one audit event covers them, as it covers the figures.
func loadSubmissions(ctx context.Context, tx *sql.Tx, subs []*kehoach.Submission) error {
	forms, units := map[string]int64{}, map[string]int64{}
	id := func(m map[string]int64, table, code string) (int64, error) {
		if v, ok := m[code]; ok {
			return v, nil
		}
		v, err := idOf(ctx, tx, table, code)
		m[code] = v
		return v, err
	}
	for _, s := range subs {
		if s.Status != kehoach.SubmissionSubmitted && s.Status != kehoach.SubmissionApproved {
			return kehoach.Errorf(kehoach.EINVALID, "gói dữ liệu: bài nộp %s/%s/%s có trạng thái %q; chỉ nhận đã gửi hoặc đã duyệt", s.Form, s.Unit, s.Period, s.Status)
		}
		formID, err := id(forms, "forms", s.Form)
		if err != nil {
			return err
		}
		unitID, err := id(units, "units", s.Unit)
		if err != nil {
			return err
		}
		decided := sql.NullTime{Time: s.DecidedAt.UTC(), Valid: s.Status == kehoach.SubmissionApproved}
		updated := s.SubmittedAt.UTC()
		if decided.Valid {
			updated = decided.Time
		}
		var sid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO submissions (form_id, unit_id, period, status, reason, submitted_at, submitted_by, decided_at, decided_by, updated_at)
			VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, $9) RETURNING id`,
			formID, unitID, s.Period, s.Status, s.SubmittedAt.UTC(), s.SubmittedBy, decided, s.DecidedBy, updated).Scan(&sid); err != nil {
			return fmt.Errorf("store: bundle submission %s/%s/%s: %w", s.Form, s.Unit, s.Period, err)
		}
		events := [][4]any{{s.SubmittedAt.UTC(), s.SubmittedBy, kehoach.ActionSubmitFigures, kehoach.SubmissionDraft}}
		if decided.Valid {
			events = append(events, [4]any{decided.Time, s.DecidedBy, kehoach.ActionApproveFigures, kehoach.SubmissionSubmitted})
		}
		for _, ev := range events {
			to := kehoach.SubmissionSubmitted
			if ev[2] == kehoach.ActionApproveFigures {
				to = kehoach.SubmissionApproved
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO submission_events (submission_id, at, actor, address, action, from_status, to_status, reason)
				VALUES ($1, $2, $3, '', $4, $5, $6, '')`, sid, ev[0], ev[1], ev[2], ev[3], to); err != nil {
				return fmt.Errorf("store: bundle submission event: %w", err)
			}
		}
	}
	return nil
}
