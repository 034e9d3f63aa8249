package store

import (
	"context"
	"database/sql"
	"fmt"

	"kehoach"
	"kehoach/analytics"
)

var _ analytics.SnapshotStore = (*DB)(nil)

// SaveSnapshot replaces the analytics snapshot in one transaction.
func (db *DB) SaveSnapshot(ctx context.Context, dataVersion, metaVersion int64, parts func(yield func(name string, data []byte) error) error) error {
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM snapshot_parts`); err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM snapshots`); err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	err = parts(func(name string, data []byte) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO snapshot_parts (name, data) VALUES ($1, $2)`, name, data); err != nil {
			return fmt.Errorf("store: snapshot part %s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO snapshots (id, data_version, meta_version, created_at) VALUES (1, $1, $2, $3)`,
		dataVersion, metaVersion, db.Now().UTC()); err != nil {
		return fmt.Errorf("store: snapshot: %w", err)
	}
	return tx.Commit()
}

// LoadSnapshot calls fn for each part of the snapshot, read in one
// consistent transaction.
func (db *DB) LoadSnapshot(ctx context.Context, fn func(name string, data []byte) error) (dataVersion, metaVersion int64, err error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, 0, fmt.Errorf("store: snapshot: %w", err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `SELECT data_version, meta_version FROM snapshots WHERE id = 1`).Scan(&dataVersion, &metaVersion)
	if err == sql.ErrNoRows {
		return 0, 0, kehoach.Errorf(kehoach.ENOTFOUND, "chưa có ảnh chụp số liệu phân tích")
	} else if err != nil {
		return 0, 0, fmt.Errorf("store: snapshot: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, data FROM snapshot_parts ORDER BY name`)
	if err != nil {
		return 0, 0, fmt.Errorf("store: snapshot: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var data []byte
		if err := rows.Scan(&name, &data); err != nil {
			return 0, 0, fmt.Errorf("store: snapshot: %w", err)
		}
		if err := fn(name, data); err != nil {
			return 0, 0, fmt.Errorf("store: snapshot part %s: %w", name, err)
		}
	}
	return dataVersion, metaVersion, rows.Err()
}
