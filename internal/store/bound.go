package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kehoach"
	"kehoach/internal/vntext"
	"kehoach/period"
)

var _ kehoach.BoundService = (*DB)(nil)

// The planner's bounds of figures (issue 9, point 4, migration 0027) and
// the approver's list of flagged figures. A bound is planning: it needs
// the plan role's scope (a unit's bound the unit in it, a kind's bound
// every unit), and every change is audited in its transaction. The write
// path reads the bounds in write_unusual.go.

// boundColumns reads a bound joined with its element (e) and unit (u).
const boundColumns = `b.id, e.code, COALESCE(u.code, ''), COALESCE(u.name, ''), b.kind, b.lo, b.hi, b.note, b.updated_by, b.updated_at`

func scanBound(rows interface{ Scan(...any) error }) (*kehoach.Bound, error) {
	b := &kehoach.Bound{}
	var lo, hi sql.NullFloat64
	if err := rows.Scan(&b.ID, &b.Element, &b.Unit, &b.UnitName, &b.Kind, &lo, &hi, &b.Note, &b.UpdatedBy, &b.UpdatedAt); err != nil {
		return nil, err
	}
	b.Min, b.Max = nullable(lo), nullable(hi)
	return b, nil
}

// FindBounds lists bounds within the actor's plan scope (kinds' bounds
// always), the kinds' first, then the units' in Vietnamese order.
func (db *DB) FindBounds(ctx context.Context, element string) ([]*kehoach.Bound, error) {
	var p params
	where := []string{"1 = 1"}
	if element != "" {
		where = append(where, "e.code = "+p.add(element))
	}
	if scope := kehoach.ActorFromContext(ctx).Plan; !scope.All {
		where = append(where, "(b.unit_id IS NULL OR "+p.subtree("b.unit_id", scope.Filter())+")")
	}
	return db.queryBounds(ctx, `WHERE `+strings.Join(where, " AND ")+`
		ORDER BY e.code, CASE WHEN b.unit_id IS NULL THEN 0 ELSE 1 END, b.kind, u.sort_key, u.code`, p.args)
}

// FindBoundsFor returns the bounds of the elements for the units and
// their kinds.
func (db *DB) FindBoundsFor(ctx context.Context, elements, units []string) ([]*kehoach.Bound, error) {
	if len(elements) == 0 || len(units) == 0 {
		return nil, nil
	}
	var p params
	els, us := list(&p, elements), list(&p, units)
	return db.queryBounds(ctx, `WHERE e.code IN (`+els+`)
		AND (u.code IN (`+us+`) OR (b.unit_id IS NULL AND b.kind IN (SELECT kind FROM units WHERE code IN (`+us+`))))`, p.args)
}

// queryBounds reads the bounds a WHERE (and ORDER BY) clause selects.
func (db *DB) queryBounds(ctx context.Context, where string, args []any) ([]*kehoach.Bound, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+boundColumns+` FROM value_bounds b JOIN data_elements e ON e.id = b.element_id
		LEFT JOIN units u ON u.id = b.unit_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: bounds: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Bound
	for rows.Next() {
		b, err := scanBound(rows)
		if err != nil {
			return nil, fmt.Errorf("store: bounds: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// boundRefs reads a bound's element and unit through q, nil where there
// is none (ValidateBound says so).
func boundRefs(ctx context.Context, q queryer, b *kehoach.Bound) (*kehoach.DataElement, *kehoach.Unit, error) {
	el, err := findElementTx(ctx, q, b.Element)
	if err != nil || b.Unit == "" {
		return el, nil, err
	}
	u, err := findUnitByCode(ctx, q, b.Unit)
	if kehoach.ErrorCode(err) == kehoach.ENOTFOUND {
		return el, nil, nil
	}
	return el, u, err
}

// findElementTx reads the element of code through q; nil when none.
func findElementTx(ctx context.Context, q queryer, code string) (*kehoach.DataElement, error) {
	e := &kehoach.DataElement{}
	var kinds string
	err := q.QueryRowContext(ctx, `SELECT id, code, name, short_name, value_type, aggregation, unit_kinds FROM data_elements WHERE code = $1`, code).
		Scan(&e.ID, &e.Code, &e.Name, &e.ShortName, &e.ValueType, &e.Aggregation, &kinds)
	if err == sql.ErrNoRows {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("store: element %q: %w", code, err)
	}
	e.UnitKinds = strings.Split(kinds, ",")
	return e, nil
}

// mayBound refuses a bound outside the actor's plan scope: a unit's, the
// unit not in it (EINVALID for an unknown unit); a kind's, a scope that
// is not every unit. field names the form's field.
func mayBound(ctx context.Context, q queryer, b *kehoach.Bound, field string) error {
	if b.Unit != "" {
		return checkPlanScope(ctx, q, field, b.Unit)
	}
	if !kehoach.ActorFromContext(ctx).Plan.All {
		msg := "Khoảng cho phép cho mọi đơn vị của một loại cần phạm vi lập kế hoạch toàn bộ; hãy đặt cho từng đơn vị trong phạm vi của bạn."
		return &kehoach.Error{Code: kehoach.EFORBIDDEN, Message: msg, Fields: map[string]string{field: msg}}
	}
	return nil
}

// SaveBounds adds or replaces bounds in one transaction.
func (db *DB) SaveBounds(ctx context.Context, bs []*kehoach.Bound) error {
	if err := mayPlan(ctx); err != nil {
		return err
	}
	if len(bs) == 0 {
		return kehoach.Errorf(kehoach.EINVALID, "Chưa chọn khoảng cho phép nào để lưu.")
	}
	// The fields of several bounds are told apart by their targets.
	key := func(b *kehoach.Bound, field string) string {
		if len(bs) == 1 {
			return field
		}
		return b.Target() + "." + field
	}
	for _, b := range bs {
		b.Element = strings.ToUpper(strings.TrimSpace(b.Element))
		b.Unit = strings.TrimSpace(b.Unit)
		b.Kind = strings.TrimSpace(b.Kind)
		b.Note = vntext.NFC(strings.TrimSpace(b.Note))
	}
	return db.boundWrite(ctx, func(tx *sql.Tx, now time.Time) error {
		bad := map[string]string{}
		seen := map[string]bool{}
		var events []auditEvent
		for _, b := range bs {
			el, u, err := boundRefs(ctx, tx, b)
			if err != nil {
				return err
			}
			if err := kehoach.ValidateBound(b, el, u); err != nil {
				for k, v := range kehoach.ErrorFields(err) {
					bad[key(b, k)] = v
				}
				continue
			}
			if err := mayBound(ctx, tx, b, key(b, "unit")); err != nil {
				return err
			}
			k := b.Element + "/" + b.Target()
			if seen[k] {
				bad[key(b, "unit")] = fmt.Sprintf("Khoảng cho phép của %s cho %s có hai lần.", b.Element, b.Target())
				continue
			}
			seen[k] = true
			ev, err := saveBoundTx(ctx, tx, now, el, u, b)
			if err != nil {
				return err
			}
			events = append(events, ev)
		}
		if len(bad) > 0 {
			return kehoach.InvalidFields("Khoảng cho phép chưa hợp lệ", bad)
		}
		return auditBatch(ctx, tx, now, events)
	})
}

// boundWrite runs fn in a write transaction, as planWrite does, but
// leaves the metadata version alone: bounds change no indicator, element,
// form or unit, so the analytics engine need not reload its metadata (at
// the national scale a reload costs the next query seconds).
func (db *DB) boundWrite(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) error {
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return db.classify(err)
	}
	defer tx.Rollback()
	if err := fn(tx, db.Now().UTC()); err != nil {
		if kehoach.ErrorCode(err) != kehoach.EINTERNAL {
			return err
		}
		return db.classify(err)
	}
	return db.classify(tx.Commit())
}

// boundTarget is a bound's target column: "u:<unit id>" or "kind:<kind>".
func boundTarget(b *kehoach.Bound, u *kehoach.Unit) string {
	if u != nil {
		return "u:" + strconv.FormatInt(u.ID, 10)
	}
	return "kind:" + b.Kind
}

// saveBoundTx upserts a checked bound and returns its audit event.
func saveBoundTx(ctx context.Context, tx *sql.Tx, now time.Time, el *kehoach.DataElement, u *kehoach.Unit, b *kehoach.Bound) (auditEvent, error) {
	by := kehoach.ActorFromContext(ctx).Username
	b.UpdatedBy, b.UpdatedAt = by, now
	target := boundTarget(b, u)
	var unitID any
	if u != nil {
		unitID, b.UnitName = u.ID, u.Name
	}
	ev := auditEvent{"create", kehoach.AuditBound, b.Element + "/" + b.Target(), "", boundJSON(b)}
	old, err := scanBound(tx.QueryRowContext(ctx, `SELECT `+boundColumns+` FROM value_bounds b JOIN data_elements e ON e.id = b.element_id
		LEFT JOIN units u ON u.id = b.unit_id WHERE b.element_id = $1 AND b.target = $2`, el.ID, target))
	switch {
	case err == sql.ErrNoRows:
		err = tx.QueryRowContext(ctx, `INSERT INTO value_bounds (element_id, unit_id, kind, target, lo, hi, note, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, el.ID, unitID, b.Kind, target, b.Min, b.Max, b.Note, by, now).Scan(&b.ID)
	case err == nil:
		ev.action, ev.old, b.ID = "update", boundJSON(old), old.ID
		_, err = tx.ExecContext(ctx, `UPDATE value_bounds SET lo = $1, hi = $2, note = $3, updated_by = $4, updated_at = $5 WHERE id = $6`,
			b.Min, b.Max, b.Note, by, now, old.ID)
	}
	if err != nil {
		return ev, fmt.Errorf("store: bound %s: %w", ev.key, err)
	}
	return ev, nil
}

// boundJSON is the audit's text of a bound: its range and note.
func boundJSON(b *kehoach.Bound) string {
	return asJSON(struct {
		Min  *float64 `json:"min,omitempty"`
		Max  *float64 `json:"max,omitempty"`
		Note string   `json:"note,omitempty"`
	}{b.Min, b.Max, b.Note})
}

// DeleteBound removes a bound of the element.
func (db *DB) DeleteBound(ctx context.Context, element string, id int64) error {
	if err := mayPlan(ctx); err != nil {
		return err
	}
	return db.boundWrite(ctx, func(tx *sql.Tx, now time.Time) error {
		b, err := scanBound(tx.QueryRowContext(ctx, `SELECT `+boundColumns+` FROM value_bounds b JOIN data_elements e ON e.id = b.element_id
			LEFT JOIN units u ON u.id = b.unit_id WHERE b.id = $1 AND e.code = $2`, id, element))
		if err == sql.ErrNoRows {
			return kehoach.Errorf(kehoach.ENOTFOUND, "Chỉ số %s không có khoảng cho phép số %d.", element, id)
		} else if err != nil {
			return fmt.Errorf("store: bound %d: %w", id, err)
		}
		if err := mayBound(ctx, tx, b, "unit"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM value_bounds WHERE id = $1`, id); err != nil {
			return fmt.Errorf("store: bound %d: %w", id, err)
		}
		return audit(ctx, tx, now, "delete", kehoach.AuditBound, b.Element+"/"+b.Target(), boundJSON(b), "")
	})
}

// maxProposals caps a proposal: a page of a thousand units is already
// more than a planner reviews.
const maxProposals = 1000

// ProposeBounds proposes bounds from each unit's past reports, for the
// units in the actor's plan scope, under the unit under when set (which
// must lie in it), at most maxProposals of them in Vietnamese order.
func (db *DB) ProposeBounds(ctx context.Context, element, under string) ([]*kehoach.Bound, error) {
	if err := mayPlan(ctx); err != nil {
		return nil, err
	}
	el, err := findElementTx(ctx, db.read, element)
	if err != nil {
		return nil, err
	} else if el == nil {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Không có chỉ số mã %q trong danh mục.", element)
	}
	if el.ValueType != kehoach.TypeInteger && el.ValueType != kehoach.TypeNumber {
		return nil, nil
	}
	var p params
	where := []string{"v.element_id = " + p.add(el.ID), "v.coc = ''", "NOT v.deleted", "v.num IS NOT NULL"}
	if under != "" {
		if err := checkPlanScope(ctx, db.read, "under", under); err != nil {
			return nil, err
		}
		where = append(where, p.subtree("v.unit_id", []string{under}))
	}
	if scope := kehoach.ActorFromContext(ctx).Plan; !scope.All {
		where = append(where, p.subtree("v.unit_id", scope.Filter()))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT u.code, u.name, u.kind, v.period, v.num FROM data_values v JOIN units u ON u.id = v.unit_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY u.sort_key, u.code, v.period`, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: propose bounds: %w", err)
	}
	defer rows.Close()
	type history struct {
		unit, name, kind string
		periods          []string
		values           []float64
	}
	var hs []*history
	for rows.Next() {
		var code, name, kind, pe string
		var v float64
		if err := rows.Scan(&code, &name, &kind, &pe, &v); err != nil {
			return nil, fmt.Errorf("store: propose bounds: %w", err)
		}
		if len(hs) == 0 || hs[len(hs)-1].unit != code {
			if len(hs) == maxProposals {
				break
			}
			hs = append(hs, &history{unit: code, name: name, kind: kind})
		}
		h := hs[len(hs)-1]
		h.periods, h.values = append(h.periods, pe), append(h.values, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: propose bounds: %w", err)
	}
	var out []*kehoach.Bound
	for _, h := range hs {
		if !slices.Contains(el.UnitKinds, h.kind) {
			continue // reported before the element changed hands
		}
		lo, hi, ok := kehoach.ProposeRange(h.values, el.ValueType == kehoach.TypeInteger)
		if !ok {
			continue
		}
		out = append(out, &kehoach.Bound{Element: el.Code, Unit: h.unit, UnitName: h.name, Min: &lo, Max: &hi,
			Note: proposalNote(h.periods, h.values)})
	}
	return out, nil
}

// proposalNote says what a proposal was read from: "Đề xuất từ 4 kỳ
// 2021–2024 (thấp nhất 96, cao nhất 118)".
func proposalNote(periods []string, values []float64) string {
	label := func(s string) string {
		if pe, err := period.Parse(s); err == nil {
			return pe.Label()
		}
		return s
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	span := label(periods[0])
	if len(periods) > 1 {
		span += "–" + label(periods[len(periods)-1])
	}
	return fmt.Sprintf("Đề xuất từ %d kỳ %s (thấp nhất %s, cao nhất %s)", len(values), span, num(slices.Min(values)), num(slices.Max(values)))
}

// flaggedFrom is the FROM and WHERE of the flagged figures: live figures
// whose comment starts with the flag, on every form that holds the
// element for the period's type, in the grid of their unit (a village's
// is its commune's), whose submission is not approved.
const flaggedFrom = ` FROM data_values v
	JOIN units u ON u.id = v.unit_id
	JOIN units g ON g.id = CASE WHEN u.kind = 'village' AND u.parent_id IS NOT NULL THEN u.parent_id ELSE u.id END
	JOIN data_elements e ON e.id = v.element_id
	JOIN form_elements fe ON fe.element_id = v.element_id
	JOIN forms f ON f.id = fe.form_id
	LEFT JOIN submissions s ON s.form_id = f.id AND s.unit_id = g.id AND s.period = v.period
	WHERE NOT v.deleted AND v.coc = '' AND substr(v.comment, 1, $1) = $2
	AND (s.status IS NULL OR s.status <> 'approved')
	AND f.period_type = CASE WHEN length(v.period) = 4 THEN 'yearly' WHEN replace(v.period, 'S', '') <> v.period THEN 'sixmonthly'
		WHEN replace(v.period, 'Q', '') <> v.period THEN 'quarterly' ELSE 'monthly' END`

// FindFlagged lists the flagged figures of grids not approved.
func (db *DB) FindFlagged(ctx context.Context, f kehoach.FlaggedFilter) ([]*kehoach.Flagged, int, error) {
	if f.Within != nil && len(f.Within) == 0 {
		return nil, 0, nil
	}
	p := params{args: []any{utf8.RuneCountInString(kehoach.FlagPrefix), kehoach.FlagPrefix}}
	var where string
	if f.Within != nil {
		where += " AND " + p.subtree("v.unit_id", f.Within)
	}
	if f.Form != "" {
		where += " AND f.code = " + p.add(f.Form)
	}
	if f.Period != "" {
		where += " AND v.period = " + p.add(f.Period)
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+flaggedFrom+where, p.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: flagged figures: %w", err)
	}
	q := `SELECT u.code, u.name, g.code, g.name, f.code, f.name, v.period, e.code, e.name, e.value_type, v.value, v.comment,
		COALESCE(s.status, ''), v.stored_by, v.updated_at` + flaggedFrom + where + `
		ORDER BY g.sort_key, g.code, u.sort_key, u.code, f.code, v.period, fe.position, e.code`
	if f.Limit > 0 {
		q += " LIMIT " + p.add(f.Limit) + " OFFSET " + p.add(max(0, f.Offset))
	}
	rows, err := db.read.QueryContext(ctx, q, p.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: flagged figures: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Flagged
	for rows.Next() {
		x := &kehoach.Flagged{}
		var comment string
		if err := rows.Scan(&x.Unit, &x.UnitName, &x.GridUnit, &x.GridUnitName, &x.Form, &x.FormName, &x.Period, &x.Element, &x.ElementName,
			&x.ValueType, &x.Value, &comment, &x.Status, &x.StoredBy, &x.UpdatedAt); err != nil {
			return nil, 0, fmt.Errorf("store: flagged figures: %w", err)
		}
		x.Reason, x.Comment, _ = kehoach.SplitFlag(comment)
		out = append(out, x)
	}
	return out, total, rows.Err()
}
