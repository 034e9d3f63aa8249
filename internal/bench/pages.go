package bench

import (
	"context"
	"fmt"
	"io"
	"kehoach/internal/app"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/store"
	"kehoach/internal/web"
)

// Pages measures what people wait for on the pages they live in (issue
// 16): the plan page read by Users people at once, beside /api/analytics
// (Q1) asked by one client in the same run, through the real web handler
// over HTTP, first with the engine alone and then with analytics.Cached.
type PagesOptions struct {
	Users    int           // concurrent readers of the plan page (default 50)
	Duration time.Duration // of each run (default 10 s)
}

// PagesResult is one run's latencies.
type PagesResult struct {
	Mode          string // "engine" or "cached"
	Plan, API     Latency
	PlanBytes     int
	PlanPerSecond float64
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

// Pages runs the measure on db (a generated dataset) with e, the engine
// already loaded, and returns one result per mode.
func Pages(ctx context.Context, db *store.DB, e *analytics.Engine, q *Questions, o PagesOptions) ([]PagesResult, error) {
	if o.Users <= 0 {
		o.Users = 50
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	actx := kehoach.NewContextWithActor(ctx, kehoach.SystemActor("bench"))
	u := &kehoach.User{Username: "bench.pages." + strconv.FormatInt(time.Now().UnixNano(), 36), Role: kehoach.RoleAdmin}
	if err := db.CreateUser(actx, u, "bench-pages-password-1"); err != nil {
		return nil, err
	}
	session, _, err := db.CreateSession(actx, u.ID, "127.0.0.1", "bench")
	if err != nil {
		return nil, err
	}
	token, _, err := db.CreateToken(actx, u.ID, kehoach.TokenOptions{Name: "bench"})
	if err != nil {
		return nil, err
	}
	plans, err := db.FindPlans(ctx)
	if err != nil || len(plans) == 0 {
		return nil, fmt.Errorf("bench: no plan to read: %v", err)
	}
	planPath := "/plans/" + strconv.FormatInt(plans[0].ID, 10)
	apiPath := "/api/analytics?" + url.Values{"dimension": {"dx:" + q.Indicator, "pe:" + strings.Join(q.Q1Periods, ";"),
		"ou:" + q.Province.Code + ";LEVEL-" + strconv.Itoa(q.CommuneLevel)}}.Encode()

	var out []PagesResult
	for _, mode := range []string{"engine", "cached"} {
		var svc kehoach.AnalyticsService = e
		if mode == "cached" {
			svc = analytics.NewCached(e)
		}
		srv := httptest.NewServer(web.New(web.Config{Services: app.ServicesOf(db, svc), DB: db}))
		res, err := pagesRun(ctx, srv.URL, planPath, apiPath, session, token, o)
		srv.Close()
		if err != nil {
			return out, err
		}
		res.Mode = mode
		out = append(out, res)
	}
	return out, nil
}

// pagesRun has o.Users people read the plan page in a loop while one
// client asks the analytics API, for o.Duration.
func pagesRun(ctx context.Context, base, planPath, apiPath, session, token string, o PagesOptions) (PagesResult, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Users + 2}, Timeout: time.Minute}
	get := func(path string, auth func(*http.Request)) (time.Duration, int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return 0, 0, err
		}
		auth(req)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
		}
		return time.Since(start), int(n), err
	}
	cookie := func(r *http.Request) { r.Header.Set("Cookie", "kehoach_session="+session) }
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
	// One reading first, so that both modes start loaded.
	if _, _, err := get(planPath, cookie); err != nil {
		return PagesResult{}, err
	}
	var (
		mu                sync.Mutex
		plan, api         []time.Duration
		planErrs, apiErrs int
		bytes             int
		firstErr          error
		wg                sync.WaitGroup
	)
	deadline := time.Now().Add(o.Duration)
	loop := func(path string, auth func(*http.Request), into *[]time.Duration, errs *int) {
		defer wg.Done()
		for time.Now().Before(deadline) && ctx.Err() == nil {
			d, n, err := get(path, auth)
			mu.Lock()
			if err != nil {
				*errs++
				if firstErr == nil {
					firstErr = err
				}
			} else {
				*into = append(*into, d)
				if path == planPath {
					bytes = n
				}
			}
			mu.Unlock()
		}
	}
	wg.Add(o.Users + 1)
	for range o.Users {
		go loop(planPath, cookie, &plan, &planErrs)
	}
	go loop(apiPath, bearer, &api, &apiErrs)
	wg.Wait()
	client.CloseIdleConnections()
	res := PagesResult{Plan: latencyOf(plan, planErrs), API: latencyOf(api, apiErrs), PlanBytes: bytes,
		PlanPerSecond: float64(len(plan)) / o.Duration.Seconds()}
	return res, firstErr
}

// PrintPages writes the results as a table, with the cached mode's
// ratios to the engine's.
func PrintPages(w io.Writer, rs []PagesResult, users int) {
	fmt.Fprintf(w, "%-7s %8s %10s %10s %9s %10s %10s %9s\n", "mode", "plan n", "plan p50", "plan p99", "pages/s", "api p50", "api p99", "plan KB")
	for _, r := range rs {
		fmt.Fprintf(w, "%-7s %8d %10s %10s %9.0f %10s %10s %9.1f\n", r.Mode, r.Plan.N, r.Plan.P50.Round(10*time.Microsecond), r.Plan.P99.Round(10*time.Microsecond),
			r.PlanPerSecond, r.API.P50.Round(10*time.Microsecond), r.API.P99.Round(10*time.Microsecond), float64(r.PlanBytes)/1024)
	}
	if len(rs) == 2 && rs[1].Plan.P50 > 0 {
		fmt.Fprintf(w, "%d users: plan p50 %.1f× faster, p99 %.1f× faster, %.1f× the pages/s with the cache\n", users,
			float64(rs[0].Plan.P50)/float64(rs[1].Plan.P50), float64(rs[0].Plan.P99)/float64(rs[1].Plan.P99), rs[1].PlanPerSecond/rs[0].PlanPerSecond)
	}
}
