package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/locale"
	"kehoach/period"
)

//go:embed templates
var templateFS embed.FS

// templates is one template set per page: the layout, the partials and the
// page itself, so that pages cannot collide on block names.
type templates struct {
	pages map[string]*template.Template
}

// loadTemplates parses every page under templates/pages with the layout and
// partials. It panics on a broken template: that is a bug found at start.
func loadTemplates(funcs template.FuncMap) *templates {
	t := &templates{pages: map[string]*template.Template{}}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil || len(pages) == 0 {
		panic(fmt.Sprintf("web: no page templates: %v", err))
	}
	for _, p := range pages {
		name := strings.TrimSuffix(p[len("templates/pages/"):], ".html")
		t.pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html", p))
	}
	return t
}

// render writes page name with data. A partial request (X-Partial: 1, sent
// by app.js) gets only the page's "main" block.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	tpl := h.tpl.pages[name]
	if tpl == nil {
		h.Log.Error("no template", "name", name)
		http.Error(w, "Lỗi hệ thống.", http.StatusInternalServerError)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Path"] = r.URL.Path
	data["Static"] = h.static.url
	data["Me"] = currentUser(r)
	// Whose system it is and what waits for the reader (issue 16).
	data["Site"] = h.site(r.Context())
	if _, ok := data["Notices"]; !ok {
		data["Notices"] = h.notices(r)
	}
	if ns, _ := data["Notices"].([]notice); len(ns) > 0 && r.Header.Get("X-Partial") != "1" {
		data["Welcome"] = h.welcomeNotices(w, r, ns)
	}
	var buf bytes.Buffer
	block := "layout"
	if r.Header.Get("X-Partial") == "1" {
		block = "main"
	}
	if err := tpl.ExecuteTemplate(&buf, block, data); err != nil {
		h.Log.Error("render", "page", name, "err", err)
		http.Error(w, "Lỗi hệ thống.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *handler) funcs() template.FuncMap {
	return template.FuncMap{
		"num":         locale.VI.Number,
		"pct":         locale.VI.Percent,
		"statusLabel": locale.VI.Status,
		"kindLabel":   locale.VI.Kind,
		"opSymbol":    kehoach.OpSymbol,
		"periodLabel": periodLabel,
		"sparkline":   sparkline,
		"add":         func(a, b int) int { return a + b },
		"lower":       strings.ToLower,
		"query":       queryString,
		"can": func(u *kehoach.User, action string) bool {
			return u != nil && auth.Can(u.Role, action)
		},
		"roleLabel":       locale.VI.Role,
		"submissionLabel": locale.VI.Submission,
		"tokenScopeLabel": locale.VI.TokenScope,
		"date":            locale.VI.Date,
		"dateTime":        locale.VI.DateTime,
		"day":             func(d kehoach.Date) string { return locale.VI.Day(string(d)) },
		// Planning (issue 14): a code's label of a kind, list membership.
		"label": func(kind, code string) string { return locale.VI.Label(kind, code) },
		"has":   slices.Contains[[]string],
		// trust (issue 9)
		"coverage": func(c kehoach.Coverage) string { return locale.VI.Coverage(c.Reported, c.Approved, c.Expected) },
		"covered":  func(c kehoach.Coverage) bool { return c.Reported >= c.Expected },
		"pace":     func(need, trend float64) string { return locale.VI.Pace(need, trend, "năm") },
		// Planning (issue 14): the planner's milestones in the status.
		"paceNote":      paceNote,
		"milestoneNote": milestoneNote,
		"roadmap":       roadmap,
		// tasks (issue 11)
		"taskState":     locale.VI.TaskState,
		"taskKind":      locale.VI.TaskKind,
		"progressState": locale.VI.ProgressState,
		"workLabel":     locale.VI.Work,
		"reviewKind":    func(c string) string { return locale.VI.Label(locale.LabelReviewKind, c) },
		"commendLevel":  func(c string) string { return locale.VI.Label(locale.LabelCommendLevel, c) },
		"criterionKind": func(c string) string { return locale.VI.Label(locale.LabelCriterion, c) },
		"deref":         func(p *float64) float64 { return *p },
		// Help and names (issue 16).
		"statusHelp":     locale.VI.StatusHelp,
		"submissionHelp": locale.VI.SubmissionHelp,
		"coverageHelp":   locale.VI.CoverageHelp,
		"nameOr": func(names map[string]string, code string) string {
			if n, ok := names[code]; ok {
				return n
			}
			return code
		},
		"statusCodes": func() []string {
			return []string{kehoach.StatusAchieved, kehoach.StatusOnTrack, kehoach.StatusAtRisk, kehoach.StatusOffTrack, kehoach.StatusNoData}
		},
		"submissionCodes": func() []string {
			return []string{kehoach.SubmissionDraft, kehoach.SubmissionSubmitted, kehoach.SubmissionApproved, kehoach.SubmissionReturned}
		},
	}
}

// periodLabel names a period id in Vietnamese ("Quý IV/2024").
func periodLabel(id string) string {
	p, err := period.Parse(id)
	if err != nil {
		return id
	}
	return p.Label()
}

// queryString builds "?k=v&…" from pairs, skipping empty values.
func queryString(pairs ...string) template.URL {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		if b.Len() == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(template.URLQueryEscaper(pairs[i]))
		b.WriteByte('=')
		b.WriteString(template.URLQueryEscaper(pairs[i+1]))
	}
	return template.URL(b.String())
}
