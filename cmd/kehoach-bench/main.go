// Command kehoach-bench measures the analytics engine on a database filled
// by `kehoach gen` and prints its figures beside a DHIS2-style SQL baseline
// measured in the same run (docs/performance.md). It is a program of its
// own so that the binary an office runs (cmd/kehoach) does not carry it.
//
// It saves one village's figure and puts it back (the freshness measure),
// writes the engine's snapshot when there is none, and with --baseline
// keeps the baseline's tables (bench_analytics, bench_ou) for the next run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"kehoach"
	"kehoach/internal/app"
	"kehoach/internal/bench"
	"kehoach/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the benchmark with args and returns the exit code: 0 done, 1
// failed, 2 called wrongly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "import" { // issue 13: the import benchmark
		return runImport(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "pages" { // issue 16: the pages people live in
		return runPages(ctx, args[1:], getenv, stdout, stderr)
	}
	fs := flag.NewFlagSet("kehoach-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Cách dùng: kehoach-bench [--db URL] [--runs N] [--baseline] [--rebuild-baseline] [--full-load]")
		fmt.Fprintln(stderr, "Đo hiệu năng phân tích trên cơ sở dữ liệu do kehoach gen sinh ra (docs/performance.md).")
		fs.PrintDefaults()
	}
	def := getenv("KEHOACH_DB")
	if def == "" {
		def = app.DefaultDB
	}
	dbURL := fs.String("db", def, "cơ sở dữ liệu: sqlite:tệp.db hoặc postgres://… (hoặc biến môi trường KEHOACH_DB)")
	runs := fs.Int("runs", 20, "số lần chạy mỗi truy vấn")
	baseline := fs.Bool("baseline", false, "so với bảng phân tích kiểu DHIS2 (SQL GROUP BY) dựng trong cùng cơ sở dữ liệu")
	rebuild := fs.Bool("rebuild-baseline", false, "dựng lại bảng phân tích kiểu DHIS2 dù đã có")
	fullLoad := fs.Bool("full-load", false, "đo cả lần khởi động đọc từng số liệu khi đã có ảnh chụp")
	cpu := fs.String("cpuprofile", "", "ghi hồ sơ CPU của cả lần chạy vào `TỆP` (pprof -tagfocus measure=metadata: lần nạp lại danh mục)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kehoach-bench: không nhận đối số %q\n", strings.Join(fs.Args(), " "))
		return 2
	}
	if *runs <= 0 {
		fmt.Fprintf(stderr, "kehoach-bench: --runs phải lớn hơn 0, không phải %d\n", *runs)
		return 2
	}
	db, ok := openDB(ctx, *dbURL, stderr)
	if !ok {
		return 1
	}
	defer db.Close()
	stop, ok := startCPUProfile(*cpu, stderr)
	if !ok {
		return 1
	}
	defer stop()
	r, err := bench.Run(ctx, db, bench.Options{Runs: *runs, Baseline: *baseline || *rebuild, RebuildBaseline: *rebuild, FullLoad: *fullLoad, Log: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "kehoach-bench: %s\n", message(err))
		return 1
	}
	fmt.Fprintf(stdout, "Cơ sở dữ liệu: %s\n", app.Redact(*dbURL))
	r.Print(stdout)
	return 0
}

// openDB opens and migrates the database measured, saying why not on
// stderr.
func openDB(ctx context.Context, url string, stderr io.Writer) (*store.DB, bool) {
	db, err := app.OpenDB(ctx, url)
	if err != nil {
		fmt.Fprintf(stderr, "kehoach-bench: %s\n", message(err))
		return nil, false
	}
	return db, true
}

// message shows a domain error by its Vietnamese message and any other
// error whole, for the operator.
func message(err error) string {
	var e *kehoach.Error
	if errors.As(err, &e) {
		return strings.Replace(err.Error(), e.Error(), e.Message, 1)
	}
	return err.Error()
}

// startCPUProfile writes a CPU profile to path until stop is called (a
// no-op without a path); ok is false, the reason told on stderr, when the
// file cannot be made.
func startCPUProfile(path string, stderr io.Writer) (stop func(), ok bool) {
	if path == "" {
		return func() {}, true
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kehoach-bench: --cpuprofile: %v\n", err)
		return nil, false
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, true
}
