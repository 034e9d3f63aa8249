// Package pgtest gives tests a PostgreSQL database of their own on the
// server named by KEHOACH_TEST_PG, and skips them when it is not set. Only
// tests import it.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

var seq atomic.Int64

// Database creates a fresh PostgreSQL database for one test on the server
// of KEHOACH_TEST_PG, dropped when the test ends, and returns its URL. The
// test is skipped when KEHOACH_TEST_PG is not set.
func Database(t testing.TB) string {
	t.Helper()
	base := os.Getenv("KEHOACH_TEST_PG")
	if base == "" {
		t.Skip("KEHOACH_TEST_PG not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("kh_test_%d_%d", time.Now().UnixNano(), seq.Add(1))
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	i := strings.LastIndex(base, "/")
	rest := base[i+1:]
	q := ""
	if j := strings.Index(rest, "?"); j >= 0 {
		q = rest[j:]
	}
	return base[:i+1] + name + q
}
