package web

import (
	"net/http"
	"strings"

	"kehoach"
	"kehoach/internal/chart"
	"kehoach/internal/locale"
)

// overviewMax bounds the units of the plan page's overview: a leader
// reads it in ten seconds; past it the page says how many there are and
// each target's page has them all.
const overviewMax = 60

// planOverview is the plan page's units × targets in traffic lights
// (issue 16 point 4): the units one level below scope (the communes of a
// district, the villages of a commune, the provinces of the country), in
// name order, each target read at its current period (its deadline when
// it has none yet), as the target's page reads it. It returns the
// overview, to be laid out only when the page is rendered (the shared
// page is most often served from its cache), and the name of the
// breakdowns' versions, which the page's fingerprint takes for it.
func (h *handler) planOverview(r *http.Request, scope string, progress []*kehoach.TargetProgress) (*overview, string, error) {
	if scope == "" || len(progress) == 0 {
		return nil, "", nil
	}
	// The kind most of the units below are (a commune has villages, and
	// a school or two).
	below, err := h.Services.Units.FindUnits(r.Context(), kehoach.UnitFilter{Parent: scope})
	if err != nil || len(below) == 0 {
		return nil, "", err
	}
	kinds := map[string]int{}
	kind := below[0].Kind
	for _, u := range below {
		if kinds[u.Kind]++; kinds[u.Kind] > kinds[kind] {
			kind = u.Kind
		}
	}
	o := &overview{progress: progress, pages: make([]*kehoach.BreakdownPage, len(progress))}
	versions := make([]string, len(progress)) // "-": the target not read
	named := true                             // every page named by its versions
	for j, tp := range progress {
		pid := tp.Current.Period
		if pid == "" {
			pid = tp.Target.Deadline
		}
		bp, err := h.breakdownPage(r, tp.Target, kehoach.BreakdownQuery{Kind: kind, Period: pid, Sort: kehoach.SortName, Limit: overviewMax})
		if kehoach.ErrorCode(err) == kehoach.EINVALID {
			versions[j] = "-" // a target this level cannot be read for (a deadline of another period type)
			continue
		} else if err != nil {
			return nil, "", err
		}
		o.pages[j] = bp
		o.Total = max(o.Total, bp.Total)
		versions[j] = bp.Version
		named = named && bp.Version != ""
	}
	if !named {
		return o, "", nil // analytics that do not name their pages: the content is hashed
	}
	return o, strings.Join(versions, " "), nil
}

// overview is the plan page's units × targets, laid out when asked.
type overview struct {
	progress []*kehoach.TargetProgress
	pages    []*kehoach.BreakdownPage // nil where the target is not read
	Total    int                      // units below the scope
}

// Lights lays the overview out (the template calls it).
func (o *overview) Lights() chart.Overview {
	if o == nil {
		return chart.Overview{}
	}
	targets := make([]string, len(o.progress))
	rows := make([][]chart.OverviewRow, len(o.progress))
	for j, tp := range o.progress {
		targets[j] = tp.Target.Code
		if o.pages[j] == nil {
			continue
		}
		for _, up := range o.pages[j].Rows {
			name := locale.VI.UnitName(up.Unit)
			value := "chưa có số liệu"
			if up.Point.HasValue {
				value = valueText(tp.Indicator, up.Point.Value)
			}
			// The row names the unit: the title says the rest, short, as
			// a plan of many targets by many units makes many of them.
			rows[j] = append(rows[j], chart.OverviewRow{Unit: name, Status: up.Status,
				Title: "Mục tiêu " + tp.Target.Code + ": " + value + " (" + locale.VI.Status(up.Status) + ")"})
		}
	}
	return chart.OverviewFrom(targets, rows)
}

// valueText writes an indicator's value: a percentage as the plan page
// shows it, another with the indicator's decimals.
func valueText(ind *kehoach.Indicator, v float64) string {
	if ind == nil || ind.Factor == 100 {
		return locale.VI.Percent(v)
	}
	return locale.VI.Number(v, ind.Decimals)
}
