package loadtest

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Route names, as the tables print them: the method and the route's
// pattern, not the URL (one line per route, whatever the ids).
const (
	RouteLogin      = "POST /login"
	RouteHome       = "GET /"
	RoutePlan       = "GET /plans/{id}"
	RouteTarget     = "GET /plans/{id}/targets/{code}"
	RouteEntryShow  = "GET /entry"
	RouteEntrySave  = "POST /entry"
	RouteSubmit     = "POST /submissions/submit"
	RouteSubmission = "GET /submissions…"
)

// Phases of a run: everybody signs in first, then the last hour before the
// deadline, compressed, is played.
const (
	PhaseSignIn = "sign-in"
	PhaseWork   = "work"
)

// recorder collects the latency and the outcome of every request.
type recorder struct {
	mu     sync.Mutex
	routes map[string]*routeRec // by phase and route
}

type routeRec struct {
	phase    string
	lat      []time.Duration
	errors   map[string]int
	examples map[string]string
}

func newRecorder() *recorder { return &recorder{routes: map[string]*routeRec{}} }

func (r *recorder) get(phase, route string) *routeRec {
	key := phase + "\x00" + route
	rr := r.routes[key]
	if rr == nil {
		rr = &routeRec{phase: phase, errors: map[string]int{}, examples: map[string]string{}}
		r.routes[key] = rr
	}
	return rr
}

// ok records a request that answered as expected.
func (r *recorder) ok(phase, route string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rr := r.get(phase, route)
	rr.lat = append(rr.lat, d)
}

// fail records a request that did not: kind names what went wrong
// ("status 409, want 303", "timeout"…), example what the server said.
// d < 0 when there was no answer to time.
func (r *recorder) fail(phase, route string, d time.Duration, kind, example string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rr := r.get(phase, route)
	if d >= 0 {
		rr.lat = append(rr.lat, d)
	}
	rr.errors[kind]++
	if _, seen := rr.examples[kind]; !seen && example != "" {
		rr.examples[kind] = example
	}
}

// RouteStats are one route's figures in one phase.
type RouteStats struct {
	Phase string
	Route string
	// Count is every request sent, Errors those that did not answer as
	// expected (by kind).
	Count      int
	Throughput float64 // requests per second of the phase
	P50, P95   time.Duration
	P99, Max   time.Duration
	Errors     map[string]int
	Examples   map[string]string
}

// ErrorCount is the number of failed requests of the route.
func (s *RouteStats) ErrorCount() int {
	n := 0
	for _, c := range s.Errors {
		n += c
	}
	return n
}

// stats summarises the recorder; phases gives each phase's length for the
// throughput.
func (r *recorder) stats(phases map[string]time.Duration) []*RouteStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*RouteStats
	for key, rr := range r.routes {
		_, route, _ := strings.Cut(key, "\x00")
		lat := slices.Clone(rr.lat)
		slices.Sort(lat)
		s := &RouteStats{Phase: rr.phase, Route: route, Errors: maps.Clone(rr.errors), Examples: maps.Clone(rr.examples)}
		s.Count = len(lat)
		for kind, n := range rr.errors {
			if strings.HasPrefix(kind, "transport") || kind == "timeout" || kind == "cut by the hard deadline" {
				s.Count += n // no answer to time, but sent
			}
		}
		if len(lat) > 0 {
			s.P50, s.P95, s.P99, s.Max = quantile(lat, 0.50), quantile(lat, 0.95), quantile(lat, 0.99), lat[len(lat)-1]
		}
		if d := phases[rr.phase]; d > 0 {
			s.Throughput = float64(s.Count) / d.Seconds()
		}
		out = append(out, s)
	}
	order := map[string]int{RouteLogin: 0, RouteHome: 1, RoutePlan: 2, RouteTarget: 3, RouteEntryShow: 4, RouteEntrySave: 5, RouteSubmit: 6, RouteSubmission: 7}
	slices.SortFunc(out, func(a, b *RouteStats) int {
		if c := cmp.Compare(phaseOrder(a.Phase), phaseOrder(b.Phase)); c != 0 {
			return c
		}
		oa, okA := order[a.Route]
		ob, okB := order[b.Route]
		if !okA {
			oa = 100
		}
		if !okB {
			ob = 100
		}
		return cmp.Or(cmp.Compare(oa, ob), cmp.Compare(a.Route, b.Route))
	})
	return out
}

func phaseOrder(p string) int {
	if p == PhaseSignIn {
		return 0
	}
	return 1
}

// quantile returns the q-quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// ms formats a duration in milliseconds with one decimal below 10 ms.
func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	if f < 10 {
		return fmt.Sprintf("%.1f", f)
	}
	return fmt.Sprintf("%.0f", f)
}

// printRoutes writes the per-route table.
func printRoutes(w io.Writer, routes []*RouteStats) {
	fmt.Fprintf(w, "%-8s %-32s %7s %8s %8s %8s %8s %8s %7s\n", "phase", "route", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")
	for _, s := range routes {
		fmt.Fprintf(w, "%-8s %-32s %7d %8.1f %8s %8s %8s %8s %7d\n", s.Phase, s.Route, s.Count, s.Throughput, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max), s.ErrorCount())
	}
	var lines []string
	for _, s := range routes {
		for _, kind := range slices.Sorted(maps.Keys(s.Errors)) {
			line := fmt.Sprintf("  %s %s: %d × %s", s.Phase, s.Route, s.Errors[kind], kind)
			if ex := s.Examples[kind]; ex != "" {
				line += " — " + ex
			}
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		fmt.Fprintln(w, "Errors: none")
		return
	}
	fmt.Fprintln(w, "Errors:")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}
