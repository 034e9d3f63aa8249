package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kehoach"
	"kehoach/internal/app"
	"kehoach/internal/pgtest"
	"kehoach/internal/store"
)

// TestBackupUnderWriteLoad takes a backup while figures are being saved,
// then opens the copy as a restore would and checks it is whole: it passes
// the integrity checks, and holds every save that had finished before the
// backup began.
func TestBackupUnderWriteLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := "sqlite:" + filepath.Join(dir, "live.db")
	db, err := app.OpenDB(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := app.LoadDemoIfEmpty(ctx, db); err != nil {
		t.Fatal(err)
	}
	// The demo's grids still open: today's Bản Bo, still reporting 2025
	// (the others' past years are approved and locked).
	villages, err := db.FindUnits(ctx, kehoach.UnitFilter{Kind: kehoach.KindVillage, Parent: "X25_BANBO"})
	if err != nil {
		t.Fatal(err)
	}

	writeCtx := kehoach.NewContextWithActor(ctx, kehoach.SystemActor("load"))
	// Writers: each save sets one village's households for 2025 to a new
	// number; done records the saves that returned.
	var done sync.Map
	var saves atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				v := villages[(w*997+i)%len(villages)].Code
				n := fmt.Sprint(1000 + w*100000 + i)
				_, err := db.SaveFormValues(writeCtx, kehoach.FormSave{Form: "BM_BAN_NAM", Period: "2025", By: "load", Confirmed: true,
					Values: map[string]map[string]string{v: {"HGD_TONG": n, "HGD_VH": "1"}}})
				if err != nil {
					t.Errorf("save: %v", err)
					return
				}
				done.Store(v, n)
				saves.Add(1)
			}
		})
	}
	for deadline := time.Now().Add(30 * time.Second); saves.Load() < 50; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) || t.Failed() {
			close(stop)
			wg.Wait()
			t.Fatalf("only %d saves in 30 s", saves.Load())
		}
	}
	before := map[string]string{}
	done.Range(func(k, v any) bool { before[k.(string)] = v.(string); return true })
	backup := filepath.Join(dir, "backup", "kehoach.db")
	code, out, stderr := run(ctx, nil, "backup", "--db", src, backup)
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "Đã sao lưu") {
		t.Fatalf("backup: %d %s %s", code, out, stderr)
	}
	if saves.Load() < 60 {
		t.Logf("only %d saves ran around the backup", saves.Load())
	}

	restored, err := store.Open(ctx, "sqlite:"+backup)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if _, err := restored.Check(ctx); err != nil {
		t.Fatalf("restored copy: %v", err)
	}
	vals, err := restored.FindDataValues(ctx, kehoach.DataValueFilter{Periods: []string{"2025"}, Elements: []string{"HGD_TONG"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vals {
		got[v.Unit] = v.Value
	}
	for unit, n := range before {
		// A later save may have changed it again before the snapshot; it must
		// at least be one of this test's writes, never the demo's old figure.
		if g := got[unit]; g == "" || len(g) < 4 {
			t.Errorf("%s in the backup = %q; the save of %s had finished before the backup", unit, g, n)
		}
	}
	// A second backup to the same file is refused rather than overwriting.
	// It says so once, in Vietnamese: not "kehoach: kehoach: conflict: …".
	if code, _, stderr := run(ctx, nil, "backup", "--db", src, backup); code != 1 || !strings.HasPrefix(stderr, "kehoach backup: tệp "+backup+" đã có") || strings.Count(stderr, "kehoach backup:") != 1 || strings.Contains(stderr, "kehoach: ") {
		t.Errorf("backup over an existing file: %d %q", code, stderr)
	}
	if code, _, stderr := run(ctx, nil, "backup", "--db", src); code != 2 || !strings.Contains(stderr, "kehoach backup: cần đúng một tệp đích") {
		t.Errorf("backup without a file: %d %q", code, stderr)
	}
}

// TestBackupPostgres dumps a PostgreSQL database with pg_dump and restores
// it with pg_restore into another, then compares them.
func TestBackupPostgres(t *testing.T) {
	if os.Getenv("KEHOACH_TEST_PG") == "" {
		t.Skip("KEHOACH_TEST_PG not set")
	}
	if _, err := exec.LookPath("pg_restore"); err != nil {
		t.Skip("pg_restore not installed")
	}
	ctx := context.Background()
	srcURL, dstURL := pgtest.Database(t), pgtest.Database(t)
	src, err := app.OpenDB(ctx, srcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := app.LoadDemoIfEmpty(ctx, src); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "kehoach.dump")
	if code, out, stderr := run(ctx, nil, "backup", "--db", srcURL, file); code != 0 {
		t.Fatalf("backup: %d %s %s", code, out, stderr)
	}
	if out, err := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--dbname", dstURL, file).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v %s", err, out)
	}
	dst, err := store.Open(ctx, dstURL)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	n1, err := src.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n2, err := dst.Check(ctx)
	if err != nil || n1 != n2 || n1 == 0 {
		t.Fatalf("figures: source %d, restored %d (%v)", n1, n2, err)
	}
}
