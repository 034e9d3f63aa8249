package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kehoach"
	"kehoach/internal/dhis2"
)

// importCells yields cells as a file would, each at "dòng N".
func importCells(cells ...kehoach.ValueCell) func(yield func(kehoach.ImportCell) error) error {
	return func(yield func(kehoach.ImportCell) error) error {
		for i, c := range cells {
			if err := yield(kehoach.ImportCell{ValueCell: c, At: "dòng " + strconv.Itoa(i+2)}); err != nil {
				return err
			}
		}
		return nil
	}
}

// historySteps is a figure's history as "action:old→new@actor".
func historySteps(t *testing.T, db *DB, element, unit, pe string) []string {
	t.Helper()
	h, err := db.FindValueHistory(sysCtx(), element, unit, pe)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, e := range h {
		steps = append(steps, e.Action+":"+e.Old+"→"+e.New+"@"+e.Actor)
	}
	return steps
}

func conflictObjects(res *kehoach.ImportResult) []string {
	var out []string
	for _, c := range res.Conflicts {
		out = append(out, c.Object+" "+c.ErrorCode)
	}
	slices.Sort(out)
	return out
}

func TestImportValues(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			ctx := sysCtx()
			bad := []kehoach.ValueCell{
				{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "100"},
				{Unit: "B2", Element: "HGD_TONG", Period: "2024", Value: "nhiều"},
				{Unit: "NOWHERE", Element: "HGD_TONG", Period: "2024", Value: "1"},
				{Unit: "B3", Element: "NOPE", Period: "2024", Value: "1"},
				{Unit: "B4", Element: "HGD_TONG", Period: "2024X", Value: "1"},
				{Unit: "XA_A", Element: "HGD_TONG", Period: "2024", Value: "1"},
			}
			// Atomic: every conflict listed with its place and code, nothing saved.
			res, err := db.db.ImportValues(ctx, kehoach.ImportOptions{By: "imp"}, importCells(bad...))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"B2.HGD_TONG/2024 E7619", "B3.NOPE/2024 E7610", "B4.HGD_TONG/2024X E7611", "NOWHERE.HGD_TONG/2024 E7612", "XA_A.HGD_TONG/2024 E7633"}
			if got := conflictObjects(res); !slices.Equal(got, want) {
				t.Errorf("conflicts %v, want %v", got, want)
			}
			for _, c := range res.Conflicts {
				if c.Object == "B2.HGD_TONG/2024" && (c.At != "dòng 3" || !strings.Contains(c.Value, "dòng 3: ")) {
					t.Errorf("conflict %+v does not say where", c)
				}
			}
			if res.Saved || countRows(t, db.db, "data_values") != 0 || dataVersion(t, db.db) != 0 {
				t.Fatalf("a refused import kept figures: %+v", res)
			}
			// SkipInvalid (atomicMode=NONE) keeps the good one.
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{By: "imp", SkipInvalid: true}, importCells(bad...))
			if err != nil || res.Imported != 1 || len(res.Conflicts) != 5 || !res.Saved {
				t.Fatalf("skipping import: %+v, %v", res, err)
			}
			good := []kehoach.ValueCell{
				{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "100"},
				{Unit: "B1", Element: "HGD_VH", Period: "2024", Value: "90"},
				{Unit: "B2", Element: "HGD_TONG", Period: "2024", Value: "1.200"},
				{Unit: "B2", Element: "BAN_LOA", Period: "2024Q3", Value: "có", Comment: "ghi chú"},
			}
			// A dry run counts what would happen.
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{By: "imp", DryRun: true}, importCells(good...))
			if err != nil || res.Imported != 3 || res.Ignored != 1 || res.Saved {
				t.Fatalf("dry run: %+v, %v", res, err)
			}
			v0 := dataVersion(t, db.db)
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{By: "imp"}, importCells(good...))
			if err != nil || res.Imported != 3 || res.Ignored != 1 || !res.Saved {
				t.Fatalf("import: %+v, %v", res, err)
			}
			wantLive := []string{"B1.HGD_TONG/2024=100", "B1.HGD_VH/2024=90", "B2.BAN_LOA/2024Q3=true", "B2.HGD_TONG/2024=1200"}
			if got := live(t, db.db, kehoach.DataValueFilter{}); !slices.Equal(got, wantLive) {
				t.Errorf("after import: %v, want %v", got, wantLive)
			}
			// Sent again: nothing changes, not even the version.
			v1 := dataVersion(t, db.db)
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{By: "imp"}, importCells(good...))
			if err != nil || res.Imported+res.Updated+res.Deleted != 0 || res.Ignored != 4 || dataVersion(t, db.db) != v1 || v1 != v0+1 {
				t.Fatalf("re-sent: %+v, %v (versions %d %d %d)", res, err, v0, v1, dataVersion(t, db.db))
			}
			// Strategies.
			changed := []kehoach.ValueCell{
				{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "101"},
				{Unit: "B3", Element: "HGD_TONG", Period: "2024", Value: "7"},
			}
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{Strategy: kehoach.StrategyCreate, DryRun: true}, importCells(changed...))
			if err != nil || res.Imported != 1 || res.Updated != 0 || res.Ignored != 1 {
				t.Errorf("CREATE: %+v, %v", res, err)
			}
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{Strategy: kehoach.StrategyUpdate, DryRun: true}, importCells(changed...))
			if err != nil || res.Imported != 0 || res.Updated != 1 || res.Ignored != 1 {
				t.Errorf("UPDATE: %+v, %v", res, err)
			}
			_, err = db.db.ImportValues(ctx, kehoach.ImportOptions{Strategy: "MERGE"}, importCells(changed...))
			wantCode(t, err, kehoach.EINVALID)
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{By: "imp2"}, importCells(changed...))
			if err != nil || res.Imported != 1 || res.Updated != 1 {
				t.Fatalf("CREATE_AND_UPDATE: %+v, %v", res, err)
			}
			// The history of a figure shows each import's change, old → new,
			// by the actor (the skipping import created it, the atomic one
			// found it as it was).
			if steps, want := historySteps(t, db.db, "HGD_TONG", "B1", "2024"), []string{"create:→100@test", "update:100→101@test"}; !slices.Equal(steps, want) {
				t.Errorf("history %v, want %v", steps, want)
			}
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{Strategy: kehoach.StrategyDelete}, importCells(changed[:1]...))
			if err != nil || res.Deleted != 1 {
				t.Errorf("DELETE: %+v, %v", res, err)
			}
			// By uid.
			uidCell := kehoach.ValueCell{Unit: dhis2.UID("unit", "B5"), Element: dhis2.UID("element", "HGD_TONG"), Period: "2024", Value: "5"}
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{ElementScheme: "uid", UnitScheme: "UID"}, importCells(uidCell))
			if err != nil || res.Imported != 1 {
				t.Errorf("by uid: %+v, %v", res, err)
			}
		})
	}
}

// The rules hold on the file's result whatever the order of its rows: a
// unit's figures split over chunks are checked once, at the end.
func TestImportRulesAcrossChunks(t *testing.T) {
	old := importChunk
	importChunk = 2
	t.Cleanup(func() { importChunk = old })
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			ctx := sysCtx()
			// HGD_VH ≤ HGD_TONG: valid only once both are in.
			cells := []kehoach.ValueCell{
				{Unit: "B1", Element: "HGD_VH", Period: "2024", Value: "50"},
				{Unit: "B2", Element: "HGD_TONG", Period: "2024", Value: "10"},
				{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "60"},
			}
			res, err := db.db.ImportValues(ctx, kehoach.ImportOptions{}, importCells(cells...))
			if err != nil || len(res.Conflicts) != 0 || res.Imported != 3 {
				t.Fatalf("valid file across chunks: %+v, %v", res, err)
			}
			cells[2].Value = "40" // now B1 breaks the rule
			res, err = db.db.ImportValues(ctx, kehoach.ImportOptions{}, importCells(cells...))
			if err != nil || len(res.Conflicts) == 0 || res.Saved {
				t.Fatalf("rule broken across chunks: %+v, %v", res, err)
			}
			if got := live(t, db.db, kehoach.DataValueFilter{Units: []string{"B1"}}); !slices.Contains(got, "B1.HGD_TONG/2024=60") {
				t.Errorf("refused import changed figures: %v", got)
			}
		})
	}
}

// An import checks the entry scope in the store: out-of-scope figures are
// conflicts (E7617) and nothing is saved.
func TestImportEntryScope(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			ctx := kehoach.NewContextWithActor(context.Background(), kehoach.Actor{Username: "x", Entry: kehoach.Scope{Units: []string{"XA_OLD"}}})
			res, err := db.db.ImportValues(ctx, kehoach.ImportOptions{}, importCells(
				kehoach.ValueCell{Unit: "B_OLD", Element: "HGD_TONG", Period: "2024", Value: "1"},
				kehoach.ValueCell{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "1"}))
			if err != nil {
				t.Fatal(err)
			}
			if got := conflictObjects(res); !slices.Equal(got, []string{"B1.HGD_TONG/2024 E7617"}) || res.Saved {
				t.Errorf("conflicts %v saved %v", got, res.Saved)
			}
		})
	}
}

// A figure given twice, and a number too large for its type, are
// conflicts; nothing is saved.
func TestImportDuplicateAndHuge(t *testing.T) {
	t.Parallel()
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			res, err := db.db.ImportValues(sysCtx(), kehoach.ImportOptions{}, importCells(
				kehoach.ValueCell{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "1"},
				kehoach.ValueCell{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "2"},
				kehoach.ValueCell{Unit: "B2", Element: "HGD_TONG", Period: "2024", Value: "1e400"},
				kehoach.ValueCell{Unit: "B3", Element: "HGD_TONG", Period: "2024", Value: "99999999999999999999"}))
			if err != nil {
				t.Fatal(err)
			}
			got := conflictObjects(res)
			want := []string{"B1.HGD_TONG/2024 ", "B1.HGD_TONG/2024 ", "B2.HGD_TONG/2024 E7619", "B3.HGD_TONG/2024 E7619"}
			if !slices.Equal(got, want) || res.Saved || countRows(t, db.db, "data_values") != 0 {
				t.Errorf("conflicts %v (saved %v), want %v", got, res.Saved, want)
			}
		})
	}
}

// Chunks are written by another goroutine one chunk behind their checks:
// a chunk that reads what is stored must see what the file's earlier
// chunks wrote (a figure sent twice, chunks apart, is created then
// updated), and the connection checks foreign keys again afterwards.
func TestImportChunksSeeEarlierChunks(t *testing.T) {
	old, oldHook := importChunk, importBeforeWrite
	importChunk = 1
	importBeforeWrite = func() { time.Sleep(20 * time.Millisecond) }
	t.Cleanup(func() { importChunk, importBeforeWrite = old, oldHook })
	for _, db := range openDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			loadSmall(t, db.db)
			ctx := sysCtx()
			res, err := db.db.ImportValues(ctx, kehoach.ImportOptions{By: "imp"}, importCells(
				kehoach.ValueCell{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "10"},
				kehoach.ValueCell{Unit: "B2", Element: "HGD_TONG", Period: "2024", Value: "20"},
				kehoach.ValueCell{Unit: "B1", Element: "HGD_TONG", Period: "2024", Value: "11"},
				kehoach.ValueCell{Unit: "B3", Element: "HGD_TONG", Period: "2024", Value: "30"},
			))
			if err != nil || res.Imported != 3 || res.Updated != 1 || !res.Saved {
				t.Fatalf("import: %+v, %v", res, err)
			}
			want := []string{"B1.HGD_TONG/2024=11", "B2.HGD_TONG/2024=20", "B3.HGD_TONG/2024=30"}
			if got := live(t, db.db, kehoach.DataValueFilter{}); !slices.Equal(got, want) {
				t.Errorf("after import: %v, want %v", got, want)
			}
			if steps, want := historySteps(t, db.db, "HGD_TONG", "B1", "2024"), []string{"create:→10@test", "update:10→11@test"}; !slices.Equal(steps, want) {
				t.Errorf("history %v, want %v", steps, want)
			}
			if !db.db.IsPostgres() {
				var fk int
				if err := db.db.Writer().QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
					t.Errorf("PRAGMA foreign_keys = %d, %v after the import; want 1", fk, err)
				}
			}
		})
	}
}
