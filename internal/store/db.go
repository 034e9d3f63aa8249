// Package store implements the kehoach services on database/sql, for SQLite
// (modernc.org/sqlite, no cgo) and PostgreSQL (pgx). One SQL text serves both:
// $N placeholders, RETURNING and ON CONFLICT work in each; the few
// differences live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"kehoach"
)

// DB is an open database: a pool for reads and, on SQLite, a single
// connection for writes so that writers queue in Go rather than fail with
// SQLITE_BUSY.
type DB struct {
	read    *readPool
	write   *sql.DB
	dialect dialect
	URL     string
	// Now is the clock; tests set it.
	Now func() time.Time
	// Sessions sets how long sign-ins last; zero fields take the defaults.
	Sessions SessionPolicy
	// AllowSelfApproval lets the user who submitted a grid approve it too.
	// The zero value keeps "approver ≠ submitter" (submission.go), so a DB
	// however made refuses self-approval unless told otherwise.
	AllowSelfApproval bool
	// health is whether the database can store now (write_health.go).
	health writeHealth
	// tasks is the snapshot of every task's occurrences (task_cache.go).
	tasks taskCache
	// meta is the plans and data elements read at one "meta" counter
	// (meta_cache.go).
	meta metaCache
}

// Open opens the database named by a URL: "sqlite:path/to/file.db" (or a
// bare path) or "postgres://…". It does not migrate; call Migrate.
func Open(ctx context.Context, dbURL string) (*DB, error) {
	db := &DB{URL: dbURL, Now: time.Now}
	switch {
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		db.dialect = postgres
		pool, err := sql.Open("pgx", dbURL)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		pool.SetMaxOpenConns(4 * runtime.GOMAXPROCS(0))
		pool.SetMaxIdleConns(4 * runtime.GOMAXPROCS(0))
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db.read, db.write = newReadPool(pool, false), pool
	default:
		db.dialect = sqlite
		path := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite://"), "sqlite:")
		if path == "" {
			return nil, kehoach.Errorf(kehoach.EINVALID, "đường dẫn cơ sở dữ liệu trống")
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("store: %w", err)
			}
		}
		// busy_timeout must come first (PocketBase's note): later pragmas may
		// already need the lock.
		pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
			"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"
		dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
		read, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		db.read = newReadPool(read, true)
		db.read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)*2))
		db.read.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)*2))
		// The writer takes the write lock at BEGIN, so a transaction never
		// fails half-way when it upgrades from read to write.
		if db.write, err = sql.Open("sqlite", dsn+"&_txlock=immediate"); err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		db.write.SetMaxOpenConns(1)
		db.write.SetMaxIdleConns(1)
		db.write.SetConnMaxLifetime(0)
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var err error
	if db.write != nil && (db.read == nil || db.write != db.read.DB) {
		err = db.write.Close()
	}
	if db.read != nil {
		if e := db.read.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var n int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&n)
}

// IsPostgres reports whether db runs on PostgreSQL.
func (db *DB) IsPostgres() bool { return db.dialect == postgres }

// Reader returns the read pool, for benchmarks and tools that query directly.
func (db *DB) Reader() *sql.DB { return db.read.DB }

// Writer returns the write pool.
func (db *DB) Writer() *sql.DB { return db.write }

// BeginWrite starts a write transaction.
func (db *DB) BeginWrite(ctx context.Context) (*sql.Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	return tx, nil
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// queryerTx is a transaction's query side, with prepared statements.
type queryerTx interface {
	queryer
	PrepareContext(ctx context.Context, q string) (*sql.Stmt, error)
}

// Optimize lets SQLite gather the statistics its planner needs; without them
// it may scan every figure of an element to find one unit's. PRAGMA optimize
// with 0x10002 analyses the tables that need it, however many rows they
// hold, and is cheap when nothing changed. A no-op on PostgreSQL, whose
// autovacuum analyses on its own.
func (db *DB) Optimize(ctx context.Context) error {
	if db.dialect != sqlite {
		return nil
	}
	// analysis_limit makes ANALYZE sample each index rather than read it
	// whole: seconds, not minutes, on tens of millions of figures.
	if _, err := db.write.ExecContext(ctx, `PRAGMA analysis_limit=1000`); err != nil {
		return fmt.Errorf("store: optimize: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA optimize=0x10002`); err != nil {
		return fmt.Errorf("store: optimize: %w", err)
	}
	return nil
}
