package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/app"
	"kehoach/internal/auth"
	"kehoach/internal/store"
	"kehoach/internal/web"
)

// demoNote is the note the test server shows on demo plans.
const demoNote = "Số liệu minh họa trong kiểm thử."

// testNow is the servers' clock, fixed so that the periods offered for
// entry do not move.
var testNow = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// The demo is loaded once into a template database (loading it is the
// slow part, the more so under -race); each server opens a copy of it.
var (
	tmpDir   string
	demoOnce sync.Once
	demoFile string
	demoErr  error

	sharedOnce sync.Once
	shared     *httptest.Server
	sharedStop func()
	sharedErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kehoach-web-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tmpDir = dir
	code := m.Run()
	if sharedStop != nil {
		sharedStop()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// demoCopy writes a copy of the demo database into dir and returns its path.
func demoCopy(dir string) (string, error) {
	demoOnce.Do(func() {
		ctx := context.Background()
		demoFile = filepath.Join(tmpDir, "demo.db")
		db, err := app.OpenDB(ctx, "sqlite:"+demoFile)
		if err != nil {
			demoErr = fmt.Errorf("open db: %w", err)
			return
		}
		db.Now = func() time.Time { return testNow }
		loaded, err := app.LoadDemoIfEmpty(ctx, db)
		if err == nil {
			err = makeTestUsers(ctx, db)
		}
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err != nil || !loaded {
			demoErr = fmt.Errorf("load demo: loaded %v, %v", loaded, err)
		}
	})
	if demoErr != nil {
		return "", demoErr
	}
	path := filepath.Join(dir, "kehoach.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(demoFile + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(path+suffix, b, 0o644); err != nil {
			return "", err
		}
	}
	return path, nil
}

// startServer serves the web handler on a copy of the demo database,
// through httptest so that cross-origin protection sees a real Host.
func startServer(dir string) (*httptest.Server, func(), error) {
	return startServerWith(dir, nil)
}

// startServerWith is startServer with a change to the web configuration.
func startServerWith(dir string, change func(*web.Config)) (*httptest.Server, func(), error) {
	srv, _, stop, err := openServer(dir, nil, change)
	return srv, stop, err
}

// openServer serves a copy of the demo database with one clock, testNow,
// for the store, the engine and the web (as app gives them one), after
// changeDB has set the store's settings and changeCfg the web's.
func openServer(dir string, changeDB func(*store.DB), changeCfg func(*web.Config)) (*httptest.Server, *store.DB, func(), error) {
	path, err := demoCopy(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	db, err := app.OpenDB(context.Background(), "sqlite:"+path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("open db: %w", err)
	}
	clock := func() time.Time { return testNow }
	db.Now = clock
	if changeDB != nil {
		changeDB(db)
	}
	engine := analytics.New(db)
	engine.Now = clock
	cfg := web.Config{
		Services: kehoach.Services{Units: db, Plans: db, Data: db, Analytics: analytics.NewCached(engine), // as app wires it (issue 16)
			Users: db, Submissions: db, Audit: db,
			Reports: db,              // reports (issue 12)
			Import:  db, Bundles: db, // issue 13
			Tasks: db, Reviews: db, // tasks (issue 11)
		},
		DB:       db,
		DemoNote: demoNote,
		Now:      clock,
	}
	if changeCfg != nil {
		changeCfg(&cfg)
	}
	srv := httptest.NewServer(web.New(cfg))
	return srv, db, func() { srv.Close(); db.Close() }, nil
}

// newServer starts a server of the test's own, for tests that save.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv, stop, err := startServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return srv
}

// sharedServer returns the server that read-only tests share.
func sharedServer(t *testing.T) *httptest.Server {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp(tmpDir, "shared-")
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedStop, sharedErr = startServer(dir)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

// scenario is one HTTP request and what its answer must (and must not) hold.
type scenario struct {
	Name               string
	Method             string // GET when empty
	URL                string // path and query, relative to the server
	Form               url.Values
	Body               string
	Headers            map[string]string
	ExpectedStatus     int
	ExpectedHeaders    map[string]string // header → substring it must contain
	ExpectedContent    []string
	NotExpectedContent []string
	// ExpectedLocation, when set, is the Location header expected (the
	// client does not follow redirects).
	ExpectedLocation string
	// Check, when set, inspects the body further.
	Check func(t *testing.T, body string)
}

// client does not follow redirects, so that a test sees the 303 itself.
var client = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       20 * time.Second,
}

// do sends one request; a POST with a form is form-encoded and, unless the
// scenario says otherwise, carries the same-origin headers a browser sends.
func do(t *testing.T, srv *httptest.Server, method, path string, form url.Values, body string, headers map[string]string) (*http.Response, string) {
	t.Helper()
	if method == "" {
		method = http.MethodGet
	}
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	} else if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Origin", srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	// Requests act as the administrator unless the scenario names another
	// test user with X-Test-As ("anonymous": no credentials).
	as := "admin"
	if v, ok := headers["X-Test-As"]; ok {
		as = v
	}
	// Pages are for people: a test user signs in to them with a session
	// cookie; an API token works under /api/ only.
	if tok := testTokens[as]; tok != "" && strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+tok)
	} else if sess := testSessions[as]; sess != "" {
		req.Header.Set("Cookie", "kehoach_session="+sess)
	}
	for k, v := range headers {
		if k == "X-Test-As" {
			continue
		}
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, string(b)
}

// get fetches path and fails the test unless the status is want.
func get(t *testing.T, srv *httptest.Server, path string, want int) string {
	t.Helper()
	resp, body := do(t, srv, http.MethodGet, path, nil, "", nil)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d; body:\n%s", path, resp.StatusCode, want, excerpt(body))
	}
	return body
}

// getJSON fetches path, checks the status and decodes the JSON answer into v.
func getJSON(t *testing.T, srv *httptest.Server, path string, want int, v any) {
	t.Helper()
	resp, body := do(t, srv, http.MethodGet, path, nil, "", nil)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d; body:\n%s", path, resp.StatusCode, want, excerpt(body))
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q, want application/json", path, ct)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: decode JSON: %v\n%s", path, err, excerpt(body))
	}
}

// run runs a table of scenarios against srv, in parallel when parallel.
func run(t *testing.T, srv *httptest.Server, scenarios []scenario, parallel bool) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			if parallel {
				t.Parallel()
			}
			resp, body := do(t, srv, sc.Method, sc.URL, sc.Form, sc.Body, sc.Headers)
			if resp.StatusCode != sc.ExpectedStatus {
				t.Errorf("status %d, want %d; body:\n%s", resp.StatusCode, sc.ExpectedStatus, excerpt(body))
			}
			if sc.ExpectedLocation != "" {
				if got := resp.Header.Get("Location"); got != sc.ExpectedLocation {
					t.Errorf("Location %q, want %q", got, sc.ExpectedLocation)
				}
			}
			for k, v := range sc.ExpectedHeaders {
				if got := resp.Header.Get(k); !strings.Contains(got, v) {
					t.Errorf("header %s = %q, want it to contain %q", k, got, v)
				}
			}
			for _, s := range sc.ExpectedContent {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q; body:\n%s", s, excerpt(body))
				}
			}
			for _, s := range sc.NotExpectedContent {
				if strings.Contains(body, s) {
					t.Errorf("body contains %q, which it must not", s)
				}
			}
			if sc.Check != nil {
				sc.Check(t, body)
			}
		})
	}
}

// excerpt shortens a body for a failure message.
func excerpt(s string) string {
	const max = 3000
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// rowsOf returns the <tr …>…</tr> elements of body whose opening tag
// contains attr (e.g. `data-target=`), in document order.
func rowsOf(body, attr string) []string {
	var out []string
	for rest := body; ; {
		i := strings.Index(rest, "<tr ")
		if i < 0 {
			return out
		}
		rest = rest[i:]
		end := strings.Index(rest, "</tr>")
		if end < 0 {
			return out
		}
		row := rest[:end+len("</tr>")]
		rest = rest[end+len("</tr>"):]
		if open := row[:strings.Index(row, ">")+1]; strings.Contains(open, attr) {
			out = append(out, row)
		}
	}
}

// attrOf returns the value of attribute name in the first tag of s.
func attrOf(s, name string) string {
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `="([^"]*)"`)
	m := re.FindStringSubmatch(s[:strings.Index(s, ">")+1])
	if m == nil {
		return ""
	}
	return m[1]
}

// targetRow returns the row of target code on the plan page.
func targetRow(t *testing.T, body, code string) string {
	t.Helper()
	for _, r := range rowsOf(body, "data-target=") {
		if attrOf(r, "data-target") == code {
			return r
		}
	}
	t.Fatalf("plan page has no row for target %s", code)
	return ""
}

var xyRE = regexp.MustCompile(`<span class="muted xy">([0-9.]+)/([0-9.]+) `)

// xyOf returns the x/y counts of a target row, as integers.
func xyOf(t *testing.T, row string) (x, y int) {
	t.Helper()
	m := xyRE.FindStringSubmatch(row)
	if m == nil {
		t.Fatalf("no x/y counts in row:\n%s", row)
	}
	return atoiVN(t, m[1]), atoiVN(t, m[2])
}

// atoiVN parses a Vietnamese-formatted whole number ("1.234").
func atoiVN(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range strings.ReplaceAll(s, ".", "") {
		if c < '0' || c > '9' {
			t.Fatalf("not a whole number: %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// dataValue is one figure of /api/dataValueSets.
type dataValue struct {
	DataElement string `json:"dataElement"`
	Period      string `json:"period"`
	OrgUnit     string `json:"orgUnit"`
	Value       string `json:"value"`
	StoredBy    string `json:"storedBy"`
}

type dataValueSet struct {
	DataSet    string      `json:"dataSet"`
	Period     string      `json:"period"`
	OrgUnit    string      `json:"orgUnit"`
	DataValues []dataValue `json:"dataValues"`
}

// values reads /api/dataValueSets with the query q and returns the figures
// keyed "UNIT.ELEMENT/PERIOD".
func values(t *testing.T, srv *httptest.Server, q string) map[string]string {
	t.Helper()
	var set dataValueSet
	getJSON(t, srv, "/api/dataValueSets?"+q, http.StatusOK, &set)
	out := map[string]string{}
	for _, v := range set.DataValues {
		out[v.OrgUnit+"."+v.DataElement+"/"+v.Period] = v.Value
	}
	return out
}

// sameValues fails the test unless a and b hold the same figures.
func sameValues(t *testing.T, what string, a, b map[string]string) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d figures before, %d after", what, len(a), len(b))
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if a[k] != b[k] {
			t.Errorf("%s: %s changed from %q to %q", what, k, a[k], b[k])
		}
	}
}

// testTokens are the API tokens of the test users, by name, and
// testSessions their session cookies.
var testTokens, testSessions = map[string]string{}, map[string]string{}

// testUsers are the accounts every test server has: one per role, the
// reporters and the scoped viewer bound to communes.
var testUsers = []struct {
	name, role  string
	entry, view []string
}{
	{"admin", kehoach.RoleAdmin, nil, nil},
	{"planner", kehoach.RolePlanner, nil, nil},
	{"reporter", kehoach.RoleReporter, []string{"XA_BANBO"}, nil},
	{"reporter2", kehoach.RoleReporter, []string{"XA_BINHLU"}, nil},
	{"approver", kehoach.RoleApprover, []string{"TAMDUONG"}, nil},
	{"viewer", kehoach.RoleViewer, nil, nil},
	{"viewer.banbo", kehoach.RoleViewer, nil, []string{"XA_BANBO"}},
}

// testPassword is every test user's password.
const testPassword = "mật-khẩu-thử-nghiệm"

func makeTestUsers(ctx context.Context, db *store.DB) error {
	for _, tu := range testUsers {
		u := &kehoach.User{Username: tu.name, Role: tu.role, EntryScope: tu.entry, ViewScope: tu.view}
		if err := db.CreateUser(ctx, u, testPassword); err != nil {
			return fmt.Errorf("user %s: %w", tu.name, err)
		}
		tok, _, err := db.CreateToken(ctx, u.ID, kehoach.TokenOptions{Name: "test"})
		if err != nil {
			return err
		}
		testTokens[tu.name] = tok
		// The session is written directly, not by CreateSession, so that
		// the audit log holds only what the tests themselves do.
		sess := auth.NewToken()
		now := testNow
		if _, err := db.Writer().ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen, expires_at, address, user_agent, revoked)
			VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`, auth.HashToken(sess), u.ID, now, now.Add(24*time.Hour), "127.0.0.1", "test", false); err != nil {
			return fmt.Errorf("session of %s: %w", tu.name, err)
		}
		testSessions[tu.name] = sess
	}
	return nil
}
