// Command kehoach-loadtest boots fresh kehoach servers with the demo on
// loopback, plays simulated reporters and leaders against them over HTTP
// (internal/loadtest), checks every figure in the database and removes it
// (docs/performance.md). It exits non-zero on any error, lost, duplicated
// or wrong figure. It is a program of its own so that the binary an office
// runs (cmd/kehoach) does not carry it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"kehoach/internal/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the load test with args and returns the exit code: 0 passed, 1
// failed, 2 called wrongly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kehoach-loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Cách dùng: kehoach-loadtest [--backend sqlite|postgres] [--servers N] [--pg URL] [--reporters 500] [--leaders 50] [--duration 60s] [--seed N] [--cpuprofile TỆP]")
		fmt.Fprintln(stderr, "Thử tải trên 127.0.0.1 với máy chủ và cơ sở dữ liệu mới, xóa khi xong (docs/performance.md).")
		fs.PrintDefaults()
	}
	backend := fs.String("backend", "sqlite", "sqlite (một máy chủ) hoặc postgres (nhiều máy chủ chung một cơ sở dữ liệu)")
	servers := fs.Int("servers", 3, "số máy chủ với postgres")
	defPG := getenv("KEHOACH_TEST_PG")
	if defPG == "" {
		defPG = loadtest.DefaultTestPG
	}
	pg := fs.String("pg", defPG, "URL một cơ sở dữ liệu có sẵn trên máy chủ PostgreSQL (127.0.0.1), để tạo và xóa cơ sở dữ liệu thử")
	reporters := fs.Int("reporters", 500, "số người báo cáo")
	leaders := fs.Int("leaders", 50, "số lãnh đạo xem bảng điều khiển")
	duration := fs.Duration("duration", 60*time.Second, "thời gian chạy (giờ cuối trước hạn, rút gọn)")
	seed := fs.Uint64("seed", 1, "hạt giống ngẫu nhiên")
	cpuprofile := fs.String("cpuprofile", "", "ghi hồ sơ CPU của giai đoạn tải vào tệp (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kehoach-loadtest: không nhận đối số %q\n", strings.Join(fs.Args(), " "))
		return 2
	}
	if *backend != "sqlite" && *backend != "postgres" {
		fmt.Fprintf(stderr, "kehoach-loadtest: --backend %q không có: chọn sqlite hoặc postgres\n", *backend)
		return 2
	}
	var profile io.Writer
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "kehoach-loadtest: --cpuprofile: %v\n", err)
			return 1
		}
		defer f.Close()
		profile = f
	}
	res, err := loadtest.RunLocal(ctx, loadtest.LocalOptions{Backend: *backend, Servers: *servers, PG: *pg,
		Reporters: *reporters, Leaders: *leaders, Duration: *duration, Seed: *seed, Log: stderr, CPUProfile: profile})
	if res != nil {
		res.Print(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "kehoach-loadtest: %v\n", err)
		return 1
	}
	if !res.OK() {
		fmt.Fprintf(stderr, "kehoach-loadtest: %d lỗi, %d vấn đề trong cơ sở dữ liệu\n", res.Errors(), res.Verify.Problems())
		return 1
	}
	return 0
}
