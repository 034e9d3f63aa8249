// Package bench measures the analytics engine on a dataset made by
// `kehoach gen` and, in the same run, the same questions answered the way
// DHIS2 answers them: SQL GROUP BY over a denormalised analytics table (one
// row per figure, with the unit's ancestors as columns) built in the same
// database. `kehoach-bench` and the package's `go test -bench` benchmarks
// both use it.
//
// The questions (see docs/performance.md):
//
//   - Q1: one indicator, the communes of one province, 8 quarters;
//   - Q2: the plan's fourteen target indicators for that province, latest year;
//   - Q3: one indicator for every province, 20 quarters;
//   - freshness: one village's figure saved through the real write path,
//     then the time until Q1 shows it.
package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"kehoach"
	"kehoach/internal/gen"
	"kehoach/internal/store"
)

// Indicator is the indicator of Q1 and Q3: villages whose cultural house
// meets the standard, count(#{G_B02}) / units(village) × 100. Its numerator
// counts yes figures and its denominator counts units, the two shapes the
// baseline must reproduce with GROUP BY.
const Indicator = "GI_B02"

// Questions are the benchmark's questions on one dataset, found from what
// the database holds.
type Questions struct {
	Root     *kehoach.Unit
	Province *kehoach.Unit // the province of Q1 and Q2 (the root below national scale)
	// CommuneLevel is the level of Q1's units; ProvinceLevel of Q3's.
	CommuneLevel, ProvinceLevel int
	Indicator                   string
	Q1Periods, Q3Periods        []string // 8 and 20 quarters
	Year                        string   // Q2's year: the latest
	// Plan is the gen plan with every target re-scoped to Province.
	Plan *kehoach.Plan
	// Indicators are the plan targets' indicators, in target order.
	Indicators []string
	// Village, its Commune, and the form, element and quarter the freshness
	// measure saves.
	Village, Commune  *kehoach.Unit
	Form, Element, At string
	// Levels is the depth of the unit tree (the baseline's uidlevel columns).
	Levels int
	// Units are all units, parents first.
	Units []*kehoach.Unit
}

// Discover finds the questions on a database filled by `kehoach gen`.
func Discover(ctx context.Context, db *store.DB) (*Questions, error) {
	units, err := db.FindUnits(ctx, kehoach.UnitFilter{})
	if err != nil {
		return nil, err
	}
	q := &Questions{Indicator: Indicator, Units: units, Form: "GEN_BAN_TC", Element: gen.B02}
	byCode := map[string]*kehoach.Unit{}
	children := map[string][]*kehoach.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
		children[u.ParentCode] = append(children[u.ParentCode], u)
		q.Levels = max(q.Levels, u.Level)
		if u.ParentCode == "" && q.Root == nil {
			q.Root = u
		}
	}
	if q.Root == nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "cơ sở dữ liệu không có đơn vị: hãy chạy kehoach gen trước")
	}
	for _, cs := range children {
		slices.SortFunc(cs, func(a, b *kehoach.Unit) int { return strings.Compare(a.Code, b.Code) })
	}
	q.Province = q.Root
	for _, u := range children[q.Root.Code] {
		if u.Kind == kehoach.KindProvince {
			q.Province = u
			break
		}
	}
	q.CommuneLevel = q.Province.Level + 1
	q.ProvinceLevel = q.Root.Level + 1
	for _, c := range children[q.Province.Code] {
		if c.Kind == kehoach.KindCommune && len(children[c.Code]) > 0 {
			q.Commune, q.Village = c, children[c.Code][0]
			break
		}
	}
	if q.Village == nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "không tìm thấy thôn nào dưới %s: cơ sở dữ liệu không do kehoach gen tạo?", q.Province.Code)
	}
	for y := gen.FirstYear; y <= gen.LastYear; y++ {
		for n := 1; n <= 4; n++ {
			p := fmt.Sprintf("%dQ%d", y, n)
			q.Q3Periods = append(q.Q3Periods, p)
			if y >= gen.LastYear-1 {
				q.Q1Periods = append(q.Q1Periods, p)
			}
		}
	}
	q.Year = fmt.Sprint(gen.LastYear)
	q.At = q.Q1Periods[len(q.Q1Periods)-1]
	plans, err := db.FindPlans(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		if strings.HasPrefix(p.Code, "GEN-") {
			full, err := db.FindPlanByID(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			q.Plan = full
			break
		}
	}
	if q.Plan == nil {
		return nil, kehoach.Errorf(kehoach.EINVALID, "không có kế hoạch GEN-…: cơ sở dữ liệu không do kehoach gen tạo?")
	}
	for _, t := range q.Plan.Targets {
		t.ScopeCode = q.Province.Code
		q.Indicators = append(q.Indicators, t.IndicatorCode)
	}
	return q, nil
}

// Q1 is the request of Q1 as a client sends it.
func (q *Questions) Q1() *kehoach.AnalyticsRequest {
	return request([]string{q.Indicator}, q.Q1Periods, []string{q.Province.Code, fmt.Sprintf("LEVEL-%d", q.CommuneLevel)})
}

// Q2 is the request of Q2 through Analytics: the fourteen indicators, the
// province, the latest year.
func (q *Questions) Q2() *kehoach.AnalyticsRequest {
	return request(q.Indicators, []string{q.Year}, []string{q.Province.Code})
}

// Q3 is the request of Q3: the indicator for every province, 20 quarters.
func (q *Questions) Q3() *kehoach.AnalyticsRequest {
	return request([]string{q.Indicator}, q.Q3Periods, []string{q.Root.Code, fmt.Sprintf("LEVEL-%d", q.ProvinceLevel)})
}

func request(dx, pe, ou []string) *kehoach.AnalyticsRequest {
	return &kehoach.AnalyticsRequest{
		Dimensions:    []kehoach.Dimension{{Name: "dx", Items: dx}, {Name: "ou", Items: ou}, {Name: "pe", Items: pe}},
		IncludeNumDen: true, SkipRounding: true,
	}
}

// Cell is one answer cell: indicator, unit, period → numerator, denominator.
type Cell struct {
	Dx, Ou, Pe string
	Num, Den   float64
}

// Cells reads an engine answer made by one of the requests above.
func Cells(res *kehoach.AnalyticsResponse) []Cell {
	out := make([]Cell, 0, len(res.Rows))
	for _, r := range res.Rows {
		var c Cell
		c.Dx, c.Ou, c.Pe = r[0], r[1], r[2]
		fmt.Sscan(r[4], &c.Num)
		fmt.Sscan(r[5], &c.Den)
		out = append(out, c)
	}
	sortCells(out)
	return out
}

func sortCells(cs []Cell) {
	slices.SortFunc(cs, func(a, b Cell) int {
		return strings.Compare(a.Dx+"\x00"+a.Ou+"\x00"+a.Pe, b.Dx+"\x00"+b.Ou+"\x00"+b.Pe)
	})
}

// Diff compares two answers; it returns how many cells differ and a few of
// them described. Numbers agree within 1e-6 relative.
func Diff(ours, base []Cell) (int, []string) {
	key := func(c Cell) string { return c.Dx + " " + c.Ou + " " + c.Pe }
	m := map[string]Cell{}
	for _, c := range base {
		m[key(c)] = c
	}
	n := 0
	var notes []string
	note := func(s string) {
		n++
		if len(notes) < 5 {
			notes = append(notes, s)
		}
	}
	for _, c := range ours {
		b, ok := m[key(c)]
		if !ok {
			note(fmt.Sprintf("%s: chỉ có ở máy tính của ta (%g/%g)", key(c), c.Num, c.Den))
			continue
		}
		delete(m, key(c))
		if !near(c.Num, b.Num) || !near(c.Den, b.Den) {
			note(fmt.Sprintf("%s: ta %g/%g, SQL %g/%g", key(c), c.Num, c.Den, b.Num, b.Den))
		}
	}
	for k, b := range m {
		note(fmt.Sprintf("%s: chỉ có ở SQL (%g/%g)", k, b.Num, b.Den))
	}
	return n, notes
}

func near(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	s := max(abs(a), abs(b), 1)
	return d <= 1e-6*s
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Stats are the timings of repeated runs.
type Stats struct {
	P50, P95, Min time.Duration
	N             int
}

// Measure runs fn n times (after one warm-up run) and returns the timings.
func Measure(n int, fn func() error) (Stats, error) {
	if err := fn(); err != nil {
		return Stats{}, err
	}
	ds := make([]time.Duration, 0, n)
	for range n {
		t := time.Now()
		if err := fn(); err != nil {
			return Stats{}, err
		}
		ds = append(ds, time.Since(t))
	}
	return statsOf(ds), nil
}

func statsOf(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	slices.Sort(ds)
	pct := func(p float64) time.Duration {
		i := int(p*float64(len(ds))+0.5) - 1
		return ds[min(max(i, 0), len(ds)-1)]
	}
	return Stats{P50: pct(0.50), P95: pct(0.95), Min: ds[0], N: len(ds)}
}

// Memory returns the process's resident memory now and at its peak, in
// bytes, from /proc/self/status (0 where the system does not say).
func Memory() (rss, hwm int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb int64
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			fmt.Sscan(strings.TrimPrefix(line, "VmRSS:"), &kb)
			rss = kb * 1024
		case strings.HasPrefix(line, "VmHWM:"):
			fmt.Sscan(strings.TrimPrefix(line, "VmHWM:"), &kb)
			hwm = kb * 1024
		}
	}
	return rss, hwm
}
