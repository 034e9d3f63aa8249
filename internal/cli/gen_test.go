package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kehoach"
	"kehoach/internal/app"
	"kehoach/internal/pgtest"
)

func TestGenCommand(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "gen.db")
	code, out, stderr := run(ctx, nil, "gen", "--scale", "district", "--seed", "3", "--db", db)
	if code != 0 {
		t.Fatalf("gen: code %d, out %q, err %q", code, out, stderr)
	}
	for _, want := range []string{"quy mô district (hạt giống 3)", "Đơn vị:  164", "Chỉ số:  30", "GEN-district (14 mục tiêu)", "Số liệu: 81.780 trong", "số liệu/giây"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// Not a terminal: a line every 10%, the last at 100%.
	if !strings.Contains(stderr, "100,0%") || strings.Contains(stderr, "\r") {
		t.Errorf("progress on a pipe:\n%s", stderr)
	}

	s, err := app.OpenDB(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	units, err := s.FindUnits(ctx, kehoach.UnitFilter{})
	if err != nil || len(units) != 164 {
		t.Errorf("%d units, %v; want 164", len(units), err)
	}
	values, err := s.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{"D01C001"}, Children: true, Periods: []string{"2025Q4"}})
	if err != nil || len(values) == 0 {
		t.Errorf("figures of D01C001 in 2025Q4: %d, %v", len(values), err)
	}
	if data, _, err := s.Versions(ctx); err != nil || data != 1 {
		t.Errorf("data version %d, %v; want 1", data, err)
	}
	s.Close()

	// A database that holds units is refused, and left as it was.
	code, out, stderr = run(ctx, nil, "gen", "--scale", "district", "--db", db)
	if code != 1 || !strings.Contains(stderr, "đã có đơn vị") || out != "" {
		t.Errorf("second gen: code %d, out %q, err %q", code, out, stderr)
	}
}

// TestGenCommandEnvDB checks that KEHOACH_DB names the database.
func TestGenCommandEnvDB(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "env.db")
	code, out, stderr := run(ctx, map[string]string{"KEHOACH_DB": db}, "gen", "--scale", "district")
	if code != 0 || !strings.Contains(out, db) {
		t.Fatalf("gen with KEHOACH_DB: code %d, out %q, err %q", code, out, stderr)
	}
}

func TestGenCommandErrors(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "x.db")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"gen", "--db", db}, "thiếu --scale"},
		{[]string{"gen", "--scale", "city", "--db", db}, `quy mô "city" không hợp lệ`},
		{[]string{"gen", "--scale", "district", "--seed", "x", "--db", db}, "seed"},
		{[]string{"gen", "--scale", "district", "--db", db, "extra"}, "thừa tham số"},
	}
	for _, tt := range tests {
		code, out, stderr := run(ctx, nil, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || out != "" {
			t.Errorf("%v: code %d, out %q, err %q; want 2 and %q", tt.args, code, out, stderr, tt.want)
		}
		if strings.Contains(tt.want, "quy mô") || strings.Contains(tt.want, "scale") {
			for _, s := range []string{"district", "province", "national"} {
				if !strings.Contains(stderr, s) {
					t.Errorf("%v: message does not list %s: %q", tt.args, s, stderr)
				}
			}
		}
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progressBar{w: &buf, total: 1000, tty: true, now: func() time.Time { return now }, nextTenth: 1}
	p.start = now
	now = now.Add(time.Second)
	p.update(250)
	now = now.Add(100 * time.Millisecond)
	p.update(260) // too soon: not redrawn
	now = now.Add(time.Second)
	p.update(500)
	p.finish(1000)
	got := buf.String()
	if n := strings.Count(got, "\r"); n != 3 {
		t.Errorf("%d redraws, want 3: %q", n, got)
	}
	for _, want := range []string{"25,0%", "250/1.000 số liệu", "250/giây", "còn 3s", "100,0%"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress lacks %q: %q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\n") {
		t.Errorf("finish does not end the line: %q", got)
	}

	// Not a terminal: one line per 10% step crossed.
	buf.Reset()
	p = &progressBar{w: &buf, total: 1000, now: func() time.Time { return now }, nextTenth: 1}
	p.start = now.Add(-time.Second)
	for done := int64(0); done <= 1000; done += 50 {
		p.update(done)
	}
	p.finish(1000)
	if n := strings.Count(buf.String(), "\n"); n != 10 {
		t.Errorf("%d lines on a pipe, want 10:\n%s", n, buf.String())
	}
}

// childArgs, in the environment of a child test process, makes it run one
// command (arguments joined by "\x1f") instead of the tests: how a test
// runs `kehoach gen` as a process of its own, to kill it.
const childArgs = "KEHOACH_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgs); args != "" {
		env := OSEnv()
		env.Args = strings.Split(args, "\x1f")
		os.Exit(Main(context.Background(), env))
	}
	os.Exit(m.Run())
}

// TestGenKilledThenResumed kills `kehoach gen` (SIGKILL, as kill -9 or a
// power cut would) part-way through the figures: the database it leaves
// must not be served as if whole, and the same command run again must
// finish it.
func TestGenKilledThenResumed(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		genKilledThenResumed(t, func() string { return "sqlite:" + filepath.Join(t.TempDir(), "gen.db") })
	})
	t.Run("postgres", func(t *testing.T) {
		genKilledThenResumed(t, func() string { return pgtest.Database(t) })
	})
}

// killGen runs gen on db in a child process and kills it when the first
// line of progress through the figures is printed. It reports false when
// gen finished first (a fast machine), so that the caller tries again.
func killGen(t *testing.T, db string) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgs+"="+strings.Join([]string{"gen", "--scale", "district", "--seed", "2", "--db", db}, "\x1f"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	killed := false
	for lines.Scan() {
		if strings.Contains(lines.Text(), "/giây") { // "  10,0%  8.178/81.780 số liệu  …/giây"
			killed = cmd.Process.Kill() == nil
			break
		}
	}
	io.Copy(io.Discard, stderr)
	err = cmd.Wait()
	if !killed {
		t.Fatalf("gen printed no progress before it ended: %v", err)
	}
	var exit *exec.ExitError
	return errors.As(err, &exit) && !exit.Success()
}

func genKilledThenResumed(t *testing.T, newDB func() string) {
	ctx := context.Background()
	var db string
	for try := 0; ; try++ {
		db = newDB()
		if killGen(t, db) {
			break
		}
		if try == 3 {
			t.Fatal("gen finished every time before it could be killed")
		}
	}

	// Every other command refuses the half database, saying how to finish.
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--db", db},
		{"migrate", "--db", db},
		{"user", "add", "--username", "quantri", "--role", "admin", "--all-units", "--db", db},
	} {
		code, out, stderr := run(ctx, nil, args...)
		if code != 1 || strings.Contains(out, "đang chạy") || !strings.Contains(stderr, "chưa sinh xong") || !strings.Contains(stderr, "kehoach gen --scale district --seed 2") {
			t.Errorf("%s on a half database: code %d, out %q, err %q", args[0], code, out, stderr)
		}
		if strings.Contains(stderr, "kehoach: conflict") {
			t.Errorf("%s: error code shown: %q", args[0], stderr)
		}
	}
	// gen with other flags does not mix two datasets.
	if code, _, stderr := run(ctx, nil, "gen", "--scale", "district", "--seed", "3", "--db", db); code != 1 || !strings.Contains(stderr, "đang dở lệnh gen quy mô district, hạt giống 2") {
		t.Errorf("gen with another seed: code %d, err %q", code, stderr)
	}

	// The same command finishes it.
	code, out, stderr := run(ctx, nil, "gen", "--scale", "district", "--seed", "2", "--db", db)
	if code != 0 || !strings.Contains(out, "Số liệu: 81.780 trong") || !strings.Contains(stderr, "Tiếp tục lệnh gen") {
		t.Fatalf("gen again: code %d, out %q, err %q", code, out, stderr)
	}
	s, err := app.OpenDB(ctx, db)
	if err != nil {
		t.Fatalf("after gen finished: %v", err)
	}
	defer s.Close()
	n, err := s.Check(ctx)
	if err != nil || n != 81780 {
		t.Errorf("%d figures (%v), want 81780", n, err)
	}
	units, err := s.FindUnits(ctx, kehoach.UnitFilter{})
	if err != nil || len(units) != 164 {
		t.Errorf("%d units, %v; want 164", len(units), err)
	}
	// And it is an ordinary database again: gen refuses it as any other.
	if code, _, stderr := run(ctx, nil, "gen", "--scale", "district", "--seed", "2", "--db", db); code != 1 || !strings.Contains(stderr, "đã có đơn vị") {
		t.Errorf("third gen: code %d, err %q", code, stderr)
	}
}
