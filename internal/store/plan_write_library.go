package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"kehoach"
	"kehoach/expr"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
)

// mayPlan refuses an actor that may change no plan: the library of
// indicators, elements and forms is shared by every plan, and any planner
// may add to it (the web warns before an edit changes another plan).
func mayPlan(ctx context.Context) error {
	p := kehoach.ActorFromContext(ctx).Plan
	if !p.All && len(p.Units) == 0 {
		return kehoach.Errorf(kehoach.EFORBIDDEN, "Bạn không có quyền lập kế hoạch.")
	}
	return nil
}

// keepCode refuses a change of code on an update: expressions (#{CODE}),
// exports and other plans name entries by it.
func keepCode(oldCode, code string) error {
	if oldCode != "" && code != oldCode {
		return fieldErr(kehoach.EINVALID, "code", fmt.Sprintf("Mã %s không đổi được: biểu thức và các kế hoạch khác gọi theo mã này.", oldCode))
	}
	return nil
}

// taken refuses a new entry whose code table already has.
func taken(ctx context.Context, q queryer, table, oldCode, code, what string) error {
	if oldCode != "" {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE code = $1`, oldCode).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return kehoach.Errorf(kehoach.ENOTFOUND, "Không có %s mã %q.", what, oldCode)
		}
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE code = $1`, code).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return fieldErr(kehoach.ECONFLICT, "code", fmt.Sprintf("Mã %s đã có (%s).", code, what))
	}
	return nil
}

// knownElements refuses an expression naming an element not in the library.
func knownElements(ctx context.Context, q *sql.Tx, field, src string) error {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	x, err := expr.Parse(src)
	if err != nil {
		return fieldErr(kehoach.EINVALID, field, kehoach.ExprReason(src, false))
	}
	for _, r := range x.Refs() {
		if _, err := idOf(ctx, q, "data_elements", r.Element); err != nil {
			return fieldErr(kehoach.EINVALID, field, fmt.Sprintf("Chỉ số %s không có trong danh mục.", r.Element))
		}
	}
	return nil
}

// SaveIndicator adds or changes an indicator of the library.
func (db *DB) SaveIndicator(ctx context.Context, oldCode string, i *kehoach.Indicator) error {
	if err := prepareIndicator(oldCode, i); err != nil {
		return err
	}
	if err := mayPlan(ctx); err != nil {
		return err
	}
	return db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error { return saveIndicatorTx(ctx, tx, now, oldCode, i) })
}

// prepareIndicator normalises i and checks what needs no database.
func prepareIndicator(oldCode string, i *kehoach.Indicator) error {
	i.Code = strings.ToUpper(strings.TrimSpace(i.Code))
	i.Name = vntext.NFC(i.Name)
	i.Numerator, i.Denominator = strings.TrimSpace(i.Numerator), strings.TrimSpace(i.Denominator)
	if i.Denominator == "" {
		i.Denominator = "1" // a count or a sum: the engine divides by one
	}
	if err := keepCode(oldCode, i.Code); err != nil {
		return err
	}
	return kehoach.ValidateIndicator(i)
}

// saveIndicatorTx writes a prepared indicator in tx.
func saveIndicatorTx(ctx context.Context, tx *sql.Tx, now time.Time, oldCode string, i *kehoach.Indicator) error {
	if err := taken(ctx, tx, "indicators", oldCode, i.Code, "chỉ tiêu"); err != nil {
		return err
	}
	if err := knownElements(ctx, tx, "numerator", i.Numerator); err != nil {
		return err
	}
	if err := knownElements(ctx, tx, "denominator", i.Denominator); err != nil {
		return err
	}
	if oldCode == "" {
		if err := tx.QueryRowContext(ctx, `INSERT INTO indicators (code, name, numerator, denominator, factor, decimals) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			i.Code, i.Name, i.Numerator, i.Denominator, i.Factor, i.Decimals).Scan(&i.ID); err != nil {
			return fmt.Errorf("store: indicator: %w", err)
		}
		return audit(ctx, tx, now, "create", "indicator", i.Code, "", asJSON(i))
	}
	var old kehoach.Indicator
	if err := tx.QueryRowContext(ctx, `SELECT id, code, name, numerator, denominator, factor, decimals FROM indicators WHERE code = $1`, oldCode).
		Scan(&old.ID, &old.Code, &old.Name, &old.Numerator, &old.Denominator, &old.Factor, &old.Decimals); err != nil {
		return err
	}
	i.ID = old.ID
	if _, err := tx.ExecContext(ctx, `UPDATE indicators SET name = $1, numerator = $2, denominator = $3, factor = $4, decimals = $5 WHERE id = $6`,
		i.Name, i.Numerator, i.Denominator, i.Factor, i.Decimals, old.ID); err != nil {
		return fmt.Errorf("store: indicator: %w", err)
	}
	return audit(ctx, tx, now, "update", "indicator", i.Code, asJSON(old), asJSON(i))
}

// SaveDataElement adds or changes a data element of the library.
func (db *DB) SaveDataElement(ctx context.Context, oldCode string, e *kehoach.DataElement) error {
	if err := prepareElement(oldCode, e); err != nil {
		return err
	}
	if err := mayPlan(ctx); err != nil {
		return err
	}
	return db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error { return saveElementTx(ctx, tx, now, oldCode, e) })
}

// prepareElement normalises e and checks what needs no database.
func prepareElement(oldCode string, e *kehoach.DataElement) error {
	e.Code = strings.ToUpper(strings.TrimSpace(e.Code))
	e.Name, e.ShortName = vntext.NFC(e.Name), vntext.NFC(e.ShortName)
	if e.ShortName == "" {
		e.ShortName = e.Name
	}
	if err := keepCode(oldCode, e.Code); err != nil {
		return err
	}
	return kehoach.ValidateElement(e)
}

// saveElementTx writes a prepared element in tx.
func saveElementTx(ctx context.Context, tx *sql.Tx, now time.Time, oldCode string, e *kehoach.DataElement) error {
	if err := taken(ctx, tx, "data_elements", oldCode, e.Code, "chỉ số"); err != nil {
		return err
	}
	kinds := strings.Join(e.UnitKinds, ",")
	if oldCode == "" {
		if err := tx.QueryRowContext(ctx, `INSERT INTO data_elements (code, name, short_name, value_type, aggregation, unit_kinds) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			e.Code, e.Name, e.ShortName, e.ValueType, e.Aggregation, kinds).Scan(&e.ID); err != nil {
			return fmt.Errorf("store: data element: %w", err)
		}
		return audit(ctx, tx, now, "create", "data_element", e.Code, "", asJSON(e))
	}
	var old kehoach.DataElement
	var oldKinds string
	if err := tx.QueryRowContext(ctx, `SELECT id, code, name, short_name, value_type, aggregation, unit_kinds FROM data_elements WHERE code = $1`, oldCode).
		Scan(&old.ID, &old.Code, &old.Name, &old.ShortName, &old.ValueType, &old.Aggregation, &oldKinds); err != nil {
		return err
	}
	old.UnitKinds = strings.Split(oldKinds, ",")
	e.ID = old.ID
	if old.ValueType != e.ValueType {
		if n, err := countFigures(ctx, tx, old.ID); err != nil {
			return err
		} else if n > 0 {
			return fieldErr(kehoach.EINVALID, "valueType", fmt.Sprintf("Chỉ số %s đã có %d số liệu: không đổi kiểu giá trị được.", e.Code, n))
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE data_elements SET name = $1, short_name = $2, value_type = $3, aggregation = $4, unit_kinds = $5 WHERE id = $6`,
		e.Name, e.ShortName, e.ValueType, e.Aggregation, kinds, old.ID); err != nil {
		return fmt.Errorf("store: data element: %w", err)
	}
	return audit(ctx, tx, now, "update", "data_element", e.Code, asJSON(old), asJSON(e))
}

// countFigures counts the live figures of an element.
func countFigures(ctx context.Context, q queryer, elementID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM data_values WHERE element_id = $1 AND deleted = $2`, elementID, false).Scan(&n)
	return n, err
}

// SaveForm adds or changes a form with its elements and rules. An element
// that has figures is not taken off a form: its figures would no longer be
// entered or corrected anywhere.
func (db *DB) SaveForm(ctx context.Context, oldCode string, f *kehoach.Form) error {
	if err := prepareForm(oldCode, f); err != nil {
		return err
	}
	if err := mayPlan(ctx); err != nil {
		return err
	}
	return db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error { return saveFormTx(ctx, tx, now, oldCode, f) })
}

// prepareForm normalises f and checks what needs no database.
func prepareForm(oldCode string, f *kehoach.Form) error {
	f.Code = strings.ToUpper(strings.TrimSpace(f.Code))
	f.Name = vntext.NFC(f.Name)
	if err := keepCode(oldCode, f.Code); err != nil {
		return err
	}
	return kehoach.ValidateForm(f)
}

// saveFormTx writes a prepared form in tx.
func saveFormTx(ctx context.Context, tx *sql.Tx, now time.Time, oldCode string, f *kehoach.Form) error {
	if err := taken(ctx, tx, "forms", oldCode, f.Code, "biểu mẫu"); err != nil {
		return err
	}
	ids := make([]int64, len(f.Elements))
	for i, c := range f.Elements {
		id, err := idOf(ctx, tx, "data_elements", c)
		if err != nil {
			return fieldErr(kehoach.EINVALID, "elements", fmt.Sprintf("Chỉ số %s không có trong danh mục.", c))
		}
		ids[i] = id
	}
	for i, r := range f.Rules {
		for _, src := range []string{r.Left, r.Right} {
			if err := knownElements(ctx, tx, "rules", src); err != nil {
				return fieldErr(kehoach.EINVALID, "rules", fmt.Sprintf("Quy tắc %d: %s", i+1, kehoach.ErrorMessage(err)))
			}
		}
	}
	var old *kehoach.Form
	if oldCode == "" {
		if err := tx.QueryRowContext(ctx, `INSERT INTO forms (code, name, period_type, cutoff_day, deadline_days) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			f.Code, f.Name, f.PeriodType, f.CutoffDay, f.DeadlineDays).Scan(&f.ID); err != nil {
			return fmt.Errorf("store: form: %w", err)
		}
	} else {
		var err error
		if old, err = findFormTx(ctx, tx, oldCode); err != nil {
			return err
		}
		f.ID = old.ID
		if old.PeriodType != f.PeriodType {
			if n, err := countFormFigures(ctx, tx, old.ID); err != nil {
				return err
			} else if n > 0 {
				return fieldErr(kehoach.EINVALID, "periodType", fmt.Sprintf("Biểu mẫu đã có %d số liệu theo %s: không đổi loại kỳ được.", n, old.PeriodType))
			}
		}
		for _, c := range old.Elements {
			if slices.Contains(f.Elements, c) {
				continue
			}
			id, _ := idOf(ctx, tx, "data_elements", c)
			if n, err := countFigures(ctx, tx, id); err != nil {
				return err
			} else if n > 0 {
				return fieldErr(kehoach.EINVALID, "elements", fmt.Sprintf("Chỉ số %s đã có %d số liệu: không bỏ khỏi biểu mẫu được.", c, n))
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE forms SET name = $1, period_type = $2, cutoff_day = $3, deadline_days = $4 WHERE id = $5`,
			f.Name, f.PeriodType, f.CutoffDay, f.DeadlineDays, f.ID); err != nil {
			return fmt.Errorf("store: form: %w", err)
		}
		for _, q := range []string{`DELETE FROM form_elements WHERE form_id = $1`, `DELETE FROM form_rules WHERE form_id = $1`, `DELETE FROM form_units WHERE form_id = $1`} {
			if _, err := tx.ExecContext(ctx, q, f.ID); err != nil {
				return fmt.Errorf("store: form: %w", err)
			}
		}
	}
	for i, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO form_elements (form_id, element_id, position) VALUES ($1, $2, $3)`, f.ID, id, i); err != nil {
			return fmt.Errorf("store: form %s: %w", f.Code, err)
		}
	}
	for i, r := range f.Rules {
		if _, err := tx.ExecContext(ctx, `INSERT INTO form_rules (form_id, left_expr, op, right_expr, importance, message, position) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			f.ID, r.Left, r.Op, r.Right, r.Importance, vntext.NFC(r.Message), i); err != nil {
			return fmt.Errorf("store: form %s rule: %w", f.Code, err)
		}
	}
	if err := checkFormUnits(ctx, tx, now, f); err != nil {
		return err
	}
	if err := writeFormUnits(ctx, tx, f); err != nil {
		return err
	}
	action, oldText := "create", ""
	if old != nil {
		old.Units, _ = formUnits(ctx, tx, old.ID)
		action, oldText = "update", asJSON(old)
	}
	return audit(ctx, tx, now, action, "form", f.Code, oldText, asJSON(f))
}

// checkFormUnits refuses, on the form's "units" field, a unit assigned to f
// that does not exist, has ceased, or would not report it: a village (it
// reports on its commune's grid) or a unit that, with its villages, reports
// none of the form's elements (kehoach.OwnsGrid).
func checkFormUnits(ctx context.Context, tx *sql.Tx, now time.Time, f *kehoach.Form) error {
	if len(f.Units) == 0 {
		return nil
	}
	book, err := lookupCodes(ctx, tx, []kehoach.ValueCell{})
	if err != nil {
		return err
	}
	var els []*kehoach.DataElement
	for _, c := range f.Elements {
		if e := book.elements[c]; e != nil {
			els = append(els, e)
		}
	}
	today := kehoach.DateOf(now.In(kehoach.VietnamZone))
	var bad []string
	for _, code := range f.Units {
		us, err := findUnits(ctx, tx, kehoach.UnitFilter{Codes: []string{code}})
		if err != nil {
			return err
		}
		if len(us) == 0 {
			bad = append(bad, fmt.Sprintf("không có đơn vị mã %s", code))
			continue
		}
		u := us[0]
		children, err := findUnits(ctx, tx, kehoach.UnitFilter{Parent: code})
		if err != nil {
			return err
		}
		switch {
		case !u.ValidTo.IsZero() && u.ValidTo < today:
			bad = append(bad, fmt.Sprintf("%s đã thôi hoạt động từ ngày %s", u.Name, locale.VI.Day(string(kehoach.DateOf(u.ValidTo.Time().AddDate(0, 0, 1))))))
		case u.Kind == kehoach.KindVillage:
			bad = append(bad, fmt.Sprintf("%s là thôn, bản: số liệu của thôn nhập trên biểu của xã", u.Name))
		case !kehoach.OwnsGrid(u, children, els, today, today):
			bad = append(bad, fmt.Sprintf("%s (%s) không báo cáo chỉ số nào của biểu mẫu", u.Name, strings.ToLower(locale.VI.Kind(u.Kind))))
		}
	}
	if len(bad) > 0 {
		return fieldErr(kehoach.EINVALID, "units", "Đơn vị được giao không hợp lệ: "+strings.Join(bad, "; ")+".")
	}
	return nil
}

// findFormTx reads a form's fields and elements in tx (its rules are
// replaced whole).
func findFormTx(ctx context.Context, tx *sql.Tx, code string) (*kehoach.Form, error) {
	var f kehoach.Form
	if err := tx.QueryRowContext(ctx, `SELECT id, code, name, period_type, cutoff_day, deadline_days FROM forms WHERE code = $1`, code).
		Scan(&f.ID, &f.Code, &f.Name, &f.PeriodType, &f.CutoffDay, &f.DeadlineDays); err != nil {
		return nil, fmt.Errorf("store: form %s: %w", code, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT e.code FROM form_elements fe JOIN data_elements e ON e.id = fe.element_id WHERE fe.form_id = $1 ORDER BY fe.position`, f.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		f.Elements = append(f.Elements, c)
	}
	return &f, rows.Err()
}

// countFormFigures counts the live figures of a form's elements.
func countFormFigures(ctx context.Context, q queryer, formID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM data_values v JOIN form_elements fe ON fe.element_id = v.element_id
		WHERE fe.form_id = $1 AND v.deleted = $2`, formID, false).Scan(&n)
	return n, err
}
