package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"kehoach"
	"kehoach/expr"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
	"kehoach/period"
)

var _ kehoach.DataService = (*DB)(nil)

// FindDataValues returns the live figures matching f.
func (db *DB) FindDataValues(ctx context.Context, f kehoach.DataValueFilter) ([]*kehoach.DataValue, error) {
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
		return nil, fmt.Errorf("store: data values: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.DataValue
	for rows.Next() {
		var v kehoach.DataValue
		if err := rows.Scan(&v.Element, &v.Unit, &v.Period, &v.Disagg, &v.Value, &v.Comment, &v.StoredBy, &v.Updated, &v.Version); err != nil {
			return nil, fmt.Errorf("store: data values: %w", err)
		}
		out = append(out, &v)
	}
	return out, rows.Err()
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

// change is one cell of a save: the figure typed (or its removal) and, for
// the optimistic check, the figure the person saw.
type change struct {
	el    *kehoach.DataElement
	unit  *kehoach.Unit
	canon string
	num   float64
	del   bool
	// orig is the figure the person saw; check says to compare it.
	orig  string
	check bool
}

// SaveFormValues validates and saves one form's figures in one transaction.
func (db *DB) SaveFormValues(ctx context.Context, fs kehoach.FormSave) (*kehoach.SaveResult, error) {
	formCode, periodID, values, by := fs.Form, fs.Period, fs.Values, fs.By
	form, err := db.FindFormByCode(ctx, formCode)
	if err != nil {
		return nil, err
	}
	pe, err := period.Parse(periodID)
	if err != nil {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: err.Error(), Fields: map[string]string{"period": err.Error()}}
	}
	if pe.Type.String() != form.PeriodType {
		pt, _ := period.ParseType(form.PeriodType)
		msg := fmt.Sprintf("kỳ %s (%s) không khớp loại kỳ của biểu mẫu %q: biểu mẫu báo cáo theo %s", pe, pe.Label(), form.Name, strings.ToLower(pt.Label()))
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{"period": msg}}
	}
	elements, err := db.FindDataElements(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]*kehoach.DataElement{}
	for _, e := range elements {
		byCode[e.Code] = e
	}
	inForm := map[string]bool{}
	for _, c := range form.Elements {
		inForm[c] = true
	}

	var changes []change
	fields := map[string]string{}
	units := map[string]*kehoach.Unit{}
	unitCodes := make([]string, 0, len(values))
	for uc := range values {
		unitCodes = append(unitCodes, uc)
	}
	sort.Strings(unitCodes)
	from, to := kehoach.DateOf(pe.Start()), kehoach.DateOf(pe.End())
	for _, uc := range unitCodes {
		u, err := findUnitByCode(ctx, db.read, uc)
		if err != nil {
			fields[uc] = fmt.Sprintf("không có đơn vị mã %q", uc)
			continue
		}
		if !u.ValidDuring(from, to) {
			fields[uc] = fmt.Sprintf("đơn vị %s không tồn tại trong kỳ %s", u.Name, pe.Label())
			continue
		}
		units[uc] = u
		codes := make([]string, 0, len(values[uc]))
		for ec := range values[uc] {
			codes = append(codes, ec)
		}
		sort.Strings(codes)
		for _, ec := range codes {
			raw := values[uc][ec]
			key := uc + "." + ec
			el := byCode[ec]
			switch {
			case el == nil || !inForm[ec]:
				fields[key] = fmt.Sprintf("chỉ số %q không thuộc biểu mẫu %s", ec, form.Name)
				continue
			case !el.ReportedBy(u.Kind):
				fields[key] = fmt.Sprintf("%s: đơn vị %s (%s) không báo cáo chỉ số này", el.Name, u.Name, strings.ToLower(locale.VI.Kind(u.Kind)))
				continue
			}
			raw = vntext.NFC(raw)
			orig, hasOrig := fs.Original[uc][ec]
			if raw == "" {
				if !hasOrig || orig != "" {
					changes = append(changes, change{el: el, unit: u, del: true, orig: orig, check: hasOrig})
				}
				continue
			}
			canon, num, err := el.ParseValue(raw)
			if err != nil {
				fields[key] = el.Name + ": " + kehoach.ErrorMessage(err)
				continue
			}
			if hasOrig && canon == orig {
				continue // not changed by this person: someone else's newer figure must stay
			}
			changes = append(changes, change{el: el, unit: u, canon: canon, num: num, orig: orig, check: hasOrig})
		}
	}
	// Rules are checked on each unit's figures as they would be after the
	// save: the stored ones overlaid with what was typed. They are checked
	// even when some cells are invalid, so that every problem shows at once.
	envs := map[string]unitEnv{}
	if len(form.Rules) > 0 && len(units) > 0 {
		stored, err := db.FindDataValues(ctx, kehoach.DataValueFilter{Units: unitCodes, Periods: []string{pe.String()}, Elements: form.Elements})
		if err != nil {
			return nil, err
		}
		for _, v := range stored {
			if el := byCode[v.Element]; el != nil && v.Disagg == "" {
				if _, num, err := el.ParseValue(v.Value); err == nil && !math.IsNaN(num) {
					envOf(envs, v.Unit)[v.Element] = num
				}
			}
		}
		for _, c := range changes {
			env := envOf(envs, c.unit.Code)
			if c.del || math.IsNaN(c.num) {
				delete(env, c.el.Code)
			} else {
				env[c.el.Code] = c.num
			}
		}
	}
	result := &kehoach.SaveResult{}
	rules := make([]*rule, len(form.Rules))
	for i, r := range form.Rules {
		if rules[i], err = parseRule(r); err != nil {
			return nil, fmt.Errorf("store: form %s rule %q: %w", form.Code, r.Message, err)
		}
	}
	for _, uc := range unitCodes {
		env := envs[uc]
		if env == nil {
			continue
		}
		for _, rl := range rules {
			r := rl.ValidationRule
			ok, refs := rl.check(env)
			if ok {
				continue
			}
			target := fields
			if r.Importance != kehoach.ImportanceHigh {
				if result.Warnings == nil {
					result.Warnings = map[string]string{}
				}
				target = result.Warnings
			}
			for _, ref := range refs {
				if _, taken := fields[uc+"."+ref.Element]; !taken {
					target[uc+"."+ref.Element] = r.Message
				}
			}
		}
	}
	if len(fields) > 0 {
		return nil, invalidFields(fields)
	}

	if kehoach.ActorFromContext(ctx).Username == "" {
		ctx = kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: by})
	}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	version, err := nextVersion(ctx, tx)
	if err != nil {
		return nil, err
	}
	// A submitted or approved grid is locked: no change reaches its figures,
	// whoever calls (submission.go). The counter row locked above orders
	// this check with submissions.
	if err := checkLocked(ctx, tx, pe, changeIDs(changes, func(c change) int64 { return c.el.ID }), changeIDs(changes, func(c change) int64 { return c.unit.ID })); err != nil {
		return nil, err
	}
	now := db.Now().UTC()
	// The version taken above locks the counter row until commit, so every
	// other save has committed or waits: what we read now is current. The
	// lock is held for a few statements whatever the size of the grid: one
	// read of the cells, one upsert, one removal, one audit insert.
	current, err := currentValues(ctx, tx, pe.String(), changes)
	if err != nil {
		return nil, err
	}
	var conflicts []kehoach.Conflict
	var upserts []change
	var removals []int64
	var events []auditEvent
	for _, c := range changes {
		cur, exists := current[cellKey{c.el.ID, c.unit.ID}]
		exists = exists && !cur.deleted
		stored := ""
		if exists {
			stored = cur.value
		}
		if c.check && stored != c.orig {
			conflicts = append(conflicts, kehoach.Conflict{Key: c.unit.Code + "." + c.el.Code, Theirs: stored, By: cur.storedBy, Updated: cur.updated, Yours: c.canon, Original: c.orig})
			continue
		}
		key := c.el.Code + "/" + c.unit.Code + "/" + pe.String()
		switch {
		case c.del && !exists, !c.del && exists && cur.value == c.canon:
			result.Ignored++
		case c.del:
			removals = append(removals, cur.id)
			events = append(events, auditEvent{"delete", "data_value", key, cur.value, ""})
			result.Deleted++
		case exists:
			upserts = append(upserts, c)
			events = append(events, auditEvent{"update", "data_value", key, cur.value, c.canon})
			result.Updated++
		default:
			upserts = append(upserts, c)
			events = append(events, auditEvent{"create", "data_value", key, "", c.canon})
			result.Imported++
		}
	}
	if len(conflicts) > 0 {
		return nil, conflictError(conflicts)
	}
	if err := upsertValues(ctx, tx, pe.String(), upserts, by, now, version); err != nil {
		return nil, err
	}
	if len(removals) > 0 {
		p := params{args: []any{true, now, by, version}}
		if _, err := tx.ExecContext(ctx, `UPDATE data_values SET deleted = $1, updated_at = $2, stored_by = $3, version = $4 WHERE id IN (`+list(&p, removals)+`)`, p.args...); err != nil {
			return nil, fmt.Errorf("store: delete values: %w", err)
		}
	}
	if err := auditBatch(ctx, tx, now, events); err != nil {
		return nil, err
	}
	if len(conflicts) > 0 {
		return nil, conflictError(conflicts)
	}
	if result.Imported+result.Updated+result.Deleted == 0 {
		// Nothing changed: the deferred rollback gives the version back, so
		// re-sending the same figures leaves Versions as they were.
		return result, nil
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: commit values: %w", err)
	}
	return result, nil
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

func envOf(envs map[string]unitEnv, unit string) unitEnv {
	if envs[unit] == nil {
		envs[unit] = unitEnv{}
	}
	return envs[unit]
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

// cellKey names a figure of one period: element and unit ids.
type cellKey struct{ element, unit int64 }

// cellState is a stored figure as a save finds it.
type cellState struct {
	id       int64
	value    string
	deleted  bool
	storedBy string
	updated  time.Time
}

// currentValues reads, in one query, the stored figures of the cells a save
// touches.
func currentValues(ctx context.Context, tx *sql.Tx, pe string, changes []change) (map[cellKey]cellState, error) {
	out := map[cellKey]cellState{}
	if len(changes) == 0 {
		return out, nil
	}
	p := params{args: []any{pe}}
	q := `SELECT element_id, unit_id, id, value, deleted, stored_by, updated_at FROM data_values
		WHERE period = $1 AND coc = '' AND element_id IN (` + list(&p, changeIDs(changes, func(c change) int64 { return c.el.ID })) + `)
		AND unit_id IN (` + list(&p, changeIDs(changes, func(c change) int64 { return c.unit.ID })) + `)`
	rows, err := tx.QueryContext(ctx, q, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: read values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k cellKey
		var c cellState
		if err := rows.Scan(&k.element, &k.unit, &c.id, &c.value, &c.deleted, &c.storedBy, &c.updated); err != nil {
			return nil, fmt.Errorf("store: read values: %w", err)
		}
		out[k] = c
	}
	return out, rows.Err()
}

// upsertValues writes figures of one period, many rows per statement.
func upsertValues(ctx context.Context, tx *sql.Tx, pe string, cs []change, by string, now time.Time, version int64) error {
	const perStatement = 200
	for len(cs) > 0 {
		n := min(len(cs), perStatement)
		var b strings.Builder
		b.WriteString(`INSERT INTO data_values (element_id, unit_id, period, coc, value, num, comment, stored_by, created_at, updated_at, version, deleted) VALUES `)
		args := []any{pe, by, now, version, false}
		for i, c := range cs[:n] {
			var num any
			if !math.IsNaN(c.num) {
				num = c.num
			}
			args = append(args, c.el.ID, c.unit.ID, c.canon, num)
			k := len(args)
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($%d, $%d, $1, '', $%d, $%d, '', $2, $3, $3, $4, $5)", k-3, k-2, k-1, k)
		}
		b.WriteString(` ON CONFLICT (element_id, unit_id, period, coc) DO UPDATE SET value = excluded.value, num = excluded.num,
			stored_by = excluded.stored_by, updated_at = excluded.updated_at, version = excluded.version, deleted = excluded.deleted`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: save values: %w", err)
		}
		cs = cs[n:]
	}
	return nil
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

// ScanValues calls fn for every figure with a version above since (all
// figures, live ones only, when since is 0), and returns the version read up to.
func (db *DB) ScanValues(ctx context.Context, since int64, fn func(kehoach.RawValue)) (int64, error) {
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
	var r kehoach.RawValue
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
