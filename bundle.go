package kehoach

// Bundle is a plan with everything it needs, as data: the units it covers,
// the data elements, forms and indicators behind its targets, and
// optionally figures. A second plan is a second bundle, not code.
type Bundle struct {
	Units      []*Unit        `json:"units"`
	Links      []UnitLink     `json:"links,omitempty"`
	Elements   []*DataElement `json:"dataElements"`
	Forms      []*Form        `json:"forms"`
	Indicators []*Indicator   `json:"indicators"`
	Plans      []*Plan        `json:"plans"`
	Values     []*DataValue   `json:"dataValues,omitempty"`
	// Submissions are grids already submitted or approved, with their
	// dates (the demo's past periods, issue 9); loaded with their events.
	Submissions []*Submission `json:"submissions,omitempty"`
}
