// Package web is kehoach's HTTP surface: server-rendered pages in
// Vietnamese that work without JavaScript, and the JSON API under /api/.
// Handlers see only the service interfaces of the domain package.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"kehoach"
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
}

// handler holds the dependencies of every page and API action; each action
// is a method in a file of its own.
type handler struct {
	Config
	tpl    *templates
	static *staticFiles
}

// New returns the HTTP handler with every route.
func New(c Config) http.Handler {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	h := &handler{Config: c, static: loadStatic()}
	h.tpl = loadTemplates(h.funcs())
	return h.routes()
}

func (h *handler) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /plans", h.planList)
	mux.HandleFunc("GET /plans/{id}", h.planShow)
	mux.HandleFunc("GET /plans/{id}/targets/{code}", h.targetShow)
	mux.HandleFunc("GET /entry", h.entryShow)
	mux.HandleFunc("POST /entry", h.entrySave)
	mux.HandleFunc("GET /units", h.unitList)
	mux.HandleFunc("GET /units/{code}", h.unitShow)
	mux.HandleFunc("GET /static/{sum}/{file}", h.staticFile)
	mux.HandleFunc("GET /healthz", h.health)

	mux.HandleFunc("GET /api/units", h.apiUnits)
	mux.HandleFunc("GET /api/units/{code}", h.apiUnit)
	mux.HandleFunc("GET /api/plans", h.apiPlans)
	mux.HandleFunc("GET /api/plans/{id}", h.apiPlan)
	mux.HandleFunc("GET /api/indicators", h.apiIndicators)
	mux.HandleFunc("GET /api/dataValueSets", h.apiDataValueSets)
	mux.HandleFunc("GET /api/analytics", h.apiAnalytics)
	mux.HandleFunc("GET /api/analytics.csv", h.apiAnalyticsCSV)
	mux.HandleFunc("/api/", h.apiNotFound)
	mux.HandleFunc("/", h.notFound)

	var root http.Handler = mux
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(h.crossOrigin))
	root = cop.Handler(root)
	root = securityHeaders(root)
	root = h.recoverer(root)
	root = h.logRequests(root)
	return root
}
