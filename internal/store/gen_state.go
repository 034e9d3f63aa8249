package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// GenRun is a `kehoach gen` that started on this database and has not
// finished: its dataset may be partly loaded.
type GenRun struct {
	Scale     string
	Seed      uint64
	StartedAt time.Time
}

// GenInProgress returns the unfinished gen run of the database, or nil
// when there is none.
func (db *DB) GenInProgress(ctx context.Context) (*GenRun, error) {
	var r GenRun
	var seed, at string
	err := db.read.QueryRowContext(ctx, `SELECT scale, seed, started_at FROM gen_state WHERE id = 1`).Scan(&r.Scale, &seed, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("store: gen state: %w", err)
	}
	if r.Seed, err = strconv.ParseUint(seed, 10, 64); err != nil {
		return nil, fmt.Errorf("store: gen state: seed %q: %w", seed, err)
	}
	if r.StartedAt, err = time.Parse(time.RFC3339, at); err != nil {
		return nil, fmt.Errorf("store: gen state: started_at %q: %w", at, err)
	}
	return &r, nil
}

// StartGen records that a gen run of scale and seed begins. It is
// committed before any of the dataset is written, so that a run killed
// at any point leaves the mark behind.
func (db *DB) StartGen(ctx context.Context, scale string, seed uint64) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO gen_state (id, scale, seed, started_at) VALUES (1, $1, $2, $3)`,
		scale, strconv.FormatUint(seed, 10), db.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("store: start gen: %w", err)
	}
	return nil
}

// FinishGen removes the mark of StartGen: the dataset is whole.
func (db *DB) FinishGen(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM gen_state WHERE id = 1`); err != nil {
		return fmt.Errorf("store: finish gen: %w", err)
	}
	return nil
}

// RestartGenValues removes every figure so that an unfinished gen run can
// load its figures again from the first. It is only for a database marked
// by StartGen, whose figures are all the run's own; it refuses any other.
func (db *DB) RestartGenValues(ctx context.Context) (int64, error) {
	run, err := db.GenInProgress(ctx)
	if err != nil {
		return 0, err
	} else if run == nil {
		return 0, errors.New("store: restart gen values: no gen run in progress")
	}
	res, err := db.write.ExecContext(ctx, `DELETE FROM data_values`)
	if err != nil {
		return 0, fmt.Errorf("store: restart gen values: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
