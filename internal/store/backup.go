package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"kehoach"
)

// Backup writes a consistent copy of the database to path while it stays
// in use. SQLite: VACUUM INTO, which reads one snapshot (WAL readers do not
// block writers) and writes a compact database file. PostgreSQL: pg_dump
// in its custom format (restore with pg_restore), which also reads one
// snapshot. An existing file at path is an error: a backup never
// overwrites another.
func (db *DB) Backup(ctx context.Context, path string) error {
	if path == "" {
		return kehoach.Errorf(kehoach.EINVALID, "thiếu đường dẫn tệp sao lưu")
	}
	if _, err := os.Stat(path); err == nil {
		return kehoach.Errorf(kehoach.ECONFLICT, "tệp %s đã có: chọn tên khác để không ghi đè bản sao lưu cũ", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("store: backup: %w", err)
		}
	}
	if db.dialect == postgres {
		cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--file", path, "--dbname", db.URL)
		if out, err := cmd.CombinedOutput(); err != nil {
			os.Remove(path)
			if errors := strings.TrimSpace(string(out)); errors != "" {
				return fmt.Errorf("store: pg_dump: %w: %s", err, errors)
			}
			return fmt.Errorf("store: pg_dump (cần có pg_dump cùng phiên bản máy chủ trên PATH): %w", err)
		}
		return nil
	}
	// The path goes in as a bound parameter: no quoting to get wrong.
	if _, err := db.read.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// Check verifies a database's integrity: SQLite's integrity check, foreign
// keys, and that no figure carries a version above the counter (which
// would mean a torn copy). It returns the number of live figures.
func (db *DB) Check(ctx context.Context) (int64, error) {
	if db.dialect == sqlite {
		var res string
		if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
			return 0, fmt.Errorf("store: check: %w", err)
		}
		if res != "ok" {
			return 0, fmt.Errorf("store: integrity check: %s", res)
		}
		rows, err := db.read.QueryContext(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			return 0, fmt.Errorf("store: check: %w", err)
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			return 0, fmt.Errorf("store: foreign keys broken")
		}
	}
	var n, above int64
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM data_values WHERE deleted = $1),
		(SELECT COUNT(*) FROM data_values WHERE version > (SELECT n FROM counters WHERE name = 'data_values'))`, false).Scan(&n, &above)
	if err != nil {
		return 0, fmt.Errorf("store: check: %w", err)
	}
	if above > 0 {
		return 0, fmt.Errorf("store: %d figures carry a version above the counter", above)
	}
	return n, nil
}
