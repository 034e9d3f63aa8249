package kehoach

// Scope is the set of units a caller may act on: every unit (All), or the
// units in Units with each one's whole subtree. The zero Scope covers
// nothing, so a write path that is handed no scope writes nothing.
type Scope struct {
	All   bool
	Units []string
}

// AllUnits is the Scope of the whole unit tree.
var AllUnits = Scope{All: true}

// Covers reports whether the unit whose codes up the tree are ancestors
// (the unit's own code included) lies in s.
func (s Scope) Covers(ancestors []string) bool {
	if s.All {
		return true
	}
	for _, u := range s.Units {
		for _, a := range ancestors {
			if u == a {
				return true
			}
		}
	}
	return false
}

// Filter returns the unit codes whose subtrees a listing must stay within:
// nil for every unit, and a code no unit has for a scope that covers
// nothing (so that "WHERE unit IN subtree(...)" selects no row).
func (s Scope) Filter() []string {
	if s.All {
		return nil
	}
	if len(s.Units) == 0 {
		return []string{"\x00none"}
	}
	return s.Units
}
