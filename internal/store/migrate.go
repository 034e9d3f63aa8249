package store

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"text/template"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLockID is the PostgreSQL advisory lock key that serialises
// servers starting at once ("kehoach" in ASCII, truncated).
const migrationLockID = 0x6b65686f6163

// Migrate applies the embedded migrations not yet applied, in name order,
// each in its own transaction, and records them in schema_migrations.
// Migrations are text/templates rendered per dialect ({{pk}}, {{ts}}, …).
func (db *DB) Migrate(ctx context.Context) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	if db.dialect == postgres {
		// Two servers starting together must not both migrate.
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
			return fmt.Errorf("store: migrate lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockID)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		} else if n > 0 {
			continue
		}
		src, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		tpl, err := template.New(name).Funcs(db.dialect.ddl()).Parse(string(src))
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		var buf bytes.Buffer
		if err := tpl.Execute(&buf, nil); err != nil {
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range splitStatements(buf.String()) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("store: migration %s: %w\n%s", name, err, stmt)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
	}
	if db.dialect == postgres {
		return nil // the deferred unlock must run on this same connection
	}
	conn.Close() // SQLite has one writer connection: free it for Optimize
	return db.Optimize(ctx)
}

// splitStatements splits a migration on semicolons at line ends; our DDL has
// no semicolons inside statements.
func splitStatements(src string) []string {
	var out []string
	for _, s := range strings.Split(src, ";\n") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
