package store

import (
	"context"
	"testing"
)

// TestGenState: the mark of a gen run is there from StartGen to FinishGen,
// keeps its flags and start time, and only a marked database may have its
// figures removed for a restart.
func TestGenState(t *testing.T) {
	ctx := context.Background()
	for _, d := range openDBs(t) {
		t.Run(d.name, func(t *testing.T) {
			db := d.db
			if run, err := db.GenInProgress(ctx); err != nil || run != nil {
				t.Fatalf("fresh database: %+v, %v; want no run", run, err)
			}
			loadDemo(t, db)
			figures := countRows(t, db, "data_values")
			if _, err := db.RestartGenValues(ctx); err == nil || countRows(t, db, "data_values") != figures {
				t.Fatalf("RestartGenValues without a mark: %v, %d figures left of %d", err, countRows(t, db, "data_values"), figures)
			}
			const seed = 1<<63 + 5 // above int64: kept as text
			if err := db.StartGen(ctx, "province", seed); err != nil {
				t.Fatal(err)
			}
			if err := db.StartGen(ctx, "district", 1); err == nil {
				t.Error("a second StartGen was accepted")
			}
			run, err := db.GenInProgress(ctx)
			if err != nil || run == nil || run.Scale != "province" || run.Seed != seed || !run.StartedAt.Equal(testClock) {
				t.Fatalf("GenInProgress = %+v, %v", run, err)
			}
			if n, err := db.RestartGenValues(ctx); err != nil || n != int64(figures) || countRows(t, db, "data_values") != 0 {
				t.Errorf("RestartGenValues = %d, %v; want %d removed and none left", n, err, figures)
			}
			if err := db.FinishGen(ctx); err != nil {
				t.Fatal(err)
			}
			if run, err := db.GenInProgress(ctx); err != nil || run != nil {
				t.Errorf("after FinishGen: %+v, %v", run, err)
			}
		})
	}
}
