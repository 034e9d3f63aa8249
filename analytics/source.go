package analytics

import (
	"context"

	"kehoach"
)

// The engine's data, as the engine needs it: the interfaces are defined
// here, by their consumer, and the store implements them (internal/store).

// RawValue is a figure as the analytics engine loads it: database ids, the
// period id and the number.
type RawValue struct {
	ElementID, UnitID int64
	Period, Disagg    string
	Num               float64
	HasNum, Deleted   bool
}

// ValueSource is what the analytics engine reads: the units, metadata and
// figures, and the versions that tell it whether it has seen the latest.
type ValueSource interface {
	FindUnits(ctx context.Context, f kehoach.UnitFilter) ([]*kehoach.Unit, error)
	FindDataElements(ctx context.Context) ([]*kehoach.DataElement, error)
	FindIndicators(ctx context.Context) ([]*kehoach.Indicator, error)
	// Versions returns the data version (bumped by every save of figures)
	// and the metadata version (bumped when units or elements change).
	Versions(ctx context.Context) (data, meta int64, err error)
	// ScanValues calls fn for each figure saved after version since (live
	// figures only when since is 0) and returns the version read up to.
	ScanValues(ctx context.Context, since int64, fn func(RawValue)) (int64, error)
}

// VersionSource is a source that tells its three versions (of the
// figures, the metadata and the approved grids, as Versions and
// ApprovalVersion do) in one question: every read of the engine asks
// them, and with 50 readers a question is most of what a read costs.
type VersionSource interface {
	AllVersions(ctx context.Context) (data, meta, approval int64, err error)
}

// UnitVersionSource is a source that tells the version of its units
// apart (bumped by every change of a unit; 0 when it cannot tell): new
// metadata that left the units as they were reloads without reading them
// again (100,000 villages were most of such a reload).
type UnitVersionSource interface {
	UnitsVersion(ctx context.Context) (int64, error)
}

// SnapshotStore keeps the analytics engine's checkpoint, so that a server
// starts from it instead of reading every figure row by row (tens of
// millions at the national scale). A snapshot is taken at a data version;
// the figures saved after it are read as usual.
type SnapshotStore interface {
	// SaveSnapshot replaces the snapshot with the parts yielded.
	SaveSnapshot(ctx context.Context, dataVersion, metaVersion int64, parts func(yield func(name string, data []byte) error) error) error
	// LoadSnapshot calls fn for each part of the snapshot and returns its
	// versions. Returns ENOTFOUND when there is none.
	LoadSnapshot(ctx context.Context, fn func(name string, data []byte) error) (dataVersion, metaVersion int64, err error)
}
