package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"

	"kehoach"
	"kehoach/internal/auth"
)

// decodeAnalytics reads DHIS2's analytics parameters:
// dimension=dx:A;B, dimension=pe:2024Q1;LAST_4_QUARTERS, dimension=ou:CODE;LEVEL-3,
// filter=…, includeNumDen=true, skipRounding=true.
func decodeAnalytics(r *http.Request) (*kehoach.AnalyticsRequest, error) {
	q, err := semicolonQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	req := &kehoach.AnalyticsRequest{IncludeNumDen: q.Get("includeNumDen") == "true", SkipRounding: q.Get("skipRounding") == "true"}
	parse := func(param string) ([]kehoach.Dimension, error) {
		var out []kehoach.Dimension
		for _, s := range q[param] {
			name, items, ok := strings.Cut(s, ":")
			if !ok || name == "" {
				return nil, &kehoach.Error{Code: kehoach.EINVALID, Message: "tham số " + param + "=" + s + " không hợp lệ: cần dạng tên:mục1;mục2",
					Fields: map[string]string{param: s}}
			}
			d := kehoach.Dimension{Name: name}
			for _, it := range strings.Split(items, ";") {
				if it = strings.TrimSpace(it); it != "" {
					d.Items = append(d.Items, it)
				}
			}
			out = append(out, d)
		}
		return out, nil
	}
	if req.Dimensions, err = parse("dimension"); err != nil {
		return nil, err
	}
	if req.Filters, err = parse("filter"); err != nil {
		return nil, err
	}
	return req, nil
}

// apiAnalytics answers /api/analytics in DHIS2's JSON shape.
func (h *handler) apiAnalytics(w http.ResponseWriter, r *http.Request) {
	res, err := h.analytics(r)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// apiAnalyticsCSV answers /api/analytics.csv: a header row of column
// names, then the rows.
func (h *handler) apiAnalyticsCSV(w http.ResponseWriter, r *http.Request) {
	res, err := h.analytics(r)
	if err != nil {
		h.jsonError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="analytics.csv"`)
	cw := csv.NewWriter(w)
	head := make([]string, len(res.Headers))
	for i, hd := range res.Headers {
		head[i] = hd.Name
	}
	cw.Write(head)
	cw.WriteAll(res.Rows)
}

// semicolonQuery parses a query string in which ";" separates items, not
// parameters, as DHIS2 clients send it (net/url rejects such keys).
func semicolonQuery(raw string) (url.Values, error) {
	q := url.Values{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, kehoach.Errorf(kehoach.EINVALID, "tham số %q không hợp lệ", part)
		}
		q.Add(key, val)
	}
	return q, nil
}

// analytics decodes the request, checks that every unit named is in the
// caller's view scope, and answers it.
func (h *handler) analytics(r *http.Request) (*kehoach.AnalyticsResponse, error) {
	req, err := decodeAnalytics(r)
	if err != nil {
		return nil, err
	}
	if viewScope(r) != nil {
		named := 0
		for _, d := range append(append([]kehoach.Dimension{}, req.Dimensions...), req.Filters...) {
			if d.Name != "ou" {
				continue
			}
			for _, it := range d.Items {
				if it == "CHILDREN" || strings.HasPrefix(it, "LEVEL-") {
					continue
				}
				if err := h.checkUnit(r, auth.ActionView, it); err != nil {
					return nil, err
				}
				named++
			}
		}
		if named == 0 {
			return nil, kehoach.Errorf(kehoach.EFORBIDDEN, "ou: cần nêu mã đơn vị thuộc phạm vi của tài khoản (LEVEL-n hay CHILDREN đi kèm mã đơn vị).")
		}
	}
	return h.Services.Analytics.Analytics(r.Context(), req)
}
