package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"kehoach"
	"kehoach/expr"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
	"kehoach/period"
)

// LoadBundle inserts a plan bundle (units, links, elements, forms,
// indicators, plans, figures) in one transaction: all of it or nothing.
func (db *DB) LoadBundle(ctx context.Context, b *kehoach.Bundle, by string) error {
	_, err := db.loadBundle(ctx, b, by, false)
	return err
}

// LoadBundleIfEmpty loads b only into a database without units, and says
// whether it did. Servers starting together on one PostgreSQL take turns
// (an advisory lock), so exactly one of them loads.
func (db *DB) LoadBundleIfEmpty(ctx context.Context, b *kehoach.Bundle, by string) (bool, error) {
	return db.loadBundle(ctx, b, by, true)
}

// bundleLockID is the advisory lock key of LoadBundleIfEmpty.
const bundleLockID = migrationLockID + 1

func (db *DB) loadBundle(ctx context.Context, b *kehoach.Bundle, by string, onlyIfEmpty bool) (bool, error) {
	if err := validateBundle(b); err != nil {
		return false, err
	}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return false, db.classify(err)
	}
	defer tx.Rollback()
	if onlyIfEmpty {
		if empty, err := db.lockEmpty(ctx, tx); err != nil || !empty {
			return false, err
		}
	}
	now := db.Now().UTC()
	if err := insertBundleMeta(kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: by}), tx, b, now); err != nil {
		return false, db.classify(err)
	}
	if len(b.Values) > 0 {
		if err := loadCells(ctx, tx, b.Values, by, now); err != nil {
			return false, db.classify(err)
		}
	}
	if err := loadSubmissions(ctx, tx, b.Submissions); err != nil { // issue 9: the demo's approved past
		return false, db.classify(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'meta'`); err != nil {
		return false, db.classify(fmt.Errorf("store: meta version: %w", err))
	}
	if err := audit(kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: by}), tx, now, "load", "bundle", locale.VI.Count("plans", int64(len(b.Plans))), "",
		locale.VI.Count("units", int64(len(b.Units)))+", "+locale.VI.Count("values", int64(len(b.Values)))); err != nil {
		return false, db.classify(err)
	}
	if err := tx.Commit(); err != nil {
		return false, db.classify(err)
	}
	return true, db.Optimize(ctx)
}

// lockEmpty says whether the database has no units yet. On PostgreSQL it
// first takes the load's advisory lock, so that servers starting together
// take turns and exactly one loads.
func (db *DB) lockEmpty(ctx context.Context, tx *sql.Tx) (bool, error) {
	if db.dialect == postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, bundleLockID); err != nil {
			return false, fmt.Errorf("store: load lock: %w", err)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: load: %w", err)
	}
	return n == 0, nil
}

// idOf returns the id of the row of table with code, EINVALID naming the
// code when there is none.
func idOf(ctx context.Context, tx *sql.Tx, table, code string) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE code = $1`, code).Scan(&id); err != nil {
		return 0, kehoach.Errorf(kehoach.EINVALID, "không có mã %q (%s)", code, table)
	}
	return id, nil
}

// insertBundleMeta inserts everything of a bundle but its figures, in the
// order references need: units and links, elements and forms, indicators,
// plans, the bounds of figures (by ctx's actor, at now).
func insertBundleMeta(ctx context.Context, tx *sql.Tx, b *kehoach.Bundle, now time.Time) error {
	for _, u := range b.Units {
		if err := insertUnit(ctx, tx, u); err != nil {
			return err
		}
	}
	for _, l := range b.Links {
		from, err := idOf(ctx, tx, "units", l.From)
		if err != nil {
			return err
		}
		to, err := idOf(ctx, tx, "units", l.To)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_links (from_id, to_id, kind, effective, share) VALUES ($1, $2, $3, $4, $5)`, from, to, l.Kind, string(l.Date), linkShare(l)); err != nil {
			return fmt.Errorf("store: unit link: %w", err)
		}
	}
	if err := insertForms(ctx, tx, b); err != nil {
		return err
	}
	for _, i := range b.Indicators {
		if err := tx.QueryRowContext(ctx, `INSERT INTO indicators (code, name, numerator, denominator, factor, decimals) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			i.Code, vntext.NFC(i.Name), i.Numerator, i.Denominator, i.Factor, i.Decimals).Scan(&i.ID); err != nil {
			return fmt.Errorf("store: indicator %s: %w", i.Code, err)
		}
	}
	for _, p := range b.Plans {
		if err := insertPlan(ctx, tx, p); err != nil {
			return err
		}
		if err := insertPlanTrust(ctx, tx, p); err != nil { // issue 9
			return err
		}
	}
	return insertBundleBounds(ctx, tx, b.Bounds, now)
}

// insertBundleBounds saves a bundle's bounds, each checked against its
// element and unit as the planner's page checks it.
func insertBundleBounds(ctx context.Context, tx *sql.Tx, bs []*kehoach.Bound, now time.Time) error {
	for _, b := range bs {
		el, u, err := boundRefs(ctx, tx, b)
		if err != nil {
			return err
		}
		if err := kehoach.ValidateBound(b, el, u); err != nil {
			return kehoach.Errorf(kehoach.EINVALID, "khoảng cho phép %s cho %s: %s", b.Element, b.Target(), kehoach.ErrorMessage(err))
		}
		if _, err := saveBoundTx(ctx, tx, now, el, u, b); err != nil {
			return err
		}
	}
	return nil
}

// insertForms inserts a bundle's data elements and its forms with their
// elements and rules.
func insertForms(ctx context.Context, tx *sql.Tx, b *kehoach.Bundle) error {
	elements := map[string]*kehoach.DataElement{}
	for _, e := range b.Elements {
		err := tx.QueryRowContext(ctx, `INSERT INTO data_elements (code, name, short_name, value_type, aggregation, unit_kinds) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			e.Code, vntext.NFC(e.Name), vntext.NFC(e.ShortName), e.ValueType, e.Aggregation, strings.Join(e.UnitKinds, ",")).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("store: data element %s: %w", e.Code, err)
		}
		elements[e.Code] = e
	}
	for _, f := range b.Forms {
		if err := tx.QueryRowContext(ctx, `INSERT INTO forms (code, name, period_type, cutoff_day, deadline_days) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			f.Code, vntext.NFC(f.Name), f.PeriodType, f.CutoffDay, f.DeadlineDays).Scan(&f.ID); err != nil {
			return fmt.Errorf("store: form %s: %w", f.Code, err)
		}
		for i, ec := range f.Elements {
			e := elements[ec]
			if e == nil {
				id, err := idOf(ctx, tx, "data_elements", ec)
				if err != nil {
					return err
				}
				e = &kehoach.DataElement{ID: id}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO form_elements (form_id, element_id, position) VALUES ($1, $2, $3)`, f.ID, e.ID, i); err != nil {
				return fmt.Errorf("store: form %s: %w", f.Code, err)
			}
		}
		for i, r := range f.Rules {
			if _, err := tx.ExecContext(ctx, `INSERT INTO form_rules (form_id, left_expr, op, right_expr, importance, message, position) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				f.ID, r.Left, r.Op, r.Right, r.Importance, vntext.NFC(r.Message), i); err != nil {
				return fmt.Errorf("store: form %s rule: %w", f.Code, err)
			}
		}
		if err := writeFormUnits(ctx, tx, f); err != nil {
			return err
		}
	}
	return nil
}

// writeFormUnits writes the units assigned to form f (none: the kind rule).
func writeFormUnits(ctx context.Context, tx *sql.Tx, f *kehoach.Form) error {
	for _, code := range f.Units {
		id, err := idOf(ctx, tx, "units", code)
		if err != nil {
			return fieldErr(kehoach.EINVALID, "units", fmt.Sprintf("Không có đơn vị mã %s.", code))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO form_units (form_id, unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, f.ID, id); err != nil {
			return fmt.Errorf("store: form %s units: %w", f.Code, err)
		}
	}
	return nil
}

// insertPlan inserts a plan with its sections, targets and tasks.
func insertPlan(ctx context.Context, tx *sql.Tx, p *kehoach.Plan) error {
	issuer, err := idOf(ctx, tx, "units", p.IssuerCode)
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO plans (code, number, title, issuer_id, issued_on, place, legal_basis, horizon_from, horizon_to, signer, demo)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		p.Code, p.Number, vntext.NFC(p.Title), issuer, string(p.IssuedOn), vntext.NFC(p.Place), vntext.NFC(p.LegalBasis), p.HorizonFrom, p.HorizonTo, vntext.NFC(p.Signer), p.Demo).Scan(&p.ID); err != nil {
		return fmt.Errorf("store: plan %s: %w", p.Code, err)
	}
	for i, s := range p.Sections {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_sections (plan_id, number, title, body, position) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, s.Number, vntext.NFC(s.Title), vntext.NFC(s.Body), i); err != nil {
			return fmt.Errorf("store: plan %s section: %w", p.Code, err)
		}
	}
	for i, t := range p.Targets {
		ind, err := idOf(ctx, tx, "indicators", t.IndicatorCode)
		if err != nil {
			return err
		}
		scope, err := idOf(ctx, tx, "units", t.ScopeCode)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO targets (plan_id, code, text, indicator_id, op, value, deadline, baseline_period, scope_id, count_label, section, position)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			p.ID, t.Code, vntext.NFC(t.Text), ind, t.Op, t.Value, t.Deadline, t.BaselinePeriod, scope, vntext.NFC(t.CountLabel), t.Section, i).Scan(&t.ID); err != nil {
			return fmt.Errorf("store: target %s: %w", t.Code, err)
		}
	}
	for i, t := range p.Tasks {
		var lead any
		if t.LeadCode != "" {
			id, err := idOf(ctx, tx, "units", t.LeadCode)
			if err != nil {
				return err
			}
			lead = id
		}
		if t.Status == "" {
			t.Status = kehoach.TaskOpen
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO tasks (plan_id, code, section, title, lead_id, recurrence, due, status, position)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			p.ID, t.Code, t.Section, vntext.NFC(t.Title), lead, t.Recurrence, string(t.Due), t.Status, i).Scan(&t.ID); err != nil {
			return fmt.Errorf("store: task %s: %w", t.Code, err)
		}
		for _, c := range t.Coordinators {
			uid, err := idOf(ctx, tx, "units", c)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_units (task_id, unit_id) VALUES ($1, $2)`, t.ID, uid); err != nil {
				return fmt.Errorf("store: task %s: %w", t.Code, err)
			}
		}
		// tasks (issue 11): kind, start and the targets served.
		if err := insertTaskExtras(ctx, tx, p, t); err != nil {
			return err
		}
	}
	return nil
}

// validateBundle checks what can be checked before touching the database:
// expressions parse, periods parse, targets are complete.
func validateBundle(b *kehoach.Bundle) error {
	for _, i := range b.Indicators {
		for _, s := range []string{i.Numerator, i.Denominator} {
			if _, err := expr.Parse(s); err != nil {
				return kehoach.Errorf(kehoach.EINVALID, "chỉ tiêu %s: %v", i.Code, err)
			}
		}
	}
	for _, f := range b.Forms {
		pt, err := period.ParseType(f.PeriodType)
		if err != nil {
			return kehoach.Errorf(kehoach.EINVALID, "biểu mẫu %s: %v", f.Code, err)
		}
		// Stored canonical ("Quarterly" → "quarterly"): SaveFormValues and
		// readers compare the text.
		f.PeriodType = pt.String()
		for _, r := range f.Rules {
			if _, err := parseRule(r); err != nil {
				return kehoach.Errorf(kehoach.EINVALID, "biểu mẫu %s: %v", f.Code, err)
			}
		}
	}
	for _, p := range b.Plans {
		for _, t := range p.Targets {
			if err := t.Validate(); err != nil {
				return err
			}
		}
		// tasks (issue 11)
		if err := validateTasks(p); err != nil {
			return err
		}
	}
	return nil
}
