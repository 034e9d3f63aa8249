package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"kehoach"
)

// siteTTL bounds how long a server shows settings another server of the
// same installation changed; a save on this one is seen at once.
const siteTTL = 10 * time.Second

// siteCache keeps the settings that the header of every page shows, so that
// a page costs no query for them.
type siteCache struct {
	mu sync.Mutex
	s  *kehoach.Settings
	at time.Time
}

// site returns the deployment's settings, never nil (zero ones when the
// store cannot say: the page is still useful without its header).
func (h *handler) site(ctx context.Context) *kehoach.Settings {
	if h.Services.Settings == nil {
		return &kehoach.Settings{}
	}
	c := &h.sites
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.s != nil && time.Since(c.at) < siteTTL {
		return c.s
	}
	s, err := h.Services.Settings.FindSettings(ctx)
	if err != nil {
		h.Log.Warn("settings", "err", err)
		if c.s != nil {
			return c.s
		}
		return &kehoach.Settings{}
	}
	c.s, c.at = s, time.Now()
	return s
}

// forgetSite makes the next page read the settings again.
func (h *handler) forgetSite() {
	h.sites.mu.Lock()
	h.sites.s = nil
	h.sites.mu.Unlock()
}

// settingsShow is the administrator's page of whose system it is.
func (h *handler) settingsShow(w http.ResponseWriter, r *http.Request) {
	h.renderSettings(w, r, http.StatusOK, h.site(r.Context()), nil, r.URL.Query().Get("saved") != "")
}

func (h *handler) renderSettings(w http.ResponseWriter, r *http.Request, status int, s *kehoach.Settings, err error, saved bool) {
	data := map[string]any{"Title": "Thông tin hệ thống", "F": s, "Saved": saved}
	if err != nil {
		data["Message"] = kehoach.ErrorMessage(err)
		data["Errors"] = kehoach.ErrorFields(err)
	}
	h.render(w, r, status, "settings", data)
}

// settingsSave stores the settings (the store validates and audits them).
func (h *handler) settingsSave(w http.ResponseWriter, r *http.Request) {
	if err := readPost(w, r); err != nil {
		h.htmlError(w, r, err)
		return
	}
	in := &kehoach.Settings{Name: r.PostForm.Get("name"), Issuer: r.PostForm.Get("issuer"), AccountHelp: r.PostForm.Get("accountHelp")}
	if _, err := h.Services.Settings.SaveSettings(r.Context(), in); err != nil {
		if kehoach.ErrorCode(err) == kehoach.EINVALID {
			h.renderSettings(w, r, http.StatusUnprocessableEntity, in, err, false)
			return
		}
		h.htmlError(w, r, err)
		return
	}
	h.forgetSite()
	http.Redirect(w, r, "/admin/settings?saved=1", http.StatusSeeOther)
}
