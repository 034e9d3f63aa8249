package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"kehoach"
	"kehoach/internal/vntext"
)

// FindSettings returns the deployment's settings. See kehoach.SettingsService.
func (db *DB) FindSettings(ctx context.Context) (*kehoach.Settings, error) {
	return findSettings(ctx, db.read)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func findSettings(ctx context.Context, q queryRower) (*kehoach.Settings, error) {
	var s kehoach.Settings
	err := q.QueryRowContext(ctx, `SELECT name, issuer, account_help, updated_by, updated_at FROM settings WHERE id = 1`).
		Scan(&s.Name, &s.Issuer, &s.AccountHelp, &s.UpdatedBy, &s.UpdatedAt)
	if err == sql.ErrNoRows {
		return &kehoach.Settings{}, nil
	} else if err != nil {
		return nil, fmt.Errorf("store: settings: %w", err)
	}
	return &s, nil
}

// SaveSettings stores the settings and audits old → new. See
// kehoach.SettingsService.
func (db *DB) SaveSettings(ctx context.Context, in *kehoach.Settings) (*kehoach.Settings, error) {
	s := &kehoach.Settings{Name: clean(in.Name), Issuer: clean(in.Issuer), AccountHelp: clean(in.AccountHelp)}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	s.UpdatedBy, s.UpdatedAt = actorName(ctx), db.Now().UTC()
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	old, err := findSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (id, name, issuer, account_help, updated_by, updated_at) VALUES (1, $1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, account_help = excluded.account_help,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`, s.Name, s.Issuer, s.AccountHelp, s.UpdatedBy, s.UpdatedAt); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: settings: %w", err))
	}
	oldJSON := ""
	if !old.UpdatedAt.IsZero() {
		oldJSON = settingsAudit(old)
	}
	if err := audit(ctx, tx, s.UpdatedAt, kehoach.AuditUpdate, kehoach.AuditSettings, "settings", oldJSON, settingsAudit(s)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, classifyWriteError(fmt.Errorf("store: commit settings: %w", err))
	}
	return s, nil
}

// clean trims a text and puts it in NFC.
func clean(s string) string { return strings.TrimSpace(vntext.NFC(s)) }

func settingsAudit(s *kehoach.Settings) string {
	return auditJSON(struct {
		Name        string `json:"name"`
		Issuer      string `json:"issuer"`
		AccountHelp string `json:"accountHelp"`
	}{s.Name, s.Issuer, s.AccountHelp})
}
