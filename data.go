package kehoach

import (
	"context"
	"slices"
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
	// Units are the codes of the units assigned to report the form (grid
	// owners: communes, agencies, schools; a commune's villages report on
	// its grid). Empty: every unit whose kind reports one of the form's
	// elements (the kind rule). Planning, issue 14; ReportsForm decides.
	Units []string `json:"units,omitempty"`
}

// Assigned reports whether the unit of code is assigned to f: any unit
// when f lists none.
func (f *Form) Assigned(code string) bool {
	return len(f.Units) == 0 || slices.Contains(f.Units, code)
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

// FormSave is one save of a data entry form: the figures typed, keyed by
// unit then element (an empty string removes a figure), and, for the
// optimistic check, the figures as they were shown when the person began.
type FormSave struct {
	Form   string
	Period string
	Values map[string]map[string]string
	// Original holds the figures as shown, keyed like Values ("" for none).
	// A cell whose typed value equals its original is left alone; a cell
	// changed here whose stored value is no longer its original is a
	// conflict. Nil: no check (imports, tools).
	Original map[string]map[string]string
	By       string
	// Confirmed keeps every unusual figure, marked for the approver, as a
	// confirmation on each cell would (ValueCell.Confirmed).
	Confirmed bool
}

// SaveResult counts what a save did.
type SaveResult struct {
	Imported int `json:"imported"`
	Updated  int `json:"updated"`
	Deleted  int `json:"deleted"`
	Ignored  int `json:"ignored"`
	// Warnings are violations of rules that do not block saving.
	Warnings map[string]string `json:"warnings,omitempty"`
	// Conflicts are the cells a batch with SkipInvalid left out, and why.
	Conflicts []ValueConflict `json:"conflicts,omitempty"`
}

// ValueConflict is a cell of a batch that was not written: its key
// ("UNIT.ELEMENT", with "/PERIOD" in a batch without a form) and the
// reason, in Vietnamese.
type ValueConflict struct {
	Key    string `json:"object"`
	Reason string `json:"value"`
}

// ValueCell is one figure of a ValueBatch, by codes as a person or a file
// gives them.
type ValueCell struct {
	Unit, Element, Period string
	// Disagg is the disaggregation ("" for the total).
	Disagg string
	// Value is the raw figure; "" removes the stored one. A value of only
	// spaces is refused (EINVALID), never read as a removal.
	Value   string
	Comment string
	// Confirmed says the person has seen that the figure is unusual
	// (CheckPlausible) and keeps it. An unusual figure is saved only when
	// confirmed or commented on, and then marked for the approver
	// (FlagPrefix); otherwise it is refused with UnusualPrefix and why.
	Confirmed bool
	// Original is the figure as the person saw it; with HasOriginal the
	// cell is left alone when Value equals it, and is a conflict when the
	// stored figure is no longer it (see FormSave.Original).
	Original    string
	HasOriginal bool
}

// ValueBatch is figures written in one transaction by any writer (the
// entry form, an import, a tool): every one goes through the same steps
// (resolve codes and parse, check each cell, check the rules, write).
type ValueBatch struct {
	// Form, when set, is the form the figures are entered on: every cell
	// is of its elements and of one period open for entry, and its rules
	// apply. Without a form, elements need only be known and reported by
	// the unit's kind, and the rules of every form holding them apply.
	Form string
	// Period, with Form, is the period of the batch: checked even when no
	// cell is given, and taken by the cells that leave theirs empty.
	Period string
	Cells  []ValueCell
	By     string
	// DryRun validates and counts, then writes nothing.
	DryRun bool
	// SkipInvalid writes the good cells and lists the others in
	// SaveResult.Conflicts, rather than failing the whole batch: invalid
	// values, unknown codes, closed periods, units outside the entry scope,
	// and every cell of a unit and period whose blocking rule would break.
	// A figure changed meanwhile (HasOriginal) still fails the whole batch
	// with ECONFLICT.
	SkipInvalid bool
}

// Conflict describes a cell someone else changed meanwhile.
type Conflict struct {
	Key      string // "unit.element"
	Theirs   string // the stored value now ("" = removed)
	By       string
	Updated  time.Time
	Yours    string
	Original string
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
	// of one period in one transaction (see FormSave). Any invalid value,
	// unknown unit or period, or violated high-importance rule fails the
	// whole save with EINVALID and Error.Fields keyed "unit.element";
	// figures changed by someone else since the person loaded them fail it
	// with ECONFLICT, Fields naming those cells. Nothing is saved then.
	// A period not open for entry (Form.AcceptsPeriod) is EINVALID with
	// Fields["period"]; a unit outside the actor's Entry scope, EFORBIDDEN;
	// a database that cannot store now, EUNAVAILABLE.
	SaveFormValues(ctx context.Context, s FormSave) (*SaveResult, error)
	// SaveValues writes a batch (see ValueBatch) in one transaction, with
	// the rules checked on the figures as they will be committed. Errors
	// as SaveFormValues; EINVALID with Fields["period"] for a period not
	// open for entry; EFORBIDDEN for a unit outside the actor's Entry
	// scope; EUNAVAILABLE when the database cannot store now.
	SaveValues(ctx context.Context, b ValueBatch) (*SaveResult, error)
}

// WriteProber answers whether the database can store now, for /healthz: nil,
// or EUNAVAILABLE saying why (a full disk, a read-only database). It may
// answer from a recent probe rather than write on every call.
type WriteProber interface {
	ProbeWrite(ctx context.Context) error
}
