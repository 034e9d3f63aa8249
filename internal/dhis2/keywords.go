package dhis2

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"kehoach"
)

// The ou keywords of DHIS2 that stand for the caller's own units, and the
// prefix of an org unit group. In kehoach a group is a kind or subkind of
// unit (OU_GROUP-xa, OU_GROUP-bản).
const (
	UserOrgUnit              = "USER_ORGUNIT"
	UserOrgUnitChildren      = "USER_ORGUNIT_CHILDREN"
	UserOrgUnitGrandchildren = "USER_ORGUNIT_GRANDCHILDREN"
	OUGroupPrefix            = "OU_GROUP-"
)

// IsUserOrgUnit reports whether an ou item is one of the USER_ORGUNIT
// keywords. They name units (the caller's own, within its scope by
// construction), unlike CHILDREN, LEVEL-n and OU_GROUP-kind.
func IsUserOrgUnit(item string) bool {
	return item == UserOrgUnit || item == UserOrgUnitChildren || item == UserOrgUnitGrandchildren
}

// AnalyticsParams is an analytics query as a DHIS2 client sends it: the
// question, and how the answer is to be presented.
type AnalyticsParams struct {
	Request *kehoach.AnalyticsRequest
	// SkipMeta leaves metaData out, SkipData the rows (@dhis2/analytics
	// asks for the two apart, in parallel).
	SkipMeta, SkipData bool
	// ShowHierarchy and HierarchyMeta add metaData.ouHierarchy and the
	// ancestors of every unit to metaData.items.
	ShowHierarchy, HierarchyMeta bool
}

// readParams are the parameters ParseAnalyticsParams reads.
var readParams = []string{
	"dimension", "filter", "includeNumDen", "skipRounding", "includeCoverage", "figures", "relativePeriodDate", "hierarchyDate",
	"skipMeta", "skipData", "showHierarchy", "hierarchyMeta",
}

// harmlessParams are parameters DHIS2 clients send that change nothing of
// the figures kehoach answers, so they are accepted and ignored:
// displayProperty (a unit or indicator has one name here),
// includeMetadataDetails (the metadata always carries code and type),
// columns and rows (layout hints of a saved chart), hideEmptyRows (empty
// rows are never sent), hideEmptyColumns, paging (aggregate answers are
// never paged) and includeDimensionNames (header names only).
var harmlessParams = []string{
	"displayProperty", "includeMetadataDetails", "columns", "rows",
	"hideEmptyRows", "hideEmptyColumns", "paging", "includeDimensionNames",
}

// checkParams refuses any parameter that is neither read nor harmless:
// aggregationType, measureCriteria, approvalLevel, outputIdScheme,
// tableLayout, userOrgUnit… each changes the figures or the shape of a
// DHIS2 answer, so answering as if it were not there would be a wrong
// answer, not a partial one.
func checkParams(q url.Values) error {
	var unknown []string
	for k := range q {
		if !slices.Contains(readParams, k) && !slices.Contains(harmlessParams, k) {
			unknown = append(unknown, short(k))
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return invalid(unknown[0], "tham số %s không được hỗ trợ: nó đổi nghĩa câu hỏi của DHIS2 nên không thể bỏ qua. Tham số được nhận: %s; được bỏ qua vì không đổi số liệu: %s (docs/api.md)",
		strings.Join(unknown, ", "), strings.Join(readParams, ", "), strings.Join(harmlessParams, ", "))
}

// boolParam reads a true/false parameter given at most once ("" or absent
// is false).
func boolParam(q url.Values, name string) (bool, error) {
	vs := q[name]
	if len(vs) > 1 {
		return false, invalid(name, "tham số %s được nêu %s lần, chỉ được một lần", name, count(len(vs)))
	}
	if len(vs) == 0 {
		return false, nil
	}
	switch vs[0] {
	case "true":
		return true, nil
	case "false", "":
		return false, nil
	}
	return false, invalid(name, "tham số %s=%s không hợp lệ: cần true hoặc false", name, short(vs[0]))
}

// dateParam reads a day (2024-06-30, or DHIS2's 20240630) given at most
// once; zero when absent.
func dateParam(q url.Values, name string) (time.Time, error) {
	vs := q[name]
	if len(vs) > 1 {
		return time.Time{}, invalid(name, "tham số %s được nêu %s lần, chỉ được một lần", name, count(len(vs)))
	}
	if len(vs) == 0 || vs[0] == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, "20060102"} {
		if d, err := time.Parse(layout, vs[0]); err == nil {
			return d, nil
		}
	}
	return time.Time{}, invalid(name, "tham số %s=%s không hợp lệ: cần một ngày dạng 2024-06-30", name, short(vs[0]))
}

// splitJoined splits the raw (still escaped) value of a dimension or
// filter parameter that joins several dimensions with commas
// (dx%3AA%3BB,pe%3AC), as @dhis2/data-engine writes an array. A comma
// splits only where a dimension name and ":" (or its escape %3A) follow,
// so an item holding a comma stays whole.
func splitJoined(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ',' && startsDimension(s[i+1:]) {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// startsDimension reports whether s begins with a dimension name (letters
// and digits, as DHIS2's ids) and ":" or "%3A".
func startsDimension(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ':':
			return i > 0
		case c == '%':
			return i > 0 && len(s) >= i+3 && strings.EqualFold(s[i:i+3], "%3A")
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return false
}
