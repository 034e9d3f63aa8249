package store

import (
	"context"
	"database/sql"
	"fmt"

	"kehoach"
	"kehoach/analytics"
	"kehoach/expr"
	"kehoach/internal/locale"
)

var _ kehoach.DataService = (*DB)(nil)

// FindDataValues returns the live figures matching f.
func (db *DB) FindDataValues(ctx context.Context, f kehoach.DataValueFilter) ([]*kehoach.DataValue, error) {
	var out []*kehoach.DataValue
	err := db.ScanDataValues(ctx, f, func(v *kehoach.DataValue) error {
		out = append(out, v)
		return nil
	})
	return out, err
}

// unitEnv is one unit's figures for evaluating a validation rule.
type unitEnv map[string]float64

func (e unitEnv) Value(r expr.Ref) (float64, bool) { v, ok := e[r.Element]; return v, ok }
func (e unitEnv) Count(r expr.Ref) (float64, bool) {
	v, ok := e[r.Element]
	if !ok {
		return 0, false
	}
	if v != 0 {
		return 1, true
	}
	return 0, true
}
func (e unitEnv) Units([]string) float64 { return 1 }

// SaveFormValues saves one form's figures: a thin caller of the shared
// write path (write.go).
func (db *DB) SaveFormValues(ctx context.Context, fs kehoach.FormSave) (*kehoach.SaveResult, error) {
	var cells []kehoach.ValueCell
	for u, els := range fs.Values {
		for e, v := range els {
			orig, has := fs.Original[u][e]
			cells = append(cells, kehoach.ValueCell{Unit: u, Element: e, Value: v, Original: orig, HasOriginal: has, Confirmed: fs.Confirmed})
		}
	}
	return db.SaveValues(ctx, kehoach.ValueBatch{Form: fs.Form, Period: fs.Period, Cells: cells, By: fs.By})
}

// conflictError names each cell someone else changed since the person
// loaded the form, with who and what it holds now.
func conflictError(cs []kehoach.Conflict) error {
	fields := map[string]string{}
	for _, c := range cs {
		theirs := c.Theirs
		if theirs == "" {
			theirs = "(đã xóa)"
		}
		fields[c.Key] = fmt.Sprintf("%s đã sửa ô này lúc %s thành %s trong khi bạn đang nhập; bạn nhập %s. Hãy xem lại rồi lưu lại.",
			c.By, locale.VI.DateTime(c.Updated), theirs, c.Yours)
	}
	return &kehoach.Error{Code: kehoach.ECONFLICT, Fields: fields,
		Message: fmt.Sprintf("Có %d ô vừa được người khác sửa trong khi bạn nhập; chưa lưu số liệu nào. Ô đó đang hiện số liệu mới nhất.", len(cs))}
}

// rule is a validation rule with its sides parsed.
type rule struct {
	*kehoach.ValidationRule
	left, right *expr.Expr
	op          expr.Op
}

func parseRule(r *kehoach.ValidationRule) (*rule, error) {
	l, err := expr.Parse(r.Left)
	if err != nil {
		return nil, err
	}
	rt, err := expr.Parse(r.Right)
	if err != nil {
		return nil, err
	}
	op, err := expr.ParseOp(r.Op)
	if err != nil {
		return nil, err
	}
	return &rule{ValidationRule: r, left: l, right: rt, op: op}, nil
}

// check evaluates the rule on one unit's figures. A side without a value
// (nothing reported) does not violate it. refs are the elements concerned.
func (r *rule) check(env unitEnv) (ok bool, refs []expr.Ref) {
	lv, lok := r.left.Eval(env)
	rv, rok := r.right.Eval(env)
	if !lok || !rok || r.op.Holds(lv, rv) {
		return true, nil
	}
	return false, append(r.left.Refs(), r.right.Refs()...)
}

func invalidFields(fields map[string]string) error {
	return &kehoach.Error{Code: kehoach.EINVALID, Message: fmt.Sprintf("Có %d ô chưa hợp lệ; chưa lưu số liệu nào.", len(fields)), Fields: fields}
}

// nextVersion takes the next data version. The UPDATE locks the counter row
// until commit, so versions become visible in the order they were taken.
func nextVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	if err := tx.QueryRowContext(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'data_values' RETURNING n`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: next version: %w", err)
	}
	return v, nil
}

// Versions returns the data and metadata versions: analytics engines compare
// them with theirs before answering, so a figure saved through any server is
// in the next answer.
func (db *DB) Versions(ctx context.Context) (data, meta int64, err error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, n FROM counters`)
	if err != nil {
		return 0, 0, fmt.Errorf("store: versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return 0, 0, fmt.Errorf("store: versions: %w", err)
		}
		switch name {
		case "data_values":
			data = n
		case "meta":
			meta = n
		}
	}
	return data, meta, rows.Err()
}

// AllVersions returns Versions and ApprovalVersion in one question
// (analytics.VersionSource).
func (db *DB) AllVersions(ctx context.Context) (data, meta, approval int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT
		COALESCE((SELECT n FROM counters WHERE name = 'data_values'), 0),
		COALESCE((SELECT n FROM counters WHERE name = 'meta'), 0),
		COALESCE((SELECT MAX(id) FROM submission_events), 0)`).Scan(&data, &meta, &approval)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("store: versions: %w", err)
	}
	return data, meta, approval, nil
}

// UnitsVersion returns the units' version (analytics.UnitVersionSource),
// which triggers on the units table move (migration 0028).
func (db *DB) UnitsVersion(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE((SELECT n FROM counters WHERE name = 'units'), 0)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: units version: %w", err)
	}
	return n, nil
}

// ScanValues calls fn for every figure with a version above since (all
// figures, live ones only, when since is 0), and returns the version read up to.
func (db *DB) ScanValues(ctx context.Context, since int64, fn func(analytics.RawValue)) (int64, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("store: scan values: %w", err)
	}
	defer tx.Rollback()
	// Read the version first: rows committed after it are caught next time.
	var upto int64
	if err := tx.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = 'data_values'`).Scan(&upto); err != nil {
		return 0, fmt.Errorf("store: scan values: %w", err)
	}
	q := `SELECT element_id, unit_id, period, coc, num, deleted FROM data_values WHERE version > $1 AND version <= $2`
	if since == 0 {
		q += ` AND deleted = $3`
	}
	args := []any{since, upto}
	if since == 0 {
		args = append(args, false)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: scan values: %w", err)
	}
	defer rows.Close()
	var r analytics.RawValue
	var num sql.NullFloat64
	for rows.Next() {
		if err := rows.Scan(&r.ElementID, &r.UnitID, &r.Period, &r.Disagg, &num, &r.Deleted); err != nil {
			return 0, fmt.Errorf("store: scan values: %w", err)
		}
		r.Num, r.HasNum = num.Float64, num.Valid
		fn(r)
	}
	return upto, rows.Err()
}
