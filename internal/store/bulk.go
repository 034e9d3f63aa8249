package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"kehoach"
	"kehoach/internal/locale"
)

// Tuning of BulkLoad; variables so that benchmarks can compare.
var (
	// bulkRowsPerStmt is how many rows one INSERT carries (measured on the
	// province scale: 30 rows 122k rows per CPU second, 100 158k, 500
	// 176–183k, 1000 155k).
	bulkRowsPerStmt = 500
	// bulkRowsPerTx is how many rows one transaction commits.
	bulkRowsPerTx = 200_000
	// bulkDropIndexes drops the secondary indexes of data_values before
	// loading into an empty table and recreates them after, per dialect.
	// Not on SQLite: figures come unit by unit, so both indexes grow at
	// their end anyway, and rebuilding them cost more than it saved
	// (128k rows per CPU second against 158k, and twice the wall time).
	// On PostgreSQL it is about 10% faster (province scale: 170–190k rows/s
	// against 150–175k).
	bulkDropIndexes = map[dialect]bool{sqlite: false, postgres: true}
	// bulkNoForeignKeys turns SQLite's foreign key checks off during the
	// load: every id comes from the database itself, so they cannot fail
	// (about 10% faster).
	bulkNoForeignKeys = true
)

// bulkIndexes are the secondary indexes of data_values that BulkLoad may
// drop; the UNIQUE constraint stays, so a duplicate is still refused.
var bulkIndexes = []string{"data_values_unit_period", "data_values_version"}

// bulkRow is one figure resolved to ids and validated.
type bulkRow struct {
	element, unit               int64
	period, coc, value, comment string
	num                         float64 // NaN: no number (text)
}

// bulkChunk is how many rows the producer hands to the writer at a time.
const bulkChunk = 4000

// BulkLoad loads a bundle's metadata with LoadBundle (skipped when b is nil),
// then the figures that values yields, as fast as the database allows:
// codes are resolved to ids once, each value is resolved and checked as
// every save checks it (the write path's resolver: known element reported
// by the unit's kind, unit valid in the period, value parsed) while the
// database writes the previous rows, and
// every row of the load carries one data version, taken from the counters
// table as every save does. The figures must be new: one already stored
// fails the load with ECONFLICT. progress, if not nil, is called with the
// number of rows written so far every few thousand rows and at the end.
// BulkLoad returns the number of figures written.
//
// The rows' created_at and updated_at are the load's time to the second
// (shorter text on SQLite: 20 bytes a row less). On SQLite the rows go in
// transactions of 200,000 through multi-row INSERTs, with foreign key checks
// off on the writer connection meanwhile; a failure part-way leaves the
// figures of the transactions already committed. The metadata version is
// bumped again at the end so that analytics engines that read part of the
// load reload it whole. On PostgreSQL the rows go through COPY in one
// transaction, all or nothing; into an empty data_values table it drops the
// secondary indexes and the foreign keys first and restores them (checking
// every row) before committing, which locks the table for the load.
func (db *DB) BulkLoad(ctx context.Context, b *kehoach.Bundle, by string,
	values func(yield func(kehoach.DataValue) error) error, progress func(done int64)) (int64, error) {
	if b != nil {
		if err := db.LoadBundle(ctx, b, by); err != nil {
			return 0, err
		}
	}
	if values == nil {
		return 0, nil
	}
	if progress == nil {
		progress = func(int64) {}
	}
	book, err := lookupCodes(ctx, db.read, nil)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := &feed{chunks: make(chan []bulkRow, 8), free: make(chan []bulkRow, 10), errc: make(chan error, 1)}
	go func() {
		defer close(f.chunks)
		f.errc <- produceRows(ctx, values, book, by, f.chunks, f.free)
	}()
	var n int64
	if db.dialect == postgres {
		n, err = db.bulkPostgres(ctx, by, f, progress)
	} else {
		n, err = db.bulkSQLite(ctx, by, f, progress)
	}
	if !f.done {
		// The writer stopped first: stop the producer and wait for it.
		cancel()
		for range f.chunks {
		}
		f.err, f.done = <-f.errc, true
		if err == nil {
			err = f.err
		}
	}
	if err != nil {
		return n, err
	}
	progress(n)
	// Fresh statistics, or the planners may pick plans fit for an empty
	// table (PostgreSQL was seen taking 183 ms instead of 0.4 ms per query).
	if db.dialect == postgres {
		if _, err := db.write.ExecContext(ctx, `ANALYZE data_values`); err != nil {
			return n, fmt.Errorf("store: analyze: %w", err)
		}
	} else if err := db.Optimize(ctx); err != nil {
		return n, err
	}
	return n, nil
}

// feed carries rows from the producer to the writer.
type feed struct {
	chunks, free chan []bulkRow
	errc         chan error
	done         bool  // chunks is closed and err is the producer's
	err          error // why the producer stopped early, if it did
}

// next returns the next chunk; false at the end, when err tells whether
// the producer finished or failed.
func (f *feed) next() ([]bulkRow, bool) {
	c, ok := <-f.chunks
	if !ok {
		f.err, f.done = <-f.errc, true
	}
	return c, ok
}

// recycle gives a chunk back to the producer.
func (f *feed) recycle(c []bulkRow) {
	select {
	case f.free <- c[:0]:
	default:
	}
}

// produceRows runs values, resolving and checking each figure with the
// write path's resolver (write.go), and sends the rows in chunks.
func produceRows(ctx context.Context, values func(yield func(kehoach.DataValue) error) error,
	book *codeBook, by string, chunks, free chan []bulkRow) error {
	r := newResolver(book, writeOpts{by: by, loader: true})
	r.noKeys = true
	chunk := make([]bulkRow, 0, bulkChunk)
	send := func() error {
		select {
		case chunks <- chunk:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case chunk = <-free:
		default:
			chunk = make([]bulkRow, 0, bulkChunk)
		}
		return nil
	}
	err := values(func(v kehoach.DataValue) error {
		c, key, reason := r.resolve(kehoach.ValueCell{Unit: v.Unit, Element: v.Element, Period: v.Period, Disagg: v.Disagg, Value: v.Value, Comment: v.Comment})
		if reason != "" {
			return kehoach.Errorf(kehoach.EINVALID, "số liệu %s: %s", key, reason)
		}
		if c.del {
			return kehoach.Errorf(kehoach.EINVALID, "số liệu %s: trống (nạp hàng loạt chỉ nhận số liệu mới)", key)
		}
		chunk = append(chunk, bulkRow{element: c.el.ID, unit: c.unit.ID, period: v.Period, coc: v.Disagg, value: c.canon, comment: c.comment, num: c.num})
		if len(chunk) == cap(chunk) {
			return send()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(chunk) > 0 {
		return send()
	}
	return nil
}

// numArg is a row's num column: NULL for text.
func numArg(f float64) any {
	if math.IsNaN(f) {
		return nil
	}
	return f
}

// bulkInsertSQL is an INSERT of n rows. Parameters are anonymous: with
// numbered ones SQLite looks each name up in a list, which made binding
// quadratic in the number of parameters. The five values shared by every
// row (stored_by, created_at, updated_at, version, deleted) come first, once.
func bulkInsertSQL(n int) string {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO data_values (element_id, unit_id, period, coc, value, num, comment, stored_by, created_at, updated_at, version, deleted)
		SELECT column1, column2, column3, column4, column5, column6, column7, ?, ?, ?, ?, ? FROM (VALUES `)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?)")
	}
	sb.WriteByte(')')
	return sb.String()
}

func (db *DB) bulkSQLite(ctx context.Context, by string, f *feed, progress func(int64)) (n int64, err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: bulk load: %w", err)
	}
	defer conn.Close()
	bg := context.WithoutCancel(ctx)
	if bulkNoForeignKeys {
		restore, err := foreignKeysOff(ctx, conn)
		if err != nil {
			return 0, fmt.Errorf("store: bulk load: %w", err)
		}
		defer restore()
	}
	now := db.Now().UTC().Truncate(time.Second)

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: bulk load: %w", err)
	}
	defer func() {
		if tx != nil {
			tx.Rollback()
		}
	}()
	var version int64
	if err := tx.QueryRowContext(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'data_values' RETURNING n`).Scan(&version); err != nil {
		return 0, fmt.Errorf("store: next version: %w", err)
	}
	var dropped map[string]string // index name → its CREATE statement
	if bulkDropIndexes[sqlite] {
		if dropped, err = dropIndexes(ctx, sqlRunner{tx}, sqlite); err != nil {
			return 0, err
		}
	}
	// Whatever happens below, the indexes come back.
	defer func() {
		if len(dropped) == 0 {
			return
		}
		if tx != nil {
			tx.Rollback()
			tx = nil
		}
		if rerr := recreateOnConn(bg, conn, dropped); rerr != nil && err == nil {
			err = rerr
		}
	}()

	prepare := func(rows int) (*sql.Stmt, error) {
		s, err := tx.PrepareContext(ctx, bulkInsertSQL(rows))
		if err != nil {
			return nil, fmt.Errorf("store: bulk load: %w", err)
		}
		return s, nil
	}
	stmt, err := prepare(bulkRowsPerStmt)
	if err != nil {
		return 0, err
	}
	const shared = 5
	args := make([]any, shared, shared+7*bulkRowsPerStmt)
	args[0], args[1], args[2], args[3], args[4] = by, now, now, version, false
	pending := 0 // rows in args
	var inTx, reported int64
	exec := func(s *sql.Stmt) error {
		if _, err := s.ExecContext(ctx, args...); err != nil {
			if isUniqueViolation(err) {
				return kehoach.Errorf(kehoach.ECONFLICT, "số liệu đã có trong cơ sở dữ liệu: nạp hàng loạt chỉ nhận số liệu mới")
			}
			return fmt.Errorf("store: bulk load: %w", err)
		}
		n += int64(pending)
		inTx += int64(pending)
		args, pending = args[:shared], 0
		return nil
	}
	for {
		chunk, ok := f.next()
		if !ok {
			break
		}
		for i := range chunk {
			r := &chunk[i]
			args = append(args, r.element, r.unit, r.period, r.coc, r.value, numArg(r.num), r.comment)
			if pending++; pending < bulkRowsPerStmt {
				continue
			}
			if err := exec(stmt); err != nil {
				return n, err
			}
			if inTx >= int64(bulkRowsPerTx) {
				stmt.Close()
				if err := tx.Commit(); err != nil {
					tx = nil
					return n, fmt.Errorf("store: bulk load: %w", err)
				}
				if tx, err = conn.BeginTx(ctx, nil); err != nil {
					return n, fmt.Errorf("store: bulk load: %w", err)
				}
				if stmt, err = prepare(bulkRowsPerStmt); err != nil {
					return n, err
				}
				inTx = 0
			}
			if n-reported >= 10_000 {
				progress(n)
				reported = n
			}
		}
		f.recycle(chunk)
	}
	if f.err != nil {
		return n, f.err
	}
	stmt.Close()
	if pending > 0 {
		last, err := prepare(pending)
		if err != nil {
			return n, err
		}
		err = exec(last)
		last.Close()
		if err != nil {
			return n, err
		}
	}
	if len(dropped) > 0 {
		if err := createIndexes(ctx, sqlRunner{tx}, dropped); err != nil {
			return n, err
		}
		dropped = nil
	}
	if err := db.bulkFinish(ctx, tx, by, n); err != nil {
		return n, err
	}
	err = tx.Commit()
	tx = nil
	if err != nil {
		return n, fmt.Errorf("store: bulk load: %w", err)
	}
	return n, nil
}

// foreignKeysOff turns SQLite's foreign key checks off on conn until
// restore is called, for writers whose every id was just read from the
// database under the write lock (the bulk loader, an import): the checks
// cannot fail there and cost about 10% of an insert. It is set on the
// connection because the pragma is a no-op inside a transaction.
func foreignKeysOff(ctx context.Context, conn *sql.Conn) (restore func(), err error) {
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return nil, err
	}
	return func() { conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`) }, nil
}

// recreateOnConn recreates dropped indexes after a failed load.
func recreateOnConn(ctx context.Context, conn *sql.Conn, defs map[string]string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := createIndexes(ctx, sqlRunner{tx}, defs); err != nil {
		return err
	}
	return tx.Commit()
}

// bulkFinish bumps the metadata version (so that analytics engines reload
// the load whole) and records the load in the audit trail.
func (db *DB) bulkFinish(ctx context.Context, tx *sql.Tx, by string, n int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'meta'`); err != nil {
		return fmt.Errorf("store: meta version: %w", err)
	}
	return audit(kehoach.NewContextWithActor(ctx, kehoach.Actor{Username: by}), tx, db.Now().UTC(), "load", "data_values", "bulk", "", locale.VI.Count("values", n))
}

// ddlRunner is what dropIndexes and createIndexes need, from a database/sql
// or a pgx transaction.
type ddlRunner interface {
	// scanOne scans one row's single column; sql.ErrNoRows when none.
	scanOne(ctx context.Context, dest any, query string, args ...any) error
	exec(ctx context.Context, query string) error
}

type sqlRunner struct{ tx *sql.Tx }

func (r sqlRunner) scanOne(ctx context.Context, dest any, query string, args ...any) error {
	return r.tx.QueryRowContext(ctx, query, args...).Scan(dest)
}

func (r sqlRunner) exec(ctx context.Context, query string) error {
	_, err := r.tx.ExecContext(ctx, query)
	return err
}

type pgxRunner struct{ tx pgx.Tx }

func (r pgxRunner) scanOne(ctx context.Context, dest any, query string, args ...any) error {
	err := r.tx.QueryRow(ctx, query, args...).Scan(dest)
	if errors.Is(err, pgx.ErrNoRows) {
		return sql.ErrNoRows
	}
	return err
}

func (r pgxRunner) exec(ctx context.Context, query string) error {
	_, err := r.tx.Exec(ctx, query)
	return err
}

// dropIndexes drops the bulk indexes of data_values when the table is
// empty, returning each one's definition to recreate it.
func dropIndexes(ctx context.Context, q ddlRunner, d dialect) (map[string]string, error) {
	var one int
	if err := q.scanOne(ctx, &one, `SELECT 1 FROM data_values LIMIT 1`); err == nil {
		return nil, nil // not empty: keep the indexes
	} else if err != sql.ErrNoRows {
		return nil, fmt.Errorf("store: bulk load: %w", err)
	}
	defs := map[string]string{}
	for _, name := range bulkIndexes {
		var def string
		query := `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1`
		if d == postgres {
			query = `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1`
		}
		if err := q.scanOne(ctx, &def, query, name); err == sql.ErrNoRows {
			continue // already gone: nothing to recreate
		} else if err != nil {
			return nil, fmt.Errorf("store: bulk load: index %s: %w", name, err)
		}
		if err := q.exec(ctx, `DROP INDEX `+name); err != nil {
			return nil, fmt.Errorf("store: bulk load: drop index %s: %w", name, err)
		}
		defs[name] = def
	}
	return defs, nil
}

// createIndexes recreates dropped indexes.
func createIndexes(ctx context.Context, q ddlRunner, defs map[string]string) error {
	for _, name := range bulkIndexes {
		if def, ok := defs[name]; ok {
			if err := q.exec(ctx, strings.Replace(def, "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)); err != nil {
				return fmt.Errorf("store: bulk load: recreate index %s: %w", name, err)
			}
		}
	}
	return nil
}

// copySource feeds COPY from the producer's chunks.
type copySource struct {
	f        *feed
	progress func(int64)
	chunk    []bulkRow
	i        int
	n        int64
	row      []any // columns 7… are shared: stored_by, created_at, updated_at, version, deleted
}

func (c *copySource) Next() bool {
	c.i++
	if c.i < len(c.chunk) {
		c.n++
		return true
	}
	if c.chunk != nil {
		c.f.recycle(c.chunk)
		c.chunk = nil
		c.progress(c.n)
	}
	for {
		chunk, ok := c.f.next()
		if !ok {
			return false
		}
		if len(chunk) > 0 {
			c.chunk, c.i = chunk, 0
			c.n++
			return true
		}
	}
}

func (c *copySource) Values() ([]any, error) {
	r := &c.chunk[c.i]
	c.row[0], c.row[1], c.row[2], c.row[3], c.row[4], c.row[5], c.row[6] = r.element, r.unit, r.period, r.coc, r.value, numArg(r.num), r.comment
	return c.row, nil
}

// Err is the producer's error: COPY is aborted and nothing is kept.
func (c *copySource) Err() error { return c.f.err }

func (db *DB) bulkPostgres(ctx context.Context, by string, f *feed, progress func(int64)) (int64, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: bulk load: %w", err)
	}
	defer conn.Close()
	now := db.Now().UTC().Truncate(time.Second)
	var n int64
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		var version int64
		if err := tx.QueryRow(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'data_values' RETURNING n`).Scan(&version); err != nil {
			return fmt.Errorf("next version: %w", err)
		}
		var dropped map[string]string
		var fks [][2]string // name, definition
		if bulkDropIndexes[postgres] {
			if dropped, err = dropIndexes(ctx, pgxRunner{tx}, postgres); err != nil {
				return err
			}
		}
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM data_values LIMIT 1`).Scan(&one); errors.Is(err, pgx.ErrNoRows) {
			// The table is empty: its foreign keys are checked once, at the
			// end, rather than by a trigger for every row (twice as fast).
			if fks, err = dropForeignKeys(ctx, tx); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		src := &copySource{f: f, progress: progress, i: -1,
			row: []any{nil, nil, nil, nil, nil, nil, nil, by, now, now, version, false}}
		n, err = tx.CopyFrom(ctx, pgx.Identifier{"data_values"},
			copyColumns, src)
		if f.err != nil {
			return f.err
		}
		if err != nil {
			if isUniqueViolation(err) {
				return kehoach.Errorf(kehoach.ECONFLICT, "số liệu đã có trong cơ sở dữ liệu: nạp hàng loạt chỉ nhận số liệu mới")
			}
			return err
		}
		if len(dropped) > 0 {
			if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
				return err
			}
			if err := createIndexes(ctx, pgxRunner{tx}, dropped); err != nil {
				return err
			}
		}
		for _, fk := range fks {
			if _, err := tx.Exec(ctx, `ALTER TABLE data_values ADD CONSTRAINT `+pgx.Identifier{fk[0]}.Sanitize()+` `+fk[1]); err != nil {
				return fmt.Errorf("foreign key %s: %w", fk[0], err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE counters SET n = n + 1 WHERE name = 'meta'`); err != nil {
			return fmt.Errorf("meta version: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit_events (at, actor, action, entity, entity_key, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			now, by, "load", "data_values", "bulk", "", locale.VI.Count("values", n)); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		if kehoach.ErrorCode(err) != kehoach.EINTERNAL {
			return 0, err
		}
		return 0, fmt.Errorf("store: bulk load: %w", err)
	}
	return n, nil
}

// dropForeignKeys drops the foreign keys of data_values, returning their
// names and definitions to add them back.
func dropForeignKeys(ctx context.Context, tx pgx.Tx) ([][2]string, error) {
	rows, err := tx.Query(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'data_values'::regclass AND contype = 'f' ORDER BY conname`)
	if err != nil {
		return nil, err
	}
	fks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var fk [2]string
		err := r.Scan(&fk[0], &fk[1])
		return fk, err
	})
	if err != nil {
		return nil, err
	}
	for _, fk := range fks {
		if _, err := tx.Exec(ctx, `ALTER TABLE data_values DROP CONSTRAINT `+pgx.Identifier{fk[0]}.Sanitize()); err != nil {
			return nil, fmt.Errorf("drop foreign key %s: %w", fk[0], err)
		}
	}
	return fks, nil
}
