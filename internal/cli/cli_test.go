package cli

import (
	"bytes"
	"context"
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
	// The flag package's English is said in Vietnamese, with the options.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--nope"}, "kehoach serve: không có tùy chọn --nope\nCách dùng: kehoach serve [--addr"},
		{[]string{"serve", "--addr"}, "kehoach serve: tùy chọn --addr cần một giá trị"},
		{[]string{"serve", "--demo=có"}, `kehoach serve: giá trị "có" của --demo không hợp lệ`},
		{[]string{"gen", "--seed", "-1"}, `kehoach gen: giá trị "-1" của --seed không hợp lệ`},
		{[]string{"user", "password", "--nope"}, "kehoach user password: không có tùy chọn --nope"},
	} {
		code, out, stderr := run(ctx, nil, tc.args...)
		if code != 2 || out != "" || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "Tùy chọn:\n") || !strings.Contains(stderr, "  --db URL (mặc định: sqlite:kehoach.db)") {
			t.Errorf("%q: code %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
		for _, english := range []string{"flag provided", "Usage of", "needs an argument", "invalid", "default"} {
			if strings.Contains(stderr, english) {
				t.Errorf("%q: English %q in %q", tc.args, english, stderr)
			}
		}
	}
	if code, out, _ := run(ctx, nil, "serve", "--help"); code != 0 || !strings.Contains(out, "--addr MÁY:CỔNG (mặc định: 127.0.0.1:8080)") {
		t.Errorf("serve --help: code %d, out %q", code, out)
	}
	if code, out, _ := run(ctx, nil, "help"); code != 0 || !strings.Contains(out, "kehoach user password") {
		t.Errorf("help: code %d, out %q", code, out)
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
	if code, _, stderr := run(ctx, nil, "migrate", "--db", "sqlite:"); code != 1 || stderr != "kehoach migrate: đường dẫn cơ sở dữ liệu trống\n" {
		t.Errorf("empty path: code %d, stderr %q", code, stderr)
	}
	// A database that cannot be opened is said in Vietnamese, with the
	// detail for the operator.
	notDir := filepath.Join(dir, "a", "k.db") // a file, not a directory
	if code, _, stderr := run(ctx, nil, "migrate", "--db", "sqlite:"+filepath.Join(notDir, "x.db")); code != 1 || !strings.HasPrefix(stderr, "kehoach migrate: không mở được cơ sở dữ liệu sqlite:"+notDir) {
		t.Errorf("unopenable database: code %d, stderr %q", code, stderr)
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
	// The demo made an administrator: no hint to create one.
	if strings.Contains(out.String(), "Chưa có tài khoản quản trị") {
		t.Errorf("start message asks for an administrator the demo made: %q", out.String())
	}
	if !strings.Contains(out.String(), "--addr 0.0.0.0:") {
		t.Errorf("start message does not say how other computers reach it: %q", out.String())
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

// startServe runs `kehoach serve` with args until the returned stop is
// called, and returns what it printed once it listens.
func startServe(t *testing.T, args ...string) (out string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var outb, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, Env{Args: append([]string{"serve"}, args...), Stdout: &outb, Stderr: &errb})
	}()
	stop = func() (int, string) {
		cancel()
		select {
		case code := <-done:
			return code, errb.String()
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop after cancel")
			return 0, ""
		}
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(outb.String(), "Ctrl-C") {
			return outb.String(), stop
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: out %q err %q", code, outb.String(), errb.String())
		default:
		}
	}
	cancel()
	t.Fatalf("serve did not start: out %q err %q", outb.String(), errb.String())
	return "", nil
}

// TestServeAdminHint: the hint to create the first administrator shows
// only while the database has no enabled administrator.
func TestServeAdminHint(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "k.db")
	out, stop := startServe(t, "--addr", "127.0.0.1:0", "--db", db)
	if code, errs := stop(); code != 0 {
		t.Fatalf("serve: %d %s", code, errs)
	}
	if !strings.Contains(out, "kehoach user add --username ten --role admin --all-units") {
		t.Errorf("empty database: no hint to create an administrator: %q", out)
	}
	if code, _, errs := run(ctx, nil, "user", "add", "--username", "quantri", "--role", "admin", "--all-units", "--db", db); code != 0 {
		t.Fatalf("user add: %d %s", code, errs)
	}
	out, stop = startServe(t, "--addr", "127.0.0.1:0", "--db", db)
	if code, errs := stop(); code != 0 {
		t.Fatalf("serve: %d %s", code, errs)
	}
	if strings.Contains(out, "Chưa có tài khoản quản trị") || strings.Contains(out, "--role admin") {
		t.Errorf("an administrator exists, yet the hint shows: %q", out)
	}
}

// TestServePortTaken: a port held by another program is said in
// Vietnamese, naming the address and how to choose another.
func TestServePortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	code, out, errs := run(context.Background(), nil, "serve", "--addr", addr, "--db", "sqlite:"+filepath.Join(t.TempDir(), "k.db"))
	if code != 1 || out != "" {
		t.Fatalf("code %d, out %q, err %q; want 1 and nothing on stdout", code, out, errs)
	}
	_, port, _ := net.SplitHostPort(addr)
	for _, want := range []string{"kehoach serve: địa chỉ " + addr + " đang có chương trình khác dùng", "--addr 127.0.0.1:"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q lacks %q", errs, want)
		}
	}
	if strings.Contains(errs, "address already in use") || strings.Contains(errs, "app: listen") || strings.Contains(errs, "--addr "+addr) {
		t.Errorf("stderr %q: raw English, or suggests the same port %s", errs, port)
	}
}

func TestOtherPort(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8081",
		"0.0.0.0:80":     "0.0.0.0:81",
		":8080":          ":8081",
		"nonsense":       "127.0.0.1:8081",
	} {
		if got := otherPort(in); got != want {
			t.Errorf("otherPort(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestServeOfficeNetwork: listening on every interface says which
// addresses the other computers use.
func TestServeOfficeNetwork(t *testing.T) {
	if len(lanAddrs()) == 0 {
		t.Skip("this machine has no LAN address")
	}
	out, stop := startServe(t, "--addr", "0.0.0.0:0", "--db", "sqlite:"+filepath.Join(t.TempDir(), "k.db"))
	if code, errs := stop(); code != 0 {
		t.Fatalf("serve: %d %s", code, errs)
	}
	if !strings.Contains(out, "kehoach đang chạy tại http://127.0.0.1:") || !strings.Contains(out, "Các máy khác trong cơ quan vào bằng: http://"+lanAddrs()[0]+":") {
		t.Errorf("no LAN address in %q", out)
	}
}
