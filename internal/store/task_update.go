package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
)

// taskFieldNames names a task's fields in messages, as the edit form
// labels them.
var taskFieldNames = map[string]string{
	"lead": "Cơ quan chủ trì", "coordinators": "Đơn vị phối hợp", "targets": "Mục tiêu phục vụ",
}

// UpdateTask changes a task (see kehoach.TaskService).
func (db *DB) UpdateTask(ctx context.Context, id int64, in kehoach.TaskInput) (*kehoach.Task, error) {
	in.Section = strings.TrimSpace(in.Section)
	in.Title = strings.TrimSpace(vntext.NFC(in.Title))
	in.Lead = strings.TrimSpace(in.Lead)
	if !kehoach.IsPlanner(ctx) {
		return nil, kehoach.Errorf(kehoach.EFORBIDDEN, "Chỉ cán bộ kế hoạch mới được sửa nhiệm vụ.")
	}
	old, err := db.FindTaskByID(ctx, id, "")
	if err != nil {
		return nil, err
	}
	f := kehoach.CheckTaskFields(&in)
	var plan struct{ from, to string }
	if err := db.read.QueryRowContext(ctx, `SELECT horizon_from, horizon_to FROM plans WHERE id = $1`, old.PlanID).Scan(&plan.from, &plan.to); err != nil {
		return nil, fmt.Errorf("store: task %d plan: %w", id, err)
	}
	// The day the units must exist on: today while the task runs, its due
	// date once past, its start before it begins.
	on := db.today()
	if !in.Due.IsZero() && in.Due < on {
		on = in.Due
	}
	first := in.Start
	if first.IsZero() {
		first = kehoach.Date(plan.from + "-01-01")
	}
	if on < first {
		on = first
	}
	unitID := func(field, code string) int64 {
		name := taskFieldNames[field]
		u, err := findUnitByCode(ctx, db.read, code)
		if err != nil {
			f[field] = fmt.Sprintf("%s: không có đơn vị mã %q.", name, code)
			return 0
		}
		switch {
		case !u.ValidTo.IsZero() && on > u.ValidTo:
			f[field] = fmt.Sprintf("%s: %s đã thôi hoạt động từ %s (giải thể, sáp nhập); hãy chọn đơn vị đang hoạt động.", name, u.Name, locale.VI.Day(string(kehoach.DateOf(u.ValidTo.Time().AddDate(0, 0, 1)))))
			return 0
		case !u.ValidFrom.IsZero() && on < u.ValidFrom:
			f[field] = fmt.Sprintf("%s: %s đến %s mới thành lập.", name, u.Name, locale.VI.Day(string(u.ValidFrom)))
			return 0
		}
		return u.ID
	}
	var lead int64
	if in.Lead == "" {
		f["lead"] = "Cơ quan chủ trì: cần chọn một đơn vị."
	} else {
		lead = unitID("lead", in.Lead)
	}
	var coord []int64
	var coordCodes []string
	for _, c := range in.Coordinators {
		if c = strings.TrimSpace(c); c == "" || c == in.Lead {
			continue
		}
		if _, ok := f["coordinators"]; ok {
			break
		}
		if uid := unitID("coordinators", c); uid != 0 {
			coord = append(coord, uid)
			coordCodes = append(coordCodes, c)
		}
	}
	in.Coordinators = coordCodes
	var targets []int64
	for _, code := range in.Targets {
		var tid int64
		if err := db.read.QueryRowContext(ctx, `SELECT id FROM targets WHERE plan_id = $1 AND code = $2`, old.PlanID, code).Scan(&tid); err != nil {
			f["targets"] = fmt.Sprintf("Mục tiêu phục vụ: kế hoạch không có mục tiêu %q.", code)
			break
		}
		targets = append(targets, tid)
	}
	if len(f) > 0 {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Nhiệm vụ chưa hợp lệ; chưa lưu gì.", Fields: f}
	}
	t := *old.Task
	before, _ := json.Marshal(t)
	t.Section, t.Title, t.LeadCode, t.Coordinators, t.Kind, t.Start, t.Due, t.Targets = in.Section, in.Title, in.Lead, in.Coordinators, in.Kind, in.Start, in.Due, in.Targets
	t.Recurrence = ""
	if t.Kind == kehoach.TaskYearly {
		t.Recurrence = "yearly"
	}
	now := db.Now().UTC()
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := planHeadFor(ctx, tx, old.PlanID, "lead"); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tasks SET section = $1, title = $2, lead_id = $3, kind = $4, recurrence = $5, start_on = $6, due = $7 WHERE id = $8`,
		t.Section, t.Title, lead, t.Kind, t.Recurrence, string(t.Start), string(t.Due), id); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: task %d: %w", id, err))
	}
	for _, q := range []string{`DELETE FROM task_units WHERE task_id = $1`, `DELETE FROM task_targets WHERE task_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return nil, classifyWriteError(fmt.Errorf("store: task %d: %w", id, err))
		}
	}
	for _, u := range coord {
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_units (task_id, unit_id) VALUES ($1, $2)`, id, u); err != nil {
			return nil, classifyWriteError(fmt.Errorf("store: task units: %w", err))
		}
	}
	for _, g := range targets {
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_targets (task_id, target_id) VALUES ($1, $2)`, id, g); err != nil {
			return nil, classifyWriteError(fmt.Errorf("store: task targets: %w", err))
		}
	}
	after, _ := json.Marshal(t)
	if err := audit(ctx, tx, now, kehoach.AuditUpdate, kehoach.AuditTask, strconv.FormatInt(id, 10), string(before), string(after)); err != nil {
		return nil, err
	}
	if err := bumpTasks(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: commit task: %w", err))
	}
	return &t, nil
}
