package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// taskReports reads reports (newest first) with their evidence, without
// the files' content, for the condition cond on r.
func (db *DB) taskReports(ctx context.Context, cond string, args ...any) ([]*kehoach.Progress, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.task_id, r.occurrence, u.code, u.name, r.body, r.work, r.percent, r.on_date, r.state, r.reason, r.created_by, r.created_at, r.decided_by, r.decided_at
		FROM task_reports r JOIN units u ON u.id = r.unit_id WHERE `+cond+` ORDER BY r.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: task reports: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Progress
	byID := map[int64]*kehoach.Progress{}
	for rows.Next() {
		var r kehoach.Progress
		var on string
		var decided sql.NullTime
		if err := rows.Scan(&r.ID, &r.TaskID, &r.Occurrence, &r.Unit, &r.UnitName, &r.Text, &r.Work, &r.Percent, &on, &r.State, &r.Reason, &r.CreatedBy, &r.CreatedAt, &r.DecidedBy, &decided); err != nil {
			return nil, fmt.Errorf("store: task reports: %w", err)
		}
		r.On, r.DecidedAt = kehoach.Date(on), decided.Time
		out = append(out, &r)
		byID[r.ID] = &r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	var p params
	ids := make([]int64, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	erows, err := db.read.QueryContext(ctx, `SELECT id, report_id, name, content_type, size, sha256 FROM task_evidence WHERE report_id IN (`+list(&p, ids)+`) ORDER BY id`, p.args...)
	if err != nil {
		return nil, fmt.Errorf("store: evidence: %w", err)
	}
	defer erows.Close()
	for erows.Next() {
		var e kehoach.Evidence
		var rid int64
		if err := erows.Scan(&e.ID, &rid, &e.Name, &e.Type, &e.Size, &e.SHA256); err != nil {
			return nil, err
		}
		byID[rid].Evidence = append(byID[rid].Evidence, &e)
	}
	return out, erows.Err()
}

// SaveProgress checks and stores a report with its evidence in one
// transaction; nothing is stored when anything is wrong.
func (db *DB) SaveProgress(ctx context.Context, in kehoach.ProgressInput) (*kehoach.Progress, error) {
	in.Text = strings.TrimSpace(vntext.NFC(in.Text))
	in.Unit = strings.TrimSpace(in.Unit)
	d, err := db.FindTaskByID(ctx, in.TaskID, "")
	if err != nil {
		return nil, err
	}
	// The span: one occurrence per owner when the lead's work went to
	// several bodies (kehoach.TaskOwners); the unit's own, else the first.
	var occ *kehoach.Occurrence
	var owners, coords []string
	for i := range d.Occurrences {
		if o := &d.Occurrences[i]; o.Key == in.Occurrence {
			owners = append(owners, o.Owner)
			coords = append(coords, o.Coordinators...)
			if occ == nil || o.Owner == in.Unit {
				occ = o
			}
		}
	}
	if occ == nil {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: fmt.Sprintf("Nhiệm vụ %s không có kỳ báo cáo %q.", d.Task.Code, in.Occurrence),
			Fields: map[string]string{"occurrence": "Kỳ báo cáo không có."}}
	}
	if in.Unit == "" {
		if len(owners) > 1 {
			return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: fmt.Sprintf("Kỳ báo cáo này của nhiệm vụ %s giao cho %d đơn vị; hãy chọn đơn vị báo cáo.", d.Task.Code, len(owners)),
				Fields: map[string]string{"unit": "Chọn đơn vị báo cáo."}}
		}
		in.Unit = occ.Owner
	}
	answers := slices.Contains(owners, in.Unit) || slices.Contains(coords, in.Unit) || in.Unit == d.Task.LeadCode
	for _, c := range d.Task.Coordinators {
		answers = answers || c == in.Unit
	}
	if !answers {
		return nil, &kehoach.Error{Code: kehoach.EFORBIDDEN, Message: fmt.Sprintf("Đơn vị %s không chủ trì hay phối hợp nhiệm vụ %s.", in.Unit, d.Task.Code),
			Fields: map[string]string{"unit": "Đơn vị không được giao nhiệm vụ này."}}
	}
	if err := db.checkEntry(ctx, in.Unit); err != nil {
		return nil, err
	}
	if err := kehoach.CheckProgress(&in, *occ, db.today()); err != nil {
		return nil, err
	}
	if len(in.Files) > kehoach.EvidenceMaxFiles {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Quá nhiều tệp minh chứng; chưa lưu gì.",
			Fields: map[string]string{"evidence": "Tối đa " + strconv.Itoa(kehoach.EvidenceMaxFiles) + " tệp mỗi báo cáo."}}
	}
	types := make([]string, len(in.Files))
	for i, f := range in.Files {
		if types[i], err = kehoach.SniffEvidence(f.Name, f.Data); err != nil {
			return nil, err
		}
	}
	state := kehoach.ProgressDraft
	if in.Submit {
		state = kehoach.ProgressSubmitted
	}
	actor := actorName(ctx)
	now := db.Now().UTC()
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var uid int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, in.Unit).Scan(&uid); err != nil {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có đơn vị mã %q", in.Unit)
	}
	r := &kehoach.Progress{TaskID: in.TaskID, Occurrence: in.Occurrence, Unit: in.Unit, Text: in.Text, Work: in.Work, Percent: in.Percent,
		On: in.On, State: state, CreatedBy: actor, CreatedAt: now}
	if err := tx.QueryRowContext(ctx, `INSERT INTO task_reports (task_id, occurrence, unit_id, body, work, percent, on_date, state, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		in.TaskID, in.Occurrence, uid, in.Text, in.Work, in.Percent, string(in.On), state, actor, now).Scan(&r.ID); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: task report: %w", err))
	}
	for i, f := range in.Files {
		sum := sha256.Sum256(f.Data)
		e := &kehoach.Evidence{Name: vntext.NFC(f.Name), Type: types[i], Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:])}
		if err := tx.QueryRowContext(ctx, `INSERT INTO task_evidence (report_id, name, content_type, size, sha256, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			r.ID, e.Name, e.Type, e.Size, e.SHA256, f.Data).Scan(&e.ID); err != nil {
			return nil, classifyWriteError(fmt.Errorf("store: evidence: %w", err))
		}
		r.Evidence = append(r.Evidence, e)
	}
	js, _ := json.Marshal(map[string]any{"task": d.Task.Code, "occurrence": in.Occurrence, "unit": in.Unit, "work": in.Work, "percent": in.Percent, "date": in.On, "state": state, "evidence": len(in.Files)})
	if err := audit(ctx, tx, now, kehoach.AuditCreate, kehoach.AuditTaskReport, strconv.FormatInt(r.ID, 10), "", string(js)); err != nil {
		return nil, err
	}
	if err := bumpTasks(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: commit task report: %w", err))
	}
	return r, nil
}

// progressAuditAction names a report's change in the audit log.
var progressAuditAction = map[string]string{
	kehoach.ActionSubmitProgress: kehoach.AuditSubmit,
	kehoach.ActionAcceptProgress: kehoach.AuditApprove,
	kehoach.ActionReturnProgress: kehoach.AuditReturn,
}

// checkEntry refuses a unit outside the Actor's Entry scope.
func (db *DB) checkEntry(ctx context.Context, unit string) error {
	a := kehoach.ActorFromContext(ctx)
	if a.Entry.All {
		return nil
	}
	anc, err := db.FindAncestors(ctx, unit)
	if err != nil {
		return err
	}
	if !a.Entry.Covers(anc) {
		return kehoach.Errorf(kehoach.EFORBIDDEN, "Bạn không có quyền báo cáo cho đơn vị %s.", unit)
	}
	return nil
}

// ChangeProgress submits, accepts or returns a report.
func (db *DB) ChangeProgress(ctx context.Context, id int64, action, reason string) (*kehoach.Progress, error) {
	reason = strings.TrimSpace(vntext.NFC(reason))
	if action == kehoach.ActionReturnProgress && reason == "" {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Trả lại báo cáo cần ghi lý do.", Fields: map[string]string{"reason": "Cần ghi lý do trả lại."}}
	}
	if len([]rune(reason)) > kehoach.SubmissionReasonMaxLen {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Lý do dài quá.", Fields: map[string]string{"reason": "Tối đa 1000 ký tự."}}
	}
	reps, err := db.taskReports(ctx, "r.id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(reps) == 0 {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có báo cáo tiến độ số %d", id)
	}
	r := reps[0]
	to, ok := kehoach.ProgressTransition(action, r.State)
	if !ok {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Báo cáo đang ở trạng thái %q, không thể %s.", r.State, action)
	}
	if action == kehoach.ActionSubmitProgress {
		if err := db.checkEntry(ctx, r.Unit); err != nil {
			return nil, err
		}
	} else if !kehoach.IsPlanner(ctx) {
		// The lead body decides: the owner of the occurrence, or the task's
		// lead.
		d, err := db.FindTaskByID(ctx, r.TaskID, "")
		if err != nil {
			return nil, err
		}
		allowed := false
		for _, o := range d.Occurrences {
			if o.Key == r.Occurrence {
				for _, u := range []string{o.Owner, d.Task.LeadCode} {
					if db.checkEntry(ctx, u) == nil {
						allowed = true
					}
				}
			}
		}
		if !allowed {
			return nil, kehoach.Errorf(kehoach.EFORBIDDEN, "Chỉ cơ quan chủ trì nhiệm vụ hoặc cán bộ kế hoạch mới được duyệt báo cáo này.")
		}
	}
	now := db.Now().UTC()
	actor := actorName(ctx)
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var res sql.Result
	if action == kehoach.ActionSubmitProgress {
		res, err = tx.ExecContext(ctx, `UPDATE task_reports SET state = $1 WHERE id = $2 AND state = $3`, to, id, r.State)
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE task_reports SET state = $1, reason = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND state = $6`, to, reason, actor, now, id, r.State)
	}
	if err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: task report: %w", err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, kehoach.Errorf(kehoach.ECONFLICT, "Báo cáo vừa được người khác thay đổi; hãy tải lại trang.")
	}
	if err := audit(ctx, tx, now, progressAuditAction[action], kehoach.AuditTaskReport, strconv.FormatInt(id, 10), r.State, to+" "+reason); err != nil {
		return nil, err
	}
	if err := bumpTasks(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: commit task report: %w", err))
	}
	r.State = to
	if action != kehoach.ActionSubmitProgress {
		r.Reason, r.DecidedBy, r.DecidedAt = reason, actor, now
	}
	return r, nil
}

// FindEvidence returns one evidence file with its content.
func (db *DB) FindEvidence(ctx context.Context, id int64) (*kehoach.Evidence, error) {
	var e kehoach.Evidence
	var unit string
	err := db.read.QueryRowContext(ctx, `SELECT e.id, e.name, e.content_type, e.size, e.sha256, e.data, u.code FROM task_evidence e
		JOIN task_reports r ON r.id = e.report_id JOIN units u ON u.id = r.unit_id WHERE e.id = $1`, id).
		Scan(&e.ID, &e.Name, &e.Type, &e.Size, &e.SHA256, &e.Data, &unit)
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có tệp minh chứng số %d", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: evidence %d: %w", id, err)
	}
	a := kehoach.ActorFromContext(ctx)
	if !a.View.All {
		anc, err := db.FindAncestors(ctx, unit)
		if err != nil {
			return nil, err
		}
		if !a.View.Covers(anc) && !kehoach.IsPlanner(ctx) {
			return nil, kehoach.Errorf(kehoach.EFORBIDDEN, "Bạn không có quyền xem tệp này.")
		}
	}
	return &e, nil
}

// CreateTask adds a task to a plan.
func (db *DB) CreateTask(ctx context.Context, in kehoach.TaskInput) (*kehoach.Task, error) {
	in.Code, in.Section = strings.TrimSpace(in.Code), strings.TrimSpace(in.Section)
	in.Title = strings.TrimSpace(vntext.NFC(in.Title))
	f := map[string]string{}
	if in.Code == "" {
		f["code"] = "Cần mã nhiệm vụ."
	}
	if in.Section == "" {
		f["section"] = "Cần số mục của kế hoạch."
	}
	if in.Title == "" {
		f["title"] = "Cần nội dung nhiệm vụ."
	} else if len([]rune(in.Title)) > kehoach.TaskTitleMaxLen {
		f["title"] = "Nội dung dài quá 1000 ký tự."
	}
	if !validKind(in.Kind) {
		f["kind"] = "Loại phải là thường xuyên, hằng năm hoặc một lần."
	}
	if _, err := kehoach.ParseDate(string(in.Start)); err != nil {
		f["start"] = "Ngày bắt đầu không hợp lệ (NNNN-TT-NN)."
	}
	if in.Due.IsZero() {
		f["due"] = "Cần hạn hoàn thành."
	} else if _, err := kehoach.ParseDate(string(in.Due)); err != nil {
		f["due"] = "Hạn không hợp lệ (NNNN-TT-NN)."
	} else if !in.Start.IsZero() && in.Start > in.Due {
		f["due"] = "Hạn trước ngày bắt đầu."
	}
	var plan struct{ from, to string }
	if err := db.read.QueryRowContext(ctx, `SELECT horizon_from, horizon_to FROM plans WHERE id = $1`, in.PlanID).Scan(&plan.from, &plan.to); err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có kế hoạch số %d", in.PlanID)
	} else if err != nil {
		return nil, fmt.Errorf("store: plan: %w", err)
	}
	// A unit must exist on the day work starts and until it is due.
	first := in.Start
	if first.IsZero() {
		first = kehoach.Date(plan.from + "-01-01")
	}
	unitOK := func(field, code string) int64 {
		u, err := findUnitByCode(ctx, db.read, code)
		if err != nil {
			f[field] = fmt.Sprintf("Không có đơn vị mã %q.", code)
			return 0
		}
		if !u.ValidOn(first) || (!in.Due.IsZero() && in.Kind == kehoach.TaskOnce && !u.ValidOn(in.Due)) {
			f[field] = fmt.Sprintf("Đơn vị %s không tồn tại trong thời gian của nhiệm vụ (đã giải thể, sáp nhập hoặc chưa thành lập).", u.Name)
			return 0
		}
		return u.ID
	}
	var lead int64
	if in.Lead == "" {
		f["lead"] = "Cần cơ quan chủ trì."
	} else {
		lead = unitOK("lead", in.Lead)
	}
	coord := make([]int64, 0, len(in.Coordinators))
	for _, c := range in.Coordinators {
		if c = strings.TrimSpace(c); c != "" {
			coord = append(coord, unitOK("coordinators", c))
		}
	}
	if len(f) > 0 {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Nhiệm vụ chưa hợp lệ; chưa lưu gì.", Fields: f}
	}
	if err := db.checkEntry(ctx, in.Lead); err != nil && !kehoach.IsPlanner(ctx) {
		return nil, err
	}
	t := &kehoach.Task{Code: in.Code, Section: in.Section, Title: in.Title, LeadCode: in.Lead, Coordinators: in.Coordinators, Kind: in.Kind,
		Start: in.Start, Due: in.Due, Targets: in.Targets, Status: kehoach.TaskOpen}
	now := db.Now().UTC()
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var pos int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), -1) + 1 FROM tasks WHERE plan_id = $1`, in.PlanID).Scan(&pos); err != nil {
		return nil, fmt.Errorf("store: task: %w", err)
	}
	rec := ""
	if in.Kind == kehoach.TaskYearly {
		rec = "yearly"
	}
	t.Recurrence = rec
	if err := tx.QueryRowContext(ctx, `INSERT INTO tasks (plan_id, code, section, title, lead_id, recurrence, due, status, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		in.PlanID, t.Code, t.Section, t.Title, lead, rec, string(t.Due), t.Status, pos).Scan(&t.ID); err != nil {
		if isUniqueViolation(err) {
			return nil, &kehoach.Error{Code: kehoach.ECONFLICT, Message: "Kế hoạch đã có nhiệm vụ mã " + t.Code + ".", Fields: map[string]string{"code": "Mã đã dùng."}}
		}
		return nil, classifyWriteError(fmt.Errorf("store: task: %w", err))
	}
	for _, id := range coord {
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_units (task_id, unit_id) VALUES ($1, $2)`, t.ID, id); err != nil {
			return nil, fmt.Errorf("store: task units: %w", err)
		}
	}
	if err := insertTaskExtras(ctx, tx, &kehoach.Plan{ID: in.PlanID}, t); err != nil {
		if e, ok := err.(*kehoach.Error); ok {
			e.Fields = map[string]string{"targets": e.Message}
		}
		return nil, err
	}
	js, _ := json.Marshal(t)
	if err := audit(ctx, tx, now, kehoach.AuditCreate, kehoach.AuditTask, strconv.FormatInt(t.ID, 10), "", string(js)); err != nil {
		return nil, err
	}
	if err := bumpTasks(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: commit task: %w", err))
	}
	return t, nil
}
