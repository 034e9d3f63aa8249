package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"kehoach/internal/app"
	"kehoach/internal/bench"
	"kehoach/internal/store"
)

// runImport is `kehoach-bench import [--values N] [--db URL]`: the import
// benchmark (issue 13), each measure into a database of its own: new
// SQLite files in a temporary directory, or new databases on the
// PostgreSQL server of --db.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kehoach-bench import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	values := fs.Int64("values", 1_000_000, "số số liệu")
	dbURL := fs.String("db", "sqlite:", "sqlite: (tệp tạm) hoặc postgres://… (tạo cơ sở dữ liệu kehoach_bench_N trên máy chủ đó)")
	cpu := fs.String("cpuprofile", "", "ghi hồ sơ CPU vào `TỆP`")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir, err := os.MkdirTemp("", "kehoach-bench-import-")
	if err != nil {
		fmt.Fprintf(stderr, "kehoach-bench: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	stop, ok := startCPUProfile(*cpu, stderr)
	if !ok {
		return 1
	}
	defer stop()
	n := 0
	var created []string // PostgreSQL databases made, dropped at the end
	// adminExec runs statements on the server of --db, through its database.
	adminExec := func(ctx context.Context, qs ...string) error {
		base, err := app.OpenDB(ctx, *dbURL)
		if err != nil {
			return err
		}
		defer base.Close()
		for _, q := range qs {
			if _, err := base.Writer().ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}
	open := func(ctx context.Context, name string) (*store.DB, error) {
		n++
		if !strings.HasPrefix(*dbURL, "postgres") {
			return app.MigrateDB(ctx, "sqlite:"+filepath.Join(dir, fmt.Sprintf("m%d.db", n)))
		}
		u, err := url.Parse(*dbURL)
		if err != nil {
			return nil, err
		}
		// Named after the database of --db, so that benchmarks run by
		// others on the same server keep theirs.
		name = fmt.Sprintf("%s_m%d", strings.TrimPrefix(u.Path, "/"), n)
		if err := adminExec(ctx, "DROP DATABASE IF EXISTS "+name, "CREATE DATABASE "+name); err != nil {
			return nil, err
		}
		created = append(created, name)
		u.Path = "/" + name
		return app.MigrateDB(ctx, u.String())
	}
	defer func() {
		for _, name := range created {
			if err := adminExec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+name); err != nil {
				fmt.Fprintf(stderr, "kehoach-bench: %v\n", err)
			}
		}
	}()
	rep, err := bench.RunImport(ctx, bench.ImportOptions{Values: *values, Open: open, Dir: dir, Log: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "kehoach-bench: %s\n", message(err))
		return 1
	}
	rep.Print(stdout)
	return 0
}
