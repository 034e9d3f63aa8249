// Package loadtest plays the last hour before a reporting deadline against
// running kehoach servers, on loopback only and bounded in time: reporters
// open their commune's grids, save plausible figures, correct some and
// submit, while leaders refresh the plan's dashboard. It prints per route
// throughput and latency quantiles and the errors, then checks that every
// figure saved is in the database exactly once with the value last saved.
//
// RunLocal (local.go, behind `kehoach-loadtest`) boots fresh servers for
// it; Run itself only speaks HTTP to them, as browsers would, and reads one
// server's store to set up accounts and to check the figures.
package loadtest

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"kehoach"
	"kehoach/internal/auth"
)

// Store is what the load test needs of one server's store: the units,
// forms and plan to plan the work, accounts, and a read connection to
// check the figures (internal/store.DB has it all).
type Store interface {
	FindUnits(ctx context.Context, f kehoach.UnitFilter) ([]*kehoach.Unit, error)
	FindForms(ctx context.Context) ([]*kehoach.Form, error)
	FindDataElements(ctx context.Context) ([]*kehoach.DataElement, error)
	FindPlans(ctx context.Context) ([]*kehoach.Plan, error)
	FindPlanByID(ctx context.Context, id int64) (*kehoach.Plan, error)
	FindSubmissions(ctx context.Context, f kehoach.SubmissionFilter) ([]*kehoach.Submission, error)
	CreateUser(ctx context.Context, u *kehoach.User, password string) error
	Reader() *sql.DB
}

// Config sets up a run.
type Config struct {
	// URLs are the servers' base URLs; each must be on a loopback address.
	URLs []string
	// DB is one server's store (they share the database).
	DB Store
	// Reporters and Leaders are the simulated people (default 500 and 50).
	Reporters, Leaders int
	// Communes limits the work to the first communes (in the tree's
	// order); 0 takes every commune with villages. A short test with a
	// few reporters plays a couple of communes, not the whole district.
	Communes int
	// Duration is the last hour before the deadline, compressed (default
	// 60 s). Grace is how long the run may go on after it before it is cut
	// (default a quarter of Duration, at least 15 s).
	Duration, Grace time.Duration
	// RequestTimeout bounds each request (default 15 s).
	RequestTimeout time.Duration
	// Seed makes the plan of work and the figures repeatable.
	Seed uint64
	// CorrectionRate is the share of reporters who correct a figure once
	// after saving (default 0.1).
	CorrectionRate float64
	// SignInConcurrency is how many people sign in at once before the
	// deadline hour starts (default 8).
	SignInConcurrency int
	// Now is the clock for choosing the periods (default time.Now).
	Now func() time.Time
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// CPUProfile, when set, receives a CPU profile of the work phase (go
	// tool pprof): the servers' and the simulated browsers' together.
	CPUProfile io.Writer
}

func (c *Config) defaults() {
	if c.Reporters <= 0 {
		c.Reporters = 500
	}
	if c.Leaders < 0 {
		c.Leaders = 0
	}
	if c.Duration <= 0 {
		c.Duration = 60 * time.Second
	}
	if c.Grace <= 0 {
		c.Grace = max(15*time.Second, c.Duration/4)
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 15 * time.Second
	}
	if c.CorrectionRate == 0 {
		c.CorrectionRate = 0.1
	}
	if c.SignInConcurrency <= 0 {
		c.SignInConcurrency = 8
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

// CheckLoopback returns an error unless base is an http URL on a loopback
// IP address: the load test never leaves the machine.
func CheckLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("loadtest: %q: %w", base, err)
	}
	ip := net.ParseIP(u.Hostname())
	if u.Scheme != "http" || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("loadtest: %s is not an http address on loopback (127.0.0.0/8, ::1); the load test runs on this machine only", base)
	}
	return nil
}

// reporter is one simulated person who enters figures.
type reporter struct {
	*person
	rng    *rand.Rand
	tasks  []*task
	offset time.Duration // arrival after the start of the hour
	scale  float64       // of think times
	done   int           // tasks finished
}

// leader is one simulated person who reads the dashboards.
type leader struct {
	*person
	rng *rand.Rand
}

// run is one load test in progress.
type run struct {
	cfg       Config
	rec       *recorder
	cluster   *cluster
	planPath  string
	targets   []string
	submitOK  bool // the servers have POST /submissions/submit
	grids     []*grid
	expect    *expectations
	submitted sync.Map // *grid → true once submitted
	subFailed atomic.Int32
	// before holds the figures the periods worked on had before the run
	// (the demo has figures up to the clock's last quarter): kept, they
	// are not unexpected; saved over, they are updates, not creations.
	before map[cellKey]*cellRow
}

// Run plays the load test against the servers of cfg and checks the
// figures. The error is for a run that could not be set up or checked; the
// Result says how the servers did.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	cfg.defaults()
	if len(cfg.URLs) == 0 || cfg.DB == nil {
		return nil, fmt.Errorf("loadtest: no server")
	}
	for _, u := range cfg.URLs {
		if err := CheckLoopback(u); err != nil {
			return nil, err
		}
	}
	r := &run{cfg: cfg, rec: newRecorder(), expect: newExpectations()}
	r.cluster = &cluster{urls: cfg.URLs, rec: r.rec, timeout: cfg.RequestTimeout}
	res := &Result{Servers: len(cfg.URLs), Reporters: cfg.Reporters, Leaders: cfg.Leaders, Duration: cfg.Duration}

	// The plan of work.
	reporters, err := r.planWork(ctx, res)
	if err != nil {
		return nil, err
	}
	// Accounts, each with a password of its own.
	leaders := make([]*leader, cfg.Leaders)
	for i := range leaders {
		leaders[i] = &leader{rng: rand.New(rand.NewPCG(cfg.Seed, uint64(1_000_000+i)))}
	}
	start := time.Now()
	if err := r.createAccounts(ctx, reporters, leaders); err != nil {
		return nil, err
	}
	fmt.Fprintf(cfg.Log, "loadtest: %d accounts made in %s\n", len(reporters)+len(leaders), time.Since(start).Round(time.Millisecond))
	defer func() {
		for _, rp := range reporters {
			rp.close()
		}
		for _, l := range leaders {
			l.close()
		}
	}()

	// Is there a submission route yet? Anonymous, it sends to the login
	// page (or answers 401); without it the catch-all answers 404.
	probe := newPerson(r.cluster, 0, "", "")
	if resp, _ := probe.do(ctx, "probe", "POST /submissions/submit (probe)", http.MethodPost, "/submissions/submit", url.Values{}, 303, 401, 403); resp != nil {
		r.submitOK = resp.status != http.StatusNotFound && resp.status != http.StatusMethodNotAllowed
	}
	probe.close()
	r.rec = newRecorder() // the probe is not part of the figures
	r.cluster.rec = r.rec
	res.SubmissionsRoute = r.submitOK

	// Everybody signs in (sessions last the working day: in the hour
	// before a deadline people are already signed in).
	people := make([]*person, 0, len(reporters)+len(leaders))
	for _, rp := range reporters {
		people = append(people, rp.person)
	}
	for _, l := range leaders {
		people = append(people, l.person)
	}
	signInCtx, cancel := context.WithTimeout(ctx, 30*time.Second+time.Duration(len(people))*200*time.Millisecond)
	start = time.Now()
	r.signIn(signInCtx, people)
	res.SignIn = time.Since(start)
	cancel()
	fmt.Fprintf(cfg.Log, "loadtest: %d people signed in in %s\n", len(people), res.SignIn.Round(time.Millisecond))

	// The hour before the deadline.
	res.LoadBefore = loadAverage()
	cpu0 := processCPU()
	if cfg.CPUProfile != nil {
		if err := pprof.StartCPUProfile(cfg.CPUProfile); err != nil {
			return nil, fmt.Errorf("loadtest: cpu profile: %w", err)
		}
	}
	start = time.Now()
	end := start.Add(cfg.Duration)
	hardCtx, cancel := context.WithDeadline(ctx, end.Add(cfg.Grace))
	defer cancel()
	var wg sync.WaitGroup
	for _, rp := range reporters {
		wg.Go(func() { r.report(hardCtx, rp, start) })
	}
	for _, l := range leaders {
		wg.Go(func() { r.lead(hardCtx, l, start, end) })
	}
	wg.Wait()
	res.Work = time.Since(start)
	res.WorkCPU = processCPU() - cpu0
	if cfg.CPUProfile != nil {
		pprof.StopCPUProfile()
	}
	res.LoadAfter = loadAverage()
	res.CutByDeadline = hardCtx.Err() != nil
	for _, rp := range reporters {
		res.Unfinished += len(rp.tasks) - rp.done
	}
	fmt.Fprintf(cfg.Log, "loadtest: work done in %s\n", res.Work.Round(time.Millisecond))
	res.Routes = r.rec.stats(map[string]time.Duration{PhaseSignIn: res.SignIn, PhaseWork: res.Work})

	// The check, through one server's store.
	v, err := r.verify(ctx)
	if err != nil {
		return res, err
	}
	res.Verify = *v
	return res, nil
}

// planWork lists the communes' pieces and deals them to the reporters.
func (r *run) planWork(ctx context.Context, res *Result) ([]*reporter, error) {
	cfg := r.cfg
	db := cfg.DB
	communes, err := loadCommunes(ctx, db, cfg.Communes)
	if err != nil {
		return nil, err
	}
	forms, err := db.FindForms(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(forms, func(a, b *kehoach.Form) int { return cmp.Compare(a.Code, b.Code) })
	elements, err := db.FindDataElements(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]*kehoach.DataElement{}
	for _, e := range elements {
		byCode[e.Code] = e
	}
	plans, err := db.FindPlans(ctx)
	if err != nil {
		return nil, err
	}
	if len(plans) == 0 {
		return nil, fmt.Errorf("loadtest: no plan in the database (load the demo)")
	}
	plan, err := db.FindPlanByID(ctx, plans[0].ID)
	if err != nil {
		return nil, err
	}
	r.planPath = fmt.Sprintf("/plans/%d", plan.ID)
	for _, t := range plan.Targets {
		r.targets = append(r.targets, t.Code)
	}
	if len(r.targets) == 0 {
		return nil, fmt.Errorf("loadtest: plan %d has no target", plan.ID)
	}
	// The grids already submitted or approved are locked: a reporter works
	// on the others (the demo approves some of 2025's).
	subs, err := db.FindSubmissions(ctx, kehoach.SubmissionFilter{Statuses: []string{kehoach.SubmissionSubmitted, kehoach.SubmissionApproved}})
	if err != nil {
		return nil, err
	}
	locked := map[string]bool{}
	for _, s := range subs {
		locked[s.Form+"/"+s.Unit+"/"+s.Period] = true
	}
	today := cfg.Now()
	for _, c := range communes {
		g, err := planPieces(c, forms, byCode, today, locked)
		if err != nil {
			return nil, err
		}
		r.grids = append(r.grids, g...)
		res.Pieces += len(c.pieces)
	}
	res.Communes, res.Grids = len(communes), len(r.grids)
	if r.before, err = r.readRows(ctx); err != nil {
		return nil, err
	}
	r.expect.before = map[cellKey]string{}
	for k, x := range r.before {
		if x.n == 1 {
			r.expect.before[k] = x.values[0]
		}
	}

	reporters := make([]*reporter, cfg.Reporters)
	perCommune := make([]int, len(communes))
	for i := range reporters {
		perCommune[i%len(communes)]++
	}
	for i := range reporters {
		c := communes[i%len(communes)]
		from, to := share(len(c.pieces), perCommune[i%len(communes)], i/len(communes))
		rp := &reporter{rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)))}
		rp.tasks = tasksOf(c.pieces[from:to])
		if len(rp.tasks) == 0 {
			res.IdleReporters++
		} else if rp.rng.Float64() < cfg.CorrectionRate {
			rp.tasks[rp.rng.IntN(len(rp.tasks))].correct = true
		}
		for _, t := range rp.tasks {
			t.grid.start()
			for _, p := range t.pieces {
				res.Cells += len(p.elements)
			}
		}
		// Think times: 0.5–3 s for an hour played in a minute, scaled with
		// the duration and further down when the reporter's work would not
		// fit; arrivals lean towards the deadline.
		thinks := 1
		for _, t := range rp.tasks {
			thinks += 3 // open, type, submit
			if t.correct {
				thinks++
			}
		}
		scale := cfg.Duration.Seconds() / 60
		busy := float64(thinks) * 3 * scale
		if limit := 0.7 * cfg.Duration.Seconds(); busy > limit {
			scale *= limit / busy
			busy = limit
		}
		rp.scale = scale
		if avail := 0.9*cfg.Duration.Seconds() - busy; avail > 0 {
			rp.offset = time.Duration(avail * math.Sqrt(rp.rng.Float64()) * float64(time.Second))
		}
		reporters[i] = rp
	}
	return reporters, nil
}

// createAccounts makes every simulated person's account, in parallel (each
// password is hashed with argon2id).
func (r *run) createAccounts(ctx context.Context, reporters []*reporter, leaders []*leader) error {
	type job struct {
		u    *kehoach.User
		set  func(*person)
		pass string
	}
	var jobs []job
	communes, err := loadCommunes(ctx, r.cfg.DB, r.cfg.Communes)
	if err != nil {
		return err
	}
	for i, rp := range reporters {
		c := communes[i%len(communes)]
		u := &kehoach.User{Username: fmt.Sprintf("lt.bc%04d", i), Name: fmt.Sprintf("Người báo cáo thử tải %d (%s)", i, c.unit.Name),
			Role: kehoach.RoleReporter, EntryScope: []string{c.unit.Code}}
		jobs = append(jobs, job{u, func(p *person) { rp.person = p }, auth.NewPassword()})
	}
	for i, l := range leaders {
		u := &kehoach.User{Username: fmt.Sprintf("lt.ld%03d", i), Name: fmt.Sprintf("Lãnh đạo thử tải %d", i), Role: kehoach.RoleViewer}
		jobs = append(jobs, job{u, func(p *person) { l.person = p }, auth.NewPassword()})
	}
	actx := kehoach.NewContextWithActor(ctx, kehoach.SystemActor("loadtest"))
	var wg sync.WaitGroup
	errs := make([]error, len(jobs))
	next := atomic.Int64{}
	for range runtime.NumCPU() {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				j := jobs[i]
				if err := r.cfg.DB.CreateUser(actx, j.u, j.pass); err != nil {
					errs[i] = fmt.Errorf("loadtest: account %s: %w", j.u.Username, err)
					return
				}
				j.set(newPerson(r.cluster, i, j.u.Username, j.pass))
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// signIn signs everybody in through POST /login, a few at a time.
func (r *run) signIn(ctx context.Context, people []*person) {
	order := rand.New(rand.NewPCG(r.cfg.Seed, 7)).Perm(len(people))
	sem := make(chan struct{}, r.cfg.SignInConcurrency)
	var wg sync.WaitGroup
	for _, i := range order {
		p := people[i]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			resp, ok := p.do(ctx, PhaseSignIn, RouteLogin, http.MethodPost, "/login", url.Values{"username": {p.username}, "password": {p.password}}, http.StatusSeeOther)
			if ok && p.cookie == "" {
				r.rec.fail(PhaseSignIn, RouteLogin, -1, "no session cookie", pageMessage(resp.body))
			}
		})
	}
	wg.Wait()
}

// sleep waits d, or until ctx ends; it reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (rp *reporter) think(ctx context.Context) bool {
	return sleep(ctx, time.Duration((0.5+2.5*rp.rng.Float64())*rp.scale*float64(time.Second)))
}

// report is one reporter's hour: arrive, open the application, then each
// grid in turn: open it, type, save, perhaps correct, and submit the grid
// when the last of its reporters is done.
func (r *run) report(ctx context.Context, rp *reporter, start time.Time) {
	if len(rp.tasks) == 0 || rp.cookie == "" {
		return
	}
	if !sleep(ctx, time.Until(start.Add(rp.offset))) {
		return
	}
	p := rp.person
	if resp, ok := p.do(ctx, PhaseWork, RouteHome, http.MethodGet, "/", nil, http.StatusSeeOther); ok {
		p.follow(ctx, PhaseWork, resp, http.StatusOK)
	}
	for _, t := range rp.tasks {
		if !rp.think(ctx) {
			return
		}
		r.work(ctx, rp, t)
		if ctx.Err() != nil {
			return
		}
		for _, g := range t.grid.finish() {
			if !r.submitOK {
				break
			}
			if !rp.think(ctx) {
				return
			}
			r.submit(ctx, rp, g)
		}
		if ctx.Err() != nil {
			return
		}
		rp.done++
	}
}

// work opens a grid, fills the reporter's cells and saves; a reporter who
// corrects saves once more from the page the save led to.
func (r *run) work(ctx context.Context, rp *reporter, t *task) {
	p := rp.person
	resp, ok := p.do(ctx, PhaseWork, RouteEntryShow, http.MethodGet, t.grid.path(), nil, http.StatusOK)
	if !ok {
		return
	}
	fields, ok := gridFields(resp.body)
	if !ok {
		r.rec.fail(PhaseWork, "check: grid shown", -1, "no save form on the entry page", pageMessage(resp.body))
		return
	}
	vals, err := fill(rp.rng, t)
	if err != nil {
		r.rec.fail(PhaseWork, "check: figures", -1, err.Error(), "")
		return
	}
	if !rp.think(ctx) {
		return
	}
	page, ok := r.save(ctx, rp, fields, vals)
	if !ok || !t.correct {
		return
	}
	fields, ok = gridFields(page.body)
	if !ok {
		r.rec.fail(PhaseWork, "check: grid shown", -1, "no save form on the entry page after saving", pageMessage(page.body))
		return
	}
	vals, err = correct(rp.rng, t, vals)
	if err != nil {
		r.rec.fail(PhaseWork, "check: figures", -1, err.Error(), "")
		return
	}
	if !rp.think(ctx) {
		return
	}
	r.save(ctx, rp, fields, vals)
}

// save posts the grid as the page gave it, with the reporter's cells
// typed in, and follows to the page the save leads to, which must show
// them.
func (r *run) save(ctx context.Context, rp *reporter, fields url.Values, vals map[cellKey]string) (*response, bool) {
	form := url.Values{}
	for k, v := range fields {
		form[k] = slices.Clone(v)
	}
	for k, v := range vals {
		if _, on := form[k.field()]; !on {
			r.rec.fail(PhaseWork, "check: grid shown", -1, "a cell of the reporter is not on the page", k.String())
			return nil, false
		}
		form.Set(k.field(), v)
		// The reporter stands by the random figures: confirmed against the
		// plausibility warnings (issue 9) as a person ticks "Số liệu đúng".
		form.Set("k."+k.Unit+"."+k.Element, "1")
	}
	p := rp.person
	r.expect.attempt(vals, p.username)
	resp, ok := p.do(ctx, PhaseWork, RouteEntrySave, http.MethodPost, "/entry", form, http.StatusSeeOther, http.StatusOK)
	if resp == nil {
		return nil, false // no answer: either figure may be stored (attempt keeps both)
	}
	if !ok {
		r.expect.failed(vals)
		return nil, false
	}
	r.expect.saved(vals)
	page := resp
	if resp.status == http.StatusSeeOther {
		if page, ok = p.follow(ctx, PhaseWork, resp, http.StatusOK); !ok {
			return nil, false
		}
	}
	shown, ok := gridFields(page.body)
	if !ok {
		r.rec.fail(PhaseWork, "check: figures shown after save", -1, "no grid on the page after saving", pageMessage(page.body))
		return nil, false
	}
	for k, v := range vals {
		if got := shown.Get(k.field()); got != v {
			r.rec.fail(PhaseWork, "check: figures shown after save", -1, "a saved figure is not on the next page", fmt.Sprintf("%s: %q, saved %q", k, got, v))
			return page, true
		}
	}
	return page, true
}

// submit sends a grid for approval and follows to the page it leads to.
func (r *run) submit(ctx context.Context, rp *reporter, g *grid) {
	p := rp.person
	form := url.Values{"form": {g.form.Code}, "unit": {g.unit.Code}, "period": {g.period.String()}}
	resp, ok := p.do(ctx, PhaseWork, RouteSubmit, http.MethodPost, "/submissions/submit", form, http.StatusSeeOther, http.StatusOK)
	if !ok {
		r.subFailed.Add(1)
		return
	}
	r.submitted.Store(g, true)
	if resp.status == http.StatusSeeOther {
		p.follow(ctx, PhaseWork, resp, http.StatusOK)
	}
}

// lead is one leader's hour: open the application, then refresh the plan's
// dashboard and a target's page every few seconds until the deadline.
func (r *run) lead(ctx context.Context, l *leader, start, end time.Time) {
	if l.cookie == "" {
		return
	}
	first := min(5*time.Second, r.cfg.Duration/10)
	if !sleep(ctx, time.Until(start.Add(time.Duration(l.rng.Float64()*float64(first))))) {
		return
	}
	p := l.person
	if resp, ok := p.do(ctx, PhaseWork, RouteHome, http.MethodGet, "/", nil, http.StatusSeeOther); ok {
		p.follow(ctx, PhaseWork, resp, http.StatusOK)
	}
	wait := func(lo, hi float64) bool {
		d := time.Duration((lo + (hi-lo)*l.rng.Float64()) * float64(time.Second))
		if time.Now().Add(d).After(end) {
			return false
		}
		return sleep(ctx, d)
	}
	for {
		if !wait(2, 5) {
			return
		}
		p.do(ctx, PhaseWork, RoutePlan, http.MethodGet, r.planPath, nil, http.StatusOK)
		if !wait(1, 3) {
			return
		}
		code := r.targets[l.rng.IntN(len(r.targets))]
		p.do(ctx, PhaseWork, RouteTarget, http.MethodGet, r.planPath+"/targets/"+url.PathEscape(code), nil, http.StatusOK)
	}
}
