package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kehoach"
)

// TestDemoFlaggedFigure (issue 9 point 7): a demo loaded in December 2026
// gives the approver one figure in "cần kiểm tra": the open commune's
// confirmed surprise, in a grid not yet approved.
func TestDemoFlaggedFigure(t *testing.T) {
	ctx := context.Background()
	db, err := OpenDB(ctx, "sqlite:"+filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC) }
	if _, err := LoadDemoIfEmpty(ctx, db); err != nil {
		t.Fatal(err)
	}
	list, n, err := db.FindFlagged(ctx, kehoach.FlaggedFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || len(list) != 1 {
		t.Fatalf("%d flagged figures, want the demo's one", n)
	}
	f := list[0]
	if f.GridUnit != "X25_BANBO" || f.Element != "HGD_TONG" || !strings.Contains(f.Reason, "khác nhiều so với kỳ trước") || !strings.Contains(f.Comment, "sáp nhập") {
		t.Errorf("flagged %+v", f)
	}
}
