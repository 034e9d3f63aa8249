package app

import (
	"context"
	"fmt"
	"strings"

	"kehoach/internal/bench"
)

// benchCommand is `kehoach bench [--db URL] [--runs N] [--baseline]
// [--rebuild-baseline] [--full-load]`: it measures the analytics engine on a
// database filled by `kehoach gen` and prints its figures beside a
// DHIS2-style SQL baseline measured in the same run (docs/performance.md).
// It saves one village's figure and puts it back (the freshness measure),
// writes the engine's snapshot when there is none, and with --baseline keeps
// the baseline's tables (bench_analytics, bench_ou) for the next run.
func benchCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("bench", env)
	dbURL := dbFlag(fs, env)
	runs := fs.Int("runs", 20, "số lần chạy mỗi truy vấn")
	baseline := fs.Bool("baseline", false, "so với bảng phân tích kiểu DHIS2 (SQL GROUP BY) dựng trong cùng cơ sở dữ liệu")
	rebuild := fs.Bool("rebuild-baseline", false, "dựng lại bảng phân tích kiểu DHIS2 dù đã có")
	fullLoad := fs.Bool("full-load", false, "đo cả lần khởi động đọc từng số liệu khi đã có ảnh chụp")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "kehoach bench: không nhận đối số %q\n", strings.Join(fs.Args(), " "))
		return flagError{fmt.Errorf("bench: extra arguments")}
	}
	db, err := OpenDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := bench.Run(ctx, db, bench.Options{Runs: *runs, Baseline: *baseline || *rebuild, RebuildBaseline: *rebuild, FullLoad: *fullLoad, Log: env.Stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Cơ sở dữ liệu: %s\n", redact(*dbURL))
	r.Print(env.Stdout)
	return nil
}
