package app

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kehoach"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func run(ctx context.Context, env map[string]string, args ...string) (int, string, string) {
	var out, errb syncBuffer
	code := Main(ctx, Env{Args: args, Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	ctx := context.Background()
	if code, _, stderr := run(ctx, nil); code != 2 || !strings.Contains(stderr, "kehoach serve") {
		t.Errorf("no args: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(ctx, nil, "frobnicate"); code != 2 || !strings.Contains(stderr, `lệnh "frobnicate" không có`) {
		t.Errorf("unknown command: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(ctx, nil, "serve", "--nope"); code != 2 || !strings.Contains(stderr, "nope") {
		t.Errorf("unknown flag: code %d, stderr %q", code, stderr)
	}
}

func TestMigrateCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "a", "k.db")
	code, out, stderr := run(ctx, nil, "migrate", "--db", db)
	if code != 0 || !strings.Contains(out, "Đã cập nhật") {
		t.Fatalf("migrate: code %d, out %q, err %q", code, out, stderr)
	}
	// KEHOACH_DB is read when --db is absent.
	envDB := "sqlite:" + filepath.Join(dir, "env.db")
	code, out, _ = run(ctx, map[string]string{"KEHOACH_DB": envDB}, "migrate")
	if code != 0 || !strings.Contains(out, envDB) {
		t.Fatalf("migrate with KEHOACH_DB: code %d, out %q", code, out)
	}
	if code, _, stderr := run(ctx, nil, "migrate", "--db", "sqlite:"); code != 1 || !strings.Contains(stderr, "trống") {
		t.Errorf("empty path: code %d, stderr %q", code, stderr)
	}
}

// TestServeCommand starts `kehoach serve --demo` on a free port, checks it
// answers with the demo, then cancels and expects a clean shutdown.
func TestServeCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "k.db")
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, Env{Args: []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--demo"}, Getenv: func(string) string { return "" },
			Stdout: &out, Stderr: &errb})
	}()
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		base = addr.FindString(out.String())
	}
	if base == "" {
		t.Fatalf("no address printed; out %q err %q", out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "kehoach user add") {
		t.Errorf("start message does not say how to create the first administrator: %q", out.String())
	}
	// The demo's accounts are printed once, each with its own password;
	// signing in with the administrator's opens the plan.
	m := regexp.MustCompile(`(?m)^\s+quantri\s+(\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no demo administrator printed: %q", out.String())
	}
	if resp, err := http.Get(base + "/api/plans"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /api/plans without signing in: %v %v", resp.StatusCode, err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {"quantri"}, "password": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Tam Đường") || !strings.Contains(string(body), `data-target="5c"`) {
		t.Fatalf("after signing in: %d %.300s", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	if !strings.Contains(out.String(), "đã dừng") {
		t.Errorf("no stop message: %q", out.String())
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("server still answers after shutdown")
	}
}

// TestGracefulShutdown checks that a request in flight when the server is
// told to stop still gets its whole answer.
func TestGracefulShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(t.TempDir(), "k.db"), Demo: true}
	if err := s.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	// A save whose body is still arriving: the handler is running, waiting
	// for the rest of the form, when the server is told to stop.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	form := "unit=XA_BANBO&form=BM_BAN&period=2024Q4&v.XA_BANBO_B01.BAN_LOA=false"
	admin, err := s.Store().FindUserByUsername(ctx, "quantri")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := s.Store().CreateToken(ctx, admin.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("POST /entry HTTP/1.1\r\nHost: kehoach\r\nAuthorization: Bearer %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", token, len(form))
	if _, err := io.WriteString(conn, head+form[:10]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) with a request in flight", err)
	default:
	}
	if _, err := io.WriteString(conn, form[10:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save in flight answered %d, want 303", resp.StatusCode)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	vals, err := s.Store().FindDataValues(context.Background(), kehoach.DataValueFilter{Units: []string{"XA_BANBO_B01"}, Periods: []string{"2024Q4"}, Elements: []string{"BAN_LOA"}})
	if err != nil || len(vals) != 1 || vals[0].Value != "false" {
		t.Fatalf("the save in flight was not kept: %v %v", vals, err)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:secret@h:5432/db": "postgres://u:***@h:5432/db",
		"postgres://u@h/db":             "postgres://u@h/db",
		"sqlite:k.db":                   "sqlite:k.db",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}
