package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/vntext"
)

var _ kehoach.PlanWriteService = (*DB)(nil)

// planWrite runs fn in one write transaction, bumps the metadata version
// (the analytics engine reloads indicators, elements and forms on it) and
// commits: all of fn's changes and its audit events, or nothing.
func (db *DB) planWrite(ctx context.Context, fn func(tx *sql.Tx, now time.Time) error) error {
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return db.classify(err)
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	if err := fn(tx, now); err != nil {
		if kehoach.ErrorCode(err) != kehoach.EINTERNAL {
			return err
		}
		return db.classify(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'meta'`); err != nil {
		return db.classify(fmt.Errorf("store: meta version: %w", err))
	}
	return db.classify(tx.Commit())
}

// checkPlanScope refuses a unit outside the actor's Plan scope, and an
// unknown unit with EINVALID naming field.
func checkPlanScope(ctx context.Context, q queryer, field, code string) error {
	anc, err := ancestorsOf(ctx, q, code)
	if kehoach.ErrorCode(err) == kehoach.ENOTFOUND {
		msg := fmt.Sprintf("Không có đơn vị mã %q.", code)
		return &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
	} else if err != nil {
		return err
	}
	if !kehoach.ActorFromContext(ctx).Plan.Covers(anc) {
		msg := fmt.Sprintf("Đơn vị %s không thuộc phạm vi lập kế hoạch của bạn.", code)
		return &kehoach.Error{Code: kehoach.EFORBIDDEN, Message: msg, Fields: map[string]string{field: msg}}
	}
	return nil
}

func fieldErr(code, field, msg string) error {
	return &kehoach.Error{Code: code, Message: msg, Fields: map[string]string{field: msg}}
}

// asJSON is the audit log's text of a value.
func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// planMeta reads what CheckPlan needs for the given target scopes through
// q, so that a transaction sees the entries it has just added.
func (db *DB) planMeta(ctx context.Context, q queryer, scopes []string) (kehoach.PlanMeta, error) {
	m := kehoach.PlanMeta{Indicators: map[string]*kehoach.Indicator{}, Elements: map[string]*kehoach.DataElement{}, KindsUnder: map[string][]string{}}
	rows, err := q.QueryContext(ctx, `SELECT id, code, name, numerator, denominator, factor, decimals FROM indicators`)
	if err != nil {
		return m, fmt.Errorf("store: indicators: %w", err)
	}
	for rows.Next() {
		var i kehoach.Indicator
		if err := rows.Scan(&i.ID, &i.Code, &i.Name, &i.Numerator, &i.Denominator, &i.Factor, &i.Decimals); err != nil {
			rows.Close()
			return m, err
		}
		m.Indicators[i.Code] = &i
	}
	rows.Close()
	if rows, err = q.QueryContext(ctx, `SELECT code, unit_kinds FROM data_elements`); err != nil {
		return m, fmt.Errorf("store: data elements: %w", err)
	}
	for rows.Next() {
		var e kehoach.DataElement
		var kinds string
		if err := rows.Scan(&e.Code, &kinds); err != nil {
			rows.Close()
			return m, err
		}
		e.UnitKinds = strings.Split(kinds, ",")
		m.Elements[e.Code] = &e
	}
	rows.Close()
	// CheckPlan reads of forms only which elements they collect.
	if rows, err = q.QueryContext(ctx, `SELECT e.code FROM form_elements fe JOIN data_elements e ON e.id = fe.element_id`); err != nil {
		return m, fmt.Errorf("store: form elements: %w", err)
	}
	collected := &kehoach.Form{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return m, err
		}
		collected.Elements = append(collected.Elements, c)
	}
	rows.Close()
	m.Forms = []*kehoach.Form{collected}
	for _, s := range scopes {
		if _, ok := m.KindsUnder[s]; ok {
			continue
		}
		var p params
		rows, err := q.QueryContext(ctx, `SELECT DISTINCT kind FROM units WHERE `+p.subtree("id", []string{s}), p.args...)
		if err != nil {
			return m, fmt.Errorf("store: kinds under %s: %w", s, err)
		}
		kinds := []string{}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return m, err
			}
			kinds = append(kinds, k)
		}
		rows.Close()
		m.KindsUnder[s] = kinds
	}
	return m, nil
}

// planHead is what a write needs to know of a plan.
type planHead struct {
	id           int64
	code, issuer string
	status       string
	nextPosition int
}

// planHeadFor reads a plan's head and refuses it, naming field, when its
// issuer lies outside the actor's plan scope.
func planHeadFor(ctx context.Context, q queryer, id int64, field string) (*planHead, error) {
	h, err := findPlanHead(ctx, q, id)
	if err != nil {
		return nil, err
	}
	return h, checkPlanScope(ctx, q, field, h.issuer)
}

func findPlanHead(ctx context.Context, q queryer, id int64) (*planHead, error) {
	h := &planHead{id: id}
	err := q.QueryRowContext(ctx, `SELECT p.code, u.code, COALESCE(s.status, 'published'),
		COALESCE((SELECT MAX(position) + 1 FROM targets WHERE plan_id = p.id), 0)
		FROM plans p JOIN units u ON u.id = p.issuer_id LEFT JOIN plan_states s ON s.plan_id = p.id WHERE p.id = $1`, id).
		Scan(&h.code, &h.issuer, &h.status, &h.nextPosition)
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Không có kế hoạch số %d.", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: plan %d: %w", id, err)
	}
	return h, nil
}

// normalizePlan puts a plan's text in NFC and trims its codes, as stored.
func normalizePlan(p *kehoach.Plan) {
	p.Code = strings.ToUpper(strings.TrimSpace(p.Code))
	p.Number, p.Title, p.Place, p.LegalBasis, p.Signer = vntext.NFC(p.Number), vntext.NFC(p.Title), vntext.NFC(p.Place), vntext.NFC(p.LegalBasis), vntext.NFC(p.Signer)
	p.IssuerCode = strings.ToUpper(strings.TrimSpace(p.IssuerCode))
	for _, t := range p.Targets {
		normalizeTarget(t)
	}
}

func normalizeTarget(t *kehoach.Target) {
	t.Code = strings.TrimSpace(t.Code)
	t.Text, t.CountLabel = vntext.NFC(t.Text), vntext.NFC(t.CountLabel)
	t.IndicatorCode = strings.ToUpper(strings.TrimSpace(t.IndicatorCode))
	t.ScopeCode = strings.ToUpper(strings.TrimSpace(t.ScopeCode))
}

// CreatePlan creates a draft plan with its sections, targets and tasks.
func (db *DB) CreatePlan(ctx context.Context, p *kehoach.Plan) error {
	if err := preparePlan(p); err != nil {
		return err
	}
	return db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error { return db.createPlanTx(ctx, tx, now, p) })
}

// SetUpPlan creates the library entries a new plan needs and the plan,
// as a draft, in one transaction: all of it or nothing.
func (db *DB) SetUpPlan(ctx context.Context, s *kehoach.PlanSetup) error {
	for _, e := range s.Elements {
		if err := prepareElement("", e); err != nil {
			return err
		}
	}
	for _, f := range s.Forms {
		if err := prepareForm("", f); err != nil {
			return err
		}
	}
	for _, i := range s.Indicators {
		if err := prepareIndicator("", i); err != nil {
			return err
		}
	}
	if err := preparePlan(s.Plan); err != nil {
		return err
	}
	return db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error {
		for _, e := range s.Elements {
			if err := saveElementTx(ctx, tx, now, "", e); err != nil {
				return err
			}
		}
		for _, f := range s.Forms {
			if err := saveFormTx(ctx, tx, now, "", f); err != nil {
				return err
			}
		}
		for _, i := range s.Indicators {
			if err := saveIndicatorTx(ctx, tx, now, "", i); err != nil {
				return err
			}
		}
		return db.createPlanTx(ctx, tx, now, s.Plan)
	})
}

// preparePlan normalises p and checks what needs no database.
func preparePlan(p *kehoach.Plan) error {
	normalizePlan(p)
	if err := kehoach.ValidatePlan(p); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, t := range p.Targets {
		if err := kehoach.ValidateTargetFields(t); err != nil {
			return err
		}
		if seen[t.Code] {
			return fieldErr(kehoach.ECONFLICT, "code", fmt.Sprintf("Mã mục tiêu %s trùng trong kế hoạch.", t.Code))
		}
		seen[t.Code] = true
	}
	return nil
}

// createPlanTx inserts a prepared plan as a draft in tx.
func (db *DB) createPlanTx(ctx context.Context, tx *sql.Tx, now time.Time, p *kehoach.Plan) error {
	if err := checkPlanScope(ctx, tx, "issuer", p.IssuerCode); err != nil {
		return err
	}
	for _, t := range p.Targets {
		if err := db.checkTarget(ctx, tx, t); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM plans WHERE code = $1`, p.Code).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return fieldErr(kehoach.ECONFLICT, "code", fmt.Sprintf("Mã kế hoạch %s đã có.", p.Code))
	}
	p.Demo = false
	if err := insertPlan(ctx, tx, p); err != nil {
		return err
	}
	for _, t := range p.Targets {
		if err := saveMilestones(ctx, tx, t); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO plan_states (plan_id, status) VALUES ($1, 'draft')`, p.ID); err != nil {
		return fmt.Errorf("store: plan state: %w", err)
	}
	return audit(ctx, tx, now, "create", "plan", p.Code, "", asJSON(p))
}

// UpdatePlan changes a plan's header and sections; a change of a published
// plan's header is a revision with its decision.
func (db *DB) UpdatePlan(ctx context.Context, p *kehoach.Plan, dec *kehoach.Decision) error {
	normalizePlan(p)
	return db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error {
		head, err := findPlanHead(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		p.Code = head.code // the code names the plan in links and exports
		if err := kehoach.ValidatePlanHeader(p); err != nil {
			return err
		}
		if err := checkPlanScope(ctx, tx, "issuer", head.issuer); err != nil {
			return err
		}
		if err := checkPlanScope(ctx, tx, "issuer", p.IssuerCode); err != nil {
			return err
		}
		old, err := db.FindPlanByID(ctx, p.ID)
		if err != nil {
			return err
		}
		issuer, err := idOf(ctx, tx, "units", p.IssuerCode)
		if err != nil {
			return err
		}
		if head.status == kehoach.PlanPublished && kehoach.HeaderOf(old) != kehoach.HeaderOf(p) {
			if err := reviseHeader(ctx, tx, now, head, kehoach.HeaderOf(old), kehoach.HeaderOf(p), dec); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET number = $1, title = $2, issuer_id = $3, issued_on = $4, place = $5, legal_basis = $6,
			horizon_from = $7, horizon_to = $8, signer = $9 WHERE id = $10`,
			p.Number, p.Title, issuer, string(p.IssuedOn), p.Place, p.LegalBasis, p.HorizonFrom, p.HorizonTo, p.Signer, p.ID); err != nil {
			return fmt.Errorf("store: update plan: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_sections WHERE plan_id = $1`, p.ID); err != nil {
			return err
		}
		for i, s := range p.Sections {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_sections (plan_id, number, title, body, position) VALUES ($1, $2, $3, $4, $5)`,
				p.ID, s.Number, vntext.NFC(s.Title), vntext.NFC(s.Body), i); err != nil {
				return err
			}
		}
		old.Targets, old.Tasks = nil, nil
		return audit(ctx, tx, now, "update", "plan", p.Code, asJSON(old), asJSON(planHeader(p)))
	})
}

// reviseHeader records the change of a published plan's header from old to
// nw as a revision authorised by dec, refusing it without a valid one.
func reviseHeader(ctx context.Context, tx *sql.Tx, now time.Time, head *planHead, old, nw kehoach.PlanHeader, dec *kehoach.Decision) error {
	if dec == nil {
		dec = &kehoach.Decision{}
	}
	if err := kehoach.InvalidFields("Kế hoạch đã ban hành: sửa số, tên, cơ quan, ngày, căn cứ hoặc thời gian kế hoạch cần văn bản cho phép", dec.Validate()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO plan_header_revisions (plan_id, decision_number, decision_date, decision_issuer, effective,
		old_header, new_header, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		head.id, vntext.NFC(dec.Number), string(dec.Date), vntext.NFC(dec.Issuer), string(dec.Effective),
		asJSON(old), asJSON(nw), vntext.NFC(dec.Note), now, kehoach.ActorFromContext(ctx).Username); err != nil {
		return fmt.Errorf("store: plan revision: %w", err)
	}
	return audit(ctx, tx, now, "revise", "plan", head.code, asJSON(old), asJSON(map[string]any{"header": nw, "decision": dec}))
}

// findHeaderRevisions returns a plan's header revisions, in order of effect.
func (db *DB) findHeaderRevisions(ctx context.Context, planID int64) ([]*kehoach.Revision, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, decision_number, decision_date, decision_issuer, effective, old_header, new_header, note, created_by, created_at
		FROM plan_header_revisions WHERE plan_id = $1 ORDER BY effective, id`, planID)
	if err != nil {
		return nil, fmt.Errorf("store: plan revisions: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Revision
	for rows.Next() {
		r := kehoach.Revision{OldHeader: &kehoach.PlanHeader{}, NewHeader: &kehoach.PlanHeader{}}
		var date, eff, oldH, newH string
		var at time.Time
		if err := rows.Scan(&r.ID, &r.Decision.Number, &date, &r.Decision.Issuer, &eff, &oldH, &newH, &r.Decision.Note, &r.By, &at); err != nil {
			return nil, fmt.Errorf("store: plan revisions: %w", err)
		}
		if err := json.Unmarshal([]byte(oldH), r.OldHeader); err != nil {
			return nil, fmt.Errorf("store: plan revision %d: %w", r.ID, err)
		}
		if err := json.Unmarshal([]byte(newH), r.NewHeader); err != nil {
			return nil, fmt.Errorf("store: plan revision %d: %w", r.ID, err)
		}
		r.Decision.Date, r.Decision.Effective, r.At = kehoach.Date(date), kehoach.Date(eff), at.UTC().Format(time.RFC3339)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// planHeader is p without its targets and tasks, for the audit log.
func planHeader(p *kehoach.Plan) *kehoach.Plan {
	c := *p
	c.Targets, c.Tasks = nil, nil
	return &c
}

// checkTarget checks what a target refers to: its scope lies in the
// actor's and is a unit, its indicator exists, and every element the
// indicator reads is reported by some unit of the scope on some form.
func (db *DB) checkTarget(ctx context.Context, q queryer, t *kehoach.Target) error {
	if err := checkPlanScope(ctx, q, "scope", t.ScopeCode); err != nil {
		return err
	}
	m, err := db.planMeta(ctx, q, []string{t.ScopeCode})
	if err != nil {
		return err
	}
	if m.Indicators[t.IndicatorCode] == nil {
		return fieldErr(kehoach.EINVALID, "indicator", fmt.Sprintf("Không có chỉ tiêu mã %q.", t.IndicatorCode))
	}
	if problems := kehoach.CheckPlan(&kehoach.Plan{Targets: []*kehoach.Target{t}}, m); len(problems) > 0 {
		return fieldErr(kehoach.EINVALID, "indicator", strings.Join(problems, " "))
	}
	return nil
}

// SaveTarget adds or changes a target; a change of a published target's
// terms is a revision with its decision.
func (db *DB) SaveTarget(ctx context.Context, planID int64, oldCode string, t *kehoach.Target, dec *kehoach.Decision) error {
	normalizeTarget(t)
	if err := kehoach.ValidateTargetFields(t); err != nil {
		return err
	}
	return db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error {
		head, err := planHeadFor(ctx, tx, planID, "scope")
		if err != nil {
			return err
		}
		if err := db.checkTarget(ctx, tx, t); err != nil {
			return err
		}
		ind, err := idOf(ctx, tx, "indicators", t.IndicatorCode)
		if err != nil {
			return err
		}
		scope, err := idOf(ctx, tx, "units", t.ScopeCode)
		if err != nil {
			return err
		}
		if t.Code != oldCode {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM targets WHERE plan_id = $1 AND code = $2`, planID, t.Code).Scan(&n); err != nil {
				return err
			} else if n > 0 {
				return fieldErr(kehoach.ECONFLICT, "code", fmt.Sprintf("Kế hoạch đã có mục tiêu mã %s.", t.Code))
			}
		}
		key := head.code + "/" + t.Code
		if oldCode == "" {
			if err := tx.QueryRowContext(ctx, `INSERT INTO targets (plan_id, code, text, indicator_id, op, value, deadline, baseline_period, scope_id, count_label, section, position)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
				planID, t.Code, t.Text, ind, t.Op, t.Value, t.Deadline, t.BaselinePeriod, scope, t.CountLabel, t.Section, head.nextPosition).Scan(&t.ID); err != nil {
				return fmt.Errorf("store: insert target: %w", err)
			}
			if err := saveMilestones(ctx, tx, t); err != nil {
				return err
			}
			return audit(ctx, tx, now, "create", "target", key, "", asJSON(t))
		}
		old, err := findTargetTx(ctx, tx, planID, oldCode)
		if err != nil {
			return err
		}
		t.ID = old.ID
		// Milestones are interim targets: on a published plan they change
		// only by a decision, as the terms do (issue 14, point 2).
		oldMs, err := targetMilestones(ctx, tx, old.ID)
		if err != nil {
			return err
		}
		newMs := slices.SortedFunc(slices.Values(t.Milestones), func(a, b kehoach.Milestone) int { return strings.Compare(a.Period, b.Period) })
		msChanged := !slices.Equal(oldMs, newMs)
		if head.status == kehoach.PlanPublished && (kehoach.TermsOf(old) != kehoach.TermsOf(t) || msChanged) {
			if dec == nil {
				dec = &kehoach.Decision{}
			}
			note := dec.Note
			if msChanged {
				note = strings.TrimSpace(note + " Mốc trung gian: " + milestoneText(oldMs) + " → " + milestoneText(t.Milestones) + ".")
			}
			if dec == nil {
				dec = &kehoach.Decision{}
			}
			if err := kehoach.InvalidFields("Kế hoạch đã ban hành: điều chỉnh mục tiêu cần văn bản cho phép", dec.Validate()); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO target_revisions (plan_id, target_id, target_code, decision_number, decision_date, decision_issuer, effective,
				old_text, old_indicator, old_scope, old_op, old_value, old_deadline, old_baseline,
				new_text, new_indicator, new_scope, new_op, new_value, new_deadline, new_baseline, created_at, created_by, note)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
				planID, old.ID, t.Code, vntext.NFC(dec.Number), string(dec.Date), vntext.NFC(dec.Issuer), string(dec.Effective),
				old.Text, old.IndicatorCode, old.ScopeCode, old.Op, old.Value, old.Deadline, old.BaselinePeriod,
				t.Text, t.IndicatorCode, t.ScopeCode, t.Op, t.Value, t.Deadline, t.BaselinePeriod, now, kehoach.ActorFromContext(ctx).Username, vntext.NFC(note)); err != nil {
				return fmt.Errorf("store: revision: %w", err)
			}
			if err := audit(ctx, tx, now, "revise", "target", key, asJSON(map[string]any{"terms": kehoach.TermsOf(old), "milestones": oldMs}),
				asJSON(map[string]any{"terms": kehoach.TermsOf(t), "milestones": t.Milestones, "decision": dec})); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET code = $1, text = $2, indicator_id = $3, op = $4, value = $5, deadline = $6, baseline_period = $7,
			scope_id = $8, count_label = $9, section = $10 WHERE id = $11`,
			t.Code, t.Text, ind, t.Op, t.Value, t.Deadline, t.BaselinePeriod, scope, t.CountLabel, t.Section, old.ID); err != nil {
			return fmt.Errorf("store: update target: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE target_revisions SET target_code = $1 WHERE target_id = $2`, t.Code, old.ID); err != nil {
			return err
		}
		if err := saveMilestones(ctx, tx, t); err != nil {
			return err
		}
		return audit(ctx, tx, now, "update", "target", key, asJSON(old), asJSON(t))
	})
}

func findTargetTx(ctx context.Context, q queryer, planID int64, code string) (*kehoach.Target, error) {
	var t kehoach.Target
	err := q.QueryRowContext(ctx, `SELECT t.id, t.code, t.text, i.code, t.op, t.value, t.deadline, t.baseline_period, u.code, t.count_label, t.section
		FROM targets t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.scope_id WHERE t.plan_id = $1 AND t.code = $2`, planID, code).
		Scan(&t.ID, &t.Code, &t.Text, &t.IndicatorCode, &t.Op, &t.Value, &t.Deadline, &t.BaselinePeriod, &t.ScopeCode, &t.CountLabel, &t.Section)
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Kế hoạch không có mục tiêu %q.", code)
	}
	return &t, err
}

// DeleteTarget removes a target of a draft plan.
func (db *DB) DeleteTarget(ctx context.Context, planID int64, code string) error {
	return db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error {
		head, err := planHeadFor(ctx, tx, planID, "scope")
		if err != nil {
			return err
		}
		if head.status == kehoach.PlanPublished {
			return fieldErr(kehoach.EINVALID, "target", "Kế hoạch đã ban hành: không xóa được mục tiêu; hãy điều chỉnh mục tiêu theo văn bản cho phép.")
		}
		t, err := findTargetTx(ctx, tx, planID, code)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM target_milestones WHERE target_id = $1`, t.ID); err != nil {
			return fmt.Errorf("store: delete target: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM targets WHERE id = $1`, t.ID); err != nil {
			return fmt.Errorf("store: delete target: %w", err)
		}
		return audit(ctx, tx, now, "delete", "target", head.code+"/"+code, asJSON(t), "")
	})
}

// PublishPlan checks and publishes a draft plan.
func (db *DB) PublishPlan(ctx context.Context, planID int64) error {
	p, err := db.FindPlanByID(ctx, planID)
	if err != nil {
		return err
	}
	return db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error {
		head, err := planHeadFor(ctx, tx, planID, "plan")
		if err != nil {
			return err
		}
		if head.status == kehoach.PlanPublished {
			return fieldErr(kehoach.EINVALID, "plan", "Kế hoạch đã ban hành rồi.")
		}
		problems, err := db.planProblems(ctx, tx, p)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			return fieldErr(kehoach.EINVALID, "plan", "Chưa ban hành được: "+strings.Join(problems, " "))
		}
		by := kehoach.ActorFromContext(ctx).Username
		if _, err := tx.ExecContext(ctx, `UPDATE plan_states SET status = 'published', published_at = $1, published_by = $2 WHERE plan_id = $3`,
			now.Format(time.RFC3339), by, planID); err != nil {
			return fmt.Errorf("store: publish: %w", err)
		}
		return audit(ctx, tx, now, "publish", "plan", head.code, kehoach.PlanDraft, kehoach.PlanPublished)
	})
}

// planProblems is CheckPlan of p, read through q.
func (db *DB) planProblems(ctx context.Context, q queryer, p *kehoach.Plan) ([]string, error) {
	var scopes []string
	for _, t := range p.Targets {
		scopes = append(scopes, t.ScopeCode)
	}
	m, err := db.planMeta(ctx, q, scopes)
	if err != nil {
		return nil, err
	}
	return kehoach.CheckPlan(p, m), nil
}

// FindPlanProblems returns what stops a plan from being published.
func (db *DB) FindPlanProblems(ctx context.Context, planID int64) ([]string, error) {
	p, err := db.FindPlanByID(ctx, planID)
	if err != nil {
		return nil, err
	}
	return db.planProblems(ctx, db.read, p)
}

// CopyPlan copies a plan's sections and targets into a new draft, with
// the spec's code, number, title, issuer and (when set) target scope.
func (db *DB) CopyPlan(ctx context.Context, planID int64, spec kehoach.CopySpec) (*kehoach.Plan, error) {
	src, err := db.FindPlanByID(ctx, planID)
	if err != nil {
		return nil, err
	}
	np := copyOf(src, spec)
	if err := db.CreatePlan(ctx, np); err != nil {
		return nil, err
	}
	return np, nil
}

// copyOf is a new plan with src's sections and targets, as spec says.
func copyOf(src *kehoach.Plan, spec kehoach.CopySpec) *kehoach.Plan {
	np := &kehoach.Plan{Code: spec.Code, Number: spec.Number, Title: spec.Title, IssuerCode: spec.Issuer,
		IssuedOn: src.IssuedOn, Place: src.Place, LegalBasis: src.LegalBasis, HorizonFrom: src.HorizonFrom, HorizonTo: src.HorizonTo}
	if np.IssuerCode == "" {
		np.IssuerCode = src.IssuerCode
	}
	for _, s := range src.Sections {
		c := *s
		np.Sections = append(np.Sections, &c)
	}
	for _, t := range src.Targets {
		c := *t
		c.ID = 0
		if spec.Scope != "" {
			c.ScopeCode = spec.Scope
		}
		np.Targets = append(np.Targets, &c)
	}
	return np
}

// CopyPlanEach copies a plan into one draft per unit of a kind under a
// unit, in one transaction.
func (db *DB) CopyPlanEach(ctx context.Context, planID int64, spec kehoach.CopyEachSpec) ([]*kehoach.Plan, error) {
	src, err := db.FindPlanByID(ctx, planID)
	if err != nil {
		return nil, err
	}
	spec.Under = strings.ToUpper(strings.TrimSpace(spec.Under))
	var p params
	rows, err := db.read.QueryContext(ctx, `SELECT code, name FROM units WHERE kind = `+p.add(spec.Kind)+
		` AND (valid_to = '' OR valid_to >= `+p.add(string(kehoach.DateOf(db.Now().In(kehoach.VietnamZone))))+`) AND `+p.subtree("id", []string{spec.Under})+` ORDER BY sort_key`, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: copy: %w", err)
	}
	var copies []*kehoach.Plan
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			rows.Close()
			return nil, err
		}
		np := copyOf(src, kehoach.CopySpec{Code: spec.CodePrefix + "_" + code, Number: spec.Number, Title: spec.Title + " – " + name, Issuer: code, Scope: code})
		copies = append(copies, np)
	}
	rows.Close()
	if len(copies) == 0 {
		return nil, fieldErr(kehoach.EINVALID, "under", fmt.Sprintf("Không có đơn vị loại %q nào trực thuộc %s đang hoạt động.", spec.Kind, spec.Under))
	}
	for _, np := range copies {
		if err := preparePlan(np); err != nil {
			return nil, err
		}
	}
	return copies, db.planWrite(ctx, func(tx *sql.Tx, now time.Time) error {
		for _, np := range copies {
			if err := db.createPlanTx(ctx, tx, now, np); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindPlanState returns a plan's state.
func (db *DB) FindPlanState(ctx context.Context, planID int64) (*kehoach.PlanState, error) {
	var s kehoach.PlanState
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(s.status, 'published'), COALESCE(s.published_at, ''), COALESCE(s.published_by, '')
		FROM plans p LEFT JOIN plan_states s ON s.plan_id = p.id WHERE p.id = $1`, planID).Scan(&s.Status, &s.PublishedAt, &s.PublishedBy)
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Không có kế hoạch số %d.", planID)
	}
	return &s, err
}

// FindRevisions returns a plan's revisions (of one target when code is
// set), in order of effect.
func (db *DB) FindRevisions(ctx context.Context, planID int64, code string) ([]*kehoach.Revision, error) {
	var p params
	q := `SELECT id, target_code, decision_number, decision_date, decision_issuer, effective,
		old_text, old_indicator, old_scope, old_op, old_value, old_deadline, old_baseline,
		new_text, new_indicator, new_scope, new_op, new_value, new_deadline, new_baseline, note, created_by, created_at FROM target_revisions WHERE plan_id = ` + p.add(planID)
	if code != "" {
		q += ` AND target_code = ` + p.add(code)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY effective, id`, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: revisions: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Revision
	for rows.Next() {
		var r kehoach.Revision
		var date, eff string
		var at time.Time
		if err := rows.Scan(&r.ID, &r.TargetCode, &r.Decision.Number, &date, &r.Decision.Issuer, &eff,
			&r.Old.Text, &r.Old.IndicatorCode, &r.Old.ScopeCode, &r.Old.Op, &r.Old.Value, &r.Old.Deadline, &r.Old.BaselinePeriod,
			&r.New.Text, &r.New.IndicatorCode, &r.New.ScopeCode, &r.New.Op, &r.New.Value, &r.New.Deadline, &r.New.BaselinePeriod, &r.Decision.Note, &r.By, &at); err != nil {
			return nil, fmt.Errorf("store: revisions: %w", err)
		}
		r.Decision.Date, r.Decision.Effective, r.At = kehoach.Date(date), kehoach.Date(eff), at.UTC().Format(time.RFC3339)
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil || code != "" {
		return out, err
	}
	heads, err := db.findHeaderRevisions(ctx, planID)
	if err != nil {
		return nil, err
	}
	out = append(out, heads...)
	slices.SortStableFunc(out, func(a, b *kehoach.Revision) int {
		return strings.Compare(string(a.Decision.Effective), string(b.Decision.Effective))
	})
	return out, nil
}

// FindPlanAsOf returns the plan with its targets' terms as on day d.
func (db *DB) FindPlanAsOf(ctx context.Context, planID int64, d kehoach.Date) (*kehoach.Plan, error) {
	p, err := db.FindPlanByID(ctx, planID)
	if err != nil {
		return nil, err
	}
	revs, err := db.FindRevisions(ctx, planID, "")
	if err != nil {
		return nil, err
	}
	for _, t := range p.Targets {
		var mine []*kehoach.Revision
		for _, r := range revs {
			if r.TargetCode == t.Code {
				mine = append(mine, r)
			}
		}
		kehoach.TermsAsOf(kehoach.TermsOf(t), mine, d).Apply(t)
	}
	kehoach.HeaderAsOf(kehoach.HeaderOf(p), revs, d).Apply(p)
	return p, nil
}

// FindElementUses lists the targets of every plan whose indicator reads
// the element.
func (db *DB) FindElementUses(ctx context.Context, code string) ([]kehoach.ElementUse, error) {
	inds, err := db.FindIndicators(ctx)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, i := range inds {
		if slices.Contains(i.ElementRefs(), code) {
			codes = append(codes, i.Code)
		}
	}
	if len(codes) == 0 {
		return nil, nil
	}
	var p params
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.code, p.title, t.code, i.code FROM targets t JOIN plans p ON p.id = t.plan_id
		JOIN indicators i ON i.id = t.indicator_id WHERE i.code IN (`+list(&p, codes)+`) ORDER BY p.id, t.position`, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: element uses: %w", err)
	}
	defer rows.Close()
	var out []kehoach.ElementUse
	for rows.Next() {
		var u kehoach.ElementUse
		if err := rows.Scan(&u.PlanID, &u.PlanCode, &u.PlanTitle, &u.Target, &u.Indicator); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// targetMilestones reads one target's milestones, in period order.
func targetMilestones(ctx context.Context, q queryer, targetID int64) ([]kehoach.Milestone, error) {
	rows, err := q.QueryContext(ctx, `SELECT period, value FROM target_milestones WHERE target_id = $1 ORDER BY period`, targetID)
	if err != nil {
		return nil, fmt.Errorf("store: milestones: %w", err)
	}
	defer rows.Close()
	var out []kehoach.Milestone
	for rows.Next() {
		var m kehoach.Milestone
		if err := rows.Scan(&m.Period, &m.Value); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// milestoneText writes milestones as the planner's form reads them.
func milestoneText(ms []kehoach.Milestone) string {
	if len(ms) == 0 {
		return "không có"
	}
	var parts []string
	for _, m := range ms {
		parts = append(parts, m.Period+": "+strconv.FormatFloat(m.Value, 'f', -1, 64))
	}
	return strings.Join(parts, ", ")
}

// saveMilestones replaces a target's interim milestones.
func saveMilestones(ctx context.Context, tx *sql.Tx, t *kehoach.Target) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM target_milestones WHERE target_id = $1`, t.ID); err != nil {
		return fmt.Errorf("store: milestones: %w", err)
	}
	seen := map[string]bool{}
	for _, m := range t.Milestones {
		if seen[m.Period] {
			return fieldErr(kehoach.EINVALID, "milestones", fmt.Sprintf("Mốc %s ghi hai lần.", m.Period))
		}
		seen[m.Period] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO target_milestones (target_id, period, value) VALUES ($1, $2, $3)`, t.ID, m.Period, m.Value); err != nil {
			return fmt.Errorf("store: milestones: %w", err)
		}
	}
	return nil
}

// fillMilestones sets the milestones of p's targets.
func (db *DB) fillMilestones(ctx context.Context, p *kehoach.Plan) error {
	rows, err := db.read.QueryContext(ctx, `SELECT t.code, m.period, m.value FROM target_milestones m JOIN targets t ON t.id = m.target_id
		WHERE t.plan_id = $1 ORDER BY t.code, m.period`, p.ID)
	if err != nil {
		return fmt.Errorf("store: milestones: %w", err)
	}
	defer rows.Close()
	byCode := map[string]*kehoach.Target{}
	for _, t := range p.Targets {
		t.Milestones = nil
		byCode[t.Code] = t
	}
	for rows.Next() {
		var code string
		var m kehoach.Milestone
		if err := rows.Scan(&code, &m.Period, &m.Value); err != nil {
			return err
		}
		if t := byCode[code]; t != nil {
			t.Milestones = append(t.Milestones, m)
		}
	}
	return rows.Err()
}

// FindPlanWithMilestones returns a plan with its targets' milestones,
// which FindPlanByID reads too.
func (db *DB) FindPlanWithMilestones(ctx context.Context, planID int64) (*kehoach.Plan, error) {
	return db.FindPlanByID(ctx, planID)
}
