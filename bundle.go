package kehoach

import "context"

// Bundle is a plan with everything it needs, as data: the units it covers,
// the data elements, forms and indicators behind its targets, and
// optionally figures. A second plan is a second bundle, not code.
type Bundle struct {
	// Format and Version name the file's layout (BundleFormat,
	// BundleVersion; docs/bundle.md). A file without them is version 1.
	Format     string         `json:"format,omitempty"`
	Version    int            `json:"version,omitempty"`
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
	// Bounds are the planner's ranges of figures (issue 9), for a unit or
	// for every unit of a kind.
	Bounds []*Bound `json:"bounds,omitempty"`
}

// The plan bundle file's name and layout version (issue 13); version 2
// adds the bounds of figures (a program that reads version 1 only says
// to update it rather than refusing an unknown field).
const (
	BundleFormat  = "kehoach.bundle"
	BundleVersion = 2
)

// CheckBundleVersion refuses a bundle of another format or of a newer
// layout than this program reads.
func CheckBundleVersion(b *Bundle) error {
	if b.Format != "" && b.Format != BundleFormat {
		return Errorf(EINVALID, "tệp không phải gói kế hoạch của kehoach (format %q, cần %q)", b.Format, BundleFormat)
	}
	if b.Version > BundleVersion {
		return Errorf(EINVALID, "gói kế hoạch phiên bản %d mới hơn phiên bản chương trình đọc được (%d): hãy cập nhật kehoach", b.Version, BundleVersion)
	}
	return nil
}

// BundleService exchanges plans as bundles (issue 13).
type BundleService interface {
	// ExportBundle returns the plan id as a bundle; ENOTFOUND for none.
	ExportBundle(ctx context.Context, planID int64) (*Bundle, error)
	// CheckBundle runs every step of a load and keeps nothing: EINVALID
	// or ECONFLICT saying what a load would refuse.
	CheckBundle(ctx context.Context, b *Bundle, by string) error
	// LoadBundle creates everything b holds in one transaction, or nothing.
	LoadBundle(ctx context.Context, b *Bundle, by string) error
}
