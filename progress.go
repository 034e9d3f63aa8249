package kehoach

import (
	"context"
	"time"
)

// Target statuses, computed from the baseline, the latest value and the
// trend projected to the deadline (see docs/targets.md).
const (
	StatusAchieved = "achieved"
	StatusOnTrack  = "on_track"
	StatusAtRisk   = "at_risk"
	StatusOffTrack = "off_track"
	StatusNoData   = "no_data"
)

// Point is an indicator's value for one period: Value = Num / Den × factor.
type Point struct {
	Period   string  `json:"period"`
	Value    float64 `json:"value"`
	Num      float64 `json:"numerator"`
	Den      float64 `json:"denominator"`
	HasValue bool    `json:"hasValue"`
	// Estimated marks a value read under another tree that takes a unit's
	// figures only in part (a split by declared shares; issue 10).
	Estimated bool `json:"estimated,omitempty"`
	// Coverage says how many of the units expected to report the figures
	// behind the value did report them in the period (issue 9).
	Coverage Coverage `json:"coverage"`
}

// Coverage of an aggregated value: of the units expected to report its
// figures (by the kinds the elements are assigned to, valid in the
// period), how many reported in the period itself (not carried forward).
type Coverage struct {
	Expected int `json:"expected"`
	Reported int `json:"reported"`
	// Approved counts the reporting units whose report is in an approved
	// grid; the others are drafts (or submitted, not yet approved).
	Approved int `json:"approved"`
}

// Meets reports whether the coverage reaches threshold, a share of the
// expected units (0 or less, or above 1: all of them). With no unit
// expected there is nothing to wait for.
func (c Coverage) Meets(threshold float64) bool {
	if threshold <= 0 || threshold > 1 {
		threshold = 1
	}
	return c.Expected == 0 || float64(c.Reported) >= threshold*float64(c.Expected)-1e-9
}

// TargetProgress is where a target stands: its current value, the gap to
// the target, the projection to the deadline and the status.
type TargetProgress struct {
	Target    *Target    `json:"target"`
	Indicator *Indicator `json:"indicator"`
	Current   Point      `json:"current"`
	Baseline  Point      `json:"baseline"`
	// Gap is target value minus current value (positive: still to go).
	Gap           float64 `json:"gap"`
	Projection    float64 `json:"projection"`
	HasProjection bool    `json:"hasProjection"`
	Status        string  `json:"status"`
	Series        []Point `json:"series"`
	// Need is the change per period still needed from Current to reach the
	// target by the deadline, Trend the change per period the series has
	// kept (least squares); HasPace false: no current value, the target met
	// or the deadline come (issue 9).
	Need    float64 `json:"need,omitempty"`
	Trend   float64 `json:"trend,omitempty"`
	HasPace bool    `json:"hasPace,omitempty"`
	// Milestones are the interim values per period from the baseline to
	// the target (index 0 is the baseline period): through the planner's
	// milestones when MilestonesSet, else a straight line; none without a
	// baseline value.
	Milestones    []float64 `json:"milestones,omitempty"`
	MilestonesSet bool      `json:"milestonesSet,omitempty"`
	// NextMilestone is the planner's milestone Need leads to, nil when
	// Need leads to the target by its deadline.
	NextMilestone *Milestone `json:"nextMilestone,omitempty"`
	// Provisional is the newer value whose coverage is still below the
	// plan's threshold, shown beside Current and never in its place.
	Provisional *Point `json:"provisional,omitempty"`
	// Version names what a cached progress was computed from (the
	// versions of the figures, metadata and approvals it read, and the
	// question): two with the same Version and Target are the same, so a
	// page's cache hashes the name, not the series. Empty when computed
	// afresh; whoever changes a field after the cache must empty it.
	Version string `json:"-"`
}

// UnitProgress is a target's indicator for one unit of a breakdown.
type UnitProgress struct {
	Unit   *Unit   `json:"unit"`
	Point  Point   `json:"point"`
	Gap    float64 `json:"gap"`
	Meets  bool    `json:"meets"`
	Status string  `json:"status"`
	// Need and Trend per period, as TargetProgress's, for this unit.
	Need    float64 `json:"need,omitempty"`
	Trend   float64 `json:"trend,omitempty"`
	HasPace bool    `json:"hasPace,omitempty"`
}

// AnalyticsService computes indicator values and target progress from the
// figures as saved: a value saved is in the very next answer.
type AnalyticsService interface {
	// PlanProgress returns every target of a plan as of period asOf (a
	// period id of the plan's yearly series; "" = the latest with data). A
	// quarter, a half-year or nine months ("2024N9") of a yearly series is
	// judged as of its end on the year's figures to date (docs/targets.md).
	PlanProgress(ctx context.Context, plan *Plan, asOf string) ([]*TargetProgress, error)
	// TargetBreakdown returns the target's indicator for each unit of kind
	// under the target's scope, for period p, lagging units first.
	TargetBreakdown(ctx context.Context, t *Target, kind, p string) ([]*UnitProgress, error)
	// IndicatorValue evaluates one indicator for one unit and period.
	IndicatorValue(ctx context.Context, indicator, unit, p string) (Point, error)
	// Analytics answers a DHIS2-style request. Unknown items and malformed
	// dimensions give EINVALID naming the item.
	Analytics(ctx context.Context, req *AnalyticsRequest) (*AnalyticsResponse, error)
}

// AnalyticsRequest is a DHIS2-style analytics request: each dimension's
// items as given (dx: indicator or data element codes; pe: period ids or
// relative names such as LAST_4_QUARTERS; ou: unit codes, LEVEL-n,
// CHILDREN, OU_GROUP-kind, the USER_ORGUNIT keywords). Order says the
// order of the row columns; a filter dimension has no column, and several
// pe or ou items in it are aggregated into one value.
type AnalyticsRequest struct {
	Dimensions []Dimension
	Filters    []Dimension
	// IncludeNumDen adds numerator and denominator columns.
	IncludeNumDen bool
	// IncludeCoverage adds the columns reported, expected and approved:
	// the units that reported the value's figures in the period, of those
	// expected to, and those of them whose report is approved (issue 9).
	IncludeCoverage bool
	// SkipRounding leaves values unrounded (indicators are rounded to their
	// decimals otherwise).
	SkipRounding bool
	// DHIS2 clients (issue 17):
	// RelativeTo is the day relative periods are counted from (DHIS2's
	// relativePeriodDate, used to show an old interpretation); zero: today.
	RelativeTo time.Time
	// UserUnits are the caller's own units, what the ou keywords
	// USER_ORGUNIT, USER_ORGUNIT_CHILDREN and USER_ORGUNIT_GRANDCHILDREN
	// stand for; empty: the roots of the unit tree (a caller who sees all).
	UserUnits []string
	// HierarchyDate reads every figure under the unit tree of that day
	// instead of the tree valid in each period ("" = as it was; issue 10).
	HierarchyDate Date
}

// Dimension is one dimension of a request: "dx", "pe" or "ou", and items.
type Dimension struct {
	Name  string
	Items []string
}

// AnalyticsHeader describes one column of an analytics answer.
type AnalyticsHeader struct {
	Name      string `json:"name"`
	Column    string `json:"column"`
	ValueType string `json:"valueType"`
}

// AnalyticsItem names one item of the answer's metadata.
type AnalyticsItem struct {
	Name string `json:"name"`
	// Code, DimensionItemType (INDICATOR, DATA_ELEMENT, PERIOD,
	// ORGANISATION_UNIT) and DimensionType (of the items dx, pe and ou
	// themselves) are what DHIS2's clients read besides the name.
	Code              string `json:"code,omitempty"`
	DimensionItemType string `json:"dimensionItemType,omitempty"`
	DimensionType     string `json:"dimensionType,omitempty"`
}

// AnalyticsResponse is DHIS2's analytics answer shape: headers, rows of
// strings, and metadata naming every item.
type AnalyticsResponse struct {
	Headers  []AnalyticsHeader `json:"headers"`
	MetaData struct {
		Items      map[string]AnalyticsItem `json:"items"`
		Dimensions map[string][]string      `json:"dimensions"`
		// OUHierarchy maps each unit of the answer to the codes of its
		// ancestors from the root, joined by "/", when showHierarchy or
		// hierarchyMeta is asked (DHIS2's ouHierarchy).
		OUHierarchy map[string]string `json:"ouHierarchy,omitempty"`
	} `json:"metaData"`
	Rows   [][]string `json:"rows"`
	Height int        `json:"height"`
	Width  int        `json:"width"`
}
