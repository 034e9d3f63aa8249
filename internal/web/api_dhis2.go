package web

import (
	"net/http"
	"slices"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/dhis2"
)

// DHIS2 clients (issue 17): what @dhis2/analytics, @dhis2/data-engine and
// the apps built on them call besides /api/analytics itself, so that they
// can use kehoach as a data source without knowing it is not DHIS2.

// dhis2APIVersion is the DHIS2 version whose analytics API kehoach
// answers, told by /api/system/info (clients pick /api/NN/ from it).
const dhis2APIVersion = "2.40.0"

// dhis2Paths serves DHIS2's versioned paths (/api/40/analytics) and the
// .json suffix of older clients (/api/analytics.json, /api/me.json) as the
// unversioned path: the answers are the same, so they are one route each.
func dhis2Paths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := dhis2Path(r.URL.Path)
		if p == r.URL.Path {
			next.ServeHTTP(w, r)
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path, u.RawPath = p, ""
		r2.URL = &u
		next.ServeHTTP(w, r2)
	})
}

// dhis2Path returns path without a version after /api/ and without a
// .json suffix.
func dhis2Path(path string) string {
	rest, ok := strings.CutPrefix(path, "/api/")
	if !ok {
		return path
	}
	if v, after, found := strings.Cut(rest, "/"); found && len(v) >= 2 && len(v) <= 3 && strings.Trim(v, "0123456789") == "" {
		rest = after
	}
	rest = strings.TrimSuffix(rest, ".json")
	return "/api/" + rest
}

// dhis2Params reads the analytics parameters of r as a DHIS2 client sends
// them, with the caller's own units for USER_ORGUNIT (its view scope: a
// commune officer's is its commune; none, the roots, for a caller who
// sees everything). rawData is the answer unrounded.
func (h *handler) dhis2Params(r *http.Request) (*dhis2.AnalyticsParams, error) {
	p, err := dhis2.ParseAnalyticsParams(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	p.Request.UserUnits = viewScope(r)
	if r.URL.Path == "/api/analytics/rawData" {
		p.Request.SkipRounding = true
	}
	return p, nil
}

// dhis2Meta completes the engine's answer as DHIS2 clients read it: the
// dimensions and the keywords asked for are named in metaData.items, the
// hierarchy is given when asked, and skipMeta / skipData are honoured.
func (h *handler) dhis2Meta(r *http.Request, p *dhis2.AnalyticsParams, res *kehoach.AnalyticsResponse) error {
	if p.ShowHierarchy || p.HierarchyMeta {
		if err := h.ouHierarchy(r, res); err != nil {
			return err
		}
	}
	dhis2.CompleteMeta(p, res)
	return nil
}

// ouHierarchy fills metaData.ouHierarchy and names the ancestors of every
// unit of the answer, from one read of the unit tree.
func (h *handler) ouHierarchy(r *http.Request, res *kehoach.AnalyticsResponse) error {
	units, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{})
	if err != nil {
		return err
	}
	byCode := make(map[string]*kehoach.Unit, len(units))
	for _, u := range units {
		byCode[u.Code] = u
	}
	dhis2.AddHierarchy(res, func(code string) (*kehoach.Unit, bool) {
		u, ok := byCode[code]
		return u, ok
	})
	return nil
}

// apiAnalyticsDataValueSet answers /api/analytics/dataValueSet: the
// analytics answer as data values (dataElement, period, orgUnit, value),
// for which dx, pe and ou must all be dimensions.
func (h *handler) apiAnalyticsDataValueSet(w http.ResponseWriter, r *http.Request) {
	res, err := h.analytics(r)
	if err == nil {
		var set *dhis2.AnalyticsDataValueSet
		if set, err = dhis2.DataValueSetOf(res); err == nil {
			writeJSON(w, http.StatusOK, set)
			return
		}
	}
	h.analyticsError(w, r, err)
}

// apiSystemInfo answers /api/system/info, the first call of every DHIS2
// app: the version (from which clients pick the API version), the
// calendar and the server's date.
func (h *handler) apiSystemInfo(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if h.secure(r) {
		scheme = "https"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"systemName":       "kehoach",
		"version":          dhis2APIVersion,
		"revision":         "kehoach",
		"serverDate":       h.Now().UTC().Format("2006-01-02T15:04:05.000"),
		"serverTimeZoneId": "Asia/Ho_Chi_Minh",
		"calendar":         "iso8601",
		"dateFormat":       "yyyy-mm-dd",
		"contextPath":      scheme + "://" + r.Host,
	})
}

// dhis2Unit is an org unit as /api/me lists it.
type dhis2Unit struct {
	ID          string `json:"id"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Level       int    `json:"level"`
	Path        string `json:"path"`
}

// apiMe answers /api/me: the caller as DHIS2 apps read it at start-up,
// whose organisationUnits are the units USER_ORGUNIT stands for.
func (h *handler) apiMe(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	codes := viewScope(r)
	f := kehoach.UnitFilter{Codes: codes}
	if codes == nil {
		f = kehoach.UnitFilter{}
	}
	found, err := h.Services.Units.FindUnits(r.Context(), f)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	units := []dhis2Unit{}
	for _, un := range found {
		if codes == nil && un.ParentCode != "" {
			continue // a caller who sees all: the roots
		}
		ancestors, err := h.Services.Units.FindAncestors(r.Context(), un.Code)
		if err != nil {
			h.jsonError(w, r, err)
			return
		}
		slices.Reverse(ancestors)
		units = append(units, dhis2Unit{ID: un.Code, Code: un.Code, Name: un.Name, DisplayName: un.Name,
			Level: un.Level, Path: "/" + strings.Join(ancestors, "/")})
	}
	authorities := []string{}
	for _, a := range []string{auth.ActionView, auth.ActionEnter, auth.ActionSubmit, auth.ActionApprove, auth.ActionPlan, auth.ActionAdmin} {
		if auth.Can(u.Role, a) {
			authorities = append(authorities, a)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id":                         u.Username,
		"username":                   u.Username,
		"name":                       u.Name,
		"displayName":                u.Name,
		"firstName":                  u.Name,
		"surname":                    "",
		"organisationUnits":          units,
		"dataViewOrganisationUnits":  units,
		"teiSearchOrganisationUnits": []dhis2Unit{},
		"userRoles":                  []map[string]string{{"id": u.Role, "name": u.Role}},
		"userGroups":                 []any{},
		"authorities":                authorities,
		"settings":                   map[string]string{"keyUiLocale": "vi", "keyDbLocale": "vi"},
		"programs":                   []any{},
		"dataSets":                   []any{},
	})
}
