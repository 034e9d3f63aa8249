package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"kehoach"
	"kehoach/internal/vntext"
)

var _ kehoach.ReportService = (*DB)(nil)

const reportColumns = `id, plan_id, kind, period, texts, version, status, updated_by, updated_at, issued_by, issued_at, frozen`

func scanReport(row interface{ Scan(...any) error }) (*kehoach.ReportDraft, error) {
	var d kehoach.ReportDraft
	var texts string
	var issued sql.NullTime
	if err := row.Scan(&d.ID, &d.PlanID, &d.Kind, &d.Period, &texts, &d.Version, &d.Status, &d.UpdatedBy, &d.UpdatedAt, &d.IssuedBy, &issued, &d.Frozen); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(texts), &d.Texts); err != nil {
		return nil, fmt.Errorf("store: report %d texts: %w", d.ID, err)
	}
	d.IssuedAt = issued.Time
	return &d, nil
}

func reportKey(planID int64, kind, period string) string {
	return strconv.FormatInt(planID, 10) + "/" + kind + "/" + period
}

// FindReport returns the document of (plan, kind, period).
func (db *DB) FindReport(ctx context.Context, planID int64, kind, period string) (*kehoach.ReportDraft, error) {
	d, err := scanReport(db.read.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE plan_id = $1 AND kind = $2 AND period = $3`, planID, kind, period))
	if err == sql.ErrNoRows {
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "chưa lưu văn bản %s kỳ %s của kế hoạch %d", kind, period, planID)
	} else if err != nil {
		return nil, fmt.Errorf("store: report: %w", err)
	}
	return d, nil
}

// FindReportVersions returns a document's versions, newest first.
func (db *DB) FindReportVersions(ctx context.Context, id int64) ([]*kehoach.ReportVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT version, texts, saved_by, saved_at FROM report_versions WHERE report_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("store: report versions: %w", err)
	}
	defer rows.Close()
	var out []*kehoach.ReportVersion
	for rows.Next() {
		var v kehoach.ReportVersion
		var texts string
		if err := rows.Scan(&v.Version, &texts, &v.By, &v.At); err != nil {
			return nil, fmt.Errorf("store: report versions: %w", err)
		}
		if err := json.Unmarshal([]byte(texts), &v.Texts); err != nil {
			return nil, fmt.Errorf("store: report versions: %w", err)
		}
		out = append(out, &v)
	}
	return out, rows.Err()
}

// normalizeTexts puts every text in NFC, as all input is.
func normalizeTexts(t kehoach.ReportTexts) kehoach.ReportTexts {
	for _, s := range []*string{&t.Number, &t.Code, &t.Place, &t.Summary, &t.General, &t.Difficulties, &t.Proposals, &t.Signature, &t.Signer, &t.Recipients} {
		*s = vntext.NFC(*s)
	}
	return t
}

func actorName(ctx context.Context) string {
	if a := kehoach.ActorFromContext(ctx); a.Username != "" {
		return a.Username
	}
	return "system"
}

// staleReport is the conflict of a save begun from an older version.
func staleReport(cur *kehoach.ReportDraft) error {
	msg := fmt.Sprintf("Văn bản đã được %s lưu lúc %s (phiên bản %d) sau khi bạn mở: nội dung của bạn chưa được lưu. Hãy tải lại, xem thay đổi rồi sửa tiếp.",
		cur.UpdatedBy, cur.UpdatedAt.In(kehoach.VietnamZone).Format("15:04 02/01/2006"), cur.Version)
	return &kehoach.Error{Code: kehoach.ECONFLICT, Message: msg, Fields: map[string]string{"version": msg}}
}

// SaveReportDraft stores a new version of a draft's texts, refusing a
// save begun from an older version.
func (db *DB) SaveReportDraft(ctx context.Context, d *kehoach.ReportDraft) (*kehoach.ReportDraft, error) {
	if d.Kind != kehoach.DocReport && d.Kind != kehoach.DocLetter {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Loại văn bản %q không có.", d.Kind)
	}
	texts := normalizeTexts(d.Texts)
	if err := texts.Validate(); err != nil {
		return nil, err
	}
	if _, err := db.FindPlanByID(ctx, d.PlanID); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(texts)
	if err != nil {
		return nil, err
	}
	who, now := actorName(ctx), db.Now().UTC()
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := scanReport(tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE plan_id = $1 AND kind = $2 AND period = $3`, d.PlanID, d.Kind, d.Period))
	var id, version int64
	switch {
	case err == sql.ErrNoRows:
		if d.Version != 0 {
			return nil, kehoach.Errorf(kehoach.ECONFLICT, "Văn bản phiên bản %d không còn: hãy tải lại.", d.Version)
		}
		version = 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO reports (plan_id, kind, period, texts, version, status, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, d.PlanID, d.Kind, d.Period, string(raw), version, kehoach.ReportDraftStatus, who, now).Scan(&id); err != nil {
			if isUniqueViolation(err) {
				// Someone created it at the same moment.
				return nil, kehoach.Errorf(kehoach.ECONFLICT, "Văn bản vừa được người khác tạo: hãy tải lại rồi sửa tiếp.")
			}
			return nil, classifyWriteError(fmt.Errorf("store: report: %w", err))
		}
	case err != nil:
		return nil, fmt.Errorf("store: report: %w", err)
	case cur.Issued():
		return nil, kehoach.Errorf(kehoach.EINVALID, "Văn bản đã ban hành lúc %s: không sửa được nữa.", cur.IssuedAt.In(kehoach.VietnamZone).Format("15:04 02/01/2006"))
	case cur.Version != d.Version:
		return nil, staleReport(cur)
	default:
		id, version = cur.ID, cur.Version+1
		// Compare-and-set on the version: PostgreSQL's concurrent saves both
		// read the old version; only one update matches it.
		res, err := tx.ExecContext(ctx, `UPDATE reports SET texts = $1, version = $2, updated_by = $3, updated_at = $4 WHERE id = $5 AND version = $6 AND status = $7`,
			string(raw), version, who, now, id, cur.Version, kehoach.ReportDraftStatus)
		if err != nil {
			return nil, classifyWriteError(fmt.Errorf("store: report: %w", err))
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, staleReport(cur)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO report_versions (report_id, version, texts, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5)`,
		id, version, string(raw), who, now); err != nil {
		if isUniqueViolation(err) {
			return nil, kehoach.Errorf(kehoach.ECONFLICT, "Văn bản vừa được người khác lưu: hãy tải lại rồi sửa tiếp.")
		}
		return nil, classifyWriteError(fmt.Errorf("store: report version: %w", err))
	}
	if err := audit(ctx, tx, now, kehoach.AuditUpdate, kehoach.AuditReport, reportKey(d.PlanID, d.Kind, d.Period), strconv.FormatInt(version-1, 10), strconv.FormatInt(version, 10)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: commit report: %w", err))
	}
	return &kehoach.ReportDraft{ID: id, PlanID: d.PlanID, Kind: d.Kind, Period: d.Period, Texts: texts, Version: version,
		Status: kehoach.ReportDraftStatus, UpdatedBy: who, UpdatedAt: now}, nil
}

// IssueReport freezes a draft at version with the model it printed.
func (db *DB) IssueReport(ctx context.Context, id, version int64, frozen []byte) (*kehoach.ReportDraft, error) {
	if len(frozen) == 0 {
		return nil, kehoach.Errorf(kehoach.EINVALID, "Không có nội dung để ban hành.")
	}
	who, now := actorName(ctx), db.Now().UTC()
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := scanReport(tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = $1`, id))
	switch {
	case err == sql.ErrNoRows:
		return nil, kehoach.Errorf(kehoach.ENOTFOUND, "Không có văn bản số %d: hãy lưu bản nháp trước khi ban hành.", id)
	case err != nil:
		return nil, fmt.Errorf("store: report: %w", err)
	case cur.Issued():
		return nil, kehoach.Errorf(kehoach.EINVALID, "Văn bản đã ban hành lúc %s.", cur.IssuedAt.In(kehoach.VietnamZone).Format("15:04 02/01/2006"))
	case cur.Version != version:
		return nil, staleReport(cur)
	}
	res, err := tx.ExecContext(ctx, `UPDATE reports SET status = $1, issued_by = $2, issued_at = $3, frozen = $4 WHERE id = $5 AND version = $6 AND status = $7`,
		kehoach.ReportIssuedStatus, who, now, frozen, id, version, kehoach.ReportDraftStatus)
	if err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: issue report: %w", err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, staleReport(cur)
	}
	if err := audit(ctx, tx, now, kehoach.AuditIssue, kehoach.AuditReport, reportKey(cur.PlanID, cur.Kind, cur.Period), kehoach.ReportDraftStatus, kehoach.ReportIssuedStatus); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: commit report: %w", err))
	}
	cur.Status, cur.IssuedBy, cur.IssuedAt, cur.Frozen = kehoach.ReportIssuedStatus, who, now, frozen
	return cur, nil
}
