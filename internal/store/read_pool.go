package store

import (
	"context"
	"database/sql"
	"sync"
)

// readPool is the read pool. On SQLite it prepares each statement once per
// connection and keeps it: the driver (modernc.org/sqlite) parses and
// plans a statement anew at every call otherwise, and that was half of
// what a query cost the plan page (speed, issue 16). PostgreSQL's driver
// keeps its own statement cache, so there the pool is used as it is.
type readPool struct {
	*sql.DB
	prepare bool

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// Statements kept: those of the store's fixed queries; a query with many
// arguments (a list of codes, its length varying) is not kept.
const (
	maxPrepared     = 512
	maxPreparedArgs = 16
)

func newReadPool(db *sql.DB, prepare bool) *readPool {
	return &readPool{DB: db, prepare: prepare, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the statement of q, prepared on first use; nil when q is
// not to be kept (or does not prepare: the caller runs it unprepared and
// gets the driver's own error).
func (p *readPool) stmt(ctx context.Context, q string, args int) *sql.Stmt {
	if !p.prepare || args > maxPreparedArgs {
		return nil
	}
	p.mu.RLock()
	s := p.stmts[q]
	n := len(p.stmts)
	p.mu.RUnlock()
	if s != nil || n >= maxPrepared {
		return s
	}
	s, err := p.DB.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.stmts[q]; old != nil {
		s.Close()
		return old
	}
	p.stmts[q] = s
	return s
}

// QueryContext is sql.DB's, with the statement kept.
func (p *readPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, q, len(args)); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, q, args...)
}

// QueryRowContext is sql.DB's, with the statement kept.
func (p *readPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if s := p.stmt(ctx, q, len(args)); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, q, args...)
}

// Close closes the statements, then the pool.
func (p *readPool) Close() error {
	p.mu.Lock()
	for q, s := range p.stmts {
		s.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}
