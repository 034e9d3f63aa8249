package kehoach

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Bounds (issue 9, point 4): the planner says, per data element, the range
// a unit's figure is expected to lie in — for one unit, or for every unit
// of a kind — or has it proposed from each unit's past reports. The one
// write path checks every changed figure against the bound that applies
// (the unit's own before its kind's): a figure outside is unusual like a
// jump or an outlier ("ngoài khoảng cho phép"), needs a confirmation or a
// comment, and stays marked for the approver. Nothing is refused for it.

// Bound is the range expected of an element's figures for one unit (Unit)
// or for every unit of a kind (Kind); exactly one of them is set. Either
// end may be open (nil), not both.
type Bound struct {
	ID      int64    `json:"id,omitempty"`
	Element string   `json:"element"`
	Unit    string   `json:"unit,omitempty"`
	Kind    string   `json:"kind,omitempty"`
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`
	// Note says where the range comes from ("đề xuất từ lịch sử 2021–2024",
	// "theo quyết định …"), optional.
	Note string `json:"note,omitempty"`
	// UnitName is the unit's name, for listing (read only).
	UnitName  string    `json:"unitName,omitempty"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
}

// Target is the bound's unit code, or "kind:" and its kind: the key a
// bound is saved under, one per element and target.
func (b *Bound) Target() string {
	if b.Unit != "" {
		return b.Unit
	}
	return "kind:" + b.Kind
}

// Range returns the bound's ends, -Inf and +Inf where open.
func (b *Bound) Range() (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if b.Min != nil {
		lo = *b.Min
	}
	if b.Max != nil {
		hi = *b.Max
	}
	return lo, hi
}

// ValidateBound checks b against its element el (nil when the library has
// no element of that code) and, for a unit's bound, the unit u (nil when
// there is none of that code). EINVALID with Fields "element", "unit",
// "kind", "min", "max", "note", each with its reason in Vietnamese.
func ValidateBound(b *Bound, el *DataElement, u *Unit) error {
	f := map[string]string{}
	switch {
	case el == nil:
		f["element"] = fmt.Sprintf("Không có chỉ số mã %q trong danh mục.", b.Element)
	case el.ValueType != TypeInteger && el.ValueType != TypeNumber:
		f["element"] = fmt.Sprintf("Chỉ số %s không phải là số: không đặt khoảng cho phép được.", el.Code)
	}
	switch {
	case b.Unit != "" && b.Kind != "":
		f["unit"] = "Chọn một đơn vị hoặc một loại đơn vị, không cả hai."
	case b.Unit == "" && b.Kind == "":
		f["unit"] = "Chọn đơn vị (hoặc loại đơn vị) áp dụng khoảng cho phép."
	case b.Unit != "" && u == nil:
		f["unit"] = fmt.Sprintf("Không có đơn vị mã %q.", b.Unit)
	case b.Unit != "" && el != nil && !slices.Contains(el.UnitKinds, u.Kind):
		f["unit"] = fmt.Sprintf("Đơn vị %s (%s) không báo cáo chỉ số %s.", u.Name, u.Kind, el.Code)
	case b.Kind != "" && !slices.Contains(UnitKinds, b.Kind):
		f["kind"] = fmt.Sprintf("Loại đơn vị %q không có.", b.Kind)
	case b.Kind != "" && el != nil && !slices.Contains(el.UnitKinds, b.Kind):
		f["kind"] = fmt.Sprintf("Đơn vị loại %s không báo cáo chỉ số %s.", b.Kind, el.Code)
	}
	finite := func(field, label string, v *float64) {
		switch {
		case v == nil:
		case math.IsNaN(*v) || math.IsInf(*v, 0):
			f[field] = label + ": không phải là số."
		case el != nil && el.ValueType == TypeInteger && *v != math.Trunc(*v):
			f[field] = label + ": chỉ số đếm số nguyên, cần một số nguyên."
		case el != nil && el.ValueType == TypeInteger && *v < 0:
			f[field] = label + ": chỉ số đếm không âm, cần số từ 0 trở lên."
		}
	}
	finite("min", "Giá trị nhỏ nhất", b.Min)
	finite("max", "Giá trị lớn nhất", b.Max)
	switch {
	case b.Min == nil && b.Max == nil:
		f["min"] = "Cần giá trị nhỏ nhất, giá trị lớn nhất, hoặc cả hai."
	case b.Min != nil && b.Max != nil && f["min"] == "" && f["max"] == "" && *b.Min > *b.Max:
		f["max"] = "Giá trị lớn nhất phải từ giá trị nhỏ nhất trở lên."
	}
	if len([]rune(b.Note)) > 500 {
		f["note"] = "Ghi chú quá dài (tối đa 500 ký tự)."
	}
	return fieldError("Khoảng cho phép chưa hợp lệ", f)
}

// BoundFor returns the bound that applies to a figure of the unit: the
// unit's own, else its kind's; nil when none does.
func BoundFor(bounds []*Bound, unit, kind string) *Bound {
	var byKind *Bound
	for _, b := range bounds {
		switch {
		case b.Unit != "" && b.Unit == unit:
			return b
		case b.Unit == "" && b.Kind == kind:
			byKind = b
		}
	}
	return byKind
}

// CheckBound says whether v lies outside b (reason "bounds", with the
// range), nil when it does not or b is nil.
func CheckBound(v float64, b *Bound) *Implausible {
	if b == nil {
		return nil
	}
	lo, hi := b.Range()
	if v < lo || v > hi {
		return &Implausible{Reason: ReasonBounds, Lo: lo, Hi: hi}
	}
	return nil
}

// Proposals from history.
const (
	// ProposeWiden widens a unit's past range: from its lowest report
	// divided by it to its highest multiplied by it.
	ProposeWiden = 1.5
	// ProposeSlack is the least room left on each side (a village of 4
	// households may well have 9 next year).
	ProposeSlack = JumpMinChange
	// ProposeMinReports: fewer past reports propose nothing.
	ProposeMinReports = 2
)

// ProposeRange proposes a bound from a unit's past figures: their lowest
// and highest widened by ProposeWiden (at least ProposeSlack on each side),
// never below 0 when no figure was, whole numbers for an integer element
// and one decimal for the others, rounded outwards. ok is false when there
// are fewer than ProposeMinReports figures.
func ProposeRange(history []float64, integer bool) (lo, hi float64, ok bool) {
	if len(history) < ProposeMinReports {
		return 0, 0, false
	}
	mn, mx := slices.Min(history), slices.Max(history)
	lo = mn - math.Max(math.Abs(mn)*(1-1/ProposeWiden), ProposeSlack)
	hi = mx + math.Max(math.Abs(mx)*(ProposeWiden-1), ProposeSlack)
	if mn >= 0 {
		lo = math.Max(lo, 0)
	}
	step := 10.0
	if integer {
		step = 1
	}
	return math.Floor(lo*step) / step, math.Ceil(hi*step) / step, true
}

// Flagged is a figure saved despite a warning (its comment starts with
// FlagPrefix) whose grid is not approved yet: the approver's "cần kiểm
// tra" list across grids.
type Flagged struct {
	Unit, UnitName         string
	GridUnit, GridUnitName string // the unit whose grid holds the figure
	Form, FormName         string
	Period                 string
	Element, ElementName   string
	Value                  string
	ValueType              string
	// Reason is the warning with the range expected, Comment what the
	// person wrote (both from the figure's comment).
	Reason, Comment string
	Status          string // the grid's submission status; "" for a draft
	StoredBy        string
	UpdatedAt       time.Time
}

// SplitFlag reads a flagged figure's comment as the write path writes it
// (FlagPrefix, the reason, ". Ghi chú: " and the person's comment).
func SplitFlag(comment string) (reason, note string, ok bool) {
	rest, ok := strings.CutPrefix(comment, FlagPrefix)
	if !ok {
		return "", "", false
	}
	reason, note, _ = strings.Cut(rest, flagNoteSep)
	return reason, note, true
}

// flagNoteSep joins a flag's reason and the person's comment.
const flagNoteSep = ". Ghi chú: "

// FlagComment is the comment stored with a figure saved despite a warning.
func FlagComment(reason, note string) string {
	if note == "" {
		return FlagPrefix + reason
	}
	return FlagPrefix + reason + flagNoteSep + note
}

// FlaggedFilter selects flagged figures: within the units (subtrees) of
// Within (nil: every unit; empty: none), of one form and period when set,
// a page of Limit rows from Offset, ordered by unit (Vietnamese order),
// form, period and element.
type FlaggedFilter struct {
	Within        []string
	Form, Period  string
	Limit, Offset int
}

// BoundService keeps the planner's bounds and lists the flagged figures.
type BoundService interface {
	// FindBoundsFor returns the bounds of the elements that apply to the
	// units (each unit's own and its kind's), whoever asks: the entry page
	// shows them beside the fields of a grid the caller may open.
	FindBoundsFor(ctx context.Context, elements, units []string) ([]*Bound, error)
	// FindBounds lists an element's bounds (every element's when element
	// is ""), the kinds' first, then the units' in Vietnamese order.
	FindBounds(ctx context.Context, element string) ([]*Bound, error)
	// SaveBounds adds or replaces (by element and Target) bounds in one
	// audited transaction: all or none. EINVALID with Fields as
	// ValidateBound (keyed "TARGET.field", Bound.Target, when several);
	// EFORBIDDEN for a unit outside the actor's plan scope, or a kind's
	// bound for an actor whose plan scope is not every unit.
	SaveBounds(ctx context.Context, bs []*Bound) error
	// DeleteBound removes a bound of the element, audited. ENOTFOUND
	// (also for another element's bound); EFORBIDDEN as SaveBounds.
	DeleteBound(ctx context.Context, element string, id int64) error
	// ProposeBounds proposes, for each unit in the actor's plan scope
	// (under the unit under, when set) with enough past reports of the
	// element, a bound from them (ProposeRange), with a note naming the
	// periods read; at most a thousand units, in Vietnamese order. Nothing
	// is saved. ENOTFOUND for an unknown element; EFORBIDDEN for under
	// outside the plan scope.
	ProposeBounds(ctx context.Context, element, under string) ([]*Bound, error)
	// FindFlagged lists the flagged figures of grids not approved, and
	// how many there are in all.
	FindFlagged(ctx context.Context, f FlaggedFilter) ([]*Flagged, int, error)
}

// Audit entity of bounds.
const AuditBound = "value_bound" // Key "ELEMENT/UNIT" or "ELEMENT/kind:KIND"

func init() {
	AuditEntities = append(AuditEntities, AuditBound)
}
