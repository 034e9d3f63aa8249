// Package e2e drives the real program, booted in-process on a free port with
// a fresh demo database, from a headless Chromium through chromedp.
//
// The tests skip when no browser is installed, except under CI (the
// environment variable CI is set), where a missing browser is a failure:
// .ci/run installs Debian's chromium-headless-shell.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kehoach/internal/app"
)

// browserNames are the names and paths where a Chromium may be found, most
// specific first: Debian's chromium-headless-shell, the headless_shell of
// the chromedp/headless-shell image, then a full Chromium or Chrome.
var browserNames = []string{
	"chromium-headless-shell",
	"headless_shell",
	"headless-shell",
	"/usr/lib/chromium/headless_shell",
	"/usr/lib/chromium/chromium-headless-shell",
	"/headless-shell/headless-shell",
	"chromium",
	"chromium-browser",
	"/usr/lib/chromium/chromium",
	"google-chrome",
	"google-chrome-stable",
}

// testTimeout bounds one whole test: server, browser and every journey.
const testTimeout = 60 * time.Second

// findBrowser returns the path of a Chromium, or "" when there is none.
func findBrowser() string {
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startServer boots kehoach in-process on a free port with the demo loaded
// into a new SQLite database, and returns its base URL. The server stops and
// the database closes when the test ends.
func startServer(t *testing.T) (string, []app.DemoAccount) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &app.Server{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(t.TempDir(), "k.db"), Demo: true}
	if err := s.Open(ctx); err != nil {
		cancel()
		t.Fatalf("open server: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run server: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	return s.URL(), s.DemoAccounts
}

// login signs in through the login page as a person would.
func login(t *testing.T, ctx context.Context, base, username, password string) {
	t.Helper()
	open(t, ctx, base+"/login")
	load(t, ctx, "sign in",
		chromedp.SetValue(chromedp.CSS(`input[name="username"]`), username),
		chromedp.SetValue(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)))
	if got := text(t, ctx, "header .me a"); !strings.Contains(got, username) {
		t.Fatalf("after signing in the header shows %q, want %s", got, username)
	}
}

// password returns the password of the demo account username.
func password(t *testing.T, accounts []app.DemoAccount, username string) string {
	t.Helper()
	for _, a := range accounts {
		if a.Username == username {
			return a.Password
		}
	}
	t.Fatalf("no demo account %s", username)
	return ""
}

// startBrowser starts a headless Chromium with a throw-away profile and
// returns a chromedp context for one tab of it, limited to testTimeout. It
// skips the test when there is no browser, unless CI is set.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := findBrowser()
	if path == "" {
		msg := "no headless Chromium found (looked for " + strings.Join(browserNames, ", ") +
			"); install Debian's chromium-headless-shell, or run .ci/run"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Stay off the network: government intranets are often offline,
		// and a test must not depend on Google's services.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	var out syncBuffer
	opts = append(opts, chromedp.CombinedOutput(&out))
	ctx, cancelTimeout := context.WithTimeout(context.Background(), testTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		if err := chromedp.Cancel(bctx); err != nil && ctx.Err() == nil {
			t.Logf("close browser: %v", err)
		}
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
		if t.Failed() && out.String() != "" {
			t.Logf("browser output:\n%s", out.String())
		}
	})
	// The first Run starts the browser.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	t.Logf("browser: %s", path)
	return bctx
}

// syncBuffer collects the browser's output for a failure report.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was collected.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// load runs steps that make the page navigate (a click, a submit) and waits
// until the new page has loaded; it returns the HTTP status of the page.
func load(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		t.Fatalf("%s: no page loaded", what)
	}
	return resp.Status
}

// open navigates to url and fails unless the page answers 200.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	if resp.Status != 200 {
		t.Fatalf("open %s: status %d", url, resp.Status)
	}
}

// eval runs a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// text returns the visible text of the first element matching a CSS selector.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// figure is what the plan page shows of one target.
type figure struct {
	XY    string // "123/128 bản"
	Value string // "96,1%"
	Num   int    // 123
}

// readFigure reads the current figure of a target on the plan page shown.
func readFigure(t *testing.T, ctx context.Context, code string) figure {
	t.Helper()
	row := `tr[data-target="` + code + `"]`
	f := figure{XY: text(t, ctx, row+" .xy"), Value: text(t, ctx, row+" .value")}
	num, _, ok := strings.Cut(f.XY, "/")
	if !ok {
		t.Fatalf("target %s: figure %q is not x/y", code, f.XY)
	}
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(num), ".", ""))
	if err != nil {
		t.Fatalf("target %s: numerator of %q: %v", code, f.XY, err)
	}
	f.Num = n
	return f
}

// option is one choice of a select element.
type option struct {
	Value string `json:"value"`
	Text  string `json:"text"`
}

// options lists the choices of the select named name in the entry chooser.
func options(t *testing.T, ctx context.Context, name string) []option {
	t.Helper()
	return eval[[]option](t, ctx, `Array.from(document.querySelectorAll('form.choose select[name=`+jsString(name)+`] option'), o => ({value: o.value, text: o.text.trim()}))`)
}

// optionValue returns the value of the first non-empty choice that match
// accepts; label names the choice in the failure message.
func optionValue(t *testing.T, opts []option, label string, match func(option) bool) string {
	t.Helper()
	for _, o := range opts {
		if o.Value != "" && match(o) {
			return o.Value
		}
	}
	texts := make([]string, len(opts))
	for i, o := range opts {
		texts[i] = o.Text
	}
	t.Fatalf("no choice %q among %q", label, texts)
	return ""
}

// checkNoOverflow fails when the page is wider than the viewport: wide
// tables must scroll inside their .table-wrap, not push the page sideways.
func checkNoOverflow(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	w := eval[[]int](t, ctx, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
	if w[0] > w[1] {
		wide := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('body *')).filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + (e.name ? '[name=' + e.name + ']' : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')`)
		t.Errorf("%s: page is %d px wide in a %d px viewport (horizontal overflow); too wide: %q", what, w[0], w[1], wide)
	}
}

// screenshot saves full-page screenshots of the page shown, on a desktop
// and on a phone viewport, to /tmp/kehoach-e2e-<name>-<viewport>.png for a
// person to look at, and checks neither overflows sideways.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, vp := range []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
		var vopts []chromedp.EmulateViewportOption
		if vp.mobile {
			vopts = append(vopts, chromedp.EmulatePortrait, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.w, vp.h, vopts...)); err != nil {
			t.Fatalf("viewport %s: %v", vp.name, err)
		}
		checkNoOverflow(t, ctx, fmt.Sprintf("%s on %s (%dx%d)", name, vp.name, vp.w, vp.h))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s %s: %v", name, vp.name, err)
		}
		file := filepath.Join(os.TempDir(), fmt.Sprintf("kehoach-e2e-%s-%s.png", name, vp.name))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Logf("save screenshot: %v", err)
			continue
		}
		t.Logf("screenshot: %s", file)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("viewport back to desktop: %v", err)
	}
}
