package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kehoach/internal/app"
)

// demoDB is a fresh SQLite database with the demo plan and its figures.
func demoDB(t *testing.T) string {
	t.Helper()
	url := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	db, err := app.OpenDB(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := app.LoadDemoIfEmpty(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return url
}

var reportNow = func() time.Time { return time.Date(2025, 1, 6, 2, 0, 0, 0, time.UTC) }

// `kehoach report` writes each format; run twice it gives the same bytes;
// bad input gets a clear message and exit code.
func TestReportCommand(t *testing.T) {
	url := demoDB(t)
	dir := t.TempDir()
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), Env{Args: append([]string{"report", "--db", url}, args...), Stdout: &out, Stderr: &errOut, Now: reportNow})
		return code, out.String(), errOut.String()
	}
	for _, f := range []string{"docx", "pdf", "xlsx"} {
		path := filepath.Join(dir, "r."+f)
		code, out, errOut := run("--plan", "1", "--period", "2024", "--format", f, "-o", path)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f, code, errOut)
		}
		if !strings.Contains(out, "Đã ghi") || !strings.Contains(out, "năm 2024") {
			t.Errorf("%s: output %q", f, out)
		}
		first, _ := os.ReadFile(path)
		run("--plan", "1", "--period", "2024", "--format", f, "-o", path)
		again, _ := os.ReadFile(path)
		if len(first) < 1000 || !bytes.Equal(first, again) {
			t.Errorf("%s: %d bytes, same twice: %v", f, len(first), bytes.Equal(first, again))
		}
	}
	if code, _, errOut := run("--plan", "1", "--period", "2024", "--kind", "letter", "--format", "pdf", "-o", filepath.Join(dir, "l.pdf")); code != 0 {
		t.Fatalf("letter: %s", errOut)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--plan", "1", "--period", "2030"}, 1, "nằm ngoài thời hạn của kế hoạch"},
		{[]string{"--plan", "1", "--period", "2024-05"}, 1, "không hợp lệ"},
		{[]string{"--plan", "1"}, 2, "cần --period"},
		{[]string{"--period", "2024"}, 2, "cần --plan"},
		{[]string{"--plan", "1", "--period", "2024", "--format", "odt"}, 2, "Định dạng \"odt\" không có"},
		{[]string{"--plan", "99", "--period", "2024"}, 1, "không có kế hoạch"},
	} {
		code, _, errOut := run(c.args...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", c.args, code, errOut, c.code, c.msg)
		}
	}
}
