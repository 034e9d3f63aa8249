package app

import (
	"context"
	"fmt"
	"time"
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
		fmt.Fprintln(env.Stderr, "kehoach backup: cần đúng một tệp đích, ví dụ: kehoach backup sao-luu/kehoach-2026-11-29.db")
		return flagError{fmt.Errorf("backup: want one file")}
	}
	db, err := OpenDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Đã sao lưu %s vào %s (%.1f giây)\n", redact(*dbURL), fs.Arg(0), time.Since(start).Seconds())
	return nil
}
