// Package web is kehoach's HTTP surface: server-rendered pages in
// Vietnamese that work without JavaScript, and the JSON API under /api/.
// Handlers see only the service interfaces of the domain package.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"kehoach"
	"kehoach/internal/auth"
)

// Config is what the web layer needs.
type Config struct {
	Services kehoach.Services
	DB       kehoach.Pinger
	Log      *slog.Logger
	// DemoNote, when the plan is a demo, says what is synthetic.
	DemoNote string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SecureCookies marks the session cookie Secure even without TLS seen
	// here: set it behind a proxy that terminates TLS.
	SecureCookies bool
	// LoginDelay is the first wait put before checking the password of an
	// account (or from an address) with recent failed logins; it doubles
	// with each further failure up to LoginMaxDelay. Zero: 250 ms and 4 s.
	LoginDelay, LoginMaxDelay time.Duration
}

// handler holds the dependencies of every page and API action; each action
// is a method in a file of its own.
type handler struct {
	Config
	tpl     *templates
	static  *staticFiles
	limiter *auth.Limiter // password changes by signed-in users
	// throttle slows login guesses down (see loginSave).
	throttle *auth.Throttle
}

// New returns the HTTP handler with every route.
func New(c Config) http.Handler {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	h := &handler{Config: c, static: loadStatic(), limiter: auth.NewLimiter(auth.LimiterConfig{
		// Many people of one commune office or provincial intranet share an
		// address behind NAT; the per-account limit stops a signed-in
		// session from guessing its own current password.
		AddressAttempts: 300,
	})}
	h.throttle = auth.NewThrottle(c.LoginDelay, c.LoginMaxDelay)
	h.tpl = loadTemplates(h.funcs())
	return h.routes()
}

func (h *handler) routes() http.Handler {
	mux := http.NewServeMux()
	// Who may use each route: page/api with an action need a role that may
	// do it (auth.Can); handlers check unit scopes where a unit is named.
	// The table is tested route by route in authz_test.go.
	mux.HandleFunc("GET /login", h.loginShow)
	mux.HandleFunc("POST /login", h.loginSave)
	mux.HandleFunc("POST /logout", h.logout)
	mux.HandleFunc("GET /static/{sum}/{file}", h.staticFile)
	mux.HandleFunc("GET /healthz", h.health)

	mux.HandleFunc("GET /{$}", h.page(auth.ActionView, h.home))
	mux.HandleFunc("GET /plans", h.page(auth.ActionView, h.planList))
	mux.HandleFunc("GET /plans/{id}", h.page(auth.ActionView, h.planShow))
	mux.HandleFunc("GET /plans/{id}/targets/{code}", h.page(auth.ActionView, h.targetShow))
	mux.HandleFunc("GET /entry", h.page("", h.entryShow)) // enter or approve: entryShow checks
	mux.HandleFunc("POST /entry", h.page(auth.ActionEnter, h.entrySave))
	mux.HandleFunc("GET /entry/history", h.page(auth.ActionView, h.historyShow))              // and the unit's view scope
	mux.HandleFunc("POST /submissions/submit", h.page(auth.ActionSubmit, h.submissionSubmit)) // and the unit's entry scope
	mux.HandleFunc("POST /submissions/approve", h.page(auth.ActionApprove, h.submissionApprove))
	mux.HandleFunc("POST /submissions/return", h.page(auth.ActionApprove, h.submissionReturn))
	mux.HandleFunc("POST /submissions/unlock", h.page(auth.ActionApprove, h.submissionUnlock))
	mux.HandleFunc("GET /approvals", h.page(auth.ActionApprove, h.approvalList))
	mux.HandleFunc("GET /completeness", h.page(auth.ActionView, h.completenessShow))
	mux.HandleFunc("GET /units", h.page(auth.ActionView, h.unitList))
	mux.HandleFunc("GET /units/{code}", h.page(auth.ActionView, h.unitShow))
	// tasks (issue 11)
	mux.HandleFunc("GET /plans/{id}/tasks", h.page(auth.ActionView, h.taskBoard))
	mux.HandleFunc("GET /tasks/mine", h.page(auth.ActionView, h.myTasks))
	mux.HandleFunc("GET /tasks/{id}", h.page(auth.ActionView, h.taskShow))
	mux.HandleFunc("POST /tasks/{id}/progress", h.page(auth.ActionEnter, h.taskProgressSave)) // and the unit's entry scope (store)
	mux.HandleFunc("POST /progress/{id}/{action}", h.page(auth.ActionView, h.progressDecide)) // progressAction checks the role
	mux.HandleFunc("GET /evidence/{id}", h.page(auth.ActionView, h.evidenceFile))
	mux.HandleFunc("GET /plans/{id}/reviews", h.page(auth.ActionView, h.reviewList))
	mux.HandleFunc("POST /plans/{id}/reviews", h.page(auth.ActionPlan, h.reviewCreate))
	mux.HandleFunc("GET /reviews/{id}", h.page(auth.ActionView, h.reviewShow))
	mux.HandleFunc("POST /reviews/{id}/{what}", h.page(auth.ActionView, h.reviewPost)) // the store checks the unit's entry scope or the planner
	mux.HandleFunc("GET /plans/{id}/emulation", h.page(auth.ActionView, h.emulationShow))
	mux.HandleFunc("POST /plans/{id}/emulation", h.page(auth.ActionPlan, h.emulationSave))
	mux.HandleFunc("GET /account", h.page("", h.accountShow))
	mux.HandleFunc("POST /account/password", h.page("", h.passwordSave))
	mux.HandleFunc("POST /account/tokens", h.page("", h.tokenCreate))
	mux.HandleFunc("POST /account/tokens/{id}/revoke", h.page("", h.tokenRevoke))
	mux.HandleFunc("GET /admin/users", h.page(auth.ActionAdmin, h.userList))
	mux.HandleFunc("GET /admin/users/new", h.page(auth.ActionAdmin, h.userNew))
	mux.HandleFunc("POST /admin/users", h.page(auth.ActionAdmin, h.userCreate))
	mux.HandleFunc("GET /admin/users/{id}", h.page(auth.ActionAdmin, h.userEdit))
	mux.HandleFunc("POST /admin/users/{id}", h.page(auth.ActionAdmin, h.userUpdate))
	mux.HandleFunc("GET /admin/tokens", h.page(auth.ActionAdmin, h.tokenList))
	mux.HandleFunc("POST /admin/tokens/{id}/revoke", h.page(auth.ActionAdmin, h.tokenAdminRevoke))
	mux.HandleFunc("GET /admin/audit", h.page(auth.ActionAdmin, h.auditShow))
	mux.HandleFunc("GET /admin/audit.csv", h.page(auth.ActionAdmin, h.auditCSV))

	mux.HandleFunc("GET /api/units", h.api(auth.ActionView, h.apiUnits))
	mux.HandleFunc("GET /api/units/{code}", h.api(auth.ActionView, h.apiUnit))
	mux.HandleFunc("GET /api/plans", h.api(auth.ActionView, h.apiPlans))
	mux.HandleFunc("GET /api/plans/{id}", h.api(auth.ActionView, h.apiPlan))
	mux.HandleFunc("GET /api/indicators", h.api(auth.ActionView, h.apiIndicators))
	mux.HandleFunc("GET /api/dataValueSets", h.api(auth.ActionView, h.apiDataValueSets))
	mux.HandleFunc("GET /api/submissions", h.api(auth.ActionView, h.apiSubmissions))
	mux.HandleFunc("GET /api/completeness", h.api(auth.ActionView, h.apiCompleteness))
	mux.HandleFunc("GET /api/analytics", h.api(auth.ActionView, h.apiAnalytics))
	mux.HandleFunc("GET /api/analytics.csv", h.api(auth.ActionView, h.apiAnalyticsCSV))
	// tasks (issue 11)
	mux.HandleFunc("GET /api/tasks", h.api(auth.ActionView, h.apiTasks))
	mux.HandleFunc("POST /api/tasks", h.api(auth.ActionPlan, h.apiTaskCreate))
	mux.HandleFunc("GET /api/tasks/{id}", h.api(auth.ActionView, h.apiTask))
	mux.HandleFunc("POST /api/tasks/{id}/progress", h.api(auth.ActionEnter, h.apiProgressCreate))   // and the unit's entry scope (store)
	mux.HandleFunc("POST /api/progress/{id}/{action}", h.api(auth.ActionView, h.apiProgressChange)) // progressAction checks the role
	mux.HandleFunc("GET /api/evidence/{id}", h.api(auth.ActionView, h.evidenceFile))
	mux.HandleFunc("/api/", h.apiNotFound)
	mux.HandleFunc("/", h.notFound)

	var root http.Handler = mux
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(h.crossOrigin))
	root = cop.Handler(root)
	root = h.authenticate(root)
	root = securityHeaders(root)
	root = h.recoverer(root)
	root = h.logRequests(root)
	return root
}
