package web

import (
	"net/http"
	"strings"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/internal/vntext"
)

// Limits of list parameters (repeated, or comma-separated). A list reaches
// the database as one SQL variable per item, and SQLite allows 32,766 of
// them: a long list was a 500. Lists are capped far below, with a 422 that
// names the parameter and the limit (docs/api.md lists them).
const (
	// maxUnitsParam is the most units one question may name; a whole
	// district is one code with children=true.
	maxUnitsParam = 200
	// maxPeriodsParam is the most periods one question may name: a
	// hundred years of quarters.
	maxPeriodsParam = 400
	// maxCodesParam is the most codes of any other list (statuses, forms,
	// data elements).
	maxCodesParam = 100
	// maxQueryParams is the most parameters of one query string. net/url
	// drops every parameter past 10,000 without a word (a question for
	// everything instead of an error); this says so first.
	maxQueryParams = 1000
)

// listParam returns the values of the query parameter name, whether it is
// repeated (name=a&name=b) or comma-separated (name=a,b) or both, trimmed,
// without empty ones. More than max values (counted before anything is
// split) is EINVALID naming the parameter and the limit.
func listParam(r *http.Request, name string, max int) ([]string, error) {
	if err := checkQuerySize(r); err != nil {
		return nil, err
	}
	raw := r.URL.Query()[name]
	n := 0
	for _, v := range raw {
		n += strings.Count(v, ",") + 1
	}
	if n > max {
		return nil, &kehoach.Error{Code: kehoach.EINVALID,
			Message: "Tham số " + name + " có " + locale.VI.Int(int64(n)) + " giá trị, tối đa " + locale.VI.Int(int64(max)) + ".",
			Fields:  map[string]string{name: "tối đa " + locale.VI.Int(int64(max)) + " giá trị"}}
	}
	var out []string
	for _, v := range raw {
		for it := range strings.SplitSeq(v, ",") {
			if it = strings.TrimSpace(it); it != "" {
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// checkQuerySize refuses a query string of more than maxQueryParams
// parameters.
func checkQuerySize(r *http.Request) error {
	if n := strings.Count(r.URL.RawQuery, "&") + 1; n > maxQueryParams {
		return &kehoach.Error{Code: kehoach.EINVALID,
			Message: "Câu hỏi có " + locale.VI.Int(int64(n)) + " tham số, tối đa " + locale.VI.Int(maxQueryParams) + ".",
			Fields:  map[string]string{"query": "tối đa " + locale.VI.Int(maxQueryParams) + " tham số"}}
	}
	return nil
}

// postField is a posted field as a person meant it: NFC, trimmed.
func postField(r *http.Request, name string) string {
	return strings.TrimSpace(vntext.NFC(r.PostForm.Get(name)))
}

// readPost reads a posted form of at most 64 KB (a page's fields, never a
// file); a body it cannot read is EINVALID.
func readPost(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return kehoach.Errorf(kehoach.EINVALID, "Không đọc được dữ liệu gửi lên: %v", err)
	}
	return nil
}
