package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"kehoach"
)

// sysCtx is the context of a command run by whoever runs the server: its
// actor reaches every unit.
func sysCtx() context.Context { return sysCtxAs("test") }

// sysCtxAs is sysCtx with the audit log naming name.
func sysCtxAs(name string) context.Context {
	return kehoach.NewContextWithActor(context.Background(), kehoach.SystemActor(name))
}

// secondServer opens another store on db's database, as a second server
// would.
func secondServer(t testing.TB, db *DB) *DB {
	t.Helper()
	other, err := Open(context.Background(), db.URL)
	if err != nil {
		t.Fatalf("open a second store on %s: %v", db.URL, err)
	}
	t.Cleanup(func() { other.Close() })
	other.Now = db.Now
	return other
}

// Two servers save, at once, one cell each of a pair tied by a blocking
// rule (HGD_VH ≤ HGD_TONG): each save is valid alone, both together are
// not. The rule must hold on what is stored after every round: one of the
// two saves fails.
func TestSaveRuleRace(t *testing.T) {
	t.Parallel()
	const rounds = 40
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			other := secondServer(t, db.db)
			ctx := sysCtx()
			broken, refused := 0, 0
			for round := range rounds {
				if _, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024",
					Values: vals{"B1": {"HGD_VH": "50", "HGD_TONG": "100"}}, By: "reset"}); err != nil {
					t.Fatalf("round %d: reset: %v", round, err)
				}
				var wg sync.WaitGroup
				errs := make([]error, 2)
				start := make(chan struct{})
				wg.Go(func() {
					<-start
					_, errs[0] = db.db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", Values: vals{"B1": {"HGD_VH": "90"}}, By: "a"})
				})
				wg.Go(func() {
					<-start
					_, errs[1] = other.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", Values: vals{"B1": {"HGD_TONG": "60"}}, By: "b"})
				})
				close(start)
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						if kehoach.ErrorCode(err) != kehoach.EINVALID {
							t.Fatalf("round %d: %v, want EINVALID or success", round, err)
						}
						refused++
					}
				}
				got := map[string]float64{}
				vs, err := db.db.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{"B1"}, Periods: []string{"2024"}})
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range vs {
					got[v.Element], _ = strconv.ParseFloat(v.Value, 64)
				}
				if got["HGD_VH"] > got["HGD_TONG"] {
					broken++
				}
			}
			if broken > 0 {
				t.Errorf("the rule HGD_VH ≤ HGD_TONG was broken after %d of %d rounds (refused saves: %d)", broken, rounds, refused)
			}
			if refused != rounds {
				t.Errorf("%d saves refused in %d rounds, want exactly one a round", refused, rounds)
			}
		})
	}
}

// The store checks the actor's entry scope on every write of figures, so
// that a handler or a command that forgets it cannot write elsewhere.
func TestSaveEntryScope(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			as := func(entry kehoach.Scope) context.Context {
				return kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "x", Entry: entry})
			}
			oldCommune := as(kehoach.Scope{Units: []string{"XA_OLD"}})
			tests := []struct {
				name   string
				ctx    context.Context
				values vals
				want   string // error code; "" saves
				msg    string
			}{
				{"village of another commune", oldCommune, vals{"B1": {"HGD_TONG": "10"}}, kehoach.EFORBIDDEN, "Bản Một"},
				{"one village in, one out", oldCommune, vals{"B_OLD": {"HGD_TONG": "10"}, "B2": {"HGD_TONG": "10"}}, kehoach.EFORBIDDEN, "Bản Hai"},
				{"the unit above its own", as(kehoach.Scope{Units: []string{"B_OLD"}}), vals{"B1": {"HGD_TONG": "3"}}, kehoach.EFORBIDDEN, "Bản Một"},
				{"no scope at all", as(kehoach.Scope{}), vals{"B1": {"HGD_TONG": "10"}}, kehoach.EFORBIDDEN, "Bản Một"},
				{"no actor", context.Background(), vals{"B1": {"HGD_TONG": "10"}}, kehoach.EFORBIDDEN, "Bản Một"},
				{"village of its commune", oldCommune, vals{"B_OLD": {"HGD_TONG": "10"}}, "", ""},
				{"district above both", as(kehoach.Scope{Units: []string{"H"}}), vals{"B1": {"HGD_TONG": "11"}, "B_OLD": {"HGD_TONG": "11"}}, "", ""},
			}
			for _, tt := range tests {
				before := dump(t, db.db, kehoach.DataValueFilter{})
				_, err := db.db.SaveFormValues(tt.ctx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2024", Values: tt.values, By: "x"})
				if got := kehoach.ErrorCode(err); got != tt.want {
					t.Errorf("%s: error %v, want code %q", tt.name, err, tt.want)
					continue
				}
				if tt.want == "" {
					continue
				}
				if !strings.Contains(kehoach.ErrorMessage(err), tt.msg) {
					t.Errorf("%s: message %q does not name %q", tt.name, kehoach.ErrorMessage(err), tt.msg)
				}
				if after := dump(t, db.db, kehoach.DataValueFilter{}); !slices.Equal(before, after) {
					t.Errorf("%s: refused save changed figures:\n%v\nwant\n%v", tt.name, after, before)
				}
			}
			// An import that skips bad cells lists those outside its scope.
			res, err := db.db.SaveValues(oldCommune, kehoach.ValueBatch{By: "x", SkipInvalid: true, Cells: []kehoach.ValueCell{
				{Unit: "B_OLD", Element: "BAN_LOA", Period: "2024Q2", Value: "có"},
				{Unit: "B3", Element: "BAN_LOA", Period: "2024Q2", Value: "có"},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Imported != 1 || len(res.Conflicts) != 1 || res.Conflicts[0].Key != "B3.BAN_LOA/2024Q2" || !strings.Contains(res.Conflicts[0].Reason, "phạm vi") {
				t.Errorf("skipping import: %+v, want 1 imported and B3 a conflict for its scope", res)
			}
		})
	}
}

// A period the form does not offer (far past, future, another type) is
// refused by the store, not only hidden by the page.
func TestSavePeriodOpen(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db) // the clock is testClock, 14 March 2025
			ctx := sysCtx()
			tests := []struct {
				form, period string
				want         string // in Fields["period"]; "" saves
			}{
				{"BM_BAN_NAM", "2010", "quá cũ"},
				{"BM_BAN_NAM", "2019", "quá cũ"},
				{"BM_BAN_NAM", "2020", ""},
				{"BM_BAN_NAM", "2025", ""},
				{"BM_BAN_NAM", "2026", "chưa đến"},
				{"BM_BAN", "2025Q2", "chưa đến"},
				{"BM_BAN", "2099Q1", "chưa đến"},
				{"BM_BAN", "2024", "không khớp loại kỳ"},
				{"BM_BAN", "2024Q9", "không hợp lệ"},
			}
			for _, tt := range tests {
				el := "HGD_TONG"
				if tt.form == "BM_BAN" {
					el = "BAN_LOA"
				}
				version := dataVersion(t, db.db)
				_, err := db.db.SaveFormValues(ctx, kehoach.FormSave{Form: tt.form, Period: tt.period, Values: vals{"B1": {el: "1"}}, By: "x"})
				if tt.want == "" {
					if err != nil {
						t.Errorf("%s %s: %v, want saved", tt.form, tt.period, err)
					}
					continue
				}
				if kehoach.ErrorCode(err) != kehoach.EINVALID || !strings.Contains(kehoach.ErrorFields(err)["period"], tt.want) {
					t.Errorf("%s %s: %v (fields %v), want EINVALID with period %q", tt.form, tt.period, err, kehoach.ErrorFields(err), tt.want)
				}
				if v := dataVersion(t, db.db); v != version {
					t.Errorf("%s %s: data version %d after a refused save, want %d", tt.form, tt.period, v, version)
				}
			}
			// A batch without a form keeps the same periods.
			res, err := db.db.SaveValues(ctx, kehoach.ValueBatch{By: "x", SkipInvalid: true, Cells: []kehoach.ValueCell{
				{Unit: "B1", Element: "BAN_LOA", Period: "2010Q1", Value: "có"},
				{Unit: "B1", Element: "BAN_LOA", Period: "2030Q1", Value: "có"},
				{Unit: "B1", Element: "BAN_LOA", Period: "2024", Value: "có"},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Imported != 0 || len(res.Conflicts) != 3 {
				t.Errorf("import of closed periods: %+v, want 3 conflicts", res)
			}
		})
	}
}

// A batch without a form: known elements reported by the unit's kind, the
// rules of the forms holding them, a dry run, and skipping bad cells.
func TestSaveValuesBatch(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			ctx := sysCtx()
			cells := []kehoach.ValueCell{
				{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "100"},
				{Unit: "B1", Element: "HGD_VH", Period: "2024", Value: "90"},
				{Unit: "B1", Element: "BAN_LOA", Period: "2024Q3", Value: "có"},
				{Unit: "B2", Element: "HGD_TONG", Period: "2024", Value: "50"},
				{Unit: "B2", Element: "HGD_VH", Period: "2024", Value: "60"}, // breaks the rule of BM_BAN_NAM
				{Unit: "B3", Element: "NOPE", Period: "2024", Value: "1"},
				{Unit: "XA_A", Element: "HGD_TONG", Period: "2024", Value: "1"}, // a commune does not report it
				{Unit: "B4", Element: "HGD_TONG", Period: "2024", Value: "nhiều"},
			}
			// All or nothing: every problem at once, nothing stored.
			_, err := db.db.SaveValues(ctx, kehoach.ValueBatch{By: "x", Cells: cells})
			wantCode(t, err, kehoach.EINVALID)
			fields := kehoach.ErrorFields(err)
			for key, want := range map[string]string{
				"B2.HGD_VH/2024":     "không thể lớn hơn",
				"B2.HGD_TONG/2024":   "không thể lớn hơn",
				"B3.NOPE/2024":       "không có chỉ số",
				"XA_A.HGD_TONG/2024": "không báo cáo",
				"B4.HGD_TONG/2024":   "không phải là số",
			} {
				if !strings.Contains(fields[key], want) {
					t.Errorf("fields[%s] = %q, want %q (all: %v)", key, fields[key], want, fields)
				}
			}
			if n := countRows(t, db.db, "data_values"); n != 0 {
				t.Fatalf("%d figures after a refused batch", n)
			}
			// A dry run counts and keeps nothing.
			res, err := db.db.SaveValues(ctx, kehoach.ValueBatch{By: "x", Cells: cells, SkipInvalid: true, DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Imported != 3 || len(res.Conflicts) != 5 {
				t.Errorf("dry run: %+v, want 3 imported and 5 conflicts", res)
			}
			if n := countRows(t, db.db, "data_values"); n != 0 || dataVersion(t, db.db) != 0 {
				t.Fatalf("%d figures after a dry run", n)
			}
			// Skipping: the good cells go in, B2 stays as it was.
			res, err = db.db.SaveValues(ctx, kehoach.ValueBatch{By: "x", Cells: cells, SkipInvalid: true})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"B1.BAN_LOA/2024Q3=true", "B1.HGD_TONG/2024=100", "B1.HGD_VH/2024=90"}
			if got := live(t, db.db, kehoach.DataValueFilter{}); !slices.Equal(got, want) {
				t.Errorf("after a skipping batch: %v, want %v", got, want)
			}
			var keys []string
			for _, c := range res.Conflicts {
				keys = append(keys, c.Key)
			}
			wantKeys := []string{"B2.HGD_TONG/2024", "B2.HGD_VH/2024", "B3.NOPE/2024", "B4.HGD_TONG/2024", "XA_A.HGD_TONG/2024"}
			if !slices.Equal(keys, wantKeys) {
				t.Errorf("conflicts %v, want %v", keys, wantKeys)
			}
		})
	}
}

// fillDisk makes db's SQLite file unable to grow, as a full disk would:
// max_page_count at the current size, on the writer connection.
func fillDisk(t testing.TB, db *DB) {
	t.Helper()
	ctx := context.Background()
	var pages int64
	if err := db.Writer().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	var set int64
	if err := db.Writer().QueryRowContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)).Scan(&set); err != nil {
		t.Fatal(err)
	}
}

// A database that cannot grow: saves fail with EUNAVAILABLE (not an
// internal error), store nothing, and the health probe reports it.
func TestSaveDiskFull(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	loadSmall(t, db)
	ctx := sysCtx()
	if err := db.ProbeWrite(ctx); err != nil {
		t.Fatalf("ProbeWrite before: %v", err)
	}
	fillDisk(t, db)
	var err error
	saved := 0
	// Each save needs a little room; some fit in pages not yet full.
	for q := range 21 {
		pe := fmt.Sprintf("%dQ%d", 2020+q/4, q%4+1) // the 21 quarters open at testClock
		v := vals{}
		for i := 1; i <= 8; i++ {
			v[fmt.Sprintf("B%d", i)] = map[string]string{"BAN_LOA": "có", "BAN_NVH": "có", "BAN_NVH_CHUAN": "không", "BAN_DVN": "có"}
		}
		before := countRows(t, db, "data_values")
		if _, err = db.SaveFormValues(ctx, kehoach.FormSave{Form: "BM_BAN", Period: pe, Values: v, By: "x"}); err != nil {
			if n := countRows(t, db, "data_values"); n != before {
				t.Errorf("a failed save left %d figures, want %d", n, before)
			}
			break
		}
		saved++
	}
	if kehoach.ErrorCode(err) != kehoach.EUNAVAILABLE {
		t.Fatalf("save on a full database (after %d that fit): %v, want EUNAVAILABLE", saved, err)
	}
	if !strings.Contains(kehoach.ErrorMessage(err), "không lưu được") {
		t.Errorf("message %q does not say the server cannot store", kehoach.ErrorMessage(err))
	}
	if err := db.ProbeWrite(ctx); kehoach.ErrorCode(err) != kehoach.EUNAVAILABLE {
		t.Errorf("ProbeWrite on a full database: %v, want EUNAVAILABLE", err)
	}
}

// The driver errors of a database that cannot store are EUNAVAILABLE;
// others stay what they were.
func TestClassifyWriteError(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&pgconn.PgError{Code: "53100"}, kehoach.EUNAVAILABLE},
		{&pgconn.PgError{Code: "53200"}, kehoach.EUNAVAILABLE},
		{fmt.Errorf("store: save: %w", &pgconn.PgError{Code: "25006"}), kehoach.EUNAVAILABLE},
		{&pgconn.PgError{Code: "23505"}, kehoach.EINTERNAL},
		{errors.New("database or disk is full (13)"), kehoach.EUNAVAILABLE},
		{errors.New("attempt to write a readonly database (8)"), kehoach.EUNAVAILABLE},
		{errors.New("no such table: x"), kehoach.EINTERNAL},
		{kehoach.Errorf(kehoach.EINVALID, "x"), kehoach.EINVALID},
	}
	for _, tt := range tests {
		if got := kehoach.ErrorCode(classifyWriteError(tt.err)); got != tt.want {
			t.Errorf("classifyWriteError(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

// The audit log records loads in Vietnamese ("1 kế hoạch", "173 đơn vị,
// 11.080 số liệu"), not "1 plans".
func TestLoadAuditVietnamese(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	b := loadDemo(t, db)
	var key, text string
	if err := db.Reader().QueryRow(`SELECT entity_key, new_value FROM audit_events WHERE entity = 'bundle'`).Scan(&key, &text); err != nil {
		t.Fatal(err)
	}
	wantKey := fmt.Sprintf("%d kế hoạch", len(b.Plans))
	if key != wantKey || !strings.Contains(text, " đơn vị, ") || !strings.HasSuffix(text, " số liệu") || strings.Contains(text, "values") {
		t.Errorf("bundle load audited as %q, %q; want %q and units and figures in Vietnamese", key, text, wantKey)
	}
	if len(b.Values) >= 1000 && !strings.Contains(text, ".") {
		t.Errorf("%q: %d figures without grouped thousands", text, len(b.Values))
	}
}
