package store

import (
	"context"
	"fmt"
	"strings"

	"kehoach"
)

// ScanDataValues calls fn with each live figure matching f, unit by unit
// (in the tree's order), then period, element and disaggregation, as the
// rows come from the database: an export of millions of figures holds one
// at a time. An error of fn stops the scan and is returned.
func (db *DB) ScanDataValues(ctx context.Context, f kehoach.DataValueFilter, fn func(*kehoach.DataValue) error) error {
	var p params
	where := []string{"v.deleted = " + p.add(false)}
	if len(f.Units) > 0 {
		if f.Children {
			where = append(where, p.subtree("v.unit_id", f.Units))
		} else {
			where = append(where, "u.code IN ("+list(&p, f.Units)+")")
		}
	}
	if len(f.Periods) > 0 {
		where = append(where, "v.period IN ("+list(&p, f.Periods)+")")
	}
	if len(f.Elements) > 0 {
		where = append(where, "e.code IN ("+list(&p, f.Elements)+")")
	}
	q := `SELECT e.code, u.code, v.period, v.coc, v.value, v.comment, v.stored_by, v.updated_at, v.version
		FROM data_values v JOIN data_elements e ON e.id = v.element_id JOIN units u ON u.id = v.unit_id
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY u.sort_key, u.code, v.period, e.id, v.coc`
	rows, err := db.read.QueryContext(ctx, q, p.args...)
	if err != nil {
		return fmt.Errorf("store: data values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		v := &kehoach.DataValue{}
		if err := rows.Scan(&v.Element, &v.Unit, &v.Period, &v.Disagg, &v.Value, &v.Comment, &v.StoredBy, &v.Updated, &v.Version); err != nil {
			return fmt.Errorf("store: data values: %w", err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: data values: %w", err)
	}
	return nil
}
