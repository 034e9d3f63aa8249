package store

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"kehoach"
)

// BaselineInsert writes figures with none of the write path's steps, for
// the import benchmark's baselines (internal/bench): codes resolved to ids
// from maps, no checks, no rules, no audit, in one transaction. bulk says
// how: false, one INSERT per row; true, the fastest bulk insert the
// database has here, as `kehoach gen` loads (BulkLoad): on SQLite the
// prepared multi-row INSERT of bulkInsertSQL with foreign key checks off,
// its rows made by another goroutine while the database writes; on
// PostgreSQL COPY. The figures must be canonical and new. It is a
// measuring stick, never a way to store figures.
func (db *DB) BaselineInsert(ctx context.Context, bulk bool, values func(fn func(kehoach.DataValue) error) error) (int64, error) {
	book, err := lookupCodes(ctx, db.read, nil)
	if err != nil {
		return 0, err
	}
	now := db.Now().UTC().Truncate(time.Second)
	row := func(v kehoach.DataValue) ([]any, error) {
		el, u := book.elements[v.Element], book.units[v.Unit]
		if el == nil || u == nil {
			return nil, fmt.Errorf("store: baseline: unknown %s or %s", v.Element, v.Unit)
		}
		num := math.NaN()
		if f, err := strconv.ParseFloat(v.Value, 64); err == nil {
			num = f
		}
		return []any{el.ID, u.ID, v.Period, v.Disagg, v.Value, numArg(num), v.Comment}, nil
	}
	if bulk && db.dialect == postgres {
		return db.baselineCopy(ctx, now, values, row)
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if bulk && bulkNoForeignKeys {
		restore, err := foreignKeysOff(ctx, conn)
		if err != nil {
			return 0, err
		}
		defer restore()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// Row by row: one plain INSERT a figure. Bulk: the loader's multi-row
	// INSERT, the five shared columns bound once.
	per, q := 1, `INSERT INTO data_values (element_id, unit_id, period, coc, value, num, comment, stored_by, created_at, updated_at, version, deleted)
		VALUES ($6, $7, $8, $9, $10, $11, $12, $1, $2, $3, $4, $5)`
	if bulk {
		per, q = bulkRowsPerStmt, bulkInsertSQL(bulkRowsPerStmt)
	}
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	// Statements' arguments come from the producer, per rows each.
	const shared = 5
	batches, free := make(chan []any, 8), make(chan []any, 10)
	newBatch := func() []any {
		select {
		case b := <-free:
			return b
		default:
			return append(make([]any, 0, shared+7*per), "bench", now, now, int64(1), false)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		defer close(batches)
		args := newBatch()
		send := func() error {
			select {
			case batches <- args:
				args = newBatch()
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := values(func(v kehoach.DataValue) error {
			r, err := row(v)
			if err != nil {
				return err
			}
			if args = append(args, r...); len(args) == cap(args) {
				return send()
			}
			return nil
		})
		if err == nil && len(args) > shared {
			err = send()
		}
		errc <- err
	}()
	var n int64
	var werr error
	for args := range batches {
		if werr != nil {
			continue // drain what the producer sent
		}
		rows := (len(args) - shared) / 7
		if rows == per {
			_, werr = stmt.ExecContext(ctx, args...)
		} else {
			_, werr = tx.ExecContext(ctx, bulkInsertSQL(rows), args...)
		}
		if werr != nil {
			werr = fmt.Errorf("store: baseline: %w", werr)
			cancel()
			continue
		}
		n += int64(rows)
		select {
		case free <- args[:shared]:
		default:
		}
	}
	if perr := <-errc; werr == nil {
		werr = perr
	}
	if werr != nil {
		return n, werr
	}
	return n, tx.Commit()
}

// baselineCopy is the raw bulk insert on PostgreSQL: COPY of the rows.
func (db *DB) baselineCopy(ctx context.Context, now time.Time, values func(fn func(kehoach.DataValue) error) error, row func(kehoach.DataValue) ([]any, error)) (int64, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int64
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		rows := make(chan []any, 1024)
		errc := make(chan error, 1)
		go func() {
			defer close(rows)
			errc <- values(func(v kehoach.DataValue) error {
				r, err := row(v)
				if err != nil {
					return err
				}
				select {
				case rows <- append(r, "bench", now, now, int64(1), false):
				case <-ctx.Done():
					return ctx.Err()
				}
				return nil
			})
		}()
		src := &chanSource{rows: rows}
		n, err = tx.CopyFrom(ctx, pgx.Identifier{"data_values"},
			copyColumns, src)
		for range rows {
		}
		if perr := <-errc; perr != nil {
			return perr
		}
		if err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	return n, err
}

// chanSource feeds COPY from a channel of rows.
type chanSource struct {
	rows chan []any
	cur  []any
}

func (c *chanSource) Next() bool {
	r, ok := <-c.rows
	c.cur = r
	return ok
}

func (c *chanSource) Values() ([]any, error) { return c.cur, nil }
func (c *chanSource) Err() error             { return nil }
