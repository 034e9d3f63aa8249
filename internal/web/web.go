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
	// BreakdownPageSize is how many units a page of a target's breakdown
	// shows (issue 16); zero means 200.
	BreakdownPageSize int
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
	// jobs are the imports running in the background (issue 13).
	jobs *importJobs
	// site caches the settings shown on every page (issue 16).
	sites siteCache
	// fragments and answers keep the plan and target pages rendered and
	// as sent (renderShared, issue 16).
	fragments, answers *sizedCache
}

// New returns the HTTP handler with every route.
func New(c Config) http.Handler {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	// Planning (issue 14): the store that reads plans also writes them.
	if pw, ok := c.Services.Plans.(kehoach.PlanWriteService); ok && c.Services.Planning == nil {
		c.Services.Planning = pw
	}
	// Bounds (issue 9): the store that reads plans keeps them too.
	if bs, ok := c.Services.Plans.(kehoach.BoundService); ok && c.Services.Bounds == nil {
		c.Services.Bounds = bs
	}
	fillUnitServices(&c.Services) // issue 10
	// Settings (issue 16): the store that reads plans keeps them too.
	if ss, ok := c.Services.Plans.(kehoach.SettingsService); ok && c.Services.Settings == nil {
		c.Services.Settings = ss
	}
	h := &handler{Config: c, static: loadStatic(), limiter: auth.NewLimiter(auth.LimiterConfig{
		// Many people of one commune office or provincial intranet share an
		// address behind NAT; the per-account limit stops a signed-in
		// session from guessing its own current password.
		AddressAttempts: 300,
	})}
	h.throttle = auth.NewThrottle(c.LoginDelay, c.LoginMaxDelay)
	h.jobs = &importJobs{} // issue 13
	h.fragments, h.answers = newSizedCache(32<<20), newSizedCache(64<<20)
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
	// plan import (issue 15): read a plan's text, for review before set-up
	mux.HandleFunc("GET /plans/import", h.page(auth.ActionPlan, h.planImportShow))
	mux.HandleFunc("POST /plans/import", h.page(auth.ActionPlan, h.planImportRead))
	mux.HandleFunc("POST /plans/import/review", h.page(auth.ActionPlan, h.planImportReview))
	mux.HandleFunc("GET /plans/{id}", h.page(auth.ActionView, h.planShow))
	mux.HandleFunc("GET /plans/{id}/targets/{code}", h.page(auth.ActionView, h.targetShow))
	// reports (issue 12): view and download need the issuer's view scope,
	// editing and issuing also the plan role.
	mux.HandleFunc("GET /plans/{id}/report", h.page(auth.ActionView, h.reportShow))
	mux.HandleFunc("GET /plans/{id}/report/file", h.page(auth.ActionView, h.reportFile))
	mux.HandleFunc("POST /plans/{id}/report", h.page(auth.ActionPlan, h.reportSave))
	mux.HandleFunc("POST /plans/{id}/report/issue", h.page(auth.ActionPlan, h.reportIssue))
	mux.HandleFunc("GET /entry", h.page("", h.entryShow)) // enter or approve: entryShow checks
	mux.HandleFunc("POST /entry", h.page(auth.ActionEnter, h.entrySave))
	mux.HandleFunc("GET /entry/history", h.page(auth.ActionView, h.historyShow))              // and the unit's view scope
	mux.HandleFunc("POST /submissions/submit", h.page(auth.ActionSubmit, h.submissionSubmit)) // and the unit's entry scope
	mux.HandleFunc("POST /submissions/approve", h.page(auth.ActionApprove, h.submissionApprove))
	mux.HandleFunc("POST /submissions/return", h.page(auth.ActionApprove, h.submissionReturn))
	mux.HandleFunc("POST /submissions/unlock", h.page(auth.ActionApprove, h.submissionUnlock))
	mux.HandleFunc("GET /approvals", h.page(auth.ActionApprove, h.approvalList))
	mux.HandleFunc("GET /approvals/flagged", h.page(auth.ActionApprove, h.flaggedList)) // issue 9: "cần kiểm tra" across grids
	// issue 13: imports of files, as jobs the page follows
	mux.HandleFunc("GET /import", h.page(auth.ActionEnter, h.importShow))
	mux.HandleFunc("POST /import", h.page(auth.ActionEnter, h.importStart))
	mux.HandleFunc("GET /import/jobs/{id}", h.page(auth.ActionEnter, h.importJobShow))
	mux.HandleFunc("GET /import/template", h.page(auth.ActionEnter, h.importTemplate)) // and the unit's entry scope
	mux.HandleFunc("GET /completeness", h.page(auth.ActionView, h.completenessShow))
	mux.HandleFunc("GET /units", h.page(auth.ActionView, h.unitList))
	mux.HandleFunc("GET /units/{code}", h.page(auth.ActionView, h.unitShow))
	// tasks (issue 11)
	mux.HandleFunc("GET /plans/{id}/tasks", h.page(auth.ActionView, h.taskBoard))
	mux.HandleFunc("GET /tasks/mine", h.page(auth.ActionView, h.myTasks))
	mux.HandleFunc("GET /tasks/{id}", h.page(auth.ActionView, h.taskShow))
	mux.HandleFunc("GET /tasks/{id}/edit", h.page(auth.ActionPlan, h.taskEdit))               // and the plan scope (store)
	mux.HandleFunc("POST /tasks/{id}/edit", h.page(auth.ActionPlan, h.taskUpdate))            // and the plan scope (store)
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
	// Issue 10: units kept by their administrator, reorganisations.
	mux.HandleFunc("GET /admin/units", h.page(auth.ActionAdmin, h.unitAdminList))
	mux.HandleFunc("GET /admin/units/new", h.page(auth.ActionAdmin, h.unitAdminNew))
	mux.HandleFunc("POST /admin/units", h.page(auth.ActionAdmin, h.unitAdminCreate))
	mux.HandleFunc("GET /admin/units/{code}", h.page(auth.ActionAdmin, h.unitAdminEdit))
	mux.HandleFunc("POST /admin/units/{code}", h.page(auth.ActionAdmin, h.unitAdminUpdate))
	mux.HandleFunc("GET /admin/reorg", h.page(auth.ActionAdmin, h.reorgShow))
	mux.HandleFunc("POST /admin/reorg", h.page(auth.ActionAdmin, h.reorgPost))
	mux.HandleFunc("GET /admin/audit", h.page(auth.ActionAdmin, h.auditShow))
	mux.HandleFunc("GET /admin/audit.csv", h.page(auth.ActionAdmin, h.auditCSV))

	// Planning (issue 14): the planner's pages, planner_*.go.
	mux.HandleFunc("GET /planner", h.page(auth.ActionPlan, h.plannerHome))
	mux.HandleFunc("GET /planner/check", h.page(auth.ActionPlan, h.plannerCheck))
	mux.HandleFunc("GET /planner/plans/new", h.page(auth.ActionPlan, h.plannerPlanNew))
	mux.HandleFunc("POST /planner/plans", h.page(auth.ActionPlan, h.plannerPlanCreate))
	mux.HandleFunc("GET /planner/plans/{id}", h.page(auth.ActionPlan, h.plannerPlanEdit))
	mux.HandleFunc("POST /planner/plans/{id}", h.page(auth.ActionPlan, h.plannerPlanUpdate))
	mux.HandleFunc("POST /planner/plans/{id}/publish", h.page(auth.ActionPlan, h.plannerPlanPublish))
	mux.HandleFunc("POST /planner/plans/{id}/copy", h.page(auth.ActionPlan, h.plannerPlanCopy))
	mux.HandleFunc("POST /planner/plans/{id}/copy-each", h.page(auth.ActionPlan, h.plannerPlanCopyEach))
	mux.HandleFunc("GET /planner/plans/{id}/targets/new", h.page(auth.ActionPlan, h.plannerTargetNew))
	mux.HandleFunc("POST /planner/plans/{id}/targets", h.page(auth.ActionPlan, h.plannerTargetSave))
	mux.HandleFunc("GET /planner/plans/{id}/targets/{code}", h.page(auth.ActionPlan, h.plannerTargetEdit))
	mux.HandleFunc("POST /planner/plans/{id}/targets/{code}", h.page(auth.ActionPlan, h.plannerTargetSave))
	mux.HandleFunc("POST /planner/plans/{id}/targets/{code}/delete", h.page(auth.ActionPlan, h.plannerTargetDelete))
	mux.HandleFunc("GET /planner/indicators/new", h.page(auth.ActionPlan, h.plannerIndicatorNew))
	mux.HandleFunc("POST /planner/indicators", h.page(auth.ActionPlan, h.plannerIndicatorSave))
	mux.HandleFunc("GET /planner/indicators/{code}", h.page(auth.ActionPlan, h.plannerIndicatorEdit))
	mux.HandleFunc("POST /planner/indicators/{code}", h.page(auth.ActionPlan, h.plannerIndicatorSave))
	mux.HandleFunc("GET /planner/elements/new", h.page(auth.ActionPlan, h.plannerElementNew))
	mux.HandleFunc("POST /planner/elements", h.page(auth.ActionPlan, h.plannerElementSave))
	mux.HandleFunc("GET /planner/elements/{code}", h.page(auth.ActionPlan, h.plannerElementEdit))
	mux.HandleFunc("POST /planner/elements/{code}", h.page(auth.ActionPlan, h.plannerElementSave))
	mux.HandleFunc("GET /planner/forms/new", h.page(auth.ActionPlan, h.plannerFormNew))
	mux.HandleFunc("POST /planner/forms", h.page(auth.ActionPlan, h.plannerFormSave))
	mux.HandleFunc("GET /planner/forms/{code}", h.page(auth.ActionPlan, h.plannerFormEdit))
	mux.HandleFunc("POST /planner/forms/{code}", h.page(auth.ActionPlan, h.plannerFormSave))
	// Bounds of an element's figures (issue 9), planner_bounds.go.
	mux.HandleFunc("GET /planner/elements/{code}/bounds", h.page(auth.ActionPlan, h.plannerBounds))
	mux.HandleFunc("POST /planner/elements/{code}/bounds", h.page(auth.ActionPlan, h.plannerBoundSave))
	mux.HandleFunc("POST /planner/elements/{code}/bounds/proposals", h.page(auth.ActionPlan, h.plannerBoundProposalsSave))
	mux.HandleFunc("POST /planner/elements/{code}/bounds/{id}/delete", h.page(auth.ActionPlan, h.plannerBoundDelete))

	// Whose system it is, help, notifications (issue 16): settings.go,
	// help.go, notifications.go.
	mux.HandleFunc("GET /admin/settings", h.page(auth.ActionAdmin, h.settingsShow))
	mux.HandleFunc("POST /admin/settings", h.page(auth.ActionAdmin, h.settingsSave))
	mux.HandleFunc("GET /help", h.page("", h.helpShow))
	mux.HandleFunc("GET /help/{role}", h.page("", h.helpShow))
	mux.HandleFunc("GET /notifications", h.page("", h.notificationsShow))

	mux.HandleFunc("GET /api/units", h.api(auth.ActionView, h.apiUnits))
	mux.HandleFunc("GET /api/units/{code}", h.api(auth.ActionView, h.apiUnit))
	mux.HandleFunc("GET /api/plans", h.api(auth.ActionView, h.apiPlans))
	mux.HandleFunc("GET /api/plans/{id}", h.api(auth.ActionView, h.apiPlan))
	mux.HandleFunc("GET /api/indicators", h.api(auth.ActionView, h.apiIndicators))
	// issue 13: dataValueSets in JSON, CSV and ADX, both ways
	mux.HandleFunc("GET /api/dataValueSets", h.api(auth.ActionView, h.apiDataValueSets))
	mux.HandleFunc("GET /api/dataValueSets.json", h.api(auth.ActionView, h.apiDataValueSets))
	mux.HandleFunc("GET /api/dataValueSets.csv", h.api(auth.ActionView, h.apiDataValueSets))
	mux.HandleFunc("GET /api/dataValueSets.adx", h.api(auth.ActionView, h.apiDataValueSets))
	mux.HandleFunc("POST /api/dataValueSets", h.api(auth.ActionEnter, h.apiDataValueSetsImport))
	mux.HandleFunc("POST /api/dataValueSets.json", h.api(auth.ActionEnter, h.apiDataValueSetsImport))
	mux.HandleFunc("POST /api/dataValueSets.csv", h.api(auth.ActionEnter, h.apiDataValueSetsImport))
	mux.HandleFunc("POST /api/dataValueSets.adx", h.api(auth.ActionEnter, h.apiDataValueSetsImport))
	mux.HandleFunc("GET /api/plans/{id}/bundle", h.api(auth.ActionPlan, h.apiPlanBundle))
	mux.HandleFunc("POST /api/plans/bundle", h.api(auth.ActionAdmin, h.apiPlanBundleImport))
	mux.HandleFunc("GET /api/submissions", h.api(auth.ActionView, h.apiSubmissions))
	mux.HandleFunc("GET /api/completeness", h.api(auth.ActionView, h.apiCompleteness))
	mux.HandleFunc("GET /api/analytics", h.api(auth.ActionView, h.apiAnalytics))
	mux.HandleFunc("GET /api/analytics.csv", h.api(auth.ActionView, h.apiAnalyticsCSV))
	// DHIS2 clients (issue 17, api_dhis2.go); /api/NN/… and ….json are
	// served by dhis2Paths below as the same routes.
	mux.HandleFunc("GET /api/analytics/rawData", h.api(auth.ActionView, h.apiAnalytics))
	mux.HandleFunc("GET /api/analytics/dataValueSet", h.api(auth.ActionView, h.apiAnalyticsDataValueSet))
	mux.HandleFunc("GET /api/system/info", h.api("", h.apiSystemInfo))
	mux.HandleFunc("GET /api/me", h.api("", h.apiMe))
	// tasks (issue 11)
	mux.HandleFunc("GET /api/tasks", h.api(auth.ActionView, h.apiTasks))
	mux.HandleFunc("POST /api/tasks", h.api(auth.ActionPlan, h.apiTaskCreate))
	mux.HandleFunc("GET /api/tasks/{id}", h.api(auth.ActionView, h.apiTask))
	mux.HandleFunc("PUT /api/tasks/{id}", h.api(auth.ActionPlan, h.apiTaskUpdate))
	mux.HandleFunc("POST /api/tasks/{id}/progress", h.api(auth.ActionEnter, h.apiProgressCreate))   // and the unit's entry scope (store)
	mux.HandleFunc("POST /api/progress/{id}/{action}", h.api(auth.ActionView, h.apiProgressChange)) // progressAction checks the role
	mux.HandleFunc("GET /api/evidence/{id}", h.api(auth.ActionView, h.evidenceFile))
	mux.HandleFunc("/api/", h.apiNotFound)
	mux.HandleFunc("/", h.notFound)

	var root http.Handler = dhis2Paths(mux) // issue 17: /api/40/… and ….json
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(h.crossOrigin))
	root = cop.Handler(root)
	root = h.authenticate(root)
	root = securityHeaders(root)
	root = h.recoverer(root)
	root = h.logRequests(root)
	return root
}
