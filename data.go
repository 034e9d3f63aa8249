package kehoach

import (
	"context"
	"time"
)

// Value types of a data element.
const (
	TypeInteger = "integer" // whole number ≥ 0 (counts)
	TypeNumber  = "number"
	TypeBool    = "bool" // yes/no, stored as 1/0
	TypeText    = "text"
)

// Aggregation rules of a data element.
const (
	// AggSum adds over units and over periods (flows: sessions held).
	AggSum = "sum"
	// AggAverage averages over units and over periods.
	AggAverage = "average"
	// AggLast carries the latest value forward in time and adds over units
	// (stocks and states: households, a cultural house meeting the standard).
	AggLast = "last"
	// AggCountYes counts the units with a true value; over periods a unit
	// counts when any of its values in the period is true (events).
	AggCountYes = "count_yes"
)

// DataElement is a chỉ số thu thập: what a unit reports.
type DataElement struct {
	ID          int64    `json:"-"`
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	ShortName   string   `json:"shortName"`
	ValueType   string   `json:"valueType"`
	Aggregation string   `json:"aggregation"`
	UnitKinds   []string `json:"unitKinds"`
	// PeriodType is the period type of the form that collects it.
	PeriodType string `json:"periodType"`
}

// ReportedBy reports whether units of kind report e.
func (e *DataElement) ReportedBy(kind string) bool {
	for _, k := range e.UnitKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Form is a biểu mẫu: data elements collected together from units of some
// kinds, each period of PeriodType, under a reporting scheme.
type Form struct {
	ID           int64             `json:"-"`
	Code         string            `json:"code"`
	Name         string            `json:"name"`
	PeriodType   string            `json:"periodType"`
	CutoffDay    int               `json:"cutoffDay"`
	DeadlineDays int               `json:"deadlineDays"`
	Elements     []string          `json:"elements"`
	Rules        []*ValidationRule `json:"rules,omitempty"`
}

// Rule importance: high blocks saving, the others warn.
const (
	ImportanceHigh   = "high"
	ImportanceMedium = "medium"
	ImportanceLow    = "low"
)

// ValidationRule compares two expressions over one unit's figures, e.g.
// standard cultural houses ≤ cultural houses.
type ValidationRule struct {
	Left       string `json:"left"`
	Op         string `json:"op"`
	Right      string `json:"right"`
	Importance string `json:"importance"`
	Message    string `json:"message"`
}

// DataValue is one reported figure: (element, unit, period, disaggregation).
type DataValue struct {
	Element  string    `json:"dataElement"`
	Unit     string    `json:"orgUnit"`
	Period   string    `json:"period"`
	Disagg   string    `json:"categoryOptionCombo,omitempty"`
	Value    string    `json:"value"`
	Comment  string    `json:"comment,omitempty"`
	StoredBy string    `json:"storedBy,omitempty"`
	Updated  time.Time `json:"lastUpdated,omitzero"`
	Version  int64     `json:"-"`
	Deleted  bool      `json:"deleted,omitempty"`
}

// DataValueFilter selects data values; Units with Children includes the
// units' descendants.
type DataValueFilter struct {
	Units    []string
	Children bool
	Periods  []string
	Elements []string
}

// SaveResult counts what a save did.
type SaveResult struct {
	Imported int `json:"imported"`
	Updated  int `json:"updated"`
	Deleted  int `json:"deleted"`
	Ignored  int `json:"ignored"`
	// Warnings are violations of rules that do not block saving.
	Warnings map[string]string `json:"warnings,omitempty"`
}

// DataService reads metadata and reads and writes figures.
type DataService interface {
	FindDataElements(ctx context.Context) ([]*DataElement, error)
	FindForms(ctx context.Context) ([]*Form, error)
	// FindFormByCode returns ENOTFOUND for an unknown code.
	FindFormByCode(ctx context.Context, code string) (*Form, error)
	FindIndicators(ctx context.Context) ([]*Indicator, error)
	FindDataValues(ctx context.Context, f DataValueFilter) ([]*DataValue, error)
	// SaveFormValues validates and saves one form's figures for the units
	// of one period in one transaction. Values are keyed by unit then
	// element; an empty string removes a figure. Any invalid value, unknown
	// unit or period, or violated high-importance rule fails the whole save
	// with EINVALID and Error.Fields keyed "unit.element"; nothing is saved.
	SaveFormValues(ctx context.Context, form, periodID string, values map[string]map[string]string, by string) (*SaveResult, error)
}
