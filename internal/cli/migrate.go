package cli

import (
	"context"
	"fmt"
)

// migrateCommand is `kehoach migrate [--db URL]`: it brings the database's
// structure up to date, as serve does when it starts.
func migrateCommand(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("migrate", env)
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	s, err := openDB(ctx, env, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(env.Stdout, "Đã cập nhật cấu trúc cơ sở dữ liệu %s\n", redact(*db))
	return nil
}
