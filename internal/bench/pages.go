package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"kehoach"
	"kehoach/internal/store"
)

// Pages measures what people wait for on the pages they live in (issue
// 16): Users people at once, each reading the plan page and then a
// target's breakdown by village (three sorts and pages in turn), while one
// client asks /api/analytics (Q1), all in the same run, over HTTP against a
// server: one booted in this process (ServePages) or any other (the
// commands of docs/performance.md run the binary of an older commit so).
type PagesOptions struct {
	Users    int           // concurrent readers (default 50)
	Duration time.Duration // of the run (default 10 s)
	// Revalidate sends If-None-Match with the ETag of the reader's last
	// answer to the same address, as a browser does on reload.
	Revalidate bool
	// Think is the mean time a reader reads a page before the next (0.5
	// to 1.5 times it, at random); zero: none, each reader asks again the
	// moment an answer is in (a closed loop: the most the server answers).
	Think time.Duration
	// Save, when set, is called once a second during the run (a person
	// saving a figure through the server's store, issue 16 point 8:
	// readers must not wait behind the save and the long pages it makes
	// recompute); Saves counts them.
	Save func(context.Context) error
}

// PageRoutes are the addresses read.
type PageRoutes struct {
	Plan    string   // /plans/{id}
	Targets []string // a target's breakdown by village, in several sorts and pages
	API     string   // /api/analytics?… (Q1)
}

// RoutesOf finds the addresses on a database filled by `kehoach gen`: the
// gen plan, its target on q.Indicator broken down by village, and Q1.
func RoutesOf(ctx context.Context, db *store.DB, q *Questions) (PageRoutes, error) {
	plans, err := db.FindPlans(ctx)
	if err != nil || len(plans) == 0 {
		return PageRoutes{}, fmt.Errorf("bench: no plan to read: %v", err)
	}
	plan, err := db.FindPlanByID(ctx, plans[0].ID)
	if err != nil {
		return PageRoutes{}, err
	}
	code := ""
	for _, t := range plan.Targets {
		if t.IndicatorCode == q.Indicator {
			code = t.Code
			break
		}
	}
	if code == "" {
		return PageRoutes{}, fmt.Errorf("bench: plan %d has no target on %s", plan.ID, q.Indicator)
	}
	base := "/plans/" + strconv.FormatInt(plan.ID, 10)
	target := base + "/targets/" + url.PathEscape(code) + "?level=" + kehoach.KindVillage
	villages := 0
	for _, u := range q.Units {
		if u.Kind == kehoach.KindVillage {
			villages++
		}
	}
	second := target + "&sort=-value"
	if villages > 200 { // a page of the breakdown shows 200
		second += "&page=2"
	}
	return PageRoutes{
		Plan: base,
		// The lagging units first (the default), by name, by value from the
		// highest on its second page: the first page of a sort costs the
		// sort, the others only the page.
		Targets: []string{target, target + "&sort=name", second},
		API: "/api/analytics?" + url.Values{"dimension": {"dx:" + q.Indicator, "pe:" + strings.Join(q.Q1Periods, ";"),
			"ou:" + q.Province.Code + ";LEVEL-" + strconv.Itoa(q.CommuneLevel)}}.Encode(),
	}, nil
}

// PagesResult is one run's figures by route.
type PagesResult struct {
	Label      string
	Users      int
	Revalidate bool
	Think      time.Duration
	Duration   time.Duration
	Saves      int // figures saved during the run (PagesOptions.Save)
	Plan       RouteStats
	Target     RouteStats
	API        RouteStats
}

// RouteStats are a route's answers: how many, how fast, how big.
type RouteStats struct {
	Latency
	PerSecond   float64
	NotModified int // 304 answers (with Revalidate)
	MaxBytes    int // the largest body as sent (gzip when the server compresses)
	Gzip        bool
}

// Latency is a route's answered requests and their p50 and p99.
type Latency struct {
	N        int
	P50, P99 time.Duration
	Errors   int
}

func latencyOf(ds []time.Duration, errs int) Latency {
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		if len(ds) == 0 {
			return 0
		}
		return ds[max(0, min(len(ds)-1, int(math.Ceil(q*float64(len(ds))))-1))]
	}
	return Latency{N: len(ds), P50: at(0.5), P99: at(0.99), Errors: errs}
}

// routeLog gathers one route's answers.
type routeLog struct {
	ds               []time.Duration
	errs, notMod, mx int
	gzip             bool
}

// Pages runs the measure against the server at base, signed in as
// username with password (the API is read with the same session).
func Pages(ctx context.Context, base, username, password string, routes PageRoutes, o PagesOptions) (*PagesResult, error) {
	if o.Users <= 0 {
		o.Users = 50
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: o.Users + 2, DisableCompression: true},
		Timeout:   time.Minute,
		// The sign-in answers 303: its cookie is what is wanted.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	session, err := signIn(ctx, client, base, username, password)
	if err != nil {
		return nil, err
	}
	get := func(path, etag string) (d time.Duration, status, n int, gz bool, tag string, err error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return 0, 0, 0, false, "", err
		}
		req.Header.Set("Cookie", "kehoach_session="+session)
		// As a browser: compressed answers welcome, and (reloading) the
		// version it holds. The body is counted as sent, not inflated.
		req.Header.Set("Accept-Encoding", "gzip")
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, 0, false, "", err
		}
		m, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d = time.Since(start)
		if err == nil && resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotModified {
			err = fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
		}
		return d, resp.StatusCode, int(m), resp.Header.Get("Content-Encoding") == "gzip", resp.Header.Get("ETag"), err
	}
	// One reading of each first, so that the server starts loaded.
	for _, p := range append([]string{routes.Plan, routes.API}, routes.Targets...) {
		if _, _, _, _, _, err := get(p, ""); err != nil {
			return nil, err
		}
	}
	var (
		mu                sync.Mutex
		plan, target, api routeLog
		firstErr          error
		wg                sync.WaitGroup
	)
	record := func(into *routeLog, d time.Duration, status, n int, gz bool, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			into.errs++
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		into.ds = append(into.ds, d)
		into.mx = max(into.mx, n)
		into.gzip = into.gzip || gz
		if status == http.StatusNotModified {
			into.notMod++
		}
	}
	deadline := time.Now().Add(o.Duration)
	reader := func(i int) {
		defer wg.Done()
		tags := map[string]string{}
		rnd := rand.New(rand.NewPCG(uint64(i), 16))
		for k := i; time.Now().Before(deadline) && ctx.Err() == nil; k++ {
			if o.Think > 0 {
				time.Sleep(time.Duration((0.5 + rnd.Float64()) * float64(o.Think)))
				if !time.Now().Before(deadline) {
					break
				}
			}
			path, into := routes.Plan, &plan
			if k%2 == 1 {
				path, into = routes.Targets[(k/2)%len(routes.Targets)], &target
			}
			d, status, n, gz, tag, err := get(path, tags[path])
			if o.Revalidate && tag != "" {
				tags[path] = tag
			}
			record(into, d, status, n, gz, err)
		}
	}
	saves := 0
	if o.Save != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tick := time.NewTicker(time.Second); time.Now().Before(deadline) && ctx.Err() == nil; <-tick.C {
				if err := o.Save(ctx); err != nil {
					record(&api, 0, 0, 0, false, err)
					return
				}
				mu.Lock()
				saves++
				mu.Unlock()
			}
		}()
	}
	wg.Add(o.Users + 1)
	for i := range o.Users {
		go reader(i)
	}
	go func() {
		defer wg.Done()
		for time.Now().Before(deadline) && ctx.Err() == nil {
			d, status, n, gz, _, err := get(routes.API, "")
			record(&api, d, status, n, gz, err)
		}
	}()
	wg.Wait()
	stats := func(l routeLog) RouteStats {
		return RouteStats{Latency: latencyOf(l.ds, l.errs), PerSecond: float64(len(l.ds)) / o.Duration.Seconds(),
			NotModified: l.notMod, MaxBytes: l.mx, Gzip: l.gzip}
	}
	return &PagesResult{Users: o.Users, Revalidate: o.Revalidate, Think: o.Think, Duration: o.Duration, Saves: saves,
		Plan: stats(plan), Target: stats(target), API: stats(api)}, firstErr
}

// signIn posts the login form and returns the session cookie's value.
func signIn(ctx context.Context, client *http.Client, base, username, password string) (string, error) {
	form := url.Values{"username": {username}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "kehoach_session" && c.Value != "" {
			return c.Value, nil
		}
	}
	return "", fmt.Errorf("bench: signing in as %s at %s: status %d, no session", username, base, resp.StatusCode)
}

// PrintPages writes the runs as one table, each route's p50 beside the
// API's of the same run.
func PrintPages(w io.Writer, rs ...*PagesResult) {
	fmt.Fprintf(w, "%-22s %-7s %7s %10s %10s %8s %6s %8s %s\n", "run", "route", "n", "p50", "p99", "req/s", "304", "max KB", "p50 / API p50")
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + " ms" }
	for _, r := range rs {
		label := r.Label
		if r.Revalidate {
			label += " reload"
		}
		if r.Think > 0 {
			label += " think " + r.Think.String()
		}
		if r.Saves > 0 {
			label += " saves 1/s"
		}
		for _, x := range []struct {
			name string
			s    RouteStats
		}{{"plan", r.Plan}, {"target", r.Target}, {"api", r.API}} {
			ratio := "–"
			if r.API.P50 > 0 && x.name != "api" {
				ratio = strconv.FormatFloat(float64(x.s.P50)/float64(r.API.P50), 'f', 1, 64) + "×"
			}
			kb := strconv.FormatFloat(float64(x.s.MaxBytes)/1024, 'f', 1, 64)
			if x.s.Gzip {
				kb += " gz"
			}
			fmt.Fprintf(w, "%-22s %-7s %7d %10s %10s %8.0f %6d %8s %s\n", label, x.name, x.s.N, ms(x.s.P50), ms(x.s.P99), x.s.PerSecond, x.s.NotModified, kb, ratio)
		}
		fmt.Fprintf(w, "%-22s %d users, %s; pages/s (plan + target) %.0f; errors %d\n", label, r.Users, r.Duration,
			r.Plan.PerSecond+r.Target.PerSecond, r.Plan.Errors+r.Target.Errors+r.API.Errors)
	}
}
