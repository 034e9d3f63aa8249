package web

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"time"

	"kehoach"
	"kehoach/internal/auth"
	"kehoach/internal/dhis2"
	"kehoach/internal/locale"
)

// analyticsTimeout is the longest one analytics question may compute. The
// engine answers the largest question it accepts (analytics.MaxCells) in
// well under a second; the deadline stops whatever still runs away. A
// variable only so that a test can make it pass at once.
var analyticsTimeout = 30 * time.Second

// apiAnalytics answers /api/analytics in DHIS2's JSON shape.
func (h *handler) apiAnalytics(w http.ResponseWriter, r *http.Request) {
	res, err := h.analytics(r)
	if err != nil {
		h.analyticsError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// apiAnalyticsCSV answers /api/analytics.csv: a header row of column
// names, then the rows.
func (h *handler) apiAnalyticsCSV(w http.ResponseWriter, r *http.Request) {
	res, err := h.analytics(r)
	if err != nil {
		h.analyticsError(w, r, err)
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

// analyticsError answers a failed question. A client that went away gets
// nothing (no one reads it, and it is not the server's fault to log); a
// question that ran out of time is told so.
func (h *handler) analyticsError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case r.Context().Err() != nil:
		return
	case errors.Is(err, context.DeadlineExceeded):
		err = &kehoach.Error{Code: kehoach.EUNAVAILABLE,
			Message: "Câu hỏi phân tích chạy quá " + locale.VI.Int(int64(analyticsTimeout/time.Second)) + " giây nên đã dừng: hãy bớt chỉ tiêu, kỳ hay đơn vị, hoặc hỏi từng phần."}
	}
	h.jsonError(w, r, err)
}

// analytics decodes the request, checks that every unit named is in the
// caller's view scope, and answers it within analyticsTimeout.
func (h *handler) analytics(r *http.Request) (*kehoach.AnalyticsResponse, error) {
	p, err := h.dhis2Params(r) // api_dhis2.go: DHIS2 clients' parameters
	if err != nil {
		return nil, err
	}
	req := p.Request
	if viewScope(r) != nil {
		named := 0
		for _, d := range append(append([]kehoach.Dimension{}, req.Dimensions...), req.Filters...) {
			if d.Name != dhis2.DimOrgUnit {
				continue
			}
			for _, it := range d.Items {
				if dhis2.IsUserOrgUnit(it) { // the caller's own units
					named++
					continue
				}
				if dhis2.IsOrgUnitToken(it) {
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
	r, _ = withFigures(r, &kehoach.Plan{}) // ?figures=approved (issue 9)
	ctx, cancel := context.WithTimeout(r.Context(), analyticsTimeout)
	defer cancel()
	res, err := h.Services.Analytics.Analytics(ctx, req)
	if err != nil {
		return nil, err
	}
	return res, h.dhis2Meta(r, p, res)
}
