package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

var _ kehoach.UnitService = (*DB)(nil)

const unitColumns = `u.id, u.code, u.name, u.kind, u.subkind, u.level, COALESCE(p.code, ''), u.valid_from, u.valid_to, u.synthetic, u.sort_key`

func scanUnit(rows interface{ Scan(...any) error }) (*kehoach.Unit, error) {
	var u kehoach.Unit
	var from, to string
	if err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.Kind, &u.Subkind, &u.Level, &u.ParentCode, &from, &to, &u.Synthetic, &u.SortKey); err != nil {
		return nil, err
	}
	u.ValidFrom, u.ValidTo = kehoach.Date(from), kehoach.Date(to)
	return &u, nil
}

// FindUnits returns the units matching f in Vietnamese order of name.
func (db *DB) FindUnits(ctx context.Context, f kehoach.UnitFilter) ([]*kehoach.Unit, error) {
	return findUnits(ctx, db.read, f)
}

func findUnits(ctx context.Context, q queryer, f kehoach.UnitFilter) ([]*kehoach.Unit, error) {
	var where []string
	var p params
	if f.Query != "" {
		like := "%" + escapeLike(vntext.Fold(f.Query)) + "%"
		where = append(where, fmt.Sprintf(`(u.search_key LIKE %s ESCAPE '\' OR LOWER(u.code) LIKE %[1]s ESCAPE '\')`, p.add(like)))
	}
	if f.Kind != "" {
		where = append(where, "u.kind = "+p.add(f.Kind))
	}
	if f.Parent != "" {
		where = append(where, "p.code = "+p.add(f.Parent))
	}
	if len(f.Codes) > 0 {
		where = append(where, "u.code IN ("+list(&p, f.Codes)+")")
	}
	if len(f.Within) > 0 {
		where = append(where, p.subtree("u.id", f.Within))
	}
	if f.On != "" {
		d := p.add(string(f.On))
		where = append(where, fmt.Sprintf("(u.valid_from = '' OR u.valid_from <= %s) AND (u.valid_to = '' OR u.valid_to >= %[1]s)", d))
	}
	query := `SELECT ` + unitColumns + ` FROM units u LEFT JOIN units p ON p.id = u.parent_id`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY u.level, u.sort_key, u.code"
	if f.Limit > 0 {
		query += " LIMIT " + p.add(f.Limit)
	}
	rows, err := q.QueryContext(ctx, query, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: find units: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find units: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// escapeLike escapes LIKE wildcards in user input.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// FindUnitByCode returns one unit with its links and children.
func (db *DB) FindUnitByCode(ctx context.Context, code string) (*kehoach.Unit, error) {
	u, err := findUnitByCode(ctx, db.read, code)
	if err != nil {
		return nil, err
	}
	if u.Children, err = findUnits(ctx, db.read, kehoach.UnitFilter{Parent: code}); err != nil {
		return nil, err
	}
	links, err := db.FindUnitLinks(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if l.From == code {
			u.Successors = append(u.Successors, l)
		}
		if l.To == code {
			u.Predecessors = append(u.Predecessors, l)
		}
	}
	return u, nil
}

func findUnitByCode(ctx context.Context, q queryer, code string) (*kehoach.Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = $1`, code))
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có đơn vị mã %q", code)
	} else if err != nil {
		return nil, fmt.Errorf("store: unit %q: %w", code, err)
	}
	return u, nil
}

// FindUnitLinks returns all successor links.
func (db *DB) FindUnitLinks(ctx context.Context) ([]kehoach.UnitLink, error) {
	return findUnitLinks(ctx, db.read)
}

func findUnitLinks(ctx context.Context, q queryer) ([]kehoach.UnitLink, error) {
	// The unary + keeps SQLite's planner on the links as the outer loop:
	// without statistics for a table that has few links or none, it
	// scanned all the units instead and looked their links up, 100,000
	// lookups on a national tree on every plan page (speed, issue 16).
	rows, err := q.QueryContext(ctx, `SELECT f.code, t.code, l.kind, l.effective, l.share FROM unit_links l
		JOIN units f ON f.id = +l.from_id JOIN units t ON t.id = +l.to_id ORDER BY l.effective, f.code, t.code`)
	if err != nil {
		return nil, fmt.Errorf("store: unit links: %w", err)
	}
	defer rows.Close()
	var out []kehoach.UnitLink
	for rows.Next() {
		var l kehoach.UnitLink
		var d string
		if err := rows.Scan(&l.From, &l.To, &l.Kind, &d, &l.Share); err != nil {
			return nil, fmt.Errorf("store: unit links: %w", err)
		}
		l.Date = kehoach.Date(d)
		if l.Share == 1 {
			l.Share = 0 // the whole: said by omitting it
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// insertUnit inserts u under its parent (which must exist already).
func insertUnit(ctx context.Context, tx *sql.Tx, u *kehoach.Unit) error {
	u.Name = vntext.NFC(u.Name)
	var parent any
	if u.ParentCode != "" {
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, u.ParentCode).Scan(&id); err != nil {
			return kehoach.Errorf(kehoach.EINVALID, "đơn vị %s: không có đơn vị cấp trên mã %q", u.Code, u.ParentCode)
		}
		parent = id
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO units (code, name, kind, subkind, level, parent_id, valid_from, valid_to, synthetic, search_key, sort_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		u.Code, u.Name, u.Kind, u.Subkind, u.Level, parent, string(u.ValidFrom), string(u.ValidTo), u.Synthetic,
		vntext.Fold(u.Name), vntext.SortKey(u.Name)).Scan(&u.ID)
	if isUniqueViolation(err) {
		return kehoach.Errorf(kehoach.ECONFLICT, "mã đơn vị %q đã có", u.Code)
	} else if err != nil {
		return fmt.Errorf("store: insert unit %s: %w", u.Code, err)
	}
	return nil
}

// FindAncestors returns the codes from the unit itself up to the root.
func (db *DB) FindAncestors(ctx context.Context, code string) ([]string, error) {
	return ancestorsOf(ctx, db.read, code)
}

// ancestorsOf is FindAncestors on q (a transaction's view, for checks of
// plan scopes made in the writing transaction).
func ancestorsOf(ctx context.Context, q queryer, code string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE up(id, code, parent_id, depth) AS (
			SELECT id, code, parent_id, 0 FROM units WHERE code = $1
			UNION ALL SELECT u.id, u.code, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id)
		SELECT code FROM up ORDER BY depth`, code)
	if err != nil {
		return nil, fmt.Errorf("store: ancestors of %q: %w", code, err)
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
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có đơn vị mã %q", code)
	}
	return out, nil
}
