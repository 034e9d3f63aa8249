package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/gen"
)

// bulkCountRows counts data_values rows (live or not).
func bulkCountRows(t testing.TB, db *DB) int64 {
	t.Helper()
	var n int64
	if err := db.Reader().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM data_values`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// bulkIndexesPresent counts the secondary indexes of data_values that BulkLoad may drop.
func bulkIndexesPresent(t testing.TB, db *DB) int {
	t.Helper()
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ($1, $2)`
	if db.IsPostgres() {
		q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ($1, $2)`
	}
	var n int
	if err := db.Reader().QueryRowContext(context.Background(), q, bulkIndexes[0], bulkIndexes[1]).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// bulkForeignKeys counts the foreign keys of data_values.
func bulkForeignKeys(t testing.TB, db *DB) int {
	t.Helper()
	q := `SELECT COUNT(*) FROM pragma_foreign_key_list('data_values')`
	if db.IsPostgres() {
		q = `SELECT COUNT(*) FROM pg_constraint WHERE conrelid = 'data_values'::regclass AND contype = 'f'`
	}
	var n int
	if err := db.Reader().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkSchema fails when BulkLoad left out an index or a foreign key.
func checkSchema(t testing.TB, db *DB, when string) {
	t.Helper()
	if n := bulkIndexesPresent(t, db); n != 2 {
		t.Errorf("%d of the 2 secondary indexes %s", n, when)
	}
	if n := bulkForeignKeys(t, db); n != 2 {
		t.Errorf("%d of the 2 foreign keys %s", n, when)
	}
}

func TestBulkLoad(t *testing.T) {
	ctx := context.Background()
	for _, nd := range openDBs(t) {
		t.Run(nd.name, func(t *testing.T) {
			db := nd.db
			spec, err := gen.Build(gen.ScaleDistrict, 1)
			if err != nil {
				t.Fatal(err)
			}
			var calls int
			var last int64
			n, err := db.BulkLoad(ctx, spec.Bundle, "gen", spec.Values, func(done int64) {
				if done < last {
					t.Errorf("progress went back from %d to %d", last, done)
				}
				calls++
				last = done
			})
			if err != nil {
				t.Fatalf("BulkLoad: %v", err)
			}
			if n != spec.Count() || last != n || calls < 2 {
				t.Errorf("BulkLoad wrote %d, progress last %d after %d calls; generator has %d", n, last, calls, spec.Count())
			}
			if got := bulkCountRows(t, db); got != spec.Count() {
				t.Errorf("data_values has %d rows, want %d", got, spec.Count())
			}
			// Every figure under the root, as the services read them.
			all, err := db.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{spec.Root().Code}, Children: true})
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(all)) != spec.Count() {
				t.Errorf("FindDataValues under %s: %d, want %d", spec.Root().Code, len(all), spec.Count())
			}
			// One version for the whole load; the metadata version bumped by
			// LoadBundle and again at the end.
			data, meta, err := db.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if data != 1 || meta != 2 {
				t.Errorf("Versions = %d, %d; want 1, 2", data, meta)
			}
			for _, v := range all {
				if v.Version != 1 || v.StoredBy != "gen" || !v.Updated.Equal(testClock) {
					t.Fatalf("value %+v: want version 1, stored by gen at %v", v, testClock)
				}
			}
			var scanned int64
			upto, err := db.ScanValues(ctx, 0, func(r analytics.RawValue) {
				if !r.HasNum {
					t.Errorf("value without number: %+v", r)
				}
				scanned++
			})
			if err != nil || upto != 1 || scanned != spec.Count() {
				t.Errorf("ScanValues: %d values up to version %d, %v", scanned, upto, err)
			}
			// One village's figures are the generator's.
			v := spec.Villages()[len(spec.Villages())/2]
			got, err := db.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{v.Code}})
			if err != nil {
				t.Fatal(err)
			}
			stored := map[string]string{}
			for _, dv := range got {
				stored[dv.Element+"/"+dv.Period] = dv.Value
			}
			want := spec.UnitValues(v)
			for el, vals := range want {
				for i, p := range spec.Periods {
					if stored[el+"/"+p] != vals[i] {
						t.Errorf("%s %s %s: stored %q, generated %q", v.Code, el, p, stored[el+"/"+p], vals[i])
					}
				}
			}
			if len(got) != 27*len(spec.Periods) {
				t.Errorf("%s has %d figures, want %d", v.Code, len(got), 27*len(spec.Periods))
			}
			checkSchema(t, db, "after the load")
			if !db.IsPostgres() {
				// The write connection checks foreign keys again.
				var fk int
				if err := db.Writer().QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
					t.Errorf("PRAGMA foreign_keys = %d, %v after the load; want 1", fk, err)
				}
			}

			// The same figures again: refused, nothing changes.
			_, err = db.BulkLoad(ctx, nil, "gen", spec.Values, nil)
			if kehoach.ErrorCode(err) != kehoach.ECONFLICT {
				t.Errorf("loading twice: %v, want ECONFLICT", err)
			}
			if got := bulkCountRows(t, db); got != spec.Count() {
				t.Errorf("after the refused load: %d rows, want %d", got, spec.Count())
			}
			checkSchema(t, db, "after the refused load")
		})
	}
}

// TestBulkLoadInvalid checks that a bad figure fails the load with
// EINVALID and, when it comes before the first commit, leaves nothing.
func TestBulkLoadInvalid(t *testing.T) {
	ctx := context.Background()
	bad := []struct {
		name string
		v    kehoach.DataValue
	}{
		{"not a number", kehoach.DataValue{Element: gen.HGD, Unit: "D01C001V01", Period: "2022Q1", Value: "nhiều"}},
		{"unknown unit", kehoach.DataValue{Element: gen.HGD, Unit: "NOWHERE", Period: "2022Q1", Value: "3"}},
		{"unknown element", kehoach.DataValue{Element: "NOPE", Unit: "D01C001V01", Period: "2022Q1", Value: "3"}},
		{"bad period", kehoach.DataValue{Element: gen.HGD, Unit: "D01C001V01", Period: "2022Q5", Value: "3"}},
	}
	for _, nd := range openDBs(t) {
		t.Run(nd.name, func(t *testing.T) {
			db := nd.db
			spec, err := gen.Build(gen.ScaleDistrict, 1)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.LoadBundle(ctx, spec.Bundle, "gen"); err != nil {
				t.Fatal(err)
			}
			for _, tt := range bad {
				// A few thousand good figures, then the bad one.
				values := func(yield func(kehoach.DataValue) error) error {
					i := 0
					stop := errors.New("stop")
					err := spec.Values(func(v kehoach.DataValue) error {
						if i++; i > 5000 {
							return stop
						}
						return yield(v)
					})
					if err != nil && err != stop {
						return err
					}
					return yield(tt.v)
				}
				n, err := db.BulkLoad(ctx, nil, "gen", values, nil)
				if kehoach.ErrorCode(err) != kehoach.EINVALID {
					t.Errorf("%s: BulkLoad = %d, %v; want EINVALID", tt.name, n, err)
				}
				if got := bulkCountRows(t, db); got != 0 {
					t.Errorf("%s: %d rows stored, want none", tt.name, got)
				}
			}
			checkSchema(t, db, "after failed loads")
			// The generator's own error stops the load too.
			boom := fmt.Errorf("boom")
			_, err = db.BulkLoad(ctx, nil, "gen", func(yield func(kehoach.DataValue) error) error { return boom }, nil)
			if !errors.Is(err, boom) {
				t.Errorf("generator error: %v, want boom", err)
			}
		})
	}
}

// TestBulkLoadCancel stops a load part-way: on SQLite the transactions
// already committed stay; the indexes are back either way.
func TestBulkLoadCancel(t *testing.T) {
	for _, nd := range openDBs(t) {
		t.Run(nd.name, func(t *testing.T) {
			db := nd.db
			spec, err := gen.Build(gen.ScaleDistrict, 1)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err = db.BulkLoad(ctx, spec.Bundle, "gen", spec.Values, func(done int64) {
				if done >= 20000 {
					cancel()
				}
			})
			if err == nil {
				t.Fatalf("cancelled load succeeded")
			}
			checkSchema(t, db, "after a cancelled load")
			if db.IsPostgres() {
				if got := bulkCountRows(t, db); got != 0 {
					t.Errorf("%d rows after a cancelled COPY, want 0", got)
				}
			}
		})
	}
}

func TestBulkInsertSQL(t *testing.T) {
	got := bulkInsertSQL(2)
	want := "(?,?,?,?,?,?,?),(?,?,?,?,?,?,?))"
	if len(got) < len(want) || got[len(got)-len(want):] != want {
		t.Errorf("bulkInsertSQL(2) = %q", got)
	}
}

// BenchmarkBulkLoadSQLite loads the district scale into a fresh database.
func BenchmarkBulkLoadSQLite(b *testing.B) {
	ctx := context.Background()
	var rows int64
	for b.Loop() {
		b.StopTimer()
		db := openSQLite(b)
		spec, err := gen.Build(gen.ScaleDistrict, 1)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.LoadBundle(ctx, spec.Bundle, "bench"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := db.BulkLoad(ctx, nil, "bench", spec.Values, nil)
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
