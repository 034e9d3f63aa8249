package web

import (
	"bytes"
	"embed"
	"fmt"
	"hash/maphash"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
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
	h.renderPage(w, r, status, name, data, false)
}

// renderShared is render for the pages many people read at once, the plan
// and a target (speed, issue 16): the "main" block is rendered once for
// all who would get the same (it is kept under the fingerprint of the
// data it is rendered from, so that a saved figure, an approval or any
// other change renders it anew), the answer carries an ETag and is
// compressed once for all who accept gzip, and a reload that holds the
// same page gets 304 and no body.
func (h *handler) renderShared(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	h.renderPage(w, r, status, name, data, true)
}

func (h *handler) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any, shared bool) {
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
	if r.Header.Get("X-Partial") != "1" {
		// The first page after signing in: the notices in full and (issue
		// 11) what each of the reader's units is reminded of.
		ns, _ := data["Notices"].([]notice)
		data["Welcome"], data["WelcomeTasks"] = h.welcomeNotices(w, r, ns)
	}
	if shared {
		h.writeSharedPage(w, r, status, name, tpl, data)
		return
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

// sharedAnswer is a shared page as sent: its ETag (the hash of the body),
// the body, and the body compressed with gzip.
type sharedAnswer struct {
	etag     string
	body, gz []byte
}

// writeSharedPage answers a page of renderShared. The "main" block is
// rendered with a stand-in for the reader that carries only the role
// (what the blocks ask of it, to show or hide a link), so that everyone of
// a role shares it and no block can show one person's name to another;
// it is kept under the fingerprint of the data (sharedKey). The whole
// answer, the layout around the block with the reader's own header, is
// kept under that key and the reader's: a reader who reloads the same
// page costs a lookup.
func (h *handler) writeSharedPage(w http.ResponseWriter, r *http.Request, status int, name string, tpl *template.Template, data map[string]any) {
	fail := func(err error) {
		h.Log.Error("render", "page", name, "err", err)
		http.Error(w, "Lỗi hệ thống.", http.StatusInternalServerError)
	}
	partial := r.Header.Get("X-Partial") == "1"
	me, _ := data["Me"].(*kehoach.User)
	if me != nil {
		data["Me"] = &kehoach.User{Role: me.Role}
	}
	mainKey, ok := sharedKey(name, data)
	var answerKey string
	if ok {
		reader, _ := fingerprint(me)
		answerKey = mainKey + "\x00" + strconv.FormatUint(reader, 36) + "\x00" + strconv.FormatBool(partial)
		if a, found := h.answers.get(answerKey); found {
			h.writeAnswer(w, r, status, a.(*sharedAnswer))
			return
		}
	}
	var main []byte
	if b, found := h.fragments.get(mainKey); ok && found {
		main = b.([]byte)
	} else {
		var buf bytes.Buffer
		if err := tpl.ExecuteTemplate(&buf, "main", data); err != nil {
			fail(err)
			return
		}
		main = buf.Bytes()
		if ok {
			h.fragments.put(mainKey, main, len(main))
		}
	}
	data["Me"] = me
	body := main
	if !partial {
		data["MainHTML"] = template.HTML(main)
		var buf bytes.Buffer
		if err := tpl.ExecuteTemplate(&buf, "layout", data); err != nil {
			fail(err)
			return
		}
		body = buf.Bytes()
	}
	a := &sharedAnswer{body: body}
	var mh maphash.Hash
	mh.SetSeed(fingerprintSeed)
	mh.Write(body)
	a.etag = `"` + strconv.FormatUint(mh.Sum64(), 36) + "-" + strconv.Itoa(len(body)) + `"`
	if len(body) >= 1024 {
		a.gz = gzipBytes(body)
	}
	if ok {
		h.answers.put(answerKey, a, len(a.body)+len(a.gz))
	}
	h.writeAnswer(w, r, status, a)
}

// sharedKey is the key of page name's "main" block rendered from data: its
// fingerprint, where a value the analytics name by a version
// (data["Versions"]: key → BreakdownPage.Version) counts by that name (the
// same name, the same rows: 200 rows of a breakdown cost more to hash than
// to look up). ok is false for data too big to fingerprint.
func sharedKey(name string, data map[string]any) (string, bool) {
	fp := data
	if vs, _ := data["Versions"].(map[string]string); len(vs) > 0 {
		fp = make(map[string]any, len(data))
		for k, v := range data {
			fp[k] = v
			if tok := vs[k]; tok != "" {
				fp[k] = "version " + tok
			}
		}
	}
	sum, ok := fingerprint(fp)
	return name + "\x00" + strconv.FormatUint(sum, 36), ok
}

// writeAnswer writes a shared page: 304 to a reader who holds it already
// (If-None-Match), the compressed body to one who accepts gzip. The page
// may be kept by the reader's browser but not by a proxy, and is checked
// again each time.
func (h *handler) writeAnswer(w http.ResponseWriter, r *http.Request, status int, a *sharedAnswer) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "private, no-cache")
	hd.Set("ETag", a.etag)
	hd.Add("Vary", "Accept-Encoding")
	if status == http.StatusOK && etagMatches(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		hd.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
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
		// Charts of a target's page (issue 12), drawn as its block renders.
		"targetCharts": chartsOfTarget,
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
