package kehoach

import (
	"context"

	"kehoach/internal/vntext"
)

// Unit kinds. Commune covers xã, phường and thị trấn; Subkind tells which.
const (
	KindProvince = "province"
	KindDistrict = "district"
	KindCommune  = "commune"
	KindVillage  = "village"
	KindAgency   = "agency"
	KindSchool   = "school"
)

// UnitKinds lists the known kinds, from the top of the tree down.
var UnitKinds = []string{KindProvince, KindDistrict, KindCommune, KindVillage, KindAgency, KindSchool}

// Unit is an administrative unit, agency or school (đơn vị). Units form a
// tree through Parent; a unit exists from ValidFrom to ValidTo (inclusive,
// zero = open) so that data entered under one hierarchy can be read under
// another after a reorganisation.
type Unit struct {
	ID         int64  `json:"-"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Subkind    string `json:"subkind,omitempty"` // xã, phường, thị trấn, bản, tổ dân phố…
	Level      int    `json:"level"`             // 1 for the root
	ParentCode string `json:"parent,omitempty"`
	ValidFrom  Date   `json:"validFrom,omitempty"`
	ValidTo    Date   `json:"validTo,omitempty"`
	// Synthetic marks demo units whose names were invented ("minh họa").
	Synthetic bool `json:"synthetic,omitempty"`
	// SortKey is the name's collation key as stored (FindUnits fills it),
	// so that sorting a breakdown by 100,000 villages after each save does
	// not collate every name again (400 ms; issue 16). Read it by NameKey.
	SortKey []byte `json:"-"`

	// Successors and Predecessors are filled by FindUnitByCode.
	Successors   []UnitLink `json:"successors,omitempty"`
	Predecessors []UnitLink `json:"predecessors,omitempty"`
	// Children is filled by FindUnitByCode (children valid at any time).
	Children []*Unit `json:"children,omitempty"`
}

// NameKey returns the key that orders units by name the Vietnamese way
// when compared bytewise: the stored one, else made from the name.
func (u *Unit) NameKey() []byte {
	if u.SortKey != nil {
		return u.SortKey
	}
	return vntext.SortKey(u.Name)
}

// ValidOn reports whether u exists on day d.
func (u *Unit) ValidOn(d Date) bool {
	return (u.ValidFrom == "" || u.ValidFrom <= d) && (u.ValidTo == "" || d <= u.ValidTo)
}

// ValidDuring reports whether u exists on any day from..to (inclusive).
func (u *Unit) ValidDuring(from, to Date) bool {
	return (u.ValidFrom == "" || u.ValidFrom <= to) && (u.ValidTo == "" || from <= u.ValidTo)
}

// Link kinds of a reorganisation.
const (
	LinkMerge  = "merge"
	LinkSplit  = "split"
	LinkRename = "rename"
)

// UnitLink records that unit From was succeeded by unit To on Date.
type UnitLink struct {
	From string `json:"from"`
	To   string `json:"to"`
	Kind string `json:"kind"`
	Date Date   `json:"date"`
	// Share is the fraction of From's own figures that To takes (issue 10:
	// a split by declared shares); 0 is read as 1, the whole.
	Share float64 `json:"share,omitempty"`
}

// UnitFilter selects units. Zero fields do not filter.
type UnitFilter struct {
	Query  string // diacritic-insensitive match on name or code
	Kind   string
	Parent string // code of the direct parent
	On     Date   // only units valid on this day
	Codes  []string
	// Within keeps the units in the subtrees of these codes (themselves
	// included): a user's scope.
	Within []string
	Limit  int
}

// UnitService reads the unit tree.
type UnitService interface {
	// FindUnits returns the units matching f in Vietnamese order of name.
	FindUnits(ctx context.Context, f UnitFilter) ([]*Unit, error)
	// FindUnitByCode returns one unit with its links and children.
	// Returns ENOTFOUND if no unit has that code.
	FindUnitByCode(ctx context.Context, code string) (*Unit, error)
	// FindUnitLinks returns all successor links.
	FindUnitLinks(ctx context.Context) ([]UnitLink, error)
	// FindAncestors returns the codes from the unit itself up to the root.
	// Returns ENOTFOUND for an unknown code.
	FindAncestors(ctx context.Context, code string) ([]string, error)
}
