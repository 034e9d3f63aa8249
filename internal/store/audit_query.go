package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kehoach"
)

// The audit log is written by audit() (audit.go) in the transaction of each
// change, and by nothing else but ExportAuditEvents' own trace; the
// databases refuse UPDATE and DELETE on audit_events (migration 0005).

const auditColumns = `id, at, actor, address, action, entity, entity_key, old_value, new_value`

// auditWhere builds the WHERE clause of f, numbering placeholders from
// $1, and returns it ("" when f selects everything) with its arguments.
func auditWhere(f kehoach.AuditFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Actor != "" {
		add(`actor = ?`, f.Actor)
	}
	if f.Action != "" {
		add(`action = ?`, f.Action)
	}
	if f.Entity != "" {
		add(`entity = ?`, f.Entity)
	}
	if f.Address != "" {
		add(`address = ?`, f.Address)
	}
	if f.Key != "" {
		add(`entity_key = ?`, f.Key)
	}
	// substr and replace compare characters exactly in both databases,
	// whatever the collation (LIKE folds case in SQLite, and ranges on a
	// PostgreSQL locale collation are not prefix ranges).
	if f.KeyPrefix != "" {
		args = append(args, len([]rune(f.KeyPrefix)), f.KeyPrefix)
		conds = append(conds, fmt.Sprintf(`substr(entity_key, 1, $%d) = $%d`, len(args)-1, len(args)))
	}
	if f.KeyContains != "" {
		add(`replace(entity_key, ?, '') <> entity_key`, f.KeyContains)
	}
	if !f.From.IsZero() {
		add(`at >= ?`, f.From.UTC())
	}
	if !f.To.IsZero() {
		add(`at < ?`, f.To.UTC())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// scanAuditEvents reads rows of auditColumns, calling fn with each.
func scanAuditEvents(rows *sql.Rows, fn func(*kehoach.AuditEvent) error) error {
	defer rows.Close()
	for rows.Next() {
		var e kehoach.AuditEvent
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Address, &e.Action, &e.Entity, &e.Key, &e.Old, &e.New); err != nil {
			return fmt.Errorf("store: audit events: %w", err)
		}
		e.At = e.At.UTC()
		if err := fn(&e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: audit events: %w", err)
	}
	return nil
}

// FindAuditEvents returns the events matching f, newest first, and how many
// match. See kehoach.AuditService.
func (db *DB) FindAuditEvents(ctx context.Context, f kehoach.AuditFilter) ([]*kehoach.AuditEvent, int, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return nil, 0, kehoach.Errorf(kehoach.EINVALID, "Giới hạn và vị trí bắt đầu không được âm.")
	}
	where, args := auditWhere(f)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count audit events: %w", err)
	}
	q := `SELECT ` + auditColumns + ` FROM audit_events` + where + ` ORDER BY id DESC`
	if f.Limit > 0 || f.Offset > 0 {
		// SQLite takes OFFSET only after a LIMIT, and PostgreSQL no
		// negative LIMIT: "all" is a limit no table reaches.
		limit := int64(f.Limit)
		if limit == 0 {
			limit = 1 << 62
		}
		args = append(args, limit)
		q += ` LIMIT $` + strconv.Itoa(len(args))
	}
	if f.Offset > 0 {
		args = append(args, f.Offset)
		q += ` OFFSET $` + strconv.Itoa(len(args))
	}
	out := []*kehoach.AuditEvent{}
	if total == 0 || f.Offset >= total {
		return out, total, nil
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: find audit events: %w", err)
	}
	err = scanAuditEvents(rows, func(e *kehoach.AuditEvent) error {
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// FindValueHistory returns the changes of one data value, oldest first.
// See kehoach.AuditService.
func (db *DB) FindValueHistory(ctx context.Context, element, unit, period string) ([]*kehoach.AuditEvent, error) {
	key := kehoach.DataValueKey(element, unit, period)
	// An import records a unit's figures in one event (write_import.go):
	// those naming this figure are read too and expanded.
	quoted, _ := json.Marshal(key)
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_events WHERE entity = $1 AND entity_key = $2
		OR entity = $3 AND entity_key = $4 AND replace(new_value, $5, '') <> new_value ORDER BY id`,
		kehoach.AuditDataValue, key, kehoach.AuditValueImport, unit, string(quoted))
	if err != nil {
		return nil, fmt.Errorf("store: value history: %w", err)
	}
	out := []*kehoach.AuditEvent{}
	err = scanAuditEvents(rows, func(e *kehoach.AuditEvent) error {
		if e.Entity == kehoach.AuditValueImport {
			if e = importedChange(e, key); e == nil {
				return nil
			}
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// importedChange is the change of the figure key that an import's compact
// event lists, as an event of its own; nil when it lists none.
func importedChange(e *kehoach.AuditEvent, key string) *kehoach.AuditEvent {
	var list [][3]string
	if json.Unmarshal([]byte(e.New), &list) != nil {
		return nil
	}
	for _, c := range list {
		if c[0] != key {
			continue
		}
		out := *e
		out.Entity, out.Key, out.Old, out.New = kehoach.AuditDataValue, key, c[1], c[2]
		switch {
		case c[1] == "":
			out.Action = kehoach.AuditCreate
		case c[2] == "":
			out.Action = kehoach.AuditDelete
		default:
			out.Action = kehoach.AuditUpdate
		}
		return &out
	}
	return nil
}

// auditFilterJSON describes a filter in an export's trace.
func auditFilterJSON(f kehoach.AuditFilter) string {
	m := map[string]string{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "entity": f.Entity, "address": f.Address,
		"key": f.Key, "keyPrefix": f.KeyPrefix, "keyContains": f.KeyContains} {
		if v != "" {
			m[k] = v
		}
	}
	if !f.From.IsZero() {
		m["from"] = f.From.UTC().Format(time.RFC3339)
	}
	if !f.To.IsZero() {
		m["to"] = f.To.UTC().Format(time.RFC3339)
	}
	return auditJSON(m)
}

// ExportAuditEvents records the export, then streams the events matching f
// written before it to fn, newest first. See kehoach.AuditService.
func (db *DB) ExportAuditEvents(ctx context.Context, f kehoach.AuditFilter, fn func(*kehoach.AuditEvent) error) (int, error) {
	a := kehoach.ActorFromContext(ctx)
	actor := a.Username
	if actor == "" {
		actor = "system"
	}
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO audit_events (at, actor, address, action, entity, entity_key, old_value, new_value)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		db.Now().UTC(), actor, a.Address, kehoach.AuditExport, kehoach.AuditAuditEvents, "", "", auditFilterJSON(f)).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: record audit export: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: record audit export: %w", err)
	}

	where, args := auditWhere(f)
	args = append(args, id)
	cond := `id < $` + strconv.Itoa(len(args))
	if where == "" {
		where = " WHERE " + cond
	} else {
		where += " AND " + cond
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_events`+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return 0, fmt.Errorf("store: export audit events: %w", err)
	}
	n := 0
	err = scanAuditEvents(rows, func(e *kehoach.AuditEvent) error {
		n++
		return fn(e)
	})
	return n, err
}
