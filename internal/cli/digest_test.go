package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kehoach/internal/app"
)

func TestDigestCommand(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "k.db")
	db, err := app.MigrateDB(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.LoadDemoIfEmpty(ctx, db); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var out, errb syncBuffer
	code := Main(ctx, Env{Args: []string{"digest", "--db", url, "--unit", "X25_BANBO", "--days", "30", "--print", "--base", "https://kh.example.vn"},
		Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errb,
		Now: func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	// Today's Bản Bo, still reporting in the demo (its grids stay open), in
	// March 2026: its own tasks and those of the district offices whose
	// work it took over, and the quarter's forms.
	for _, want := range []string{"Subject: [Kế hoạch] Bản Bo: 13 việc cần làm", "Quá hạn (11):", "- III.11.BANBO năm 2025",
		// issue 11: the forms due on 17 March 2026 (quarter I closes on the 14th)
		"Số liệu đến hạn gửi (hạn trong 30 ngày trước và sau hôm nay) (2):", "- BM_XA 2026Q1 — ", "(hạn 17/03/2026, chưa gửi)", "https://kh.example.vn/tasks/mine?unit=X25_BANBO"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("digest lacks %q:\n%s", want, out.String())
		}
	}
	for _, args := range [][]string{{"digest"}, {"digest", "--unit", "XA_BANBO"}, {"digest", "--unit", "X", "--smtp", "smtp://h?from=a@b.vn"}, {"digest", "--unit", "X", "--print", "--days", "0"}} {
		if code, _, _ := run(ctx, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
