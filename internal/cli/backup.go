package cli

import (
	"context"
	"fmt"
	"time"

	"kehoach/internal/locale"
)

// backupCommand is `kehoach backup [--db URL] FILE`: a consistent copy of a
// database in use (docs/operations.md says how to restore it).
func backupCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("backup", env)
	dbURL := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("cần đúng một tệp đích, ví dụ: kehoach backup sao-luu/kehoach-2026-11-29.db")
	}
	db, err := openDB(ctx, env, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã sao lưu %s vào %s (%s giây)\n", redact(*dbURL), fs.Arg(0), locale.VI.Fixed(time.Since(start).Seconds(), 1))
	return nil
}
