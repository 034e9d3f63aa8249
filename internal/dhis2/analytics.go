package dhis2

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kehoach"
	"kehoach/internal/locale"
	"kehoach/period"
)

// Limits of an analytics query string. They bound the work done before
// the engine sees the request: the engine bounds the answer itself (see
// analytics.MaxCells).
const (
	// MaxDimensionItems is the most items one dimension may list, counted
	// as sent (before duplicates are removed), so that a query of thousands
	// of repeated items is refused before it is split.
	MaxDimensionItems = 1000
	// MaxDimensionParams is the most dimension= (and the most filter=)
	// parameters: there are three dimensions, dx, pe and ou.
	MaxDimensionParams = 3
	// MaxQueryParams is the most parameters of any name in one query.
	MaxQueryParams = 100
)

// Dimension names and the org unit tokens DHIS2 defines.
const (
	DimData     = "dx"
	DimPeriod   = "pe"
	DimOrgUnit  = "ou"
	OUChildren  = "CHILDREN"
	levelPrefix = "LEVEL-"
)

// OrgUnitLevel reads an ou item of the form LEVEL-n (n ≥ 1): ok is false
// for any other item, which is then a unit code or CHILDREN.
func OrgUnitLevel(item string) (n int, ok bool, err error) {
	rest, found := strings.CutPrefix(item, levelPrefix)
	if !found {
		return 0, false, nil
	}
	n, err = strconv.Atoi(rest)
	if err != nil || n < 1 || n > 99 || rest != strconv.Itoa(n) {
		return 0, true, &kehoach.Error{Code: kehoach.EINVALID,
			Message: "ou: cấp " + strconv.Quote(item) + " không hợp lệ: cần dạng LEVEL-3 (cấp từ 1 đến 99)",
			Fields:  map[string]string{DimOrgUnit: item}}
	}
	return n, true, nil
}

// IsOrgUnitToken reports whether an ou item is CHILDREN, LEVEL-n or
// OU_GROUP-kind rather than a unit code or a USER_ORGUNIT keyword: it
// selects among the units the others name and names none itself.
func IsOrgUnitToken(item string) bool {
	return item == OUChildren || strings.HasPrefix(item, levelPrefix) || strings.HasPrefix(item, OUGroupPrefix)
}

// ParseAnalyticsQuery reads DHIS2's analytics parameters from a raw query
// string: dimension=dx:A;B, dimension=pe:2024Q1;LAST_4_QUARTERS,
// dimension=ou:CODE;LEVEL-3, filter=…, includeNumDen=true,
// skipRounding=true, relativePeriodDate=2024-06-30. It takes the raw
// string, not url.Values, because ";" separates items there, which
// net/url refuses in a query. It is ParseAnalyticsParams without the
// presentation options.
//
// Items are trimmed, empty ones dropped and repeated ones kept once (the
// first time), so the answer's size is that of the distinct items. Periods
// must be period ids or relative names, ou items unit codes, CHILDREN,
// LEVEL-n, OU_GROUP-kind or a USER_ORGUNIT keyword; whether the codes
// exist is the engine's to say. Every error is EINVALID, in Vietnamese,
// and names the parameter.
func ParseAnalyticsQuery(raw string) (*kehoach.AnalyticsRequest, error) {
	p, err := ParseAnalyticsParams(raw)
	if err != nil {
		return nil, err
	}
	return p.Request, nil
}

// ParseAnalyticsParams reads a DHIS2 analytics query string as DHIS2's own
// clients send it (see keywords.go for the parameters read, ignored and
// refused): several dimensions joined in one parameter by commas
// (dimension=dx%3AA,pe%3AB%3BC, as @dhis2/data-engine encodes an array;
// see semicolonQuery), and the presentation options beside the question.
func ParseAnalyticsParams(raw string) (*AnalyticsParams, error) {
	q, err := semicolonQuery(raw)
	if err != nil {
		return nil, err
	}
	if err := checkParams(q); err != nil {
		return nil, err
	}
	p := &AnalyticsParams{Request: &kehoach.AnalyticsRequest{}}
	req := p.Request
	for _, b := range []struct {
		name string
		to   *bool
	}{
		{"includeNumDen", &req.IncludeNumDen}, {"skipRounding", &req.SkipRounding},
		{"includeCoverage", &req.IncludeCoverage}, // coverage columns (issue 9)
		{"skipMeta", &p.SkipMeta}, {"skipData", &p.SkipData},
		{"showHierarchy", &p.ShowHierarchy}, {"hierarchyMeta", &p.HierarchyMeta},
	} {
		if *b.to, err = boolParam(q, b.name); err != nil {
			return nil, err
		}
	}
	if req.RelativeTo, err = dateParam(q, "relativePeriodDate"); err != nil {
		return nil, err
	}
	// Issue 10: read under the unit tree of a day.
	if hd := q.Get("hierarchyDate"); hd != "" {
		d, err := kehoach.ParseDate(hd)
		if err != nil {
			return nil, invalid("hierarchyDate", "hierarchyDate: %s", kehoach.ErrorMessage(err))
		}
		req.HierarchyDate = d
	}
	seen := map[string]string{}
	for _, param := range []string{"dimension", "filter"} {
		if n := len(q[param]); n > MaxDimensionParams {
			return nil, invalid(param, "tham số %s được nêu %s lần, tối đa %s lần (mỗi chiều dx, pe, ou một lần)", param, count(n), count(MaxDimensionParams))
		}
		for _, s := range q[param] {
			d, err := parseDimension(param, s)
			if err != nil {
				return nil, err
			}
			if prev, dup := seen[d.Name]; dup {
				return nil, invalid(param, "chiều %s được nêu hai lần (%s và %s)", d.Name, prev, param)
			}
			seen[d.Name] = param
			if param == "dimension" {
				req.Dimensions = append(req.Dimensions, d)
			} else {
				req.Filters = append(req.Filters, d)
			}
		}
	}
	return p, nil
}

// parseDimension reads one name:item;item value of param.
func parseDimension(param, s string) (kehoach.Dimension, error) {
	name, items, ok := strings.Cut(s, ":")
	if !ok || name == "" {
		return kehoach.Dimension{}, &kehoach.Error{Code: kehoach.EINVALID,
			Message: "tham số " + param + "=" + short(s) + " không hợp lệ: cần dạng tên:mục1;mục2",
			Fields:  map[string]string{param: short(s)}}
	}
	if name != DimData && name != DimPeriod && name != DimOrgUnit {
		return kehoach.Dimension{}, invalid(param, "%s: chiều %q không được hỗ trợ (chỉ có dx, pe, ou)", param, short(name))
	}
	// Count before splitting: a refused query allocates nothing per item.
	if n := strings.Count(items, ";") + 1; n > MaxDimensionItems {
		return kehoach.Dimension{}, invalid(param, "%s: chiều %s có %s mục, tối đa %s mục", param, name, count(n), count(MaxDimensionItems))
	}
	d := kehoach.Dimension{Name: name}
	seen := map[string]bool{}
	for it := range strings.SplitSeq(items, ";") {
		it = strings.TrimSpace(it)
		if it == "" || seen[it] {
			continue
		}
		seen[it] = true
		if err := checkItem(name, it); err != nil {
			return kehoach.Dimension{}, err
		}
		d.Items = append(d.Items, it)
	}
	if len(d.Items) == 0 {
		return kehoach.Dimension{}, invalid(param, "%s: chiều %s không có mục nào", param, name)
	}
	return d, nil
}

// checkItem checks the form of one item of dimension name.
func checkItem(name, it string) error {
	switch name {
	case DimPeriod:
		if period.IsRelative(it) {
			return nil
		}
		if _, err := period.Parse(it); err != nil {
			return &kehoach.Error{Code: kehoach.EINVALID, Message: "pe: " + err.Error(), Fields: map[string]string{DimPeriod: err.Error()}}
		}
	case DimOrgUnit:
		if _, _, err := OrgUnitLevel(it); err != nil {
			return err
		}
		if g, ok := strings.CutPrefix(it, OUGroupPrefix); ok && g == "" {
			return &kehoach.Error{Code: kehoach.EINVALID,
				Message: "ou: nhóm đơn vị " + strconv.Quote(it) + " không hợp lệ: cần dạng OU_GROUP-xa (loại hay phân loại đơn vị)",
				Fields:  map[string]string{DimOrgUnit: it}}
		}
	}
	return nil
}

// FormatAnalyticsQuery writes req as the query string ParseAnalyticsQuery
// reads, so that a page or a report can link to the answer it shows. An
// item cannot hold ";": DHIS2 splits items after unescaping.
func FormatAnalyticsQuery(req *kehoach.AnalyticsRequest) string {
	var parts []string
	add := func(param string, ds []kehoach.Dimension) {
		for _, d := range ds {
			items := make([]string, len(d.Items))
			for i, it := range d.Items {
				items[i] = escape(it)
			}
			parts = append(parts, param+"="+escape(d.Name)+":"+strings.Join(items, ";"))
		}
	}
	add("dimension", req.Dimensions)
	add("filter", req.Filters)
	if req.IncludeNumDen {
		parts = append(parts, "includeNumDen=true")
	}
	if req.SkipRounding {
		parts = append(parts, "skipRounding=true")
	}
	if !req.RelativeTo.IsZero() {
		parts = append(parts, "relativePeriodDate="+req.RelativeTo.Format(time.DateOnly))
	}
	if req.HierarchyDate != "" { // issue 10
		parts = append(parts, "hierarchyDate="+string(req.HierarchyDate))
	}
	return strings.Join(parts, "&")
}

// escape escapes s for a query value, ";", ":" and "," included.
func escape(s string) string {
	return url.QueryEscape(s)
}

// semicolonQuery parses a query string in which ";" separates items, not
// parameters, as DHIS2 clients send it (net/url rejects such keys).
func semicolonQuery(raw string) (url.Values, error) {
	if n := strings.Count(raw, "&") + 1; n > MaxQueryParams {
		return nil, invalid("query", "câu hỏi có %s tham số, tối đa %s", count(n), count(MaxQueryParams))
	}
	q := url.Values{}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, invalid("query", "tham số %q không hợp lệ (mã hóa %% sai)", short(part))
		}
		// Several dimensions joined by commas are split before unescaping:
		// the data engine escapes a comma inside an item (%2C), not the
		// commas that join.
		parts := []string{v}
		if key == "dimension" || key == "filter" {
			parts = splitJoined(v)
		}
		for _, p := range parts {
			val, err := url.QueryUnescape(p)
			if err != nil {
				return nil, invalid("query", "tham số %q không hợp lệ (mã hóa %% sai)", short(part))
			}
			q.Add(key, val)
		}
	}
	return q, nil
}

// invalid is an EINVALID error naming field.
func invalid(field, format string, args ...any) error {
	e := kehoach.Errorf(kehoach.EINVALID, format, args...)
	e.Fields = map[string]string{field: e.Message}
	return e
}

// count writes n the Vietnamese way (1.000).
func count(n int) string { return locale.VI.Int(int64(n)) }

// short cuts what the client sent to a length fit for a message, never
// in the middle of a Vietnamese letter.
func short(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
