package app

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kehoach"
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

	s, err := OpenDB(ctx, db)
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
		{[]string{"gen", "--scale", "district", "--db", db, "extra"}, "không nhận đối số"},
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

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 54199260: "54.199.260", -1234: "-1.234"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}
