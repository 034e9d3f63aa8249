package kehoach

import "context"

// Import strategies, as DHIS2 names them.
const (
	// StrategyCreateAndUpdate writes every figure (the default).
	StrategyCreateAndUpdate = "CREATE_AND_UPDATE"
	// StrategyCreate writes figures not stored yet and ignores the others.
	StrategyCreate = "CREATE"
	// StrategyUpdate writes figures already stored and ignores new ones.
	StrategyUpdate = "UPDATE"
	// StrategyDelete removes the figures named, whatever their value.
	StrategyDelete = "DELETE"
)

// ImportOptions are what an import of figures decides.
type ImportOptions struct {
	// Strategy is one of the Strategy constants; "" is CREATE_AND_UPDATE.
	Strategy string
	DryRun   bool
	// SkipInvalid imports the good figures and lists the others (DHIS2's
	// atomicMode=NONE); by default one bad figure rejects the whole import
	// and nothing is saved.
	SkipInvalid bool
	// ElementScheme and UnitScheme name elements and units in the
	// cells: "code" (or "") or "uid" (dhis2.UID).
	ElementScheme, UnitScheme string
	By                        string
	// AnyPeriod accepts figures of periods no longer (or not yet) open
	// for entry, as DHIS2's F_EDIT_EXPIRED authority does: for
	// administrators restoring history. Everything else is checked.
	AnyPeriod bool
	// ConfirmUnusual keeps every unusual figure of the file, marked for
	// the approver, as a confirmation on each would (ValueCell.Confirmed).
	ConfirmUnusual bool
	// Progress, when set, is called with the number of figures read so
	// far, after every chunk.
	Progress func(done int64)
}

// ImportConflict is a figure an import did not write: the object at fault
// (a cell "UNIT.ELEMENT/PERIOD", or a code), where it stands in the file
// ("dòng 12", "ô D7"), the reason in Vietnamese and DHIS2's error code
// where one exists.
type ImportConflict struct {
	Object    string `json:"object"`
	Value     string `json:"value"`
	ErrorCode string `json:"errorCode,omitempty"`
	At        string `json:"location,omitempty"`
}

// ImportResult counts what an import did (or would do, on a dry run).
type ImportResult struct {
	Imported int64 `json:"imported"`
	Updated  int64 `json:"updated"`
	Ignored  int64 `json:"ignored"`
	Deleted  int64 `json:"deleted"`
	// Read is how many figures the file held.
	Read int64 `json:"-"`
	// Conflicts lists the refused figures, at most MaxImportConflicts;
	// ConflictCount counts them all.
	Conflicts     []ImportConflict `json:"conflicts"`
	ConflictCount int64            `json:"-"`
	// Warnings are figures that break a rule that does not block saving.
	Warnings []ImportConflict `json:"-"`
	// Saved: the figures are stored (false on a dry run, and when the
	// import was rejected).
	Saved bool `json:"-"`
}

// MaxImportConflicts bounds the conflicts an import lists, so that a file
// of a million wrong figures does not answer with a million messages.
const MaxImportConflicts = 1000

// ImportCell is a figure of an import with where it stands in the file.
type ImportCell struct {
	ValueCell
	// At is the figure's place in the file, for messages.
	At string
}

// ImportService exchanges files of figures: imports them from a stream,
// through the one write path, and reads them out as a stream.
type ImportService interface {
	// ScanDataValues calls fn with each live figure matching f, one at a
	// time, unit by unit then period; an error of fn stops it.
	ScanDataValues(ctx context.Context, f DataValueFilter, fn func(*DataValue) error) error
	// ImportValues reads every cell that cells yields, chunk by chunk,
	// checking and writing each chunk as every save does, all in one
	// transaction. An error of cells (a malformed file) rejects the whole
	// import and is returned. Refused figures are listed in the result:
	// without SkipInvalid nothing is saved when there is any. EUNAVAILABLE
	// when the database cannot store now; ECONFLICT for a submitted or
	// approved grid.
	ImportValues(ctx context.Context, o ImportOptions, cells func(yield func(ImportCell) error) error) (*ImportResult, error)
}
