package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
	"kehoach/period"
)

var _ kehoach.SubmissionService = (*DB)(nil)

// grid is a resolved (form, unit, period).
type grid struct {
	form *kehoach.Form
	unit *kehoach.Unit
	pe   period.Period
}

func (g grid) key() string { return g.form.Code + "/" + g.unit.Code + "/" + g.pe.String() }

// resolveGrid finds the form and the unit and parses the period, which must
// be of the form's period type.
func (db *DB) resolveGrid(ctx context.Context, formCode, unitCode, pid string) (grid, error) {
	var g grid
	f, err := db.FindFormByCode(ctx, formCode)
	if err != nil {
		return g, err
	}
	u, err := findUnitByCode(ctx, db.read, unitCode)
	if err != nil {
		return g, err
	}
	pe, err := f.PeriodOf(pid)
	if err != nil {
		return g, err
	}
	return grid{form: f, unit: u, pe: pe}, nil
}

// reportingUnits returns the grid owners of form f in period pe within the
// subtree of parent ("" for the whole tree), in the tree's listing order
// (kehoach.ReportsForm).
func (db *DB) reportingUnits(ctx context.Context, f *kehoach.Form, pe period.Period, parent string) ([]*kehoach.Unit, error) {
	els, err := db.formElements(ctx, f)
	if err != nil {
		return nil, err
	}
	filter := kehoach.UnitFilter{}
	if parent != "" {
		filter.Within = []string{parent}
	}
	units, err := findUnits(ctx, db.read, filter)
	if err != nil {
		return nil, err
	}
	children := map[string][]*kehoach.Unit{}
	for _, u := range units {
		children[u.ParentCode] = append(children[u.ParentCode], u)
	}
	from, to := kehoach.DateOf(pe.Start()), kehoach.DateOf(pe.End())
	var out []*kehoach.Unit
	for _, u := range units {
		if kehoach.ReportsForm(f, u, children[u.Code], els, from, to) {
			out = append(out, u)
		}
	}
	return out, nil
}

// formElements returns the data elements of form f.
func (db *DB) formElements(ctx context.Context, f *kehoach.Form) ([]*kehoach.DataElement, error) {
	elements, err := db.FindDataElements(ctx)
	if err != nil {
		return nil, err
	}
	var els []*kehoach.DataElement
	for _, e := range elements {
		if slices.Contains(f.Elements, e.Code) {
			els = append(els, e)
		}
	}
	return els, nil
}

// gridRows returns the units whose figures grid g shows (kehoach.GridRows,
// as the entry page draws them): the figures a submission of g covers.
func (db *DB) gridRows(ctx context.Context, g grid) ([]*kehoach.Unit, error) {
	els, err := db.formElements(ctx, g.form)
	if err != nil {
		return nil, err
	}
	children, err := findUnits(ctx, db.read, kehoach.UnitFilter{Parent: g.unit.Code})
	if err != nil {
		return nil, err
	}
	return kehoach.GridRows(g.unit, children, els, kehoach.DateOf(g.pe.Start()), kehoach.DateOf(g.pe.End())), nil
}

// SelfApprovalAllowed reports whether db lets a submitter approve their
// own grid (DB.AllowSelfApproval).
func (db *DB) SelfApprovalAllowed() bool { return db.AllowSelfApproval }

// scanSubmission reads the columns of submissionColumns.
const submissionColumns = `f.code, u.code, u.name, s.period, s.status, s.reason, s.submitted_at, s.submitted_by, s.decided_at, s.decided_by, s.updated_at`

func scanSubmission(row interface{ Scan(...any) error }) (*kehoach.Submission, error) {
	var s kehoach.Submission
	var submitted, decided sql.NullTime
	if err := row.Scan(&s.Form, &s.Unit, &s.UnitName, &s.Period, &s.Status, &s.Reason, &submitted, &s.SubmittedBy, &decided, &s.DecidedBy, &s.UpdatedAt); err != nil {
		return nil, err
	}
	if submitted.Valid {
		s.SubmittedAt = submitted.Time
	}
	if decided.Valid {
		s.DecidedAt = decided.Time
	}
	return &s, nil
}

// FindSubmission returns the submission of a grid, a draft when there is none.
func (db *DB) FindSubmission(ctx context.Context, form, unit, pid string) (*kehoach.Submission, error) {
	g, err := db.resolveGrid(ctx, form, unit, pid)
	if err != nil {
		return nil, err
	}
	s, err := scanSubmission(db.read.QueryRowContext(ctx, `SELECT `+submissionColumns+`
		FROM submissions s JOIN forms f ON f.id = s.form_id JOIN units u ON u.id = s.unit_id
		WHERE s.form_id = $1 AND s.unit_id = $2 AND s.period = $3`, g.form.ID, g.unit.ID, g.pe.String()))
	if err == sql.ErrNoRows {
		return &kehoach.Submission{Form: g.form.Code, Unit: g.unit.Code, UnitName: g.unit.Name, Period: g.pe.String(), Status: kehoach.SubmissionDraft}, nil
	} else if err != nil {
		return nil, fmt.Errorf("store: submission: %w", err)
	}
	return s, nil
}

// FindSubmissions returns the stored submissions matching f, oldest change first.
func (db *DB) FindSubmissions(ctx context.Context, f kehoach.SubmissionFilter) ([]*kehoach.Submission, error) {
	var p params
	where := []string{"1 = 1"}
	if f.Form != "" {
		where = append(where, "f.code = "+p.add(f.Form))
	}
	if f.Period != "" {
		where = append(where, "s.period = "+p.add(f.Period))
	}
	if len(f.Units) > 0 {
		where = append(where, p.subtree("s.unit_id", f.Units))
	}
	if f.Within != nil {
		if len(f.Within) == 0 {
			return nil, nil
		}
		where = append(where, p.subtree("s.unit_id", f.Within))
	}
	if len(f.Statuses) > 0 {
		where = append(where, "s.status IN ("+list(&p, f.Statuses)+")")
	}
	q := `SELECT ` + submissionColumns + ` FROM submissions s JOIN forms f ON f.id = s.form_id JOIN units u ON u.id = s.unit_id
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY s.updated_at, s.id`
	if f.Limit > 0 {
		q += " LIMIT " + p.add(f.Limit)
	}
	rows, err := db.read.QueryContext(ctx, q, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: submissions: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Submission
	for rows.Next() {
		s, err := scanSubmission(rows)
		if err != nil {
			return nil, fmt.Errorf("store: submissions: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindSubmissionEvents returns a grid's events, oldest first.
func (db *DB) FindSubmissionEvents(ctx context.Context, form, unit, pid string) ([]*kehoach.SubmissionEvent, error) {
	g, err := db.resolveGrid(ctx, form, unit, pid)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.action, e.from_status, e.to_status, e.reason, e.actor, e.address, e.at
		FROM submission_events e JOIN submissions s ON s.id = e.submission_id
		WHERE s.form_id = $1 AND s.unit_id = $2 AND s.period = $3 ORDER BY e.id`, g.form.ID, g.unit.ID, g.pe.String())
	if err != nil {
		return nil, fmt.Errorf("store: submission events: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.SubmissionEvent
	for rows.Next() {
		e := &kehoach.SubmissionEvent{Form: g.form.Code, Unit: g.unit.Code, Period: g.pe.String()}
		if err := rows.Scan(&e.ID, &e.Action, &e.From, &e.To, &e.Reason, &e.Actor, &e.Address, &e.At); err != nil {
			return nil, fmt.Errorf("store: submission events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Submit sends a draft or returned grid for approval.
func (db *DB) Submit(ctx context.Context, c kehoach.SubmissionChange) (*kehoach.Submission, error) {
	return db.changeSubmission(ctx, kehoach.ActionSubmitFigures, c)
}

// Approve approves a submitted grid, bottom-up.
func (db *DB) Approve(ctx context.Context, c kehoach.SubmissionChange) (*kehoach.Submission, error) {
	return db.changeSubmission(ctx, kehoach.ActionApproveFigures, c)
}

// Return sends a submitted grid back with a reason.
func (db *DB) Return(ctx context.Context, c kehoach.SubmissionChange) (*kehoach.Submission, error) {
	return db.changeSubmission(ctx, kehoach.ActionReturnFigures, c)
}

// Unlock turns an approved grid back into a draft, with a reason.
func (db *DB) Unlock(ctx context.Context, c kehoach.SubmissionChange) (*kehoach.Submission, error) {
	return db.changeSubmission(ctx, kehoach.ActionUnlockFigures, c)
}

// actionVerb names an action in Vietnamese for messages ("gửi duyệt").
func actionVerb(action string) string {
	switch action {
	case kehoach.ActionSubmitFigures:
		return "gửi duyệt"
	case kehoach.ActionApproveFigures:
		return "duyệt"
	case kehoach.ActionReturnFigures:
		return "trả lại"
	case kehoach.ActionUnlockFigures:
		return "mở khóa"
	}
	return action
}

// changeSubmission applies one action in one transaction: it checks the
// expected status and the transition, the action's own conditions, writes
// the new status with a compare-and-set on the old one, and appends the
// submission event and the audit event.
func (db *DB) changeSubmission(ctx context.Context, action string, c kehoach.SubmissionChange) (*kehoach.Submission, error) {
	reason, err := submissionReason(action, c.Reason)
	if err != nil {
		return nil, err
	}
	g, err := db.resolveGrid(ctx, c.Form, c.Unit, c.Period)
	if err != nil {
		return nil, err
	}
	units, err := db.changeUnits(ctx, action, g)
	if err != nil {
		return nil, err
	}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// Take the data counter's row lock without changing it, as every save
	// does first: a save and a submission are then ordered, so no figure
	// slips in after the grid was locked (PostgreSQL; SQLite has one writer).
	if _, err := tx.ExecContext(ctx, `UPDATE counters SET n = n WHERE name = 'data_values'`); err != nil {
		return nil, fmt.Errorf("store: submission: %w", err)
	}
	row, err := readSubmission(ctx, tx, g)
	if err != nil {
		return nil, err
	}
	if c.Expected != "" && c.Expected != row.status {
		return nil, staleSubmission(g, row.status)
	}
	to, ok := kehoach.SubmissionTransition(action, row.status)
	if !ok {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Không thể %s số liệu %s của %s, %s: báo cáo đang ở trạng thái “%s”.",
			actionVerb(action), g.form.Name, g.unit.Name, strings.ToLower(g.pe.Label()), locale.VI.Submission(row.status))
	}
	actor := kehoach.ActorFromContext(ctx)
	if actor.Username == "" {
		actor.Username = "system"
	}
	if err := db.checkChange(ctx, tx, action, g, row, actor.Username, units); err != nil {
		return nil, err
	}
	next := row.next(action, to, reason, actor.Username, db.Now().UTC())
	if err := writeSubmission(ctx, tx, g, row, &next, action, actor); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: commit submission: %w", err)
	}
	return next.submission(g), nil
}

// submissionReason checks the reason an action needs (a return or an
// unlock says why; the others keep none).
func submissionReason(action, raw string) (string, error) {
	reason := strings.TrimSpace(vntext.NFC(raw))
	needsReason := action == kehoach.ActionReturnFigures || action == kehoach.ActionUnlockFigures
	switch {
	case needsReason && reason == "":
		msg := "Cần ghi lý do " + actionVerb(action) + "."
		return "", &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{"reason": msg}}
	case utf8.RuneCountInString(reason) > kehoach.SubmissionReasonMaxLen:
		msg := fmt.Sprintf("Lý do dài quá %d ký tự.", kehoach.SubmissionReasonMaxLen)
		return "", &kehoach.Error{Code: kehoach.EINVALID, Message: msg, Fields: map[string]string{"reason": msg}}
	case !needsReason:
		reason = ""
	}
	return reason, nil
}

// changeUnits are the units an action's conditions look at, read before
// the transaction: for a submit, the grid's rows (which must hold figures);
// for an approval, the grid owners below the unit (which must be approved
// first).
type changeUnits struct {
	rows, below []*kehoach.Unit
}

func (db *DB) changeUnits(ctx context.Context, action string, g grid) (changeUnits, error) {
	var cu changeUnits
	if action != kehoach.ActionSubmitFigures && action != kehoach.ActionApproveFigures {
		return cu, nil
	}
	owners, err := db.reportingUnits(ctx, g.form, g.pe, g.unit.Code)
	if err != nil {
		return cu, err
	}
	if action == kehoach.ActionApproveFigures {
		for _, u := range owners {
			if u.Code != g.unit.Code {
				cu.below = append(cu.below, u)
			}
		}
		return cu, nil
	}
	if !slices.ContainsFunc(owners, func(u *kehoach.Unit) bool { return u.Code == g.unit.Code }) {
		return cu, kehoach.Errorf(kehoach.EINVALID, "Đơn vị %s không phải đơn vị báo cáo biểu mẫu %q trong %s nên không gửi duyệt được.",
			g.unit.Name, g.form.Name, strings.ToLower(g.pe.Label()))
	}
	cu.rows, err = db.gridRows(ctx, g)
	return cu, err
}

// checkChange checks an action's own conditions inside the transaction: a
// submitted grid holds figures; an approval is by someone other than the
// submitter (unless the server allows it; checked against the submitter
// read in this transaction, so that a resubmission by someone else
// meanwhile is seen) and comes after the units below were approved.
func (db *DB) checkChange(ctx context.Context, tx *sql.Tx, action string, g grid, row submissionRow, who string, cu changeUnits) error {
	switch action {
	case kehoach.ActionSubmitFigures:
		return gridHasFigures(ctx, tx, g, cu.rows)
	case kehoach.ActionApproveFigures:
		if !db.AllowSelfApproval && kehoach.SelfApproval(&kehoach.Submission{SubmittedBy: row.submittedBy}, who) {
			return kehoach.Errorf(kehoach.EFORBIDDEN, "Tài khoản %s đã gửi duyệt số liệu %s của %s, %s nên không thể tự duyệt: người duyệt phải là người khác với người gửi. Hãy nhờ một người phê duyệt khác.",
				who, g.form.Name, g.unit.Name, strings.ToLower(g.pe.Label()))
		}
		return approvedBelow(ctx, tx, g, cu.below)
	}
	return nil
}

// submissionRow is a grid's stored submission (id 0: none yet, a draft).
type submissionRow struct {
	id                     int64
	status, reason         string
	submitted, decided     sql.NullTime
	submittedBy, decidedBy string
	updated                time.Time
}

// readSubmission reads the grid's submission inside the transaction.
func readSubmission(ctx context.Context, tx *sql.Tx, g grid) (submissionRow, error) {
	row := submissionRow{status: kehoach.SubmissionDraft}
	err := tx.QueryRowContext(ctx, `SELECT id, status, reason, submitted_at, submitted_by, decided_at, decided_by FROM submissions
		WHERE form_id = $1 AND unit_id = $2 AND period = $3`, g.form.ID, g.unit.ID, g.pe.String()).
		Scan(&row.id, &row.status, &row.reason, &row.submitted, &row.submittedBy, &row.decided, &row.decidedBy)
	if err != nil && err != sql.ErrNoRows {
		return row, fmt.Errorf("store: submission: %w", err)
	}
	return row, nil
}

// next is the row after action by who at now: a submit stamps the
// submitter, the other actions the decider.
func (r submissionRow) next(action, to, reason, who string, now time.Time) submissionRow {
	n := r
	n.status, n.reason, n.updated = to, reason, now
	if action == kehoach.ActionSubmitFigures {
		n.submitted, n.submittedBy = sql.NullTime{Time: now, Valid: true}, who
	} else {
		n.decided, n.decidedBy = sql.NullTime{Time: now, Valid: true}, who
	}
	return n
}

// submission is the row as the domain returns it.
func (r submissionRow) submission(g grid) *kehoach.Submission {
	s := &kehoach.Submission{Form: g.form.Code, Unit: g.unit.Code, UnitName: g.unit.Name, Period: g.pe.String(), Status: r.status, Reason: r.reason,
		SubmittedBy: r.submittedBy, DecidedBy: r.decidedBy, UpdatedAt: r.updated}
	if r.submitted.Valid {
		s.SubmittedAt = r.submitted.Time
	}
	if r.decided.Valid {
		s.DecidedAt = r.decided.Time
	}
	return s
}

// writeSubmission stores next over cur with a compare-and-set on cur's
// status (a change made meanwhile is stale), and appends the submission
// event and the audit event. It fills next.id for a first submission.
func writeSubmission(ctx context.Context, tx *sql.Tx, g grid, cur submissionRow, next *submissionRow, action string, actor kehoach.Actor) error {
	if cur.id == 0 {
		err := tx.QueryRowContext(ctx, `INSERT INTO submissions (form_id, unit_id, period, status, reason, submitted_at, submitted_by, decided_at, decided_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			g.form.ID, g.unit.ID, g.pe.String(), next.status, next.reason, next.submitted, next.submittedBy, next.decided, next.decidedBy, next.updated).Scan(&next.id)
		if isUniqueViolation(err) {
			return staleSubmission(g, "")
		} else if err != nil {
			return fmt.Errorf("store: submission: %w", err)
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE submissions SET status = $1, reason = $2, submitted_at = $3, submitted_by = $4, decided_at = $5, decided_by = $6, updated_at = $7
			WHERE id = $8 AND status = $9`, next.status, next.reason, next.submitted, next.submittedBy, next.decided, next.decidedBy, next.updated, cur.id, cur.status)
		if err != nil {
			return fmt.Errorf("store: submission: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: submission: %w", err)
		} else if n != 1 {
			return staleSubmission(g, "")
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO submission_events (submission_id, at, actor, address, action, from_status, to_status, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, next.id, next.updated, actor.Username, actor.Address, action, cur.status, next.status, next.reason); err != nil {
		return fmt.Errorf("store: submission event: %w", err)
	}
	return audit(ctx, tx, next.updated, action, "submission", g.key(), statusJSON(cur.status, cur.reason), statusJSON(next.status, next.reason))
}

// statusJSON is a submission's state as the audit log records it.
func statusJSON(status, reason string) string {
	b, _ := json.Marshal(struct {
		Status string `json:"status"`
		Reason string `json:"reason,omitempty"`
	}{status, reason})
	return string(b)
}

// staleSubmission is the ECONFLICT of a status someone changed meanwhile.
func staleSubmission(g grid, now string) error {
	msg := fmt.Sprintf("Trạng thái báo cáo %s của %s, %s vừa được người khác thay đổi", g.form.Name, g.unit.Name, strings.ToLower(g.pe.Label()))
	if now != "" {
		msg += fmt.Sprintf(" (hiện là “%s”)", locale.VI.Submission(now))
	}
	return kehoach.Errorf(kehoach.ECONFLICT, "%s; chưa có gì thay đổi. Hãy xem lại rồi thao tác lại.", msg)
}

// gridHasFigures refuses to submit a grid with no figure saved in its rows
// (gridRows), of the form's elements, in the period.
func gridHasFigures(ctx context.Context, tx *sql.Tx, g grid, rows []*kehoach.Unit) error {
	var n int
	if len(rows) > 0 {
		p := params{args: []any{g.form.ID, g.pe.String(), false}}
		ids := list(&p, changeIDs(rows, func(u *kehoach.Unit) int64 { return u.ID }))
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM data_values v
			JOIN form_elements fe ON fe.element_id = v.element_id AND fe.form_id = $1
			WHERE v.period = $2 AND v.deleted = $3 AND v.unit_id IN (`+ids+`)`, p.args...).Scan(&n)
		if err != nil {
			return fmt.Errorf("store: submission figures: %w", err)
		}
	}
	if n == 0 {
		return kehoach.Errorf(kehoach.EINVALID, "Chưa có số liệu nào của %s, %s được lưu; hãy nhập và lưu số liệu trước khi gửi duyệt.",
			g.unit.Name, strings.ToLower(g.pe.Label()))
	}
	return nil
}

// maxNamed bounds how many units a message names.
const maxNamed = 10

// approvedBelow refuses to approve a grid while a reporting unit below it
// has not been approved.
func approvedBelow(ctx context.Context, tx *sql.Tx, g grid, below []*kehoach.Unit) error {
	if len(below) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT u.code FROM submissions s JOIN units u ON u.id = s.unit_id
		WHERE s.form_id = $1 AND s.period = $2 AND s.status = $3`, g.form.ID, g.pe.String(), kehoach.SubmissionApproved)
	if err != nil {
		return fmt.Errorf("store: submissions below: %w", err)
	}
	defer rows.Close()
	approved := map[string]bool{}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return fmt.Errorf("store: submissions below: %w", err)
		}
		approved[code] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: submissions below: %w", err)
	}
	var names []string
	for _, u := range below {
		if !approved[u.Code] {
			names = append(names, u.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	list := strings.Join(names[:min(len(names), maxNamed)], ", ")
	if len(names) > maxNamed {
		list += fmt.Sprintf(" và %d đơn vị khác", len(names)-maxNamed)
	}
	return kehoach.Errorf(kehoach.EINVALID, "Chưa thể duyệt số liệu của %s, %s: %d đơn vị cấp dưới chưa được duyệt (%s). Duyệt từ dưới lên: hãy duyệt các đơn vị đó trước.",
		g.unit.Name, strings.ToLower(g.pe.Label()), len(names), list)
}

// checkLocked refuses, inside a save's transaction, a change to figures of
// elements elementIDs of units unitIDs for period pe when a submission that
// covers one of them is submitted or approved: a submission of a form
// holding the element, for the unit itself or a unit above it (a commune's
// grid covers its villages).
func checkLocked(ctx context.Context, tx *sql.Tx, pe period.Period, elementIDs, unitIDs []int64) error {
	if len(elementIDs) == 0 || len(unitIDs) == 0 {
		return nil
	}
	p := params{args: []any{pe.String(), kehoach.SubmissionSubmitted, kehoach.SubmissionApproved}}
	units, elements := list(&p, unitIDs), list(&p, elementIDs)
	var status, unitName, formName string
	err := tx.QueryRowContext(ctx, `WITH RECURSIVE up(id) AS (SELECT id FROM units WHERE id IN (`+units+`)
			UNION SELECT p.parent_id FROM units p JOIN up ON p.id = up.id WHERE p.parent_id IS NOT NULL)
		SELECT s.status, u.name, f.name FROM submissions s JOIN units u ON u.id = s.unit_id JOIN forms f ON f.id = s.form_id
		WHERE s.period = $1 AND s.status IN ($2, $3) AND s.unit_id IN (SELECT id FROM up)
		AND s.form_id IN (SELECT form_id FROM form_elements WHERE element_id IN (`+elements+`))
		ORDER BY s.status, u.level, u.sort_key LIMIT 1`, p.args...).Scan(&status, &unitName, &formName)
	if err == sql.ErrNoRows {
		return nil
	} else if err != nil {
		return fmt.Errorf("store: check lock: %w", err)
	}
	return lockedError(status, unitName, formName, pe)
}

// lockedError is the EINVALID of a save into a locked period.
func lockedError(status, unitName, formName string, pe period.Period) error {
	if status == kehoach.SubmissionApproved {
		return kehoach.Errorf(kehoach.EINVALID, "Số liệu kỳ %s của %s (%s) đã được duyệt và khóa; người phê duyệt có thể mở khóa. Chưa lưu số liệu nào.",
			pe.Label(), unitName, formName)
	}
	return kehoach.Errorf(kehoach.EINVALID, "Số liệu kỳ %s của %s (%s) đã gửi duyệt và đang bị khóa; người phê duyệt có thể trả lại để sửa. Chưa lưu số liệu nào.",
		pe.Label(), unitName, formName)
}

// Completeness counts who has reported a form for a period, and on time.
func (db *DB) Completeness(ctx context.Context, f kehoach.CompletenessFilter) (*kehoach.Completeness, error) {
	form, err := db.FindFormByCode(ctx, f.Form)
	if err != nil {
		return nil, err
	}
	pe, err := form.PeriodOf(f.Period)
	if err != nil {
		return nil, err
	}
	out := &kehoach.Completeness{Form: form.Code, FormName: form.Name, Period: pe.String(), Units: []*kehoach.UnitCompleteness{}}
	if f.Parent != "" {
		p, err := findUnitByCode(ctx, db.read, f.Parent)
		if err != nil {
			return nil, err
		}
		out.Parent, out.ParentName = p.Code, p.Name
	}
	asOf := f.AsOf
	if asOf.IsZero() {
		asOf = db.Now()
	}
	scheme := period.Scheme{CutoffDay: form.CutoffDay, DeadlineDays: form.DeadlineDays}
	if err := scheme.Validate(); err != nil {
		return nil, fmt.Errorf("store: form %s scheme: %w", form.Code, err)
	}
	due := scheme.Deadline(pe)
	out.Deadline = kehoach.DateOf(due)
	// On time: before the start of the day after the deadline, in Vietnam.
	end := time.Date(due.Year(), due.Month(), due.Day()+1, 0, 0, 0, 0, kehoach.VietnamZone)
	daysLate := func(t time.Time) int {
		l := t.In(kehoach.VietnamZone)
		day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
		return max(0, int(day.Sub(due).Hours()/24))
	}

	owners, err := db.reportingUnits(ctx, form, pe, f.Parent)
	if err != nil {
		return nil, err
	}
	if f.Within != nil {
		inScope := map[string]bool{}
		if len(f.Within) > 0 {
			scoped, err := findUnits(ctx, db.read, kehoach.UnitFilter{Within: f.Within})
			if err != nil {
				return nil, err
			}
			for _, u := range scoped {
				inScope[u.Code] = true
			}
		}
		owners = slices.DeleteFunc(owners, func(u *kehoach.Unit) bool { return !inScope[u.Code] })
	}
	subs, err := db.FindSubmissions(ctx, kehoach.SubmissionFilter{Form: form.Code, Period: pe.String()})
	if err != nil {
		return nil, err
	}
	byUnit := map[string]*kehoach.Submission{}
	for _, s := range subs {
		byUnit[s.Unit] = s
	}
	var reported []*kehoach.UnitCompleteness
	for _, u := range owners {
		uc := &kehoach.UnitCompleteness{Unit: u.Code, Name: u.Name, Kind: u.Kind, Parent: u.ParentCode, Status: kehoach.SubmissionDraft}
		if s := byUnit[u.Code]; s != nil {
			uc.Status, uc.SubmittedAt, uc.SubmittedBy = s.Status, s.SubmittedAt, s.SubmittedBy
		}
		out.Expected++
		if kehoach.SubmissionLocked(uc.Status) {
			uc.Reported = true
			out.Submitted++
			if uc.SubmittedAt.Before(end) {
				uc.OnTime = true
				out.OnTime++
			} else {
				uc.DaysLate = daysLate(uc.SubmittedAt)
			}
			reported = append(reported, uc)
			continue
		}
		uc.DaysLate = daysLate(asOf)
		out.Units = append(out.Units, uc)
	}
	out.Units = append(out.Units, reported...)
	if out.Expected > 0 {
		out.CompletenessRate = 100 * float64(out.Submitted) / float64(out.Expected)
		out.OnTimeRate = 100 * float64(out.OnTime) / float64(out.Expected)
	}
	return out, nil
}

// changeIDs returns the distinct ids that id picks from changes, for
// checkLocked.
func changeIDs[T any](changes []T, id func(T) int64) []int64 {
	var out []int64
	for _, c := range changes {
		if v := id(c); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
