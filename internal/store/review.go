package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

var _ kehoach.ReviewService = (*DB)(nil)

func needPlanner(ctx context.Context) error {
	if !kehoach.IsPlanner(ctx) && !kehoach.ActorFromContext(ctx).Entry.All {
		return kehoach.Errorf(kehoach.EFORBIDDEN, "Chỉ cán bộ kế hoạch mới được làm việc này.")
	}
	return nil
}

// FindReviews lists a plan's reviews, oldest first.
func (db *DB) FindReviews(ctx context.Context, planID int64) ([]*kehoach.Review, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, plan_id, kind, title, held_on FROM plan_reviews WHERE plan_id = $1 ORDER BY held_on, id`, planID)
	if err != nil {
		return nil, fmt.Errorf("store: reviews: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.Review
	for rows.Next() {
		var r kehoach.Review
		var held string
		if err := rows.Scan(&r.ID, &r.PlanID, &r.Kind, &r.Title, &held); err != nil {
			return nil, err
		}
		r.HeldOn = kehoach.Date(held)
		out = append(out, &r)
	}
	return out, rows.Err()
}

// FindReview returns a review with assessments and commendations.
func (db *DB) FindReview(ctx context.Context, id int64) (*kehoach.Review, error) {
	var r kehoach.Review
	var held string
	err := db.read.QueryRowContext(ctx, `SELECT id, plan_id, kind, title, held_on FROM plan_reviews WHERE id = $1`, id).Scan(&r.ID, &r.PlanID, &r.Kind, &r.Title, &held)
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có đợt sơ kết, tổng kết số %d", id)
	} else if err != nil {
		return nil, fmt.Errorf("store: review: %w", err)
	}
	r.HeldOn = kehoach.Date(held)
	plan, err := db.FindPlanByID(ctx, r.PlanID)
	if err != nil {
		return nil, err
	}
	serves := map[int64][]string{}
	for _, t := range plan.Tasks {
		serves[t.ID] = t.Targets
	}
	rows, err := db.read.QueryContext(ctx, `SELECT u.code, u.name, a.body, a.self_score, a.created_by FROM review_assessments a JOIN units u ON u.id = a.unit_id
		WHERE a.review_id = $1 ORDER BY u.sort_key`, id)
	if err != nil {
		return nil, fmt.Errorf("store: assessments: %w", err)
	}
	for rows.Next() {
		var a kehoach.Assessment
		if err := rows.Scan(&a.Unit, &a.UnitName, &a.Text, &a.SelfScore, &a.By); err != nil {
			rows.Close()
			return nil, err
		}
		r.Assessments = append(r.Assessments, &a)
	}
	rows.Close()
	for _, a := range r.Assessments {
		occ, err := db.FindTasks(ctx, kehoach.TaskFilter{PlanID: r.PlanID, Unit: a.Unit, AsOf: r.HeldOn, Started: true})
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, o := range occ {
			a.Count.Add(o.State)
			for _, c := range serves[o.TaskID] {
				if !seen[c] {
					seen[c] = true
					a.Targets = append(a.Targets, c)
				}
			}
		}
	}
	crow, err := db.read.QueryContext(ctx, `SELECT c.id, COALESCE(u.code, ''), COALESCE(u.name, ''), c.person, c.achievement, c.level, c.decision, c.decided_on
		FROM commendations c LEFT JOIN units u ON u.id = c.unit_id WHERE c.review_id = $1 ORDER BY c.id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: commendations: %w", err)
	}
	defer crow.Close()
	for crow.Next() {
		c := kehoach.Commendation{ReviewID: id}
		var on string
		if err := crow.Scan(&c.ID, &c.Unit, &c.UnitName, &c.Person, &c.Achievement, &c.Level, &c.Decision, &on); err != nil {
			return nil, err
		}
		c.DecidedOn = kehoach.Date(on)
		r.Commendations = append(r.Commendations, &c)
	}
	return &r, crow.Err()
}

// CreateReview adds a review of a plan.
func (db *DB) CreateReview(ctx context.Context, in kehoach.ReviewInput) (*kehoach.Review, error) {
	if err := needPlanner(ctx); err != nil {
		return nil, err
	}
	in.Title = strings.TrimSpace(vntext.NFC(in.Title))
	var from, to string
	if err := db.read.QueryRowContext(ctx, `SELECT horizon_from, horizon_to FROM plans WHERE id = $1`, in.PlanID).Scan(&from, &to); err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "không có kế hoạch số %d", in.PlanID)
	} else if err != nil {
		return nil, fmt.Errorf("store: plan: %w", err)
	}
	f := map[string]string{}
	if in.Kind != kehoach.ReviewPreliminary && in.Kind != kehoach.ReviewFinal {
		f["kind"] = "Chọn sơ kết hoặc tổng kết."
	}
	if in.Title == "" {
		f["title"] = "Cần tên đợt sơ kết, tổng kết."
	}
	if in.HeldOn.IsZero() {
		f["heldOn"] = "Cần ngày tổ chức."
	} else if string(in.HeldOn) < from || string(in.HeldOn[:4]) > to {
		f["heldOn"] = "Ngày tổ chức phải trong thời gian của kế hoạch (" + from + "–" + to + ")."
	}
	if len(f) > 0 {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Đợt sơ kết, tổng kết chưa hợp lệ; chưa lưu gì.", Fields: f}
	}
	r := &kehoach.Review{PlanID: in.PlanID, Kind: in.Kind, Title: in.Title, HeldOn: in.HeldOn}
	return r, db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now().UTC()
		if err := tx.QueryRowContext(ctx, `INSERT INTO plan_reviews (plan_id, kind, title, held_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			in.PlanID, in.Kind, in.Title, string(in.HeldOn), actorName(ctx), now).Scan(&r.ID); err != nil {
			return fmt.Errorf("store: review: %w", err)
		}
		js, _ := json.Marshal(r)
		return audit(ctx, tx, now, kehoach.AuditCreate, kehoach.AuditReview, strconv.FormatInt(r.ID, 10), "", string(js))
	})
}

// inTx runs fn in a write transaction and commits it.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return classifyWriteError(err)
	}
	if err := tx.Commit(); err != nil {
		return classifyWriteError(fmt.Errorf("store: commit: %w", err))
	}
	return nil
}

// SaveAssessment stores or replaces a body's self-assessment.
func (db *DB) SaveAssessment(ctx context.Context, reviewID int64, a kehoach.Assessment) error {
	a.Text = strings.TrimSpace(vntext.NFC(a.Text))
	f := map[string]string{}
	if a.Text == "" {
		f["text"] = "Cần nội dung tự đánh giá."
	} else if len([]rune(a.Text)) > kehoach.ProgressTextMaxLen {
		f["text"] = "Nội dung dài quá 5000 ký tự."
	}
	if a.SelfScore < 0 || a.SelfScore > 100 {
		f["selfScore"] = "Điểm tự chấm phải từ 0 đến 100."
	}
	if len(f) > 0 {
		return &kehoach.Error{Code: kehoach.EINVALID, Message: "Bản tự đánh giá chưa hợp lệ; chưa lưu gì.", Fields: f}
	}
	if _, err := db.FindReview(ctx, reviewID); err != nil {
		return err
	}
	if err := db.checkEntry(ctx, a.Unit); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now().UTC()
		var uid int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE code = $1`, a.Unit).Scan(&uid); err != nil {
			return kehoach.Errorf(kehoach.ENOTFOUND, "không có đơn vị mã %q", a.Unit)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM review_assessments WHERE review_id = $1 AND unit_id = $2`, reviewID, uid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO review_assessments (review_id, unit_id, body, self_score, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			reviewID, uid, a.Text, a.SelfScore, actorName(ctx), now); err != nil {
			return fmt.Errorf("store: assessment: %w", err)
		}
		return audit(ctx, tx, now, kehoach.AuditUpdate, kehoach.AuditReview, strconv.FormatInt(reviewID, 10)+"/"+a.Unit, "", fmt.Sprintf("%d %s", a.SelfScore, a.Text))
	})
}

// AddCommendation records a commendation on a review.
func (db *DB) AddCommendation(ctx context.Context, c kehoach.Commendation) (*kehoach.Commendation, error) {
	if err := needPlanner(ctx); err != nil {
		return nil, err
	}
	c.Achievement, c.Person, c.Decision = strings.TrimSpace(vntext.NFC(c.Achievement)), strings.TrimSpace(vntext.NFC(c.Person)), strings.TrimSpace(vntext.NFC(c.Decision))
	f := map[string]string{}
	if c.Achievement == "" {
		f["achievement"] = "Cần ghi thành tích được khen."
	}
	if c.Unit == "" && c.Person == "" {
		f["unit"] = "Cần đơn vị hoặc cá nhân được khen."
	}
	ok := false
	for _, l := range kehoach.CommendLevels {
		ok = ok || l == c.Level
	}
	if !ok {
		f["level"] = "Chọn hình thức khen thưởng."
	}
	if c.Decision == "" {
		f["decision"] = "Cần số quyết định khen thưởng."
	}
	if c.DecidedOn.IsZero() {
		f["decidedOn"] = "Cần ngày quyết định."
	}
	var uid any
	if c.Unit != "" {
		u, err := findUnitByCode(ctx, db.read, c.Unit)
		if err != nil {
			f["unit"] = fmt.Sprintf("Không có đơn vị mã %q.", c.Unit)
		} else {
			uid, c.UnitName = u.ID, u.Name
		}
	}
	if len(f) > 0 {
		return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "Khen thưởng chưa hợp lệ; chưa lưu gì.", Fields: f}
	}
	if _, err := db.FindReview(ctx, c.ReviewID); err != nil {
		return nil, err
	}
	return &c, db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.Now().UTC()
		if err := tx.QueryRowContext(ctx, `INSERT INTO commendations (review_id, unit_id, person, achievement, level, decision, decided_on) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			c.ReviewID, uid, c.Person, c.Achievement, c.Level, c.Decision, string(c.DecidedOn)).Scan(&c.ID); err != nil {
			return fmt.Errorf("store: commendation: %w", err)
		}
		js, _ := json.Marshal(c)
		return audit(ctx, tx, now, kehoach.AuditCreate, kehoach.AuditCommendation, strconv.FormatInt(c.ID, 10), "", string(js))
	})
}

// FindCriteria returns a plan's emulation criteria.
func (db *DB) FindCriteria(ctx context.Context, planID int64) ([]kehoach.Criterion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT name, kind, weight FROM emulation_criteria WHERE plan_id = $1 ORDER BY position`, planID)
	if err != nil {
		return nil, fmt.Errorf("store: criteria: %w", err)
	}
	defer rows.Close()
	var out []kehoach.Criterion
	for rows.Next() {
		var c kehoach.Criterion
		if err := rows.Scan(&c.Name, &c.Kind, &c.Weight); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCriteria replaces a plan's emulation criteria.
func (db *DB) SaveCriteria(ctx context.Context, planID int64, cs []kehoach.Criterion) error {
	if err := needPlanner(ctx); err != nil {
		return err
	}
	f := map[string]string{}
	for i := range cs {
		cs[i].Name = strings.TrimSpace(vntext.NFC(cs[i].Name))
		n := strconv.Itoa(i + 1)
		switch {
		case cs[i].Name == "":
			f["name"+n] = "Tiêu chí " + n + " cần tên."
		case !kehoach.ValidCriterion(cs[i].Kind):
			f["kind"+n] = "Tiêu chí " + n + ": loại “" + cs[i].Kind + "” không có."
		case !(cs[i].Weight > 0) || cs[i].Weight > 100:
			f["weight"+n] = "Tiêu chí " + n + ": trọng số phải lớn hơn 0 và không quá 100."
		}
		if ind, ok := strings.CutPrefix(cs[i].Kind, kehoach.CriterionIndicator); ok && f["kind"+n] == "" {
			var x int
			if db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM indicators WHERE code = $1`, ind).Scan(&x); x == 0 {
				f["kind"+n] = "Tiêu chí " + n + ": không có chỉ tiêu mã " + ind + "."
			}
		}
	}
	if len(f) > 0 {
		return &kehoach.Error{Code: kehoach.EINVALID, Message: "Tiêu chí thi đua chưa hợp lệ; chưa lưu gì.", Fields: f}
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM emulation_criteria WHERE plan_id = $1`, planID); err != nil {
			return err
		}
		for i, c := range cs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO emulation_criteria (plan_id, name, kind, weight, position) VALUES ($1, $2, $3, $4, $5)`, planID, c.Name, c.Kind, c.Weight, i); err != nil {
				return fmt.Errorf("store: criteria: %w", err)
			}
		}
		js, _ := json.Marshal(cs)
		return audit(ctx, tx, db.Now().UTC(), kehoach.AuditUpdate, kehoach.AuditReview, "criteria/"+strconv.FormatInt(planID, 10), "", string(js))
	})
}
