package kehoach

// A data entry grid is one form's figures for one unit and one period. The
// unit whose grid it is shows its own row and the rows of its children
// (a commune's villages): villages have no grid of their own. These rules
// decide the rows and who owns a grid; the web draws the rows and the store
// checks submissions with the same functions, so that the page and the
// server never disagree about what a grid holds.

// reportsAny reports whether units of kind report one of els.
func reportsAny(els []*DataElement, kind string) bool {
	for _, e := range els {
		if e != nil && e.ReportedBy(kind) {
			return true
		}
	}
	return false
}

// GridRows returns the units whose figures the grid of u shows for a form
// with elements els in the period from..to, u first then its children in
// the order given: each unit that exists during the period and whose kind
// reports at least one of els. A row's cell for element e may be entered
// only when e.ReportedBy(row.Kind). A unit that ended before the period,
// or begins after it, has no row; a unit that exists on any day of the
// period has one (figures of a unit that ended mid-year still belong to
// that year).
func GridRows(u *Unit, children []*Unit, els []*DataElement, from, to Date) []*Unit {
	var rows []*Unit
	for _, c := range append([]*Unit{u}, children...) {
		if c != nil && c.ValidDuring(from, to) && reportsAny(els, c.Kind) {
			rows = append(rows, c)
		}
	}
	return rows
}

// OwnsGrid reports whether u, with its children, is a reporting unit
// ("grid owner") of a form with elements els in the period from..to: u
// exists then and either u is not a village and its kind reports one of
// els, or one of its village children existing then does. Villages have no
// grid of their own: their figures are entered and submitted on their
// commune's grid.
func OwnsGrid(u *Unit, children []*Unit, els []*DataElement, from, to Date) bool {
	if u.Kind == KindVillage || !u.ValidDuring(from, to) {
		return false
	}
	if reportsAny(els, u.Kind) {
		return true
	}
	for _, c := range children {
		if c.Kind == KindVillage && c.ValidDuring(from, to) && reportsAny(els, c.Kind) {
			return true
		}
	}
	return false
}

// ReportsForm reports whether u, with its children, is expected to report
// form f in the period from..to: it owns a grid of the form's elements
// (OwnsGrid) and, when the form lists the units assigned to it, is one of
// them. Completeness, submissions, the entry page and the write path decide
// "expected to report" here; the analytics' coverage follows the same
// assignment (analytics/coverage.go).
func ReportsForm(f *Form, u *Unit, children []*Unit, els []*DataElement, from, to Date) bool {
	return f.Assigned(u.Code) && OwnsGrid(u, children, els, from, to)
}
