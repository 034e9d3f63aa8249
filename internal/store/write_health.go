package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"kehoach"
)

// Health of the write side: a database that answers reads may still be
// unable to store (a full disk, a read-only file or server). /healthz asks
// ProbeWrite, which writes for real at most every probeEvery, and also
// remembers, for failMemory, a save that failed that way, since a probe
// can succeed where a save does not (it needs no new page).
const (
	probeEvery = 5 * time.Second
	failMemory = time.Minute
	// minFreePages is the room a SQLite database with a size limit
	// (max_page_count) must still have to take a save.
	minFreePages = 16
)

// writeHealth remembers the last probe and the last save refused because
// the database could not store.
type writeHealth struct {
	mu       sync.Mutex
	probedAt time.Time
	probeErr error
	failedAt time.Time
}

// ProbeWrite returns nil when the database can store now, and EUNAVAILABLE
// saying why otherwise. It writes (a "health" counter row, committed) at
// most once every few seconds whatever the number of calls; meanwhile it
// answers the last result.
func (db *DB) ProbeWrite(ctx context.Context) error {
	h := &db.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.failedAt.IsZero() && time.Since(h.failedAt) < failMemory {
		return &kehoach.Error{Code: kehoach.EUNAVAILABLE, Message: UnavailableMessage}
	}
	if !h.probedAt.IsZero() && time.Since(h.probedAt) < probeEvery {
		return h.probeErr
	}
	h.probeErr = classifyWriteError(db.probeWrite(ctx))
	if h.probeErr != nil && kehoach.ErrorCode(h.probeErr) == kehoach.EINTERNAL {
		h.probeErr = &kehoach.Error{Code: kehoach.EUNAVAILABLE, Message: UnavailableMessage}
	}
	h.probedAt = time.Now()
	return h.probeErr
}

// probeWrite commits one small write and, on SQLite, checks that a
// database with a size limit has room left.
func (db *DB) probeWrite(ctx context.Context) error {
	tx, err := db.BeginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO counters (name, n) VALUES ('health', 1)
		ON CONFLICT (name) DO UPDATE SET n = counters.n + 1`); err != nil {
		return fmt.Errorf("store: health probe: %w", err)
	}
	if db.dialect == sqlite {
		var pages, maxPages, free int64
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT page_count FROM pragma_page_count()), (SELECT max_page_count FROM pragma_max_page_count()),
			(SELECT freelist_count FROM pragma_freelist_count())`).Scan(&pages, &maxPages, &free); err != nil {
			return fmt.Errorf("store: health probe: %w", err)
		}
		if maxPages-pages+free < minFreePages {
			return &kehoach.Error{Code: kehoach.EUNAVAILABLE, Message: "Cơ sở dữ liệu đã đạt giới hạn kích thước: " + UnavailableMessage}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: health probe: %w", err)
	}
	return nil
}

// classify is classifyWriteError for a save, which also tells health: a
// save refused because the database cannot store makes /healthz fail for
// a while; one that stores clears it.
func (db *DB) classify(err error) error {
	err = classifyWriteError(err)
	if kehoach.ErrorCode(err) == kehoach.EUNAVAILABLE {
		db.health.mu.Lock()
		db.health.failedAt = time.Now()
		db.health.mu.Unlock()
	}
	return err
}

// stored tells health that a save was committed.
func (db *DB) stored() {
	db.health.mu.Lock()
	db.health.failedAt = time.Time{}
	db.health.mu.Unlock()
}
