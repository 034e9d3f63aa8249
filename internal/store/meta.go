package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"kehoach"
)

// readDataElements reads all data elements with the period type of the
// first form that collects each.
func (db *DB) readDataElements(ctx context.Context) ([]*kehoach.DataElement, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.code, e.name, e.short_name, e.value_type, e.aggregation, e.unit_kinds,
		COALESCE((SELECT f.period_type FROM form_elements fe JOIN forms f ON f.id = fe.form_id WHERE fe.element_id = e.id ORDER BY f.id LIMIT 1), '')
		FROM data_elements e ORDER BY e.id`)
	if err != nil {
		return nil, fmt.Errorf("store: data elements: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.DataElement
	for rows.Next() {
		var e kehoach.DataElement
		var kinds string
		if err := rows.Scan(&e.ID, &e.Code, &e.Name, &e.ShortName, &e.ValueType, &e.Aggregation, &kinds, &e.PeriodType); err != nil {
			return nil, fmt.Errorf("store: data elements: %w", err)
		}
		e.UnitKinds = strings.Split(kinds, ",")
		out = append(out, &e)
	}
	return out, rows.Err()
}

// FindForms returns all forms with their elements and rules.
func (db *DB) FindForms(ctx context.Context) ([]*kehoach.Form, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, code, name, period_type, cutoff_day, deadline_days FROM forms ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: forms: %w", err)
	}
	var out []*kehoach.Form
	for rows.Next() {
		var f kehoach.Form
		if err := rows.Scan(&f.ID, &f.Code, &f.Name, &f.PeriodType, &f.CutoffDay, &f.DeadlineDays); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: forms: %w", err)
		}
		out = append(out, &f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, f := range out {
		if err := db.fillForm(ctx, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindFormByCode returns one form with its elements and rules.
func (db *DB) FindFormByCode(ctx context.Context, code string) (*kehoach.Form, error) {
	var f kehoach.Form
	err := db.read.QueryRowContext(ctx, `SELECT id, code, name, period_type, cutoff_day, deadline_days FROM forms WHERE code = $1`, code).
		Scan(&f.ID, &f.Code, &f.Name, &f.PeriodType, &f.CutoffDay, &f.DeadlineDays)
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có biểu mẫu mã %q", code)
	} else if err != nil {
		return nil, fmt.Errorf("store: form %q: %w", code, err)
	}
	return &f, db.fillForm(ctx, &f)
}

func (db *DB) fillForm(ctx context.Context, f *kehoach.Form) error {
	rows, err := db.read.QueryContext(ctx, `SELECT e.code FROM form_elements fe JOIN data_elements e ON e.id = fe.element_id
		WHERE fe.form_id = $1 ORDER BY fe.position`, f.ID)
	if err != nil {
		return fmt.Errorf("store: form %s: %w", f.Code, err)
	}
	f.Elements = nil
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		f.Elements = append(f.Elements, c)
	}
	rows.Close()
	rows, err = db.read.QueryContext(ctx, `SELECT left_expr, op, right_expr, importance, message FROM form_rules WHERE form_id = $1 ORDER BY position`, f.ID)
	if err != nil {
		return fmt.Errorf("store: form %s rules: %w", f.Code, err)
	}
	f.Rules = nil
	for rows.Next() {
		var r kehoach.ValidationRule
		if err := rows.Scan(&r.Left, &r.Op, &r.Right, &r.Importance, &r.Message); err != nil {
			rows.Close()
			return err
		}
		f.Rules = append(f.Rules, &r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	f.Units, err = formUnits(ctx, db.read, f.ID)
	return err
}

// formUnits returns the codes of the units assigned to a form (planning,
// issue 14), in the tree's order; none: the kind rule.
func formUnits(ctx context.Context, q queryer, formID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.code FROM form_units fu JOIN units u ON u.id = fu.unit_id WHERE fu.form_id = $1 ORDER BY u.sort_key, u.code`, formID)
	if err != nil {
		return nil, fmt.Errorf("store: form units: %w", err)
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

// FindIndicators returns all indicators.
func (db *DB) FindIndicators(ctx context.Context) ([]*kehoach.Indicator, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, code, name, numerator, denominator, factor, decimals FROM indicators ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: indicators: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Indicator
	for rows.Next() {
		var i kehoach.Indicator
		if err := rows.Scan(&i.ID, &i.Code, &i.Name, &i.Numerator, &i.Denominator, &i.Factor, &i.Decimals); err != nil {
			return nil, fmt.Errorf("store: indicators: %w", err)
		}
		out = append(out, &i)
	}
	return out, rows.Err()
}
