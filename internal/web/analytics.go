package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
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
	writeAnalyticsJSON(w, res)
}

// writeAnalyticsJSON writes res byte for byte as writeJSON would, but its
// rows one by one through a small buffer: a large answer is not encoded
// whole in memory beside itself (issue 16 point 8: three 96 MB answers at
// once took a server to 2.9 GiB).
func writeAnalyticsJSON(w http.ResponseWriter, res *kehoach.AnalyticsResponse) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	defer bw.Flush()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	put := func(v any) {
		buf.Reset()
		enc.Encode(v)
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	bw.WriteString(`{"headers":`)
	put(res.Headers)
	bw.WriteString(`,"metaData":`)
	put(res.MetaData)
	bw.WriteString(`,"rows":`)
	if res.Rows == nil {
		bw.WriteString("null")
	} else {
		bw.WriteByte('[')
		var line []byte
		for i, row := range res.Rows {
			if i > 0 {
				bw.WriteByte(',')
			}
			line = append(line[:0], '[')
			for j, cell := range row {
				if j > 0 {
					line = append(line, ',')
				}
				if plain(cell) {
					line = append(append(append(line, '"'), cell...), '"')
				} else {
					buf.Reset()
					enc.Encode(cell)
					line = append(line, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
				}
			}
			bw.Write(append(line, ']'))
		}
		bw.WriteByte(']')
	}
	fmt.Fprintf(bw, `,"height":%d,"width":%d}`+"\n", res.Height, res.Width)
}

// plain reports whether s is printable ASCII that JSON writes as it is
// (no quote, no backslash): codes, periods and numbers, most cells.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
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
