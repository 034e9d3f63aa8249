package analytics

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"kehoach"
	"kehoach/expr"
	"kehoach/internal/locale"
	"kehoach/period"
)

// dxItem is a resolved dx item: an indicator, or a data element read as
// the indicator #{CODE} / 1.
type dxItem struct {
	code     string
	name     string
	ind      *indicator
	decimals int
	rounded  bool
}

// Limits of one analytics question. Any signed-in user may ask one, so the
// engine refuses a question whose answer would be too large before it
// allocates the answer (docs/api.md lists them).
const (
	// MaxCells is the most cells (data items × periods × units, after
	// relative periods, LEVEL-n and CHILDREN are expanded) one answer may
	// have. The largest answer accepted takes some tens of MB to compute
	// (TestAnalyticsLimits measures it), far more than a table or a chart
	// shows; a larger export is asked piece by piece.
	MaxCells = 100_000
	// MaxItems is the most items one dimension may list as given, before
	// repeated ones are dropped.
	MaxItems = 1000
)

// ctxCheckEvery is how many rows are written between two looks at the
// context, so that a gone client stops the work soon without the look
// costing anything measurable.
const ctxCheckEvery = 1024

// Analytics answers a DHIS2-style request from the figures as saved.
// Repeated items count once, in the order first given. A question larger
// than MaxCells or MaxItems is EINVALID; a context that ends (the client
// went away, the deadline passed) stops the work and its error is returned.
func (e *Engine) Analytics(ctx context.Context, req *kehoach.AnalyticsRequest) (*kehoach.AnalyticsResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := e.read(ctx)
	if err != nil {
		return nil, err
	}
	now := e.Now()
	if !req.RelativeTo.IsZero() { // relativePeriodDate
		now = req.RelativeTo
	}
	return st.analytics(ctx, req, now)
}

// analytics is Analytics read from e, relative periods counted from now.
func (e *state) analytics(ctx context.Context, req *kehoach.AnalyticsRequest, now time.Time) (*kehoach.AnalyticsResponse, error) {

	dims := map[string][]string{}
	var order []string
	filter := map[string]bool{}
	for _, d := range append(append([]kehoach.Dimension{}, req.Dimensions...), req.Filters...) {
		if d.Name != "dx" && d.Name != "pe" && d.Name != "ou" {
			return nil, kehoach.Errorf(kehoach.EINVALID, "chiều %q không được hỗ trợ (chỉ có dx, pe, ou)", d.Name)
		}
		if _, dup := dims[d.Name]; dup {
			return nil, kehoach.Errorf(kehoach.EINVALID, "chiều %q được nêu hai lần", d.Name)
		}
		if len(d.Items) == 0 {
			return nil, kehoach.Errorf(kehoach.EINVALID, "chiều %q không có mục nào", d.Name)
		}
		if len(d.Items) > MaxItems {
			return nil, kehoach.Errorf(kehoach.EINVALID, "chiều %s có %s mục, tối đa %s mục", d.Name, locale.VI.Int(int64(len(d.Items))), locale.VI.Int(MaxItems))
		}
		dims[d.Name] = unique(d.Items)
	}
	for _, d := range req.Dimensions {
		order = append(order, d.Name)
	}
	for _, d := range req.Filters {
		// Several pe or ou items in a filter are aggregated into one value
		// (filter.go); several data items would be a sum of unlike figures.
		if d.Name == "dx" && len(dims[d.Name]) != 1 {
			return nil, kehoach.Errorf(kehoach.EINVALID, "bộ lọc %q chỉ nhận một mục", d.Name)
		}
		filter[d.Name] = true
	}
	for _, n := range []string{"dx", "pe", "ou"} {
		if dims[n] == nil {
			return nil, kehoach.Errorf(kehoach.EINVALID, "thiếu chiều %q (dimension=%s:… hoặc filter=%s:…)", n, n, n)
		}
	}

	dx, err := e.resolveDX(dims["dx"])
	if err != nil {
		return nil, err
	}
	pe, err := resolvePE(dims["pe"], now)
	if err != nil {
		return nil, err
	}
	// Issue 10: under the tree of a day, the units are that day's.
	hv, err := e.viewFor(req.HierarchyDate)
	if err != nil {
		return nil, err
	}
	var ou []int32
	if hv != nil {
		ou, err = e.resolveOUOn(ctx, dims["ou"], req.UserUnits, hv)
	} else {
		ou, err = e.resolveOU(ctx, dims["ou"], pe, req.UserUnits)
	}
	if err != nil {
		return nil, err
	}
	// Refuse before anything of the answer's size is allocated.
	if cells := int64(len(dx)) * int64(len(pe)) * int64(len(ou)); cells > MaxCells {
		return nil, &kehoach.Error{Code: kehoach.EINVALID,
			Message: fmt.Sprintf("Câu hỏi cần %s ô (dx %s × pe %s × ou %s), tối đa %s ô: hãy bớt chỉ tiêu, kỳ hay đơn vị, hoặc hỏi từng phần.",
				locale.VI.Int(cells), locale.VI.Int(int64(len(dx))), locale.VI.Int(int64(len(pe))), locale.VI.Int(int64(len(ou))), locale.VI.Int(MaxCells)),
			Fields: map[string]string{"dimension": "quá " + locale.VI.Int(MaxCells) + " ô"}}
	}

	res := &kehoach.AnalyticsResponse{}
	res.MetaData.Items = map[string]kehoach.AnalyticsItem{}
	res.MetaData.Dimensions = map[string][]string{}
	for _, d := range dx {
		typ := "DATA_ELEMENT"
		if d.rounded { // only indicators are rounded
			typ = "INDICATOR"
		}
		res.MetaData.Items[d.code] = kehoach.AnalyticsItem{Name: d.name, Code: d.code, DimensionItemType: typ}
		res.MetaData.Dimensions["dx"] = append(res.MetaData.Dimensions["dx"], d.code)
	}
	for _, p := range pe {
		res.MetaData.Items[p.String()] = kehoach.AnalyticsItem{Name: p.Label(), Code: p.String(), DimensionItemType: "PERIOD"}
		res.MetaData.Dimensions["pe"] = append(res.MetaData.Dimensions["pe"], p.String())
	}
	for _, u := range ou {
		n := e.units[u].unit
		res.MetaData.Items[n.Code] = kehoach.AnalyticsItem{Name: n.Name, Code: n.Code, DimensionItemType: "ORGANISATION_UNIT"}
		res.MetaData.Dimensions["ou"] = append(res.MetaData.Dimensions["ou"], n.Code)
	}
	columns := map[string]string{"dx": "Dữ liệu", "pe": "Kỳ", "ou": "Đơn vị"}
	for _, n := range order {
		res.Headers = append(res.Headers, kehoach.AnalyticsHeader{Name: n, Column: columns[n], ValueType: "TEXT"})
	}
	res.Headers = append(res.Headers, kehoach.AnalyticsHeader{Name: "value", Column: "Giá trị", ValueType: "NUMBER"})
	if req.IncludeNumDen {
		res.Headers = append(res.Headers,
			kehoach.AnalyticsHeader{Name: "numerator", Column: "Tử số", ValueType: "NUMBER"},
			kehoach.AnalyticsHeader{Name: "denominator", Column: "Mẫu số", ValueType: "NUMBER"})
	}
	if hv != nil {
		// Issue 10: which values take a unit's figures only in part.
		res.Headers = append(res.Headers, kehoach.AnalyticsHeader{Name: "estimated", Column: "Ước tính", ValueType: "BOOLEAN"})
	}
	if req.IncludeCoverage {
		// Coverage (issue 9), after DHIS2's ACTUAL_REPORTS and
		// EXPECTED_REPORTS: units that reported in the period, of those
		// expected to.
		res.Headers = append(res.Headers,
			kehoach.AnalyticsHeader{Name: "reported", Column: "Đơn vị đã báo cáo", ValueType: "INTEGER"},
			kehoach.AnalyticsHeader{Name: "expected", Column: "Đơn vị phải báo cáo", ValueType: "INTEGER"},
			kehoach.AnalyticsHeader{Name: "approved", Column: "Đơn vị đã được duyệt", ValueType: "INTEGER"})
	}

	// Rows come in the order of the row dimensions' items, dx varying
	// slowest as given. Large questions compute their points on every core
	// first (all under the read lock held above), then write the rows.
	var fs *filterSet // multi-item filters, one value per cell (filter.go)
	if filter["ou"] && len(ou) > 1 {
		fs = &filterSet{units: e.outermost(ou)}
		ou = ou[:1]
	}
	if filter["pe"] && len(pe) > 1 {
		if fs == nil {
			fs = &filterSet{}
		}
		fs.periods = qperiods(pe)
		pe = pe[:1]
	}
	if fs != nil && hv != nil {
		// A filter of several items is added up on the tree valid in each
		// period; reading it under another day's tree is not built yet.
		return nil, kehoach.Errorf(kehoach.EINVALID, "hierarchyDate: chưa dùng được cùng bộ lọc (filter) có nhiều mục; hãy hỏi từng mục như một chiều (dimension)")
	}
	pts, err := e.points(ctx, dx, ou, pe, fs, hv, req.IncludeCoverage)
	if err != nil {
		return nil, err
	}
	i := 0
	for _, d := range dx {
		for _, u := range ou {
			for range pe {
				pt := pts[i]
				i++
				if i%ctxCheckEvery == 0 && ctx.Err() != nil {
					return nil, ctx.Err()
				}
				if !pt.HasValue {
					continue
				}
				row := make([]string, 0, len(order)+3)
				for _, n := range order {
					switch n {
					case "dx":
						row = append(row, d.code)
					case "pe":
						row = append(row, pt.Period)
					case "ou":
						row = append(row, e.units[u].unit.Code)
					}
				}
				v := pt.Value
				if d.rounded && !req.SkipRounding {
					v = round(v, d.decimals)
				}
				row = append(row, formatValue(v))
				if req.IncludeNumDen {
					row = append(row, formatValue(pt.Num), formatValue(pt.Den))
				}
				if hv != nil {
					row = append(row, strconv.FormatBool(pt.Estimated))
				}
				if req.IncludeCoverage {
					row = append(row, strconv.Itoa(pt.Coverage.Reported), strconv.Itoa(pt.Coverage.Expected), strconv.Itoa(pt.Coverage.Approved))
				}
				res.Rows = append(res.Rows, row)
			}
		}
	}
	if res.Rows == nil {
		res.Rows = [][]string{}
	}
	res.Height, res.Width = len(res.Rows), len(res.Headers)
	return res, nil
}

// parallelPoints is the number of points from which a question is
// computed on several cores.
const parallelPoints = 128

// points evaluates every (dx, ou, pe) point, pe varying fastest. The
// workers read e only.
// Coverage is counted only when withCoverage: it walks the scope again
// for every element, and a question that does not show it need not pay.
func (e *state) points(ctx context.Context, dx []dxItem, ou []int32, pe []period.Period, fs *filterSet, hv *hview, withCoverage bool) ([]kehoach.Point, error) {
	n := len(dx) * len(ou) * len(pe)
	pts := make([]kehoach.Point, n)
	if n == 0 {
		return pts, nil
	}
	qps := qperiods(pe)
	for i := range qps {
		qps[i].approved = figuresMode(ctx) // issue 9: approved figures only
		qps[i].noCoverage = !withCoverage
	}
	at := func(i int) kehoach.Point {
		p := i % len(pe)
		u := (i / len(pe)) % len(ou)
		d := i / (len(pe) * len(ou))
		if fs != nil {
			return e.pointFiltered(dx[d].ind, ou[u], &qps[p], fs)
		}
		if hv != nil {
			return e.hpointAt(hv, dx[d].ind, ou[u], &qps[p])
		}
		return e.pointAt(dx[d].ind, ou[u], &qps[p])
	}
	workers := min(runtime.GOMAXPROCS(0), n/parallelPoints+1)
	if workers <= 1 {
		for i := range pts {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			pts[i] = at(i)
		}
		return pts, nil
	}
	// Workers take chunks of consecutive points (the same unit's periods
	// share cache lines) until none is left.
	const chunk = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					pts[i] = at(i)
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return pts, nil
}

// unique returns items without repetitions, each where it first came.
func unique(items []string) []string {
	out := make([]string, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	return out
}

// resolveDX finds each dx item among indicators, then data elements.
func (e *state) resolveDX(items []string) ([]dxItem, error) {
	var out []dxItem
	for _, code := range items {
		if ind := e.indicators[code]; ind != nil {
			out = append(out, dxItem{code: code, name: ind.ind.Name, ind: ind, decimals: ind.ind.Decimals, rounded: true})
			continue
		}
		if el := e.elements[code]; el != nil {
			ref := "#{" + code + "}"
			out = append(out, dxItem{code: code, name: el.el.Name, ind: &indicator{
				ind: &kehoach.Indicator{Code: code, Name: el.el.Name, Numerator: ref, Denominator: "1", Factor: 1},
				num: expr.MustParse(ref), den: expr.MustParse("1"), elems: []*element{el},
			}})
			continue
		}
		return nil, kehoach.Errorf(kehoach.EINVALID, "dx: không có chỉ tiêu hoặc chỉ số mã %q", code)
	}
	return out, nil
}

// resolvePE turns fixed and relative period items into periods, in order,
// without duplicates.
func resolvePE(items []string, now time.Time) ([]period.Period, error) {
	var out []period.Period
	seen := map[period.Period]bool{}
	add := func(p period.Period) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, it := range items {
		if period.IsRelative(it) {
			ps, err := period.Relative(it, now)
			if err != nil {
				return nil, kehoach.Errorf(kehoach.EINVALID, "pe: %v", err)
			}
			for _, p := range ps {
				add(p)
			}
			continue
		}
		p, err := period.Parse(it)
		if err != nil {
			return nil, kehoach.Errorf(kehoach.EINVALID, "pe: %v", err)
		}
		add(p)
	}
	if len(out) > MaxItems {
		return nil, kehoach.Errorf(kehoach.EINVALID, "pe: quá nhiều kỳ (%s, tối đa %s)", locale.VI.Int(int64(len(out))), locale.VI.Int(MaxItems))
	}
	return out, nil
}

// resolveOU turns unit codes, the USER_ORGUNIT keywords, LEVEL-n,
// OU_GROUP-kind and CHILDREN into units. The keywords stand for the units
// of user (userUnits; the roots when empty), their children or
// grandchildren, and count as codes. With LEVEL, OU_GROUP or CHILDREN, the
// codes are boundaries, in whatever order they come: the answer is the
// units at that level, of that kind or subkind (or the children) under
// them, valid at some time in the periods.
func (e *state) resolveOU(ctx context.Context, items []string, pe []period.Period, userUnits []string) ([]int32, error) {
	from, to := string(kehoach.DateOf(pe[0].Start())), string(kehoach.DateOf(pe[0].End()))
	for _, p := range pe {
		from = min(from, string(kehoach.DateOf(p.Start())))
		to = max(to, string(kehoach.DateOf(p.End())))
	}
	return e.resolveOUDuring(ctx, items, userUnits, from, to)
}

// ouSpec is a parsed ou dimension: unit codes (keywords already turned
// into units), LEVEL-n levels, OU_GROUP kinds and CHILDREN.
type ouSpec struct {
	codes    []int32
	levels   []int
	groups   []string
	children bool
}

// parseOU splits ou items into an ouSpec; the USER_ORGUNIT keywords are
// resolved among the units valid at some time from..to.
func (e *state) parseOU(items, userUnits []string, from, to string) (ouSpec, error) {
	var s ouSpec
	for _, it := range items {
		if depth, ok := userKeywords[it]; ok {
			s.codes = append(s.codes, e.userUnits(userUnits, depth, from, to)...)
			continue
		}
		switch {
		case strings.HasPrefix(it, "OU_GROUP-") && len(it) > len("OU_GROUP-"):
			s.groups = append(s.groups, strings.TrimPrefix(it, "OU_GROUP-"))
		case strings.HasPrefix(it, "LEVEL-"):
			n, err := strconv.Atoi(strings.TrimPrefix(it, "LEVEL-"))
			if err != nil || n < 1 {
				return s, kehoach.Errorf(kehoach.EINVALID, "ou: cấp %q không hợp lệ (dạng LEVEL-3)", it)
			}
			s.levels = append(s.levels, n)
		case it == "CHILDREN":
			s.children = true
		default:
			u, ok := e.unitByCode[it]
			if !ok {
				return s, kehoach.Errorf(kehoach.EINVALID, "ou: không có đơn vị mã %q", it)
			}
			s.codes = append(s.codes, u)
		}
	}
	s.codes = unique32(s.codes)
	return s, nil
}

// resolveOUDuring is resolveOU for units valid at some time from..to.
func (e *state) resolveOUDuring(ctx context.Context, items, userUnits []string, from, to string) ([]int32, error) {
	s, err := e.parseOU(items, userUnits, from, to)
	if err != nil {
		return nil, err
	}
	if len(s.levels) == 0 && len(s.groups) == 0 && !s.children {
		return s.codes, nil
	}
	return e.expandOU(ctx, s, from, to)
}

// expandOU lists the units at the levels, of the kinds (or the children)
// under the spec's codes, valid at some time from..to.
func (e *state) expandOU(ctx context.Context, s ouSpec, from, to string) ([]int32, error) {
	codes, levels, groups, children := s.codes, s.levels, s.groups, s.children
	roots := codes
	if len(roots) == 0 {
		for i, n := range e.units {
			if n.parent < 0 {
				roots = append(roots, int32(i))
			}
		}
	}
	var out []int32
	seen := map[int32]bool{}
	for _, r := range roots {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if children {
			for _, c := range e.units[r].children {
				if e.units[c].validDuring(from, to) && !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
			}
		}
		if len(levels) == 0 && len(groups) == 0 {
			continue
		}
		stack := []int32{r}
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n := e.units[u]
			if !n.validDuring(from, to) {
				continue
			}
			if !seen[u] && (slices.Contains(levels, n.unit.Level) ||
				slices.Contains(groups, n.unit.Kind) || (n.unit.Subkind != "" && slices.Contains(groups, n.unit.Subkind))) {
				seen[u] = true
				out = append(out, u)
			}
			for i := len(n.children) - 1; i >= 0; i-- {
				stack = append(stack, n.children[i])
			}
		}
	}
	return out, nil
}

func round(v float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(v*p) / p
}

// formatValue writes a number as DHIS2 does: no exponent, no trailing zeros.
func formatValue(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
