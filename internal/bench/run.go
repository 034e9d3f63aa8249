package bench

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"kehoach"
	"kehoach/analytics"
	"kehoach/internal/store"
)

// Source wraps the store for the engine and counts what the engine reads:
// full loads (each starts by reading the units) and figures scanned.
type Source struct {
	analytics.ValueSource
	Loads, Scans, Rows atomic.Int64
}

// FindUnits counts a load.
func (s *Source) FindUnits(ctx context.Context, f kehoach.UnitFilter) ([]*kehoach.Unit, error) {
	s.Loads.Add(1)
	return s.ValueSource.FindUnits(ctx, f)
}

// ScanValues counts the figures read.
func (s *Source) ScanValues(ctx context.Context, since int64, fn func(analytics.RawValue)) (int64, error) {
	s.Scans.Add(1)
	return s.ValueSource.ScanValues(ctx, since, func(v analytics.RawValue) { s.Rows.Add(1); fn(v) })
}

// FindForms passes the forms on, so that the engine measured carries
// stocks by whole report as the server's does (issue 9).
func (s *Source) FindForms(ctx context.Context) ([]*kehoach.Form, error) {
	if fs, ok := s.ValueSource.(analytics.FormSource); ok {
		return fs.FindForms(ctx)
	}
	return nil, nil
}

// ApprovalVersion and FindApprovedGrids pass the approvals on, so that the
// engine measured counts approved reports as the server's does (issue 9).
func (s *Source) ApprovalVersion(ctx context.Context) (int64, error) {
	if as, ok := s.ValueSource.(analytics.ApprovalSource); ok {
		return as.ApprovalVersion(ctx)
	}
	return 0, nil
}

// AllVersions passes the one-question versions on when the source has
// them, as the server's engine asks them.
func (s *Source) AllVersions(ctx context.Context) (data, meta, approval int64, err error) {
	if vs, ok := s.ValueSource.(analytics.VersionSource); ok {
		return vs.AllVersions(ctx)
	}
	if data, meta, err = s.ValueSource.Versions(ctx); err != nil {
		return 0, 0, 0, err
	}
	approval, err = s.ApprovalVersion(ctx)
	return data, meta, approval, err
}

// UnitsVersion passes the units' version on, so that the engine measured
// reloads metadata as the server's does.
func (s *Source) UnitsVersion(ctx context.Context) (int64, error) {
	if us, ok := s.ValueSource.(analytics.UnitVersionSource); ok {
		return us.UnitsVersion(ctx)
	}
	return 0, nil
}

func (s *Source) FindApprovedGrids(ctx context.Context) ([]analytics.ApprovedGrid, error) {
	if as, ok := s.ValueSource.(analytics.ApprovalSource); ok {
		return as.FindApprovedGrids(ctx)
	}
	return nil, nil
}

// snapSource is a Source that also keeps snapshots.
type snapSource struct {
	*Source
	analytics.SnapshotStore
}

// NewEngine returns an engine over db and the counting source it reads;
// without snapshots the engine reads every figure row by row.
func NewEngine(db *store.DB, snapshots bool) (*analytics.Engine, *Source) {
	src := &Source{ValueSource: db}
	if snapshots {
		return analytics.New(snapSource{src, db}), src
	}
	return analytics.New(src), src
}

// Options say what Run measures.
type Options struct {
	Runs int // runs of each query (default 20)
	// Baseline builds (or reuses) the DHIS2-style table and answers the same
	// questions with SQL.
	Baseline, RebuildBaseline bool
	// FullLoad measures a start that reads every figure even when a
	// snapshot exists (minutes at the national scale).
	FullLoad bool
	// Log receives progress lines; nil: none.
	Log io.Writer
}

// Report holds one run's figures.
type Report struct {
	DB                          string
	Postgres                    bool
	Units, Communes, Villages   int
	Province, Root              string
	FirstLoad, SnapshotSave     time.Duration
	FirstLoadRows               int64
	FirstLoadMeasured           bool
	Load                        time.Duration
	LoadRows                    int64
	LoadFromSnapshot            bool
	RSS, HWM                    int64 // after loading and the queries, before the baseline
	EndRSS, EndHWM              int64 // at the end (with SQLite in the process, the baseline's sorts count too)
	Q1, Q2, Q2Plan, Q3          Stats
	Q1Cells, Q2Cells, Q3Cells   int
	Base                        *Baseline
	BaseQ1, BaseQ2, BaseQ3      Stats
	DiffQ1, DiffQ2, DiffQ3      int
	Notes                       []string
	FreshSave, FreshQuery       time.Duration // p50 over the rounds
	FreshFirstQuery             time.Duration // the first save of the process
	FreshSeen                   bool
	FreshReloads, FreshRowsRead int64
	FreshBefore, FreshAfter     float64
	FreshCell                   string
	Runs                        int
	Goroutines                  int
	GOMAXPROCS                  int
	FreshRestoreSeen            bool
	// A metadata change (an indicator saved as it was): the next Q1 with
	// its reload, and the figures the reload read (issue 16 point 8).
	MetaQuery    time.Duration
	MetaRowsRead int64
	MetaSeen     bool
}

// Run measures everything on db, a database filled by `kehoach gen`.
func Run(ctx context.Context, db *store.DB, opt Options) (*Report, error) {
	if opt.Runs <= 0 {
		opt.Runs = 20
	}
	logf := func(format string, a ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", a...)
		}
	}
	r := &Report{Postgres: db.IsPostgres(), Runs: opt.Runs, GOMAXPROCS: runtime.GOMAXPROCS(0)}
	q, err := Discover(ctx, db)
	if err != nil {
		return nil, err
	}
	r.Units, r.Province, r.Root = len(q.Units), q.Province.Code, q.Root.Code
	for _, u := range q.Units {
		switch u.Kind {
		case kehoach.KindCommune:
			r.Communes++
		case kehoach.KindVillage:
			r.Villages++
		}
	}

	// Start-up: the first start reads every figure and writes a snapshot;
	// the next starts read the snapshot.
	if opt.FullLoad {
		logf("Khởi động lần đầu (đọc từng số liệu, không dùng ảnh chụp)…")
		e, src := NewEngine(db, false)
		t := time.Now()
		if err := e.Refresh(ctx); err != nil {
			return nil, err
		}
		r.FirstLoad, r.FirstLoadRows, r.FirstLoadMeasured = time.Since(t), src.Rows.Load(), true
		logf("  %.1f s, %d số liệu", r.FirstLoad.Seconds(), r.FirstLoadRows)
		e = nil
		releaseMemory()
	}
	logf("Khởi động (từ ảnh chụp nếu có)…")
	e, src := NewEngine(db, true)
	t := time.Now()
	if err := e.Refresh(ctx); err != nil {
		return nil, err
	}
	r.Load, r.LoadRows = time.Since(t), src.Rows.Load()
	r.LoadFromSnapshot, _ = e.LoadStats()
	if !r.LoadFromSnapshot {
		// This was the first start: it becomes the first-start figure, and
		// the snapshot is written and read back as the next start would.
		r.FirstLoad, r.FirstLoadRows, r.FirstLoadMeasured = r.Load, r.LoadRows, true
		logf("  không có ảnh chụp: đọc %d số liệu trong %.1f s; ghi ảnh chụp…", r.LoadRows, r.Load.Seconds())
		t = time.Now()
		if err := e.SaveSnapshot(ctx); err != nil {
			return nil, err
		}
		r.SnapshotSave = time.Since(t)
		e = nil
		releaseMemory()
		e, src = NewEngine(db, true)
		t = time.Now()
		if err := e.Refresh(ctx); err != nil {
			return nil, err
		}
		r.Load, r.LoadRows = time.Since(t), src.Rows.Load()
		r.LoadFromSnapshot, _ = e.LoadStats()
	}
	logf("  %.2f s (từ ảnh chụp: %v, đọc thêm %d số liệu)", r.Load.Seconds(), r.LoadFromSnapshot, r.LoadRows)
	releaseMemory()
	r.RSS, r.HWM = Memory()

	// The questions through the engine's public API.
	var c1, c2, c3 []Cell
	measure := func(name string, st *Stats, req *kehoach.AnalyticsRequest, cells *[]Cell) error {
		var res *kehoach.AnalyticsResponse
		s, err := Measure(opt.Runs, func() (err error) {
			res, err = e.Analytics(ctx, req)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		*st, *cells = s, Cells(res)
		logf("%s: p50 %s, p95 %s, %d ô", name, ms(s.P50), ms(s.P95), len(*cells))
		return nil
	}
	if err := measure("Q1", &r.Q1, q.Q1(), &c1); err != nil {
		return nil, err
	}
	if err := measure("Q2", &r.Q2, q.Q2(), &c2); err != nil {
		return nil, err
	}
	if err := measure("Q3", &r.Q3, q.Q3(), &c3); err != nil {
		return nil, err
	}
	r.Q1Cells, r.Q2Cells, r.Q3Cells = len(c1), len(c2), len(c3)
	r.Q2Plan, err = Measure(opt.Runs, func() error {
		_, err := e.PlanProgress(ctx, q.Plan, q.Year)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("Q2 PlanProgress: %w", err)
	}
	logf("Q2 (PlanProgress): p50 %s, p95 %s", ms(r.Q2Plan.P50), ms(r.Q2Plan.P95))
	rss, hwm := Memory()
	r.RSS, r.HWM = max(r.RSS, rss), hwm

	if opt.Baseline {
		b, err := NewBaseline(ctx, db, q, opt.RebuildBaseline, func(s string) { logf("%s", s) })
		if err != nil {
			return nil, err
		}
		r.Base = b
		logf("Bảng %s: %d dòng, dựng trong %.1f s", BaselineTable, b.Rows, b.Built.Seconds())
		baseRuns := max(3, opt.Runs/4)
		type bq struct {
			name  string
			st    *Stats
			fn    func(context.Context) ([]Cell, error)
			ours  []Cell
			diffs *int
		}
		for _, x := range []bq{{"Q1", &r.BaseQ1, b.Q1, c1, &r.DiffQ1}, {"Q2", &r.BaseQ2, b.Q2, c2, &r.DiffQ2}, {"Q3", &r.BaseQ3, b.Q3, c3, &r.DiffQ3}} {
			var cells []Cell
			s, err := Measure(baseRuns, func() (err error) {
				cells, err = x.fn(ctx)
				return err
			})
			if err != nil {
				return nil, err
			}
			*x.st = s
			n, notes := Diff(x.ours, cells)
			*x.diffs = n
			for _, s := range notes {
				r.Notes = append(r.Notes, x.name+": "+s)
			}
			logf("SQL %s: p50 %s, p95 %s, %d ô, %d ô khác", x.name, ms(s.P50), ms(s.P95), len(cells), n)
		}
	}

	if err := r.freshness(ctx, db, e, src, q, logf); err != nil {
		return nil, fmt.Errorf("freshness: %w", err)
	}
	if err := r.metadata(ctx, db, e, src, q, c1, logf); err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	releaseMemory()
	r.EndRSS, r.EndHWM = Memory()
	r.Goroutines = runtime.NumGoroutine()
	return r, nil
}

func releaseMemory() {
	runtime.GC()
	debug.FreeOSMemory()
}

// freshness saves one village's figure through the real write path and
// times until Q1 reflects it, then puts the figure back.
func (r *Report) freshness(ctx context.Context, db *store.DB, e *analytics.Engine, src *Source, q *Questions, logf func(string, ...any)) error {
	ctx = kehoach.NewContextWithActor(ctx, kehoach.SystemActor("bench"))
	orig, change, back, err := toggleOf(ctx, db, q)
	if err != nil {
		return err
	}
	cellOf := func() (float64, error) {
		res, err := e.Analytics(ctx, q.Q1())
		if err != nil {
			return 0, err
		}
		for _, c := range Cells(res) {
			if c.Ou == q.Commune.Code && c.Pe == q.At {
				return c.Num, nil
			}
		}
		return 0, fmt.Errorf("no Q1 cell for %s %s", q.Commune.Code, q.At)
	}
	before, err := cellOf()
	if err != nil {
		return err
	}
	want := before + 1
	if change[q.Element] == "false" {
		want = before - 1
	}
	r.FreshBefore, r.FreshCell = before, fmt.Sprintf("%s %s %s (thôn %s, %s: %s → %s)", q.Indicator, q.Commune.Code, q.At, q.Village.Code, q.Element, orig[q.Element], change[q.Element])
	loads, rows := src.Loads.Load(), src.Rows.Load()
	save := func(vals map[string]string) error {
		_, err := db.SaveFormValues(ctx, kehoach.FormSave{Form: q.Form, Period: q.At, Values: map[string]map[string]string{q.Village.Code: vals}, By: "bench", Confirmed: true})
		return err
	}
	// Rounds alternate the change and its undoing, so the figure ends as it
	// was; each round times the save and the next Q1, which must show it.
	var saves, queries []time.Duration
	r.FreshSeen, r.FreshRestoreSeen = true, true
	for i := range freshRounds {
		vals, expect := change, want
		if i%2 == 1 {
			vals, expect = back, before
		}
		t := time.Now()
		if err := save(vals); err != nil {
			return err
		}
		saves = append(saves, time.Since(t))
		t = time.Now()
		got, err := cellOf()
		if err != nil {
			return err
		}
		queries = append(queries, time.Since(t))
		if i%2 == 0 {
			r.FreshSeen = r.FreshSeen && got == expect
			if i == 0 {
				r.FreshAfter = got
			}
		} else {
			r.FreshRestoreSeen = r.FreshRestoreSeen && got == expect
		}
	}
	r.FreshFirstQuery = queries[0]
	r.FreshSave, r.FreshQuery = statsOf(saves).P50, statsOf(queries).P50
	r.FreshReloads, r.FreshRowsRead = src.Loads.Load()-loads, src.Rows.Load()-rows
	logf("Độ tươi (%d lần lưu): lưu p50 %s, Q1 kế tiếp p50 %s (lần đầu %s), lần nào cũng thấy ngay: %v, nạp lại: %d, số liệu đọc thêm: %d",
		freshRounds, ms(r.FreshSave), ms(r.FreshQuery), ms(r.FreshFirstQuery), r.FreshSeen && r.FreshRestoreSeen, r.FreshReloads, r.FreshRowsRead)
	return nil
}

// metadata saves the benchmark's indicator as it is, which moves the
// metadata version as any planner's edit does, then times the next Q1 (its
// reload included) and counts the figures the reload read: only those
// saved since, not every figure; the answer must be Q1's as before.
func (r *Report) metadata(ctx context.Context, db *store.DB, e *analytics.Engine, src *Source, q *Questions, q1 []Cell, logf func(string, ...any)) error {
	ctx = kehoach.NewContextWithActor(ctx, kehoach.SystemActor("bench"))
	inds, err := db.FindIndicators(ctx)
	if err != nil {
		return err
	}
	for _, ind := range inds {
		if ind.Code == q.Indicator {
			if err := db.SaveIndicator(ctx, ind.Code, ind); err != nil {
				return err
			}
		}
	}
	rows := src.Rows.Load()
	t := time.Now()
	var res *kehoach.AnalyticsResponse
	// A CPU profile of the run (kehoach-bench --cpuprofile) shows the
	// reload apart: pprof -tagfocus measure=metadata.
	pprof.Do(ctx, pprof.Labels("measure", "metadata"), func(ctx context.Context) { res, err = e.Analytics(ctx, q.Q1()) })
	if err != nil {
		return err
	}
	r.MetaQuery, r.MetaRowsRead = time.Since(t), src.Rows.Load()-rows
	n, _ := Diff(q1, Cells(res))
	r.MetaSeen = n == 0
	logf("Đổi danh mục (lưu lại chỉ tiêu %s): Q1 kế tiếp %s, đọc lại %d số liệu, kết quả như trước: %v", q.Indicator, ms(r.MetaQuery), r.MetaRowsRead, r.MetaSeen)
	return nil
}

// toggleOf reads the village figure the freshness measure flips (q's
// element in q.At): the stored figures, the change, and what puts them
// back.
func toggleOf(ctx context.Context, db *store.DB, q *Questions) (orig, change, back map[string]string, err error) {
	stored, err := db.FindDataValues(ctx, kehoach.DataValueFilter{Units: []string{q.Village.Code}, Periods: []string{q.At}, Elements: []string{"G_B01", q.Element}})
	if err != nil {
		return nil, nil, nil, err
	}
	orig = map[string]string{"G_B01": "", q.Element: ""}
	for _, v := range stored {
		orig[v.Element] = v.Value
	}
	change = map[string]string{}
	if orig[q.Element] == "true" {
		change[q.Element] = "false"
	} else {
		change[q.Element] = "true"
		if orig["G_B01"] != "true" {
			change["G_B01"] = "true" // the form's rule: a standard house is a house
		}
	}
	back = map[string]string{}
	for k := range change {
		back[k] = orig[k]
	}
	return orig, change, back, nil
}

// Toggler returns a save that flips the freshness measure's village figure
// and, the next time, puts it back (PagesOptions.Save): an even number of
// calls leaves it as it was.
func Toggler(ctx context.Context, db *store.DB, q *Questions) (func(context.Context) error, error) {
	ctx = kehoach.NewContextWithActor(ctx, kehoach.SystemActor("bench"))
	_, change, back, err := toggleOf(ctx, db, q)
	if err != nil {
		return nil, err
	}
	n := 0
	return func(context.Context) error {
		vals := change
		if n%2 == 1 {
			vals = back
		}
		n++
		_, err := db.SaveFormValues(ctx, kehoach.FormSave{Form: q.Form, Period: q.At, Values: map[string]map[string]string{q.Village.Code: vals}, By: "bench", Confirmed: true})
		return err
	}, nil
}

// freshRounds is how many saves the freshness measure makes (even: the
// figure ends as it was).
const freshRounds = 10

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

// Budgets of the issue, on the national dataset.
var (
	BudgetQ1   = 10 * time.Millisecond
	BudgetQ2   = 10 * time.Millisecond
	BudgetQ3   = 100 * time.Millisecond
	BudgetLoad = 30 * time.Second
	BudgetRSS  = int64(2 << 30)
	// BudgetRatio is how many times faster than the baseline each query must be.
	BudgetRatio = 10.0
)

// Print writes the report as a table.
func (r *Report) Print(w io.Writer) {
	db := "SQLite"
	if r.Postgres {
		db = "PostgreSQL"
	}
	fmt.Fprintf(w, "kehoach-bench — %s, %d đơn vị (%d xã, %d thôn), tỉnh của Q1/Q2: %s, gốc: %s; %d lần mỗi truy vấn; GOMAXPROCS %d\n\n",
		db, r.Units, r.Communes, r.Villages, r.Province, r.Root, r.Runs, r.GOMAXPROCS)
	fmt.Fprintf(w, "%-46s %12s %12s %14s %14s %9s %10s %s\n", "đo", "ta p50", "ta p95", "SQL p50", "SQL p95", "SQL/ta", "ngân sách", "đạt")
	row := func(name string, ours, base Stats, budget time.Duration, cells int) {
		pass := ours.P50 < budget
		bp50, bp95, ratio := "—", "—", "—"
		if r.Base != nil {
			bp50, bp95 = ms(base.P50), ms(base.P95)
			x := float64(base.P50) / float64(max(ours.P50, 1))
			ratio = fmt.Sprintf("%.0f×", x)
			pass = pass && x >= BudgetRatio
		}
		fmt.Fprintf(w, "%-46s %12s %12s %14s %14s %9s %10s %s\n", fmt.Sprintf("%s (%d ô)", name, cells), ms(ours.P50), ms(ours.P95), bp50, bp95, ratio, "<"+ms(budget), yes(pass))
	}
	row("Q1 1 chỉ tiêu × xã của tỉnh × 8 quý", r.Q1, r.BaseQ1, BudgetQ1, r.Q1Cells)
	row("Q2 14 chỉ tiêu × tỉnh × năm", r.Q2, r.BaseQ2, BudgetQ2, r.Q2Cells)
	fmt.Fprintf(w, "%-46s %12s %12s %14s %14s %9s %10s %s\n", "Q2' PlanProgress 14 mục tiêu", ms(r.Q2Plan.P50), ms(r.Q2Plan.P95), "", "", "", "<"+ms(BudgetQ2), yes(r.Q2Plan.P50 < BudgetQ2))
	row("Q3 1 chỉ tiêu × mọi tỉnh × 20 quý", r.Q3, r.BaseQ3, BudgetQ3, r.Q3Cells)
	freshBase := "—"
	if r.Base != nil {
		freshBase = fmt.Sprintf("%.1f s (dựng lại bảng)", r.Base.Built.Seconds())
	}
	fmt.Fprintf(w, "%-46s %12s %12s %29s %9s %10s %s\n", "độ tươi: lưu 1 số liệu → Q1 thấy", ms(r.FreshSave+r.FreshQuery), "", freshBase, "", "lần sau", yes(r.FreshSeen && r.FreshReloads == 0))
	fmt.Fprintln(w)
	first := "không đo (đã có ảnh chụp; --full-load để đo)"
	if r.FirstLoadMeasured {
		first = fmt.Sprintf("%.1f s (đọc %d số liệu), ghi ảnh chụp %.1f s", r.FirstLoad.Seconds(), r.FirstLoadRows, r.SnapshotSave.Seconds())
	}
	fmt.Fprintf(w, "Khởi động lần đầu:          %s\n", first)
	fmt.Fprintf(w, "Khởi động (từ ảnh chụp):    %.2f s (từ ảnh chụp: %v, đọc thêm %d số liệu)   ngân sách < %.0f s: %s\n",
		r.Load.Seconds(), r.LoadFromSnapshot, r.LoadRows, BudgetLoad.Seconds(), yes(r.Load < BudgetLoad))
	fmt.Fprintf(w, "Bộ nhớ thường trú:          VmRSS %.0f MiB sau khi nạp và chạy Q1–Q3, đỉnh VmHWM %.0f MiB   ngân sách < 2048 MiB: %s\n",
		mib(r.RSS), mib(r.HWM), yes(r.HWM < BudgetRSS))
	fmt.Fprintf(w, "                            cuối lần chạy: VmRSS %.0f MiB, VmHWM %.0f MiB (gồm cả SQLite trong tiến trình khi dựng và truy vấn bảng so sánh)\n",
		mib(r.EndRSS), mib(r.EndHWM))
	fmt.Fprintf(w, "Độ tươi (%d lần lưu):        lưu qua SaveFormValues p50 %s, Q1 kế tiếp p50 %s (sau lần lưu đầu tiên của tiến trình %s); lần nào cũng thấy ngay: %v; nạp lại toàn bộ: %d; số liệu đọc thêm: %d\n",
		freshRounds, ms(r.FreshSave), ms(r.FreshQuery), ms(r.FreshFirstQuery), r.FreshSeen && r.FreshRestoreSeen, r.FreshReloads, r.FreshRowsRead)
	fmt.Fprintf(w, "                            ô %s: %g → %g; trả lại như cũ: %v\n", r.FreshCell, r.FreshBefore, r.FreshAfter, r.FreshRestoreSeen)
	fmt.Fprintf(w, "Đổi danh mục:               Q1 kế tiếp %s (%.2f× khởi động từ ảnh chụp), đọc lại %d số liệu (lần đầu đọc %d); kết quả như trước: %v\n",
		ms(r.MetaQuery), r.MetaQuery.Seconds()/max(r.Load.Seconds(), 1e-9), r.MetaRowsRead, r.FirstLoadRows, r.MetaSeen)
	if r.Base != nil {
		reused := ""
		if r.Base.Reused {
			reused = " (thời gian ghi khi dựng; dùng lại bảng có sẵn, --rebuild-baseline để dựng lại)"
		}
		fmt.Fprintf(w, "Bảng phân tích kiểu DHIS2:  %s, %d dòng, dựng trong %.1f s%s\n", BaselineTable, r.Base.Rows, r.Base.Built.Seconds(), reused)
		fmt.Fprintf(w, "Đối chiếu kết quả (tử số, mẫu số từng ô): Q1 %d ô khác, Q2 %d ô khác, Q3 %d ô khác\n", r.DiffQ1, r.DiffQ2, r.DiffQ3)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
		fmt.Fprintln(w, "\nSQL đã chạy (tham số $1… là mã tỉnh/gốc, chỉ số, năm, quý):")
		for _, name := range []string{"Q1", "Q2", "Q3"} {
			for _, s := range r.Base.SQL[name] {
				fmt.Fprintf(w, "  %s: %s\n", name, strings.Join(strings.Fields(s), " "))
			}
		}
	}
}

func yes(b bool) string {
	if b {
		return "đạt"
	}
	return "KHÔNG"
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
