package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"kehoach"
	"kehoach/internal/demo"
)

// The store suite runs every test on SQLite and, when KEHOACH_TEST_PG holds
// a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable),
// on PostgreSQL too, each test in a schema of its own.

// testClock is the time every test database reports as now.
var testClock = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// namedDB is a fresh, migrated, empty database.
type namedDB struct {
	name string
	db   *DB
}

// openDBs returns a fresh migrated SQLite database and, when
// KEHOACH_TEST_PG is set, a fresh PostgreSQL one in a schema of its own
// that is dropped when the test ends.
func openDBs(t testing.TB) []namedDB {
	t.Helper()
	out := []namedDB{{"sqlite", openSQLite(t)}}
	if pg := os.Getenv("KEHOACH_TEST_PG"); pg != "" {
		out = append(out, namedDB{"postgres", openPostgres(t, pg)})
	}
	return out
}

func openSQLite(t testing.TB) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return testClock }
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// openPostgres creates schema t_<random>, opens the store with search_path
// set to it (pgx passes unknown URL parameters as runtime parameters),
// migrates, and drops the schema with CASCADE at cleanup.
func openPostgres(t testing.TB, base string) *DB {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(rnd[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("KEHOACH_TEST_PG: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// Test data need not survive a crash: commits without waiting for the
	// WAL flush keep the suite fast.
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	db, err := Open(ctx, u.String())
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() }) // runs before the DROP SCHEMA above
	db.Now = func() time.Time { return testClock }
	// Every connection of the pool must be in the test's schema.
	var got string
	if err := db.Reader().QueryRowContext(ctx, `SELECT current_schema()`).Scan(&got); err != nil || got != schema {
		t.Fatalf("current_schema() = %q, %v; want %q", got, err, schema)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return db
}

// loadDemo loads the Tam Đường demo bundle and returns it.
func loadDemo(t testing.TB, db *DB) *kehoach.Bundle {
	t.Helper()
	b, err := demo.TamDuong()
	if err != nil {
		t.Fatalf("demo bundle: %v", err)
	}
	if err := db.LoadBundle(context.Background(), b, "test"); err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return b
}

// smallBundle is the demo's elements, forms and indicators over a few
// hand-made units and no figures:
//
//	LC (province)
//	└── H (district, until 2025-06-30)
//	    ├── XA_A "Xã An" (commune)   ── villages B1…B8 "Bản Một"…
//	    ├── XA_OLD "Xã Cũ" (commune, until 2025-06-30)
//	    └── CQ "Phòng Văn hóa" (agency)
func smallBundle(t testing.TB) *kehoach.Bundle {
	t.Helper()
	d, err := demo.TamDuong()
	if err != nil {
		t.Fatalf("demo bundle: %v", err)
	}
	b := &kehoach.Bundle{
		Units: []*kehoach.Unit{
			{Code: "LC", Name: "Tỉnh Lai Châu", Kind: kehoach.KindProvince, Level: 1},
			{Code: "H", Name: "Huyện Thử", Kind: kehoach.KindDistrict, Level: 2, ParentCode: "LC", ValidTo: "2025-06-30"},
			{Code: "XA_A", Name: "Xã An", Kind: kehoach.KindCommune, Subkind: "xã", Level: 3, ParentCode: "H"},
			{Code: "XA_OLD", Name: "Xã Cũ", Kind: kehoach.KindCommune, Subkind: "xã", Level: 3, ParentCode: "H", ValidTo: "2025-06-30"},
			{Code: "CQ", Name: "Phòng Văn hóa", Kind: kehoach.KindAgency, Level: 3, ParentCode: "H"},
		},
		Elements:   d.Elements,
		Forms:      d.Forms,
		Indicators: d.Indicators,
	}
	for i, name := range []string{"Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám"} {
		b.Units = append(b.Units, &kehoach.Unit{Code: fmt.Sprintf("B%d", i+1), Name: "Bản " + name,
			Kind: kehoach.KindVillage, Subkind: "bản", Level: 4, ParentCode: "XA_A"})
	}
	// One village of the old commune, for the Children filter.
	b.Units = append(b.Units, &kehoach.Unit{Code: "B_OLD", Name: "Bản Cũ", Kind: kehoach.KindVillage, Subkind: "bản",
		Level: 4, ParentCode: "XA_OLD", ValidTo: "2025-06-30"})
	return b
}

// loadSmall loads smallBundle into db.
func loadSmall(t testing.TB, db *DB) {
	t.Helper()
	if err := db.LoadBundle(context.Background(), smallBundle(t), "test"); err != nil {
		t.Fatalf("load small bundle: %v", err)
	}
}

// codes returns the codes of units.
func codes(us []*kehoach.Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Code
	}
	return out
}

// countRows returns SELECT COUNT(*) FROM table.
func countRows(t testing.TB, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.Reader().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// wantCode fails unless err carries the domain error code want.
func wantCode(t testing.TB, err error, want string) {
	t.Helper()
	if got := kehoach.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func TestOpenBadURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	// A regular file where the database's directory should be.
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, url, code string
	}{
		{"empty", "", kehoach.EINVALID},
		{"empty sqlite path", "sqlite:", kehoach.EINVALID},
		{"empty sqlite:// path", "sqlite://", kehoach.EINVALID},
		{"directory is a file", "sqlite:" + filepath.Join(file, "sub", "x.db"), kehoach.EINTERNAL},
		{"postgres, nobody listening", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", kehoach.EINTERNAL},
		{"postgres, bad port", "postgres://nobody@127.0.0.1:notaport/none", kehoach.EINTERNAL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(ctx, tc.url)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tc.url)
			}
			if db != nil {
				t.Errorf("Open(%q) returned a DB with its error", tc.url)
			}
			if got := kehoach.ErrorCode(err); got != tc.code {
				t.Errorf("Open(%q) error code = %q (%v), want %q", tc.url, got, err, tc.code)
			}
		})
	}
}

// "sqlite:path", "sqlite://path" and a bare path name the same file.
func TestOpenSQLiteForms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	for _, tc := range []struct{ name, url, file string }{
		{"prefix", "sqlite:" + filepath.Join(dir, "a.db"), "a.db"},
		{"slashes", "sqlite://" + filepath.Join(dir, "b.db"), "b.db"},
		{"bare", filepath.Join(dir, "c.db"), "c.db"},
		{"new directory", "sqlite:" + filepath.Join(dir, "sub", "dir", "d.db"), filepath.Join("sub", "dir", "d.db")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(ctx, tc.url)
			if err != nil {
				t.Fatalf("Open(%q): %v", tc.url, err)
			}
			defer db.Close()
			if db.IsPostgres() {
				t.Errorf("IsPostgres() = true for %q", tc.url)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, tc.file)); err != nil {
				t.Errorf("database file: %v", err)
			}
		})
	}
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			names, err := migrationNames()
			if err != nil {
				t.Fatal(err)
			}
			before := schemaColumns(t, db.db)
			loadSmall(t, db.db)
			data, meta, err := db.db.Versions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				if err := db.db.Migrate(ctx); err != nil {
					t.Fatalf("migrate again (%d): %v", i+1, err)
				}
			}
			if n := countRows(t, db.db, "schema_migrations"); n != len(names) {
				t.Errorf("schema_migrations has %d rows, want %d", n, len(names))
			}
			if n := countRows(t, db.db, "units"); n != 14 {
				t.Errorf("units after migrating again = %d, want 14", n)
			}
			if d, m, err := db.db.Versions(ctx); err != nil || d != data || m != meta {
				t.Errorf("Versions after migrating again = %d, %d, %v; want %d, %d", d, m, err, data, meta)
			}
			if after := schemaColumns(t, db.db); !maps.EqualFunc(before, after, slices.Equal) {
				t.Errorf("schema changed by migrating again:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func migrationNames() ([]string, error) {
	entries, err := migrationFS.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// schemaColumns returns table → sorted column names of db's own tables.
func schemaColumns(t testing.TB, db *DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	var q string
	if db.IsPostgres() {
		q = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`
	} else {
		q = `SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	}
	rows, err := db.Reader().QueryContext(ctx, q)
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatalf("schema: %v", err)
		}
		out[table] = append(out[table], col)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("schema: %v", err)
	}
	for _, cols := range out {
		sort.Strings(cols)
	}
	return out
}

// Both databases must end up with the same tables and columns; the
// SQLite one is also checked against a few columns the code relies on.
func TestMigrationsSameSchema(t *testing.T) {
	t.Parallel()
	dbs := openDBs(t)
	want := schemaColumns(t, dbs[0].db)
	for table, cols := range map[string][]string{
		"units":             {"code", "kind", "level", "name", "parent_id", "search_key", "sort_key", "valid_from", "valid_to"},
		"data_values":       {"coc", "deleted", "element_id", "num", "period", "unit_id", "value", "version"},
		"audit_events":      {"action", "actor", "at", "entity", "entity_key", "new_value", "old_value"},
		"counters":          {"n", "name"},
		"schema_migrations": {"name"},
	} {
		for _, c := range cols {
			if !slices.Contains(want[table], c) {
				t.Errorf("sqlite: table %s lacks column %s (has %v)", table, c, want[table])
			}
		}
	}
	if len(want) < 15 {
		t.Errorf("sqlite: %d tables, want at least 15: %v", len(want), slices.Sorted(maps.Keys(want)))
	}
	for _, db := range dbs[1:] {
		t.Run(db.name, func(t *testing.T) {
			got := schemaColumns(t, db.db)
			for _, table := range slices.Sorted(maps.Keys(want)) {
				if !slices.Equal(got[table], want[table]) {
					t.Errorf("table %s: %s columns %v, sqlite %v", table, db.name, got[table], want[table])
				}
			}
			for table := range got {
				if _, ok := want[table]; !ok {
					t.Errorf("table %s only on %s", table, db.name)
				}
			}
		})
	}
	if len(dbs) == 1 {
		t.Log("KEHOACH_TEST_PG not set: only SQLite checked")
	}
}

// Two tests' databases are separate schemas: what one loads the other
// does not see.
func TestPostgresSchemaIsolation(t *testing.T) {
	t.Parallel()
	if os.Getenv("KEHOACH_TEST_PG") == "" {
		t.Skip("KEHOACH_TEST_PG not set")
	}
	a, b := openDBs(t)[1].db, openDBs(t)[1].db
	loadSmall(t, a)
	if n := countRows(t, a, "units"); n != 14 {
		t.Errorf("units in a = %d, want 14", n)
	}
	if n := countRows(t, b, "units"); n != 0 {
		t.Errorf("units in b = %d, want 0", n)
	}
}
